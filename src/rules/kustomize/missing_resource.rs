use crate::diagnostic::{Diagnostic, Severity};
use crate::model::kustomize::{EntryKind, FILE_NAMES};
use crate::rules::{did_you_mean_path, Context, Rule, RuleMeta};

pub struct MissingResource;

static META: RuleMeta = RuleMeta {
    id: "kustomize/missing-resource",
    severity: Severity::Error,
    summary:
        "A kustomization lists a resource, patch, component or generator file that does not exist",
    doc: include_str!("../../../rules/kustomize/missing-resource.md"),
};

impl Rule for MissingResource {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let mut out = Vec::new();
        // Files a plugin produces at build time are not in the tree.
        for k in p.kustomizations.iter().filter(|k| !k.plugins) {
            for e in &k.entries {
                let Some(target) = &e.target else { continue };
                let message = if !e.exists {
                    let hint = did_you_mean_path(target, p.files.iter().map(|f| f.rel.as_str()));
                    format!("{} `{}` does not exist{hint}", e.kind.as_str(), e.raw)
                } else if e.is_dir
                    && matches!(e.kind, EntryKind::Resource | EntryKind::Component)
                    && !FILE_NAMES
                        .iter()
                        .any(|n| p.exists(&format!("{target}/{n}")).0)
                {
                    format!(
                        "{} `{}` is a directory without a kustomization file",
                        e.kind.as_str(),
                        e.raw
                    )
                } else {
                    continue;
                };
                out.push(cx.report(&META, k.file, e.span, message).label("not found").help("`kustomize build` (and Flux) fail on it; fix the path, or add the file"));
            }
        }
        out
    }
}
