use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{did_you_mean_path, Context, Rule, RuleMeta};

pub struct ValuesFile;

static META: RuleMeta = RuleMeta {
    id: "fleet/values-file",
    severity: Severity::Error,
    summary: "A fleet.yaml lists a helm.valuesFiles entry that does not exist",
    doc: include_str!("../../../rules/fleet/values-file.md"),
};

impl Rule for ValuesFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let mut out = Vec::new();
        for b in &p.bundles {
            for (raw, span, target, exists) in b.values_files.iter().filter(|v| !v.3) {
                let _ = exists;
                let hint = target.as_deref().map_or(String::new(), |t| {
                    did_you_mean_path(t, p.files.iter().map(|f| f.rel.as_str()))
                });
                out.push(cx.report(&META, b.file, *span, format!("values file `{raw}` does not exist{hint}")).label("not found").help("Fleet fails to deploy the bundle; fix the path (relative to this fleet.yaml)"));
            }
        }
        out
    }
}
