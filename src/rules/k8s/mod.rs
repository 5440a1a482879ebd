//! Kubernetes rules. Shared by the workload rules below: the pod spec of every workload
//! object, its containers, and the namespace the object ends up in.

pub mod dangling_reference;
pub mod deprecated_api;
pub mod duplicate_object;
pub mod host_path;
pub mod image_tag;
pub mod namespace_not_declared;
pub mod plaintext_secret;
pub mod privileged_container;
pub mod psa_label;
pub mod resource_limits;
pub mod run_as_root;
pub mod schema;

use crate::model::gitops::Owner;
use crate::model::kubernetes::K8sObject;
use crate::model::Project;
use crate::parse::yaml::YNode;
use std::collections::HashMap;

/// A workload object and its pod spec.
pub struct Workload<'a> {
    pub obj: &'a K8sObject,
    pub pod: &'a YNode,
}

impl Workload<'_> {
    /// `Deployment `web``.
    pub fn what(&self) -> String {
        format!(
            "{} `{}`",
            self.obj.kind,
            self.obj.name.as_deref().unwrap_or("?")
        )
    }
}

/// A container of a pod spec.
pub struct Container<'a> {
    /// `containers`, `initContainers` or `ephemeralContainers`.
    pub list: &'static str,
    pub node: &'a YNode,
}

impl<'a> Container<'a> {
    pub fn name(&self) -> &'a str {
        self.node.str_at(&["name"]).unwrap_or("?")
    }

    /// What to say: `container `web``, `init container `migrate``.
    pub fn what(&self) -> String {
        let list = match self.list {
            "initContainers" => "init container",
            "ephemeralContainers" => "ephemeral container",
            _ => "container",
        };
        format!("{list} `{}`", self.name())
    }

    /// Where to report about the container as a whole: its `name` value, else the item.
    pub fn span(&self) -> crate::source::Span {
        self.node.get("name").map_or(self.node.span, |n| n.span)
    }
}

/// Where a pod spec lives in each workload kind.
fn pod_path(obj: &K8sObject) -> Option<&'static [&'static str]> {
    Some(match (obj.group(), obj.kind.as_str()) {
        ("", "Pod") => &["spec"],
        ("apps", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet") | ("batch", "Job") => {
            &["spec", "template", "spec"]
        }
        ("batch", "CronJob") => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return None,
    })
}

/// Every workload object with a pod spec, skipping kustomize patches.
pub fn workloads(p: &Project) -> Vec<Workload<'_>> {
    let patches = p.patch_only();
    p.k8s
        .iter()
        .filter(|o| !patches.contains(&o.file))
        .filter_map(|obj| {
            let pod = p.doc(obj).path(pod_path(obj)?)?;
            Some(Workload { obj, pod })
        })
        .collect()
}

/// Containers as patch files (listed only as kustomize patches) write them, by workload kind,
/// workload name and container name: an overlay often adds limits or a pinned image this way.
pub fn patched_containers(p: &Project) -> HashMap<(&str, &str, &str), Vec<&YNode>> {
    let patches = p.patch_only();
    let mut out: HashMap<(&str, &str, &str), Vec<&YNode>> = HashMap::new();
    for obj in p.k8s.iter().filter(|o| patches.contains(&o.file)) {
        let (Some(path), Some(name)) = (pod_path(obj), obj.name.as_deref()) else {
            continue;
        };
        let Some(pod) = p.doc(obj).path(path) else {
            continue;
        };
        for c in containers(pod) {
            out.entry((obj.kind.as_str(), name, c.name()))
                .or_default()
                .push(c.node);
        }
    }
    out
}

/// The containers, init containers and ephemeral containers of a pod spec.
pub fn containers(pod: &YNode) -> impl Iterator<Item = Container<'_>> {
    ["containers", "initContainers", "ephemeralContainers"]
        .into_iter()
        .flat_map(move |list| {
            pod.get(list)
                .map(YNode::items)
                .unwrap_or_default()
                .iter()
                .map(move |node| Container { list, node })
        })
}

/// A value filled in later: a Helm or Go template, or a Flux/envsubst `${VAR}`.
pub fn templated(s: &str) -> bool {
    s.contains("{{") || s.contains("${")
}

/// The `privileged` key of a container whose `securityContext.privileged` is true.
pub fn privileged<'a>(c: &Container<'a>) -> Option<&'a YNode> {
    let (key, value) = c.node.get("securityContext")?.entry("privileged")?;
    (value.as_bool() == Some(true)).then_some(key)
}

/// The `hostPath` keys of a pod's volumes, with the volume's name and path.
pub fn host_paths(pod: &YNode) -> Vec<(&YNode, &str, &str)> {
    pod.get("volumes")
        .map(YNode::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|v| {
            let (key, hp) = v.entry("hostPath")?;
            Some((
                key,
                v.str_at(&["name"]).unwrap_or("?"),
                hp.str_at(&["path"]).unwrap_or("?"),
            ))
        })
        .collect()
}

/// How an object's namespace was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NsSource {
    /// `metadata.namespace`.
    Metadata,
    /// A kustomization's `namespace:`, a Flux Kustomization's `targetNamespace` or a
    /// fleet.yaml's `namespace`/`defaultNamespace`.
    Applier,
    /// Nothing sets it: `default`, as `kubectl apply` would.
    Assumed,
}

pub struct Namespace {
    pub name: String,
    pub source: NsSource,
}

impl Namespace {
    /// ` (no namespace is set, so `default` is assumed)` when it was assumed.
    pub fn note(&self) -> &'static str {
        match self.source {
            NsSource::Assumed => " (no namespace is set anywhere, so `default` is assumed)",
            _ => "",
        }
    }
}

/// Resolves the namespace objects are applied to.
pub struct Namespaces<'a> {
    p: &'a Project,
}

impl<'a> Namespaces<'a> {
    pub fn new(p: &'a Project) -> Self {
        Namespaces { p }
    }

    /// The namespace `obj` is applied to. What applies it wins over the manifest: Flux
    /// `targetNamespace`, then a kustomization's `namespace:` (the outermost one), then a
    /// fleet.yaml `namespace`; then `metadata.namespace`; then a fleet.yaml `defaultNamespace`;
    /// else `default`.
    pub fn of(&self, obj: &K8sObject) -> Namespace {
        let p = self.p;
        let applier = |name: &str| Namespace {
            name: name.to_string(),
            source: NsSource::Applier,
        };
        for o in &p.owners[obj.file] {
            if let Owner::Flux(i) = o {
                if let Some(ns) = &p.flux[*i].target_namespace {
                    return applier(ns);
                }
            }
        }
        if let Some(ns) = p.kustomized_namespace(obj.file) {
            return applier(ns);
        }
        let fleet = |key: &str| {
            p.owners[obj.file].iter().find_map(|o| match o {
                Owner::Fleet(b) => p
                    .yaml(p.bundles[*b].file)?
                    .docs
                    .first()?
                    .root
                    .str_at(&[key])
                    .map(str::to_string),
                _ => None,
            })
        };
        if let Some(ns) = fleet("namespace") {
            return applier(&ns);
        }
        if let Some(ns) = &obj.namespace {
            return Namespace {
                name: ns.clone(),
                source: NsSource::Metadata,
            };
        }
        if let Some(ns) = fleet("defaultNamespace") {
            return applier(&ns);
        }
        Namespace {
            name: "default".into(),
            source: NsSource::Assumed,
        }
    }
}
