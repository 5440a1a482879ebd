use crate::diagnostic::{Diagnostic, Severity};
use crate::model::gitops::FluxKind;
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};

pub struct DependsOn;

static META: RuleMeta = RuleMeta {
    id: "flux/depends-on",
    severity: Severity::Error,
    summary: "A Flux dependsOn entry names no Kustomization or HelmRelease of the repository",
    doc: include_str!("../../../rules/flux/depends-on.md"),
};

impl Rule for DependsOn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let mut out = Vec::new();
        for f in &p.flux {
            for d in &f.depends_on {
                let ns = d.namespace.as_deref().or(f.namespace.as_deref());
                if target(cx, f.kind, &d.name, ns).is_some() {
                    continue;
                }
                let kind = if f.kind == FluxKind::Kustomization {
                    "Kustomization"
                } else {
                    "HelmRelease"
                };
                let names: Vec<&str> = p
                    .flux
                    .iter()
                    .filter(|o| o.kind == f.kind)
                    .map(|o| o.name.as_str())
                    .collect();
                let hint = did_you_mean(&d.name, names);
                let where_ = ns.map_or(String::new(), |n| format!(" in namespace `{n}`"));
                out.push(cx.report(&META, f.file, d.span, format!("`{}` depends on {kind} `{}`{where_}, which this repository does not define{hint}", f.name, d.name)).label("unresolved dependency").help(format!("Flux waits forever for a dependency that never becomes ready; fix the name (and `namespace:` if the {kind} lives elsewhere)")));
            }
        }
        out
    }
}

/// The Flux object a dependsOn entry names (`ns` unknown matches any namespace).
pub fn target(cx: &Context<'_>, kind: FluxKind, name: &str, ns: Option<&str>) -> Option<usize> {
    cx.project.flux.iter().position(|o| {
        o.kind == kind
            && o.name == name
            && (ns.is_none() || o.namespace.is_none() || o.namespace.as_deref() == ns)
    })
}
