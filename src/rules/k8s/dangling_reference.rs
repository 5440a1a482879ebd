use crate::diagnostic::{Diagnostic, Severity};
use crate::model::gitops::FluxKind;
use crate::model::kubernetes::K8sObject;
use crate::parse::yaml::YNode;
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};
use std::collections::{HashMap, HashSet};

pub struct DanglingReference;

static META: RuleMeta = RuleMeta {
    id: "k8s/dangling-reference",
    severity: Severity::Warning,
    summary:
        "An issuer, secret store, Service or pod selector the repository should contain is missing",
    doc: include_str!("../../../rules/k8s/dangling-reference.md"),
};

const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicaSet",
    "Pod",
    "Rollout",
];

impl Rule for DanglingReference {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let mut out = Vec::new();
        // Charts create Services and pods the repository never shows.
        let mut helm_targets: HashSet<String> = p
            .flux
            .iter()
            .filter(|f| f.kind == FluxKind::HelmRelease)
            .filter_map(|f| f.target_namespace.clone().or(f.namespace.clone()))
            .collect();
        helm_targets.extend(
            p.bundles
                .iter()
                .filter(|b| b.helm)
                .flat_map(|b| b.namespaces.iter().cloned()),
        );
        helm_targets.extend(
            p.k8s
                .iter()
                .filter(|o| o.is("helm.cattle.io", &["HelmChart"]))
                .filter_map(|o| {
                    p.doc(o)
                        .str_at(&["spec", "targetNamespace"])
                        .map(str::to_string)
                }),
        );
        let workload_ns: HashSet<Option<&str>> = p
            .k8s
            .iter()
            .filter(|o| WORKLOADS.contains(&o.kind.as_str()))
            .map(|o| o.namespace.as_deref())
            .collect();
        let pods_checkable = |ns: Option<&str>| {
            ns.is_none_or(|n| !helm_targets.contains(n))
                && (workload_ns.contains(&ns) || ns.is_none() && !workload_ns.is_empty())
        };
        // Pod template labels, indexed by label, so each Service looks only at the workloads
        // carrying its first selector label.
        let workloads: Vec<(&K8sObject, &YNode)> = p
            .k8s
            .iter()
            .filter(|w| WORKLOADS.contains(&w.kind.as_str()))
            .filter_map(|w| Some((w, pod_labels(p.doc(w), &w.kind)?)))
            .collect();
        let mut by_label: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, (_, labels)) in workloads.iter().enumerate() {
            for (k, v) in labels.entries() {
                if let (Some(k), Some(v)) = (k.as_str(), v.as_str()) {
                    by_label.entry((k, v)).or_default().push(i);
                }
            }
        }
        for o in &p.k8s {
            let root = p.doc(o);
            match (o.group(), o.kind.as_str()) {
                ("networking.k8s.io" | "extensions", "Ingress") => {
                    for (key, kind) in [
                        ("cert-manager.io/cluster-issuer", "ClusterIssuer"),
                        ("cert-manager.io/issuer", "Issuer"),
                    ] {
                        if let Some(v) = root
                            .path(&["metadata", "annotations"])
                            .and_then(|a| a.get(key))
                        {
                            check_ref(cx, o, kind, v, &mut out);
                        }
                    }
                    if pods_checkable(o.namespace.as_deref()) {
                        for svc in backends(root) {
                            check_ref(cx, o, "Service", svc, &mut out);
                        }
                    }
                }
                ("cert-manager.io", "Certificate") => {
                    if let Some(issuer) = root
                        .path(&["spec", "issuerRef"])
                        .filter(|r| r.str_at(&["group"]).is_none_or(|g| g == "cert-manager.io"))
                    {
                        let kind = issuer.str_at(&["kind"]).unwrap_or("Issuer");
                        if let Some(name) = issuer.get("name") {
                            check_ref(cx, o, kind, name, &mut out);
                        }
                    }
                }
                ("external-secrets.io", "ExternalSecret") => {
                    if let Some(store) = root.path(&["spec", "secretStoreRef"]) {
                        let kind = store.str_at(&["kind"]).unwrap_or("SecretStore");
                        if let Some(name) = store.get("name") {
                            check_ref(cx, o, kind, name, &mut out);
                        }
                    }
                }
                ("", "Service")
                    if pods_checkable(o.namespace.as_deref())
                        && root.str_at(&["spec", "type"]) != Some("ExternalName") =>
                {
                    let Some(selector) = root
                        .path(&["spec", "selector"])
                        .filter(|s| !s.entries().is_empty())
                    else {
                        continue;
                    };
                    let wanted: Vec<(&str, &str)> = selector
                        .entries()
                        .iter()
                        .filter_map(|(k, v)| Some((k.as_str()?, v.as_str()?)))
                        .collect();
                    let candidates = wanted
                        .first()
                        .and_then(|pair| by_label.get(pair))
                        .map_or(&[][..], Vec::as_slice);
                    let matched = candidates.iter().any(|&i| {
                        let (w, labels) = workloads[i];
                        same_ns(w, o) && wanted.iter().all(|(k, v)| labels.str_at(&[k]) == Some(*v))
                    });
                    if !matched {
                        let shown: Vec<String> =
                            wanted.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        out.push(cx.report(&META, o.file, selector.span, format!("Service `{}` selects {}, which no pod template in its namespace carries", o.name.as_deref().unwrap_or("?"), shown.join(","))).label("selects no pods").help("the Service gets no endpoints and every request to it fails; make the selector match the workload's pod template labels"));
                    }
                }
                _ => {}
            }
        }
        out
    }
}

fn same_ns(a: &K8sObject, b: &K8sObject) -> bool {
    a.namespace.is_none() || b.namespace.is_none() || a.namespace == b.namespace
}

fn pod_labels<'a>(root: &'a YNode, kind: &str) -> Option<&'a YNode> {
    match kind {
        "Pod" => root.path(&["metadata", "labels"]),
        "CronJob" => root.path(&[
            "spec",
            "jobTemplate",
            "spec",
            "template",
            "metadata",
            "labels",
        ]),
        _ => root.path(&["spec", "template", "metadata", "labels"]),
    }
}

/// Backend Service names of an Ingress (networking/v1 and the older `serviceName`).
fn backends(root: &YNode) -> Vec<&YNode> {
    fn service(b: &YNode) -> Option<&YNode> {
        b.path(&["service", "name"])
            .or_else(|| b.get("serviceName"))
    }
    let mut out: Vec<&YNode> = root
        .path(&["spec", "defaultBackend"])
        .or_else(|| root.path(&["spec", "backend"]))
        .and_then(service)
        .into_iter()
        .collect();
    for rule in root
        .path(&["spec", "rules"])
        .map(YNode::items)
        .unwrap_or_default()
    {
        for path in rule
            .path(&["http", "paths"])
            .map(YNode::items)
            .unwrap_or_default()
        {
            out.extend(path.get("backend").and_then(service));
        }
    }
    out
}

/// Reports `name` unless an object of `kind` with that name exists (in `from`'s namespace for a
/// namespaced kind). A kind the repository has none of is managed elsewhere: not judged.
fn check_ref(
    cx: &Context<'_>,
    from: &K8sObject,
    kind: &str,
    name: &YNode,
    out: &mut Vec<Diagnostic>,
) {
    let p = cx.project;
    let Some(wanted) = name.as_str() else { return };
    let cluster_scoped = kind.starts_with("Cluster");
    if p.objects_of_kind(kind).next().is_none()
        || p.objects_named(kind, wanted)
            .iter()
            .any(|&i| cluster_scoped || same_ns(&p.k8s[i], from))
    {
        return;
    }
    let hint = did_you_mean(
        wanted,
        p.objects_of_kind(kind).filter_map(|o| o.name.as_deref()),
    );
    let where_ = match (&from.namespace, cluster_scoped) {
        (Some(ns), false) => format!(" in namespace `{ns}`"),
        _ => String::new(),
    };
    out.push(cx.report(&META, from.file, name.span, format!("{} `{}` refers to {kind} `{wanted}`{where_}, which the repository does not define{hint}", from.kind, from.name.as_deref().unwrap_or("?"))).label(format!("no such {kind}")).help("the reference stays unresolved at runtime (no certificate, no secret, no backend); fix the name, or add the missing object"));
}
