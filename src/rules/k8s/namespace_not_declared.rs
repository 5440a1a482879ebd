use crate::diagnostic::{Diagnostic, Severity};
use crate::model::gitops::{reachable, FluxKind, Owner};
use crate::model::terraform::BlockKind;
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};
use crate::source::{FileId, Span};
use std::collections::{HashMap, HashSet, VecDeque};

pub struct NamespaceNotDeclared;

static META: RuleMeta = RuleMeta {
    id: "k8s/namespace-not-declared",
    severity: Severity::Warning,
    summary:
        "An object's namespace is not created anywhere in the repository, or is created too late",
    doc: include_str!("../../../rules/k8s/namespace-not-declared.md"),
};

const BUILT_IN: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];
const FLEET: &[&str] = &[
    "cattle-fleet-system",
    "cattle-fleet-local-system",
    "fleet-local",
    "fleet-default",
];

impl Rule for NamespaceNotDeclared {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        // Namespace objects, with where they are.
        let objects: HashMap<&str, (FileId, Span)> = p
            .k8s
            .iter()
            .filter(|o| o.group().is_empty() && o.kind == "Namespace")
            .filter_map(|o| Some((o.name.as_deref()?, (o.file, o.span))))
            .collect();
        let mut declared: HashSet<String> = objects.keys().map(|n| n.to_string()).collect();
        declared.extend(
            BUILT_IN
                .iter()
                .chain(
                    &cx.config
                        .k8s
                        .known_namespaces
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>(),
                )
                .map(|n| n.to_string()),
        );
        if !p.flux.is_empty()
            || p.k8s
                .iter()
                .any(|o| o.group().ends_with("toolkit.fluxcd.io"))
        {
            declared.insert("flux-system".into());
        }
        if !p.bundles.is_empty() || p.k8s.iter().any(|o| o.group() == "fleet.cattle.io") {
            declared.extend(FLEET.iter().map(|n| n.to_string()));
        }
        for f in p
            .flux
            .iter()
            .filter(|f| f.kind == FluxKind::HelmRelease && f.creates_namespace)
        {
            // Its own namespace must exist before the HelmRelease can; createNamespace makes the target.
            declared.extend(f.target_namespace.clone());
        }
        for b in &p.bundles {
            declared.extend(b.namespaces.iter().cloned());
        }
        for o in p
            .k8s
            .iter()
            .filter(|o| o.is("helm.cattle.io", &["HelmChart"]))
        {
            let root = p.doc(o);
            if root
                .path(&["spec", "createNamespace"])
                .and_then(|c| c.as_bool())
                == Some(true)
            {
                declared.extend(
                    root.str_at(&["spec", "targetNamespace"])
                        .map(str::to_string),
                );
            }
        }
        for tf in (0..p.files.len()).filter_map(|f| p.tf(f)) {
            for b in tf.blocks.iter().filter(|b| {
                b.kind == BlockKind::Resource
                    && matches!(
                        b.labels.first().map(String::as_str),
                        Some("kubernetes_namespace" | "kubernetes_namespace_v1")
                    )
            }) {
                declared.extend(
                    b.blocks_named("metadata")
                        .filter_map(|m| m.attr("name")?.literal.clone()),
                );
            }
        }
        // Objects whose namespace a kustomization or Flux sets at apply time.
        let mut overridden: HashSet<FileId> = HashSet::new();
        for (i, _) in p
            .kustomizations
            .iter()
            .enumerate()
            .filter(|(_, k)| k.namespace.is_some())
        {
            overridden.extend(reachable(p, i));
        }
        for (file, owners) in p.owners.iter().enumerate() {
            if owners
                .iter()
                .any(|o| matches!(o, Owner::Flux(i) if p.flux[*i].target_namespace.is_some()))
            {
                overridden.insert(file);
            }
        }
        let mut out = Vec::new();
        // One finding per namespace and file: a generated file repeats the same namespace.
        let mut seen: HashSet<(FileId, &str)> = HashSet::new();
        let mut per_file: HashMap<(FileId, &str), usize> = HashMap::new();
        for o in &p.k8s {
            if let Some(ns) = &o.namespace {
                *per_file.entry((o.file, ns.as_str())).or_default() += 1;
            }
        }
        for o in &p.k8s {
            let (Some(ns), false) = (
                &o.namespace,
                o.kind == "Namespace" || overridden.contains(&o.file),
            ) else {
                continue;
            };
            if !seen.insert((o.file, ns.as_str())) {
                continue;
            }
            let Some(at) = p.doc(o).path(&["metadata", "namespace"]) else {
                continue;
            };
            let more = per_file[&(o.file, ns.as_str())] - 1;
            let more = if more > 0 {
                format!(" (and {more} more objects in this file)")
            } else {
                String::new()
            };
            let what = format!("{} `{}`", o.kind, o.name.as_deref().unwrap_or("?"));
            if !declared.contains(ns) {
                let hint = did_you_mean(ns, declared.iter().map(String::as_str));
                out.push(cx.report(&META, o.file, at.span, format!("{what} is in namespace `{ns}`, which nothing in this repository creates{hint}{more}")).label("namespace never created").help("apply fails with `namespaces \"…\" not found`; add a Namespace manifest (or `createNamespace: true`), or list it under `[k8s] known_namespaces` in infralint.toml if it is created elsewhere"));
                continue;
            }
            if let Some(d) = ordering(cx, o.file, ns, &objects) {
                out.push(d.related(objects[ns.as_str()].0, objects[ns.as_str()].1, "the Namespace is created here").help("Flux applies Kustomizations in dependsOn order; add a dependsOn (direct or through others) on the Kustomization that creates the namespace, or move the Namespace into one that runs first"));
            }
        }
        out
    }
}

/// The TazLab bug: the Namespace is applied by a Flux Kustomization this object's
/// Kustomization does not (transitively) depend on.
fn ordering(
    cx: &Context<'_>,
    file: FileId,
    ns: &str,
    objects: &HashMap<&str, (FileId, Span)>,
) -> Option<Diagnostic> {
    let p = cx.project;
    let flux_owners = |f: FileId| {
        p.owners[f]
            .iter()
            .filter_map(|o| {
                if let Owner::Flux(i) = o {
                    Some(*i)
                } else {
                    None
                }
            })
            .collect::<Vec<_>>()
    };
    let &(ns_file, _) = objects.get(ns)?;
    // Flux bootstrap creates flux-system before anything else runs.
    if ns == "flux-system" {
        return None;
    }
    let creators = flux_owners(ns_file);
    let users = flux_owners(file);
    if creators.is_empty()
        || users.is_empty()
        || users
            .iter()
            .any(|u| creators.iter().any(|c| depends(cx, *u, *c)))
    {
        return None;
    }
    let o = p
        .k8s
        .iter()
        .find(|o| o.file == file && o.namespace.as_deref() == Some(ns))?;
    let at = p.doc(o).path(&["metadata", "namespace"])?;
    let (user, creator) = (&p.flux[users[0]].name, &p.flux[creators[0]].name);
    Some(cx.report(&META, file, at.span, format!("namespace `{ns}` is created by Kustomization `{creator}`, which `{user}` (applying this {}) does not depend on", o.kind)).label("may be applied before its namespace exists"))
}

/// Whether Flux Kustomization `a` runs after `b`: through dependsOn, or because `b` (or
/// something after it) applies `a`'s own manifest.
fn depends(cx: &Context<'_>, a: usize, b: usize) -> bool {
    let p = cx.project;
    let mut seen = HashSet::from([a]);
    let mut queue = VecDeque::from([a]);
    while let Some(n) = queue.pop_front() {
        if n == b {
            return true;
        }
        let f = &p.flux[n];
        for parent in p.owners[f.file].iter().filter_map(|o| {
            if let Owner::Flux(i) = o {
                Some(*i)
            } else {
                None
            }
        }) {
            if seen.insert(parent) {
                queue.push_back(parent);
            }
        }
        for d in &f.depends_on {
            let ns = d.namespace.as_deref().or(f.namespace.as_deref());
            if let Some(t) = crate::rules::flux::depends_on::target(cx, f.kind, &d.name, ns) {
                if seen.insert(t) {
                    queue.push_back(t);
                }
            }
        }
    }
    false
}
