use crate::diagnostic::{Diagnostic, Severity};
use crate::model::gitops::{resolve, FluxKind};
use crate::model::join;
use crate::rules::{did_you_mean_path, Context, Rule, RuleMeta};

pub struct KustomizationPath;

static META: RuleMeta = RuleMeta {
    id: "flux/kustomization-path",
    severity: Severity::Error,
    summary: "A Flux Kustomization's spec.path does not exist in the repository",
    doc: include_str!("../../../rules/flux/kustomization-path.md"),
};

impl Rule for KustomizationPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let url_of = |o: &crate::model::kubernetes::K8sObject| {
            p.doc(o).str_at(&["spec", "url"]).map(str::to_string)
        };
        // The bootstrap source is the repository being linted.
        let own_url = p
            .k8s
            .iter()
            .find(|o| o.kind == "GitRepository" && o.name.as_deref() == Some("flux-system"))
            .and_then(url_of);
        let dirs = p.dirs();
        let mut out = Vec::new();
        for f in p.flux.iter().filter(|f| f.kind == FluxKind::Kustomization) {
            let (Some((path, span)), Some(source)) = (&f.path, &f.source) else {
                continue;
            };
            let repo = resolve(p, source, f.namespace.as_deref());
            let this_repo = source.kind == "GitRepository"
                && (source.name == "flux-system"
                    || (own_url.is_some() && repo.and_then(url_of) == own_url));
            if !this_repo {
                let whence = repo
                    .and_then(url_of)
                    .map_or(String::new(), |u| format!(" ({u})"));
                out.push(Diagnostic {
                    severity: Severity::Info,
                    ..cx.report(&META, f.file, *span, format!("path `{path}` not checked: it is in {} `{}`{whence}, not this repository", source.kind, source.name)).label("another source")
                });
                continue;
            }
            let Some(rel) = join("", path) else { continue };
            if !p.exists(&rel).0 {
                let hint = did_you_mean_path(&rel, dirs.iter().copied());
                out.push(cx.report(&META, f.file, *span, format!("Kustomization `{}` applies `{path}`, which does not exist in this repository{hint}", f.name)).label("no such directory").help("Flux reports `kustomization path not found` at reconcile time and applies nothing; fix the path (relative to the repository root)"));
            }
        }
        out
    }
}
