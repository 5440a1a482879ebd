//! Kustomize: what each kustomization file lists, resolved against the tree.

use super::{join, Project};
use crate::parse::yaml::YNode;
use crate::source::{FileId, Span};
use rayon::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Resource,
    Component,
    Patch,
    /// A `configMapGenerator`/`secretGenerator` file or env file.
    Generator,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Resource => "resource",
            EntryKind::Component => "component",
            EntryKind::Patch => "patch",
            EntryKind::Generator => "generator file",
        }
    }
}

/// One path a kustomization lists.
#[derive(Clone, Debug)]
pub struct Entry {
    pub kind: EntryKind,
    pub raw: String,
    pub span: Span,
    /// Relative to the root; `None` for remote (URL) entries and paths that leave the root.
    pub target: Option<String>,
    pub exists: bool,
    pub is_dir: bool,
}

#[derive(Clone, Debug)]
pub struct Kustomization {
    pub file: FileId,
    pub dir: String,
    pub entries: Vec<Entry>,
    /// Uses generators, transformers or Helm inflation, which may list files produced at build
    /// time.
    pub plugins: bool,
    /// `(kind, name)` of the ConfigMaps and Secrets its generators produce.
    pub generated: Vec<(&'static str, String)>,
    /// The `namespace:` it sets on everything it lists.
    pub namespace: Option<String>,
}

pub const FILE_NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

fn is_remote(raw: &str) -> bool {
    raw.contains("://")
        || raw.starts_with("github.com/")
        || raw.starts_with("git@")
        || raw.contains("?ref=")
        || raw.contains("//") && !raw.starts_with('.')
}

pub fn kustomizations(p: &Project) -> Vec<Kustomization> {
    // Each on its own, side by side; collected in file order.
    p.files
        .par_iter()
        .enumerate()
        .filter(|(_, src)| FILE_NAMES.contains(&src.rel.rsplit('/').next().unwrap_or("")))
        .filter_map(|(file, _)| kustomization(p, file))
        .collect()
}

fn kustomization(p: &Project, file: FileId) -> Option<Kustomization> {
    let root = p.yaml(file).and_then(|y| y.docs.first()).map(|d| &d.root)?;
    let dir = p.dir_of(file).to_string();
    let mut raw: Vec<(EntryKind, &YNode)> = Vec::new();
    let list = |key: &str| root.get(key).map(YNode::items).unwrap_or_default();
    raw.extend(
        list("resources")
            .iter()
            .chain(list("bases"))
            .map(|n| (EntryKind::Resource, n)),
    );
    raw.extend(list("components").iter().map(|n| (EntryKind::Component, n)));
    raw.extend(
        list("patchesStrategicMerge")
            .iter()
            .map(|n| (EntryKind::Patch, n)),
    );
    for key in ["patches", "patchesJson6902"] {
        raw.extend(
            list(key)
                .iter()
                .filter_map(|p| p.get("path"))
                .map(|n| (EntryKind::Patch, n)),
        );
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        for g in list(key) {
            for field in ["files", "envs"] {
                raw.extend(
                    g.get(field)
                        .map(YNode::items)
                        .unwrap_or_default()
                        .iter()
                        .map(|n| (EntryKind::Generator, n)),
                );
            }
            raw.extend(g.get("env").map(|n| (EntryKind::Generator, n)));
        }
    }
    let entries = raw
        .into_iter()
        .filter_map(|(kind, node)| {
            let text = node.as_str()?;
            // An inline patch is YAML, not a path; a generator file may be `key=path`.
            if text.contains('\n') {
                return None;
            }
            let path = if kind == EntryKind::Generator {
                text.rsplit_once('=').map_or(text, |(_, p)| p)
            } else {
                text
            };
            let target = (!is_remote(path)).then(|| join(&dir, path)).flatten();
            let (exists, is_dir) = match &target {
                Some(t) => p.exists(t),
                None => (true, false),
            };
            Some(Entry {
                kind,
                raw: text.to_string(),
                span: node.span,
                target,
                exists,
                is_dir,
            })
        })
        .collect();
    let plugins = [
        "generators",
        "transformers",
        "helmCharts",
        "helmChartInflationGenerator",
        "validators",
    ]
    .iter()
    .any(|k| root.get(k).is_some());
    let mut generated = Vec::new();
    for (key, kind) in [
        ("configMapGenerator", "ConfigMap"),
        ("secretGenerator", "Secret"),
    ] {
        generated.extend(
            list(key)
                .iter()
                .filter_map(|g| Some((kind, g.str_at(&["name"])?.to_string()))),
        );
    }
    let namespace = root.str_at(&["namespace"]).map(str::to_string);
    Some(Kustomization {
        file,
        dir,
        entries,
        plugins,
        generated,
        namespace,
    })
}
