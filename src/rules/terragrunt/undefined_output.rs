use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};

pub struct UndefinedOutput;

static META: RuleMeta = RuleMeta {
    id: "terragrunt/undefined-output",
    severity: Severity::Error,
    summary: "A dependency output is read that the target unit's module does not declare",
    doc: include_str!("../../../rules/terragrunt/undefined-output.md"),
};

impl Rule for UndefinedOutput {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let mut out = Vec::new();
        let mut by_dir = std::collections::HashMap::new();
        for u in &p.terragrunt {
            by_dir.entry(u.dir.as_str()).or_insert(u);
        }
        for unit in &p.terragrunt {
            for read in &unit.reads {
                let Some(edge) = unit
                    .edges
                    .iter()
                    .find(|e| e.name.as_deref() == Some(read.dep.as_str()))
                else {
                    continue;
                };
                let Some(&target) = by_dir.get(edge.target.as_str()) else {
                    continue;
                };
                // `generate` blocks and the unit's own `.tf` files can add outputs.
                if target.generates || p.module_of(&target.dir).is_some() {
                    continue;
                }
                let Some(module) = target.module else {
                    continue;
                };
                let outputs = p.outputs(module);
                if outputs.contains(&read.output) {
                    continue;
                }
                let hint = did_you_mean(&read.output, outputs.iter().map(String::as_str));
                out.push(
                    cx.report(&META, unit.file, read.span, format!("`{}` deploys {}, which has no output `{}`{hint}", target.dir, p.modules[module].dir, read.output))
                        .label("no such output")
                        .related(target.file, edge.span, "the dependency")
                        .help("Terragrunt fails when it reads the dependency's outputs; fix the name, or add the output to the module"),
                );
            }
        }
        out
    }
}
