use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{did_you_mean_path, Context, Rule, RuleMeta};

pub struct ModuleSourceMissing;

static META: RuleMeta = RuleMeta {
    id: "terraform/module-source-missing",
    severity: Severity::Error,
    summary: "A local module source points at a directory that is missing or holds no .tf files",
    doc: include_str!("../../../rules/terraform/module-source-missing.md"),
};

impl Rule for ModuleSourceMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let modules: Vec<&str> = cx.project.modules.iter().map(|m| m.dir.as_str()).collect();
        cx.project
            .missing_sources
            .iter()
            .map(|s| {
                let what = if s.exists {
                    "holds no .tf files"
                } else {
                    "does not exist"
                };
                let hint = did_you_mean_path(&s.path, modules.iter().copied());
                cx.report(
                    &META,
                    s.file,
                    s.span,
                    format!("module source `{}` {what}{hint}", s.path),
                )
                .label("no module here")
                .help("`terraform init` fails on it; fix the path, or restore the module directory")
            })
            .collect()
    }
}
