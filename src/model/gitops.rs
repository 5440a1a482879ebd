//! Flux CD and Rancher Fleet: what reconciles what, and what each object points at.

use super::kubernetes::K8sObject;
use super::{join, Project};
use crate::parse::yaml::YNode;
use crate::source::{FileId, Span};
use rayon::prelude::*;
use std::collections::HashSet;

/// A reference to another object by kind, name and (optional) namespace.
#[derive(Clone, Debug)]
pub struct ObjRef {
    pub kind: String,
    pub name: String,
    /// As written; `None` means the referrer's own namespace.
    pub namespace: Option<String>,
    pub span: Span,
    /// `valuesFrom` entries marked `optional: true` may be absent.
    pub optional: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FluxKind {
    Kustomization,
    HelmRelease,
}

/// A Flux `Kustomization` or `HelmRelease`.
#[derive(Clone, Debug)]
pub struct FluxObject {
    pub kind: FluxKind,
    /// Index into `Project::k8s`.
    pub object: usize,
    pub file: FileId,
    pub name: String,
    pub namespace: Option<String>,
    /// Kustomization `spec.path` and where it is written.
    pub path: Option<(String, Span)>,
    /// `spec.sourceRef`, `spec.chart.spec.sourceRef` or `spec.chartRef`.
    pub source: Option<ObjRef>,
    pub values_from: Vec<ObjRef>,
    pub depends_on: Vec<ObjRef>,
    pub target_namespace: Option<String>,
    pub creates_namespace: bool,
}

/// A Fleet `GitRepo`.
#[derive(Clone, Debug)]
pub struct GitRepo {
    pub object: usize,
    pub file: FileId,
    pub name: String,
    pub repo: Option<String>,
    /// Each path as written and resolved (relative to the repository root).
    pub paths: Vec<(String, Span)>,
}

/// A `dependsOn` entry of a fleet.yaml.
#[derive(Clone, Debug)]
pub enum BundleDep {
    Name(String),
    Selector(Vec<(String, String)>),
}

/// A Fleet bundle: a directory with a `fleet.yaml`.
#[derive(Clone, Debug)]
pub struct Bundle {
    pub file: FileId,
    pub dir: String,
    /// The `name:` field, when set.
    pub name: Option<String>,
    pub labels: Vec<(String, String)>,
    pub depends_on: Vec<(BundleDep, Span)>,
    /// `helm.valuesFiles`: as written, resolved, and whether it exists.
    pub values_files: Vec<(String, Span, Option<String>, bool)>,
    pub namespaces: Vec<String>,
    /// Deploys a Helm chart (`helm.chart`), whose resources the repository never shows.
    pub helm: bool,
}

fn obj_ref(node: &YNode, default_kind: &str) -> Option<ObjRef> {
    Some(ObjRef {
        kind: node.str_at(&["kind"]).unwrap_or(default_kind).to_string(),
        name: node.str_at(&["name"])?.to_string(),
        namespace: node.str_at(&["namespace"]).map(str::to_string),
        span: node.span,
        optional: node
            .get("optional")
            .and_then(YNode::as_bool)
            .unwrap_or(false),
    })
}

pub fn flux(p: &Project) -> Vec<FluxObject> {
    let mut out = Vec::new();
    for (i, o) in p.k8s.iter().enumerate() {
        let kind = if o.is("kustomize.toolkit.fluxcd.io", &["Kustomization"]) {
            FluxKind::Kustomization
        } else if o.is("helm.toolkit.fluxcd.io", &["HelmRelease"]) {
            FluxKind::HelmRelease
        } else {
            continue;
        };
        let Some(name) = o.name.clone() else { continue };
        let root = p.doc(o);
        let spec = root.get("spec");
        let at = |keys: &[&str]| spec.and_then(|s| s.path(keys));
        let source = match kind {
            FluxKind::Kustomization => at(&["sourceRef"]).and_then(|n| obj_ref(n, "GitRepository")),
            FluxKind::HelmRelease => at(&["chart", "spec", "sourceRef"])
                .and_then(|n| obj_ref(n, "HelmRepository"))
                .or_else(|| at(&["chartRef"]).and_then(|n| obj_ref(n, "OCIRepository"))),
        };
        let list = |key: &str, kind: &str| {
            at(&[key])
                .map(YNode::items)
                .unwrap_or_default()
                .iter()
                .filter_map(|n| obj_ref(n, kind))
                .collect::<Vec<_>>()
        };
        let depends_kind = if kind == FluxKind::Kustomization {
            "Kustomization"
        } else {
            "HelmRelease"
        };
        out.push(FluxObject {
            kind,
            object: i,
            file: o.file,
            name,
            namespace: o.namespace.clone(),
            path: at(&["path"]).and_then(|n| Some((n.as_str()?.to_string(), n.span))),
            source,
            values_from: if kind == FluxKind::HelmRelease {
                list("valuesFrom", "ConfigMap")
            } else {
                Vec::new()
            },
            depends_on: list("dependsOn", depends_kind),
            target_namespace: at(&["targetNamespace"])
                .and_then(YNode::as_str)
                .map(str::to_string),
            creates_namespace: at(&["install", "createNamespace"])
                .and_then(YNode::as_bool)
                .unwrap_or(false),
        });
    }
    out
}

pub fn git_repos(p: &Project) -> Vec<GitRepo> {
    p.k8s
        .iter()
        .enumerate()
        .filter(|(_, o)| o.is("fleet.cattle.io", &["GitRepo"]))
        .filter_map(|(i, o)| {
            let root = p.doc(o);
            let paths = root
                .path(&["spec", "paths"])
                .map(YNode::items)
                .unwrap_or_default()
                .iter()
                .filter_map(|n| Some((n.as_str()?.to_string(), n.span)))
                .collect();
            Some(GitRepo {
                object: i,
                file: o.file,
                name: o.name.clone()?,
                repo: root.str_at(&["spec", "repo"]).map(str::to_string),
                paths,
            })
        })
        .collect()
}

pub fn bundles(p: &Project) -> Vec<Bundle> {
    let mut out = Vec::new();
    for (file, src) in p.files.iter().enumerate() {
        if p.roles[file] != super::Role::Fleet {
            continue;
        }
        let _ = src;
        let Some(root) = p.yaml(file).and_then(|y| y.docs.first()).map(|d| &d.root) else {
            continue;
        };
        let dir = p.dir_of(file).to_string();
        let pairs = |n: Option<&YNode>| {
            n.map(YNode::entries)
                .unwrap_or_default()
                .iter()
                .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string())))
                .collect::<Vec<_>>()
        };
        let depends_on = root
            .get("dependsOn")
            .map(YNode::items)
            .unwrap_or_default()
            .iter()
            .filter_map(
                |d| match (d.str_at(&["name"]), d.path(&["selector", "matchLabels"])) {
                    (Some(name), _) => Some((BundleDep::Name(name.to_string()), d.span)),
                    (None, Some(labels)) => {
                        Some((BundleDep::Selector(pairs(Some(labels))), d.span))
                    }
                    _ => None,
                },
            )
            .collect();
        let values_files = root
            .path(&["helm", "valuesFiles"])
            .map(YNode::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|n| {
                let raw = n.as_str()?.to_string();
                let target = join(&dir, &raw);
                let exists = target.as_ref().is_none_or(|t| {
                    p.file_by_rel(t).is_some() || (!p.root.is_file() && p.root.join(t).is_file())
                });
                Some((raw, n.span, target, exists))
            })
            .collect();
        let namespaces = ["defaultNamespace", "namespace"]
            .iter()
            .filter_map(|k| root.str_at(&[k]).map(str::to_string))
            .collect();
        out.push(Bundle {
            file,
            dir,
            name: root.str_at(&["name"]).map(str::to_string),
            labels: pairs(root.get("labels")),
            depends_on,
            values_files,
            namespaces,
            helm: root.path(&["helm", "chart"]).is_some(),
        });
    }
    out
}

/// Fleet's bundle name for `dir` deployed by GitRepo `repo`: `<repo>-<dir with / as ->`.
pub fn bundle_name(repo: &str, dir: &str) -> String {
    let path = dir.trim_matches('/').replace('/', "-");
    if path.is_empty() {
        repo.to_string()
    } else {
        format!("{repo}-{path}").to_ascii_lowercase()
    }
}

/// The object a reference names, if the repository defines it. `from` is the referrer's
/// namespace; a reference without a namespace looks there (or anywhere, when that is unknown).
pub fn resolve<'a>(p: &'a Project, r: &ObjRef, from: Option<&str>) -> Option<&'a K8sObject> {
    resolve_index(p, r, from).map(|i| &p.k8s[i])
}

/// As `resolve`, as an index into `Project::k8s`.
pub fn resolve_index(p: &Project, r: &ObjRef, from: Option<&str>) -> Option<usize> {
    let ns = r.namespace.as_deref().or(from);
    p.objects_named(&r.kind, &r.name)
        .iter()
        .copied()
        .find(|&i| {
            let o = &p.k8s[i];
            ns.is_none() || o.namespace.is_none() || o.namespace.as_deref() == ns
        })
}

/// Who applies a manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Owner {
    /// Index into `Project::flux`.
    Flux(usize),
    /// Index into `Project::bundles`.
    Fleet(usize),
    /// A kustomization no other kustomization lists (index into `Project::kustomizations`).
    Kustomize(usize),
}

/// Files a kustomization applies: its resources and components, through listed directories'
/// kustomizations (patches and generator inputs are not applied as they are).
pub fn reachable(p: &Project, k: usize) -> Vec<FileId> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::from([k]);
    let mut stack = vec![k];
    while let Some(k) = stack.pop() {
        for e in p.kustomizations[k].entries.iter().filter(|e| {
            matches!(
                e.kind,
                crate::model::kustomize::EntryKind::Resource
                    | crate::model::kustomize::EntryKind::Component
            )
        }) {
            let Some(target) = &e.target else { continue };
            if let Some(f) = p.file_by_rel(target) {
                out.push(f);
            } else if let Some(sub) = p.kustomization_in(target) {
                if seen.insert(sub) {
                    stack.push(sub);
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// What a directory applies when Flux or Fleet points at it: its kustomization's files if it
/// has one, else every manifest below it (directories with their own kustomization, or with a
/// fleet.yaml when `bundle_dirs` is given, contribute what they reach instead).
fn applied(p: &Project, dir: &str, bundle_dirs: Option<&HashSet<&str>>) -> Vec<FileId> {
    let kust_of = |d: &str| p.kustomization_in(d);
    if let Some(k) = kust_of(dir) {
        return reachable(p, k);
    }
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut out = Vec::new();
    let mut reached: std::collections::HashMap<usize, HashSet<FileId>> = Default::default();
    for f in p.files_under(dir) {
        let src = &p.files[f];
        if !src.rel.starts_with(&prefix) || p.roles[f] != super::Role::Kubernetes {
            continue;
        }
        // The topmost directory between `dir` and the file that has a kustomization decides.
        let rest = &src.rel[prefix.len()..];
        let parts: Vec<&str> = rest.split('/').collect();
        let mut decided = false;
        for i in 1..parts.len() {
            let sub = format!("{prefix}{}", parts[..i].join("/"));
            if bundle_dirs.is_some_and(|b| b.contains(sub.as_str())) {
                decided = true;
                break;
            }
            if let Some(k) = kust_of(&sub) {
                decided = true;
                let files = reached
                    .entry(k)
                    .or_insert_with(|| reachable(p, k).into_iter().collect());
                if files.contains(&f) {
                    out.push(f);
                }
                break;
            }
        }
        if !decided {
            out.push(f);
        }
    }
    out
}

/// For each file, who applies it.
pub fn owners(p: &Project) -> Vec<Vec<Owner>> {
    let bundle_dirs: HashSet<&str> = p.bundles.iter().map(|b| b.dir.as_str()).collect();
    let listed: HashSet<&str> = p
        .kustomizations
        .iter()
        .flat_map(|k| &k.entries)
        .filter(|e| e.is_dir)
        .filter_map(|e| e.target.as_deref())
        .collect();
    // Each owner's files are found on its own, side by side; the merge below sorts them.
    let flux = p.flux.par_iter().enumerate().map(|(i, f)| {
        // Only paths in this repository (the bootstrap source) are known.
        let here = f.kind == FluxKind::Kustomization
            && f.source.as_ref().is_some_and(|s| s.kind == "GitRepository");
        let dir = f
            .path
            .as_ref()
            .filter(|_| here)
            .and_then(|(path, _)| join("", path));
        let files = dir.map_or_else(Vec::new, |dir| applied(p, &dir, None));
        (Owner::Flux(i), files)
    });
    let fleet = p
        .bundles
        .par_iter()
        .enumerate()
        .map(|(i, b)| (Owner::Fleet(i), applied(p, &b.dir, Some(&bundle_dirs))));
    let kustomize = p
        .kustomizations
        .par_iter()
        .enumerate()
        .filter(|(_, k)| !listed.contains(k.dir.as_str()))
        .map(|(i, _)| (Owner::Kustomize(i), reachable(p, i)));
    let found: Vec<(Owner, Vec<FileId>)> = flux.chain(fleet).chain(kustomize).collect();
    let mut out = vec![Vec::new(); p.files.len()];
    for (owner, files) in found {
        for file in files {
            out[file].push(owner);
        }
    }
    out.par_iter_mut().for_each(|o| {
        o.sort();
        o.dedup();
    });
    out
}
