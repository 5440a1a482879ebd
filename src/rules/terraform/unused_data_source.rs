use crate::diagnostic::{Diagnostic, Severity};
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

    fn needs_graph(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let data = |a: &Address| matches!(a, Address::Data(..));
        for (e, addr, file, m) in super::unreferenced_blocks(cx, data) {
            let Address::Data(t, n) = addr else {
                continue;
            };
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
