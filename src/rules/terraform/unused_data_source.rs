use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::EntityKind;
use crate::model::terraform::Address;
use crate::rules::{Context, Rule, RuleMeta};

pub struct UnusedDataSource;

static META: RuleMeta = RuleMeta {
    id: "terraform/unused-data-source",
    severity: Severity::Warning,
    summary: "A data source is never referenced in its module",
    doc: include_str!("../../../rules/terraform/unused-data-source.md"),
};

impl Rule for UnusedDataSource {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for id in cx.graph.entities(EntityKind::TfBlock) {
            let e = cx.graph.entity(id);
            let (Some(Address::Data(t, n)), Some(file), Some(m)) = (&e.addr, e.file, e.module)
            else {
                continue;
            };
            // A file of the module that did not parse may hold the reference.
            // An override block merges into its base declaration, which is judged instead.
            if crate::model::terraform::is_override(&cx.project.files[file].rel) {
                continue;
            }
            if !cx.project.module_parsed(m)
                || cx.graph.referrers(id).iter().any(|(from, _)| *from != id)
            {
                continue;
            }
            let dir = &cx.project.modules[m].dir;
            let module = if dir.is_empty() {
                "the root module".to_string()
            } else {
                format!("module `{dir}`")
            };
            out.push(
                cx.report(&META, file, e.span, format!("data source `data.{t}.{n}` is never referenced in {module}"))
                    .label("declared here, read nowhere")
                    .help(format!("remove the block, or use it as `data.{t}.{n}.<attribute>`; an unused data source is dead code that still calls the provider on every plan")),
            );
        }
        out
    }
}
