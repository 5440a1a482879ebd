use crate::diagnostic::{Diagnostic, Severity};
use crate::model::gitops::{resolve, ObjRef};
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};

pub struct SourceRef;

static META: RuleMeta = RuleMeta {
    id: "flux/source-ref",
    severity: Severity::Error,
    summary:
        "A Flux sourceRef, chartRef or valuesFrom names an object the repository does not define",
    doc: include_str!("../../../rules/flux/source-ref.md"),
};

impl Rule for SourceRef {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        // ConfigMaps and Secrets also come from generators, ExternalSecrets and SealedSecrets.
        let mut produced: Vec<(&str, String, Option<String>)> = p
            .kustomizations
            .iter()
            .flat_map(|k| k.generated.iter().map(|(kind, n)| (*kind, n.clone(), None)))
            .collect();
        for o in &p.k8s {
            let root = p.doc(o);
            match (o.group(), o.kind.as_str()) {
                ("external-secrets.io", "ExternalSecret") => produced.extend(
                    root.str_at(&["spec", "target", "name"])
                        .or(o.name.as_deref())
                        .map(|n| ("Secret", n.to_string(), o.namespace.clone())),
                ),
                ("bitnami.com", "SealedSecret") => {
                    produced.extend(o.name.clone().map(|n| ("Secret", n, o.namespace.clone())))
                }
                _ => {}
            }
        }
        let mut out = Vec::new();
        for f in &p.flux {
            let refs = f
                .source
                .iter()
                .chain(f.values_from.iter().filter(|r| !r.optional));
            for r in refs {
                let ns = r.namespace.as_deref().or(f.namespace.as_deref());
                // `flux bootstrap` creates the flux-system GitRepository.
                let bootstrap = r.kind == "GitRepository" && r.name == "flux-system";
                let found = bootstrap
                    || resolve(p, r, f.namespace.as_deref()).is_some()
                    || produced.iter().any(|(k, n, pns)| {
                        *k == r.kind
                            && *n == r.name
                            && (ns.is_none() || pns.is_none() || pns.as_deref() == ns)
                    });
                if found {
                    continue;
                }
                // A repository with no object of that kind at all keeps its sources elsewhere.
                let any_of_kind = p.k8s.iter().any(|o| o.kind == r.kind)
                    || produced.iter().any(|(k, ..)| *k == r.kind);
                if any_of_kind {
                    out.push(missing(cx, f.file, r, ns, &produced));
                } else {
                    out.push(Diagnostic {
                        severity: Severity::Info,
                        ..cx.report(&META, f.file, r.span, format!("{} `{}` not checked: this repository defines no {} at all, so it is managed elsewhere", r.kind, r.name, r.kind)).label("outside this repository")
                    });
                }
            }
        }
        out
    }
}

fn missing(
    cx: &Context<'_>,
    file: usize,
    r: &ObjRef,
    ns: Option<&str>,
    produced: &[(&str, String, Option<String>)],
) -> Diagnostic {
    let p = cx.project;
    let mut same_kind: Vec<String> = p
        .k8s
        .iter()
        .filter(|o| o.kind == r.kind)
        .filter_map(|o| {
            Some(format!(
                "{}/{}",
                o.namespace.as_deref().unwrap_or("-"),
                o.name.as_deref()?
            ))
        })
        .collect();
    same_kind.extend(
        produced
            .iter()
            .filter(|(k, ..)| *k == r.kind)
            .map(|(_, n, pns)| format!("{}/{n}", pns.as_deref().unwrap_or("-"))),
    );
    let names: Vec<&str> = p
        .k8s
        .iter()
        .filter(|o| o.kind == r.kind)
        .filter_map(|o| o.name.as_deref())
        .chain(
            produced
                .iter()
                .filter(|(k, ..)| *k == r.kind)
                .map(|(_, n, _)| n.as_str()),
        )
        .collect();
    let hint = did_you_mean(&r.name, names);
    let where_ = ns.map_or(String::new(), |n| format!(" in namespace `{n}`"));
    let searched = match same_kind.len() {
        n if n <= 5 => format!("{} of kind {} found: {}", n, r.kind, same_kind.join(", ")),
        n => format!("{n} objects of kind {} found", r.kind),
    };
    cx.report(&META, file, r.span, format!("no {} `{}`{where_} is defined in this repository{hint}", r.kind, r.name))
        .label("unresolved reference")
        .help(format!("searched {} manifests, generators and ExternalSecrets ({searched}); Flux stops reconciling with `{} not found`. A reference without `namespace:` looks in the referrer's own namespace", p.k8s.len(), r.kind))
}
