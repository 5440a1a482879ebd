use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{did_you_mean_path, Context, Rule, RuleMeta};

pub struct DependencyPath;

static META: RuleMeta = RuleMeta {
    id: "terragrunt/dependency-path",
    severity: Severity::Error,
    summary: "A Terragrunt dependency points at a directory without terragrunt.hcl",
    doc: include_str!("../../../rules/terragrunt/dependency-path.md"),
};

impl Rule for DependencyPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let units: Vec<&str> = cx
            .project
            .terragrunt
            .iter()
            .map(|u| u.dir.as_str())
            .collect();
        let mut out = Vec::new();
        for unit in &cx.project.terragrunt {
            for e in unit.edges.iter().filter(|e| !e.exists) {
                let what = match &e.name {
                    Some(n) => format!("dependency `{n}`"),
                    None => "a `dependencies` path".to_string(),
                };
                let hint = did_you_mean_path(&e.target, units.iter().copied());
                out.push(
                    cx.report(&META, unit.file, e.span, format!("{what} points at `{}`, which holds no terragrunt.hcl{hint}", e.target))
                        .label("no Terragrunt unit here")
                        .help("Terragrunt stops before planning this unit; fix the path, or restore the unit"),
                );
            }
        }
        out
    }
}
