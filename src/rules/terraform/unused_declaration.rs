use crate::diagnostic::{Diagnostic, Severity};
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

    fn needs_graph(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let declared = |a: &Address| matches!(a, Address::Var(_) | Address::Local(_));
        for (e, addr, file, _) in super::unreferenced_blocks(cx, declared) {
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
