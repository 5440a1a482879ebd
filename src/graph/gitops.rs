//! GitOps edges: what kustomizations list, what Flux and Fleet apply and depend on, and which
//! Terragrunt unit waits for which.

use super::{Entity, EntityId, EntityKind, Graph, RefKind, Reference};
use crate::model::gitops::{bundle_name, resolve_index, BundleDep, Owner};
use crate::model::kustomize::FILE_NAMES;
use crate::model::{join, Project};
use std::collections::HashMap;

pub(super) fn add(graph: &mut Graph, p: &Project) {
    let objects: Vec<EntityId> = p
        .k8s
        .iter()
        .map(|o| {
            let name = format!(
                "{} {}/{}",
                o.kind,
                o.namespace.as_deref().unwrap_or("-"),
                o.name.as_deref().unwrap_or("?")
            );
            graph.add(Entity {
                kind: EntityKind::K8sObject,
                name,
                file: Some(o.file),
                span: o.span,
                module: None,
                addr: None,
            })
        })
        .collect();
    let file = |graph: &Graph, rel: &str| p.file_by_rel(rel).and_then(|f| graph.file(f));
    // A directory stands for its kustomization file when it has one.
    let dir_entry = |graph: &Graph, dir: &str| {
        FILE_NAMES
            .iter()
            .find_map(|n| file(graph, &join(dir, n).unwrap_or_default()))
    };
    for k in &p.kustomizations {
        let Some(from) = graph.file(k.file) else {
            continue;
        };
        for e in &k.entries {
            let Some(target) = &e.target else { continue };
            if let Some(to) = file(graph, target).or_else(|| dir_entry(graph, target)) {
                graph.link(
                    from,
                    to,
                    Reference {
                        kind: RefKind::Kustomize,
                        file: k.file,
                        span: e.span,
                    },
                );
            }
        }
    }
    for f in &p.flux {
        let from = objects[f.object];
        let refs = f.source.iter().chain(&f.values_from);
        for r in refs {
            if let Some(to) = resolve_index(p, r, f.namespace.as_deref()) {
                graph.link(
                    from,
                    objects[to],
                    Reference {
                        kind: RefKind::Source,
                        file: f.file,
                        span: r.span,
                    },
                );
            }
        }
        for d in &f.depends_on {
            let ns = d.namespace.as_deref().or(f.namespace.as_deref());
            if let Some(t) = p.flux.iter().find(|o| {
                o.kind == f.kind
                    && o.name == d.name
                    && (ns.is_none() || o.namespace.is_none() || o.namespace.as_deref() == ns)
            }) {
                graph.link(
                    from,
                    objects[t.object],
                    Reference {
                        kind: RefKind::DependsOn,
                        file: f.file,
                        span: d.span,
                    },
                );
            }
        }
        if let Some((path, span)) = &f.path {
            if let Some(to) = join("", path).and_then(|d| dir_entry(graph, &d)) {
                graph.link(
                    from,
                    to,
                    Reference {
                        kind: RefKind::Applies,
                        file: f.file,
                        span: *span,
                    },
                );
            }
        }
    }
    let mut bundles: HashMap<String, EntityId> = HashMap::new();
    for g in &p.git_repos {
        for (raw, span) in &g.paths {
            let Some(path) = join("", raw) else { continue };
            for b in p.bundles_under(&path).map(|b| &p.bundles[b]) {
                let Some(to) = graph.file(b.file) else {
                    continue;
                };
                bundles.insert(
                    b.name
                        .clone()
                        .unwrap_or_else(|| bundle_name(&g.name, &b.dir)),
                    to,
                );
                graph.link(
                    objects[g.object],
                    to,
                    Reference {
                        kind: RefKind::Applies,
                        file: g.file,
                        span: *span,
                    },
                );
            }
        }
    }
    for b in &p.bundles {
        for (dep, span) in &b.depends_on {
            if let (BundleDep::Name(name), Some(from)) = (dep, graph.file(b.file)) {
                if let Some(&to) = bundles.get(name) {
                    graph.link(
                        from,
                        to,
                        Reference {
                            kind: RefKind::DependsOn,
                            file: b.file,
                            span: *span,
                        },
                    );
                }
            }
        }
    }
    for (file, owners) in p.owners.iter().enumerate() {
        let Some(to) = graph.file(file) else { continue };
        for owner in owners {
            let (from, at_file, at) = match *owner {
                Owner::Flux(i) => (
                    objects[p.flux[i].object],
                    p.flux[i].file,
                    p.flux[i]
                        .path
                        .as_ref()
                        .map_or(p.k8s[p.flux[i].object].span, |(_, s)| *s),
                ),
                Owner::Fleet(b) => match graph.file(p.bundles[b].file) {
                    Some(f) => (f, p.bundles[b].file, Default::default()),
                    None => continue,
                },
                Owner::Kustomize(k) => match graph.file(p.kustomizations[k].file) {
                    Some(f) => (f, p.kustomizations[k].file, Default::default()),
                    None => continue,
                },
            };
            graph.link(
                from,
                to,
                Reference {
                    kind: RefKind::Owns,
                    file: at_file,
                    span: at,
                },
            );
        }
    }
    for u in &p.terragrunt {
        for e in u.edges.iter().filter(|e| e.exists) {
            if let (Some(from), Some(to)) = (
                graph.file(u.file),
                file(graph, &format!("{}/terragrunt.hcl", e.target)),
            ) {
                graph.link(
                    from,
                    to,
                    Reference {
                        kind: RefKind::DependsOn,
                        file: u.file,
                        span: e.span,
                    },
                );
            }
        }
    }
}
