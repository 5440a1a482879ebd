use super::{host_paths, workloads, Namespaces};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule, RuleMeta};

pub struct HostPath;

static META: RuleMeta = RuleMeta {
    id: "k8s/host-path",
    severity: Severity::Warning,
    summary: "A pod mounts a hostPath volume outside the namespaces allowed to",
    doc: include_str!("../../../rules/k8s/host-path.md"),
};

/// The allow-list of Kyverno's `disallow-host-path` in the canarie seed (§10.2).
pub const DEFAULT_ALLOWED: &[&str] = &[
    "kube-system",
    "falco",
    "longhorn-system",
    "monitoring",
    "ingress-nginx",
    "cert-manager",
    "external-dns",
    "trivy-system",
    "cattle-fleet-system",
    "kyverno",
];

impl Rule for HostPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let configured = &cx.config.options.host_path.allowed_namespaces;
        let allowed = |ns: &str| match configured {
            Some(list) => list.iter().any(|n| n == ns),
            None => DEFAULT_ALLOWED.contains(&ns),
        };
        let namespaces = Namespaces::new(p);
        let mut out = Vec::new();
        for w in workloads(p) {
            let ns = namespaces.of(w.obj);
            if allowed(&ns.name) {
                continue;
            }
            for (key, volume, path) in host_paths(w.pod) {
                out.push(
                    cx.report(
                        &META,
                        w.obj.file,
                        key.span,
                        format!(
                            "{} mounts host path `{path}` (volume `{volume}`) in namespace `{}`{}, which is not on the hostPath allow-list",
                            w.what(),
                            ns.name,
                            ns.note()
                        ),
                    )
                    .label("the node's filesystem")
                    .help(
                        "a hostPath volume reads or writes the node's own files, so the pod can tamper \
                         with the node or other pods' data, and it ties the pod to one node's disk; use \
                         a PersistentVolumeClaim, emptyDir, ConfigMap or Secret instead, or if the \
                         workload is node infrastructure, run it in a namespace listed under \
                         `[options.\"k8s/host-path\"] allowed_namespaces`",
                    ),
                );
            }
        }
        out
    }
}
