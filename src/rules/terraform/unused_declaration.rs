use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::EntityKind;
use crate::model::terraform::Address;
use crate::rules::{Context, Rule, RuleMeta};

pub struct UnusedDeclaration;

static META: RuleMeta = RuleMeta {
    id: "terraform/unused-declaration",
    severity: Severity::Warning,
    summary: "A variable or local is never referenced in its module",
    doc: include_str!("../../../rules/terraform/unused-declaration.md"),
};

impl Rule for UnusedDeclaration {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for id in cx.graph.entities(EntityKind::TfBlock) {
            let e = cx.graph.entity(id);
            let (Some(addr @ (Address::Var(_) | Address::Local(_))), Some(file), Some(m)) =
                (&e.addr, e.file, e.module)
            else {
                continue;
            };
            // An override block merges into its base declaration, which is judged instead.
            if crate::model::terraform::is_override(&cx.project.files[file].rel) {
                continue;
            }
            if !cx.project.module_parsed(m)
                || cx.graph.referrers(id).iter().any(|(from, _)| *from != id)
            {
                continue;
            }
            let (what, name, fix) = match addr {
                Address::Var(n) => (
                    "variable",
                    n,
                    "remove it (and its values in tfvars and module calls), or use it",
                ),
                Address::Local(n) => ("local", n, "remove it, or use it"),
                _ => continue,
            };
            out.push(
                cx.report(
                    &META,
                    file,
                    e.span,
                    format!("{what} `{name}` is never referenced in its module"),
                )
                .label("declared, never read")
                .help(fix),
            );
        }
        out
    }
}
