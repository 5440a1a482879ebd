use super::{containers, patched_containers, templated, workloads};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::gitops::{reachable, Owner};
use crate::model::Project;
use crate::parse::yaml::YNode;
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::FileId;
use std::collections::HashMap;

pub struct ImageTag;

static META: RuleMeta = RuleMeta {
    id: "k8s/image-tag",
    severity: Severity::Warning,
    summary: "A container image is not pinned: it uses `:latest` or no tag at all",
    doc: include_str!("../../../rules/k8s/image-tag.md"),
};

/// What is wrong with an image reference, if anything.
#[derive(Debug, PartialEq, Eq)]
pub enum Pin {
    /// A tag other than `latest`, or a digest.
    Pinned,
    Latest,
    Untagged,
}

/// Splits `registry:5000/team/app:1.2@sha256:…`: a digest pins it; otherwise the tag is what
/// follows the last `:` of the last path segment (a registry's port is not a tag).
pub fn pin(image: &str) -> Pin {
    if image.contains('@') {
        return Pin::Pinned;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "latest")) => Pin::Latest,
        Some((_, tag)) if !tag.is_empty() => Pin::Pinned,
        _ => Pin::Untagged,
    }
}

/// The image's name without tag or digest.
fn name(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    let slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[slash..].find(':') {
        Some(colon) => &image[..slash + colon],
        None => image,
    }
}

/// The names an `images:` list pins (with a `newTag` other than `latest`, or a `digest`).
fn pinned(images: Option<&YNode>) -> Vec<&str> {
    images
        .map(YNode::items)
        .unwrap_or_default()
        .iter()
        .filter(|i| {
            i.get("digest").is_some() || i.str_at(&["newTag"]).is_some_and(|t| t != "latest")
        })
        .filter_map(|i| i.str_at(&["name"]))
        .collect()
}

/// Image names pinned for each file by what applies it: a kustomization's `images:`, or a Flux
/// Kustomization's `spec.images`.
fn kustomize_pins(p: &Project) -> HashMap<FileId, Vec<&str>> {
    let mut out: HashMap<FileId, Vec<&str>> = HashMap::new();
    for (k, kz) in p.kustomizations.iter().enumerate() {
        let Some(root) = p
            .yaml(kz.file)
            .and_then(|y| y.docs.first())
            .map(|d| &d.root)
        else {
            continue;
        };
        let names = pinned(root.get("images"));
        if names.is_empty() {
            continue;
        }
        for f in reachable(p, k) {
            out.entry(f).or_default().extend(&names);
        }
    }
    for (file, owners) in p.owners.iter().enumerate() {
        for o in owners {
            if let Owner::Flux(i) = o {
                let names = pinned(p.doc(&p.k8s[p.flux[*i].object]).path(&["spec", "images"]));
                out.entry(file).or_default().extend(names);
            }
        }
    }
    out
}

impl Rule for ImageTag {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let pins = kustomize_pins(p);
        let patched = patched_containers(p);
        let mut out = Vec::new();
        for w in workloads(p) {
            for c in containers(w.pod) {
                let Some(node) = c.node.get("image") else {
                    continue;
                };
                let Some(image) = node.as_str().map(str::trim) else {
                    continue;
                };
                if image.is_empty() || templated(image) {
                    continue;
                }
                let problem = match pin(image) {
                    Pin::Pinned => continue,
                    Pin::Latest => "uses the `latest` tag",
                    Pin::Untagged => "has no tag, so it means `latest`",
                };
                if pins
                    .get(&w.obj.file)
                    .is_some_and(|names| names.contains(&name(image)))
                {
                    continue;
                }
                // An overlay patch that sets a pinned image for this container.
                let key = (
                    w.obj.kind.as_str(),
                    w.obj.name.as_deref().unwrap_or(""),
                    c.name(),
                );
                if patched.get(&key).is_some_and(|nodes| {
                    nodes.iter().any(|n| {
                        n.str_at(&["image"])
                            .is_some_and(|i| templated(i) || pin(i) == Pin::Pinned)
                    })
                }) {
                    continue;
                }
                out.push(
                    cx.report(
                        &META,
                        w.obj.file,
                        node.span,
                        format!("image `{image}` of {} in {} {problem}", c.what(), w.what()),
                    )
                    .label("not pinned")
                    .help(
                        "`latest` is whatever was pushed last: a restart or a new node can pull a \
                         different image than the one tested, and rolling back is impossible; pin a \
                         version tag or a digest (`app:1.4.2`, `app@sha256:…`), or set `newTag` in \
                         the kustomization's `images:`",
                    ),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_digests() {
        assert_eq!(pin("nginx"), Pin::Untagged);
        assert_eq!(pin("nginx:latest"), Pin::Latest);
        assert_eq!(pin("nginx:1.27"), Pin::Pinned);
        assert_eq!(pin("registry:5000/app"), Pin::Untagged);
        assert_eq!(pin("registry:5000/app:2"), Pin::Pinned);
        assert_eq!(pin("registry:5000/app:latest"), Pin::Latest);
        assert_eq!(pin("ghcr.io/a/b@sha256:abc"), Pin::Pinned);
        assert_eq!(pin("ghcr.io/a/b:latest@sha256:abc"), Pin::Pinned);
        assert_eq!(name("registry:5000/app:2"), "registry:5000/app");
        assert_eq!(name("registry:5000/app"), "registry:5000/app");
        assert_eq!(name("nginx@sha256:abc"), "nginx");
    }
}
