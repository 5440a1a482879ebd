use super::{containers, workloads};
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::yaml::YNode;
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::{FileId, Span};
use std::collections::BTreeMap;

pub struct RunAsRoot;

static META: RuleMeta = RuleMeta {
    id: "k8s/run-as-root",
    severity: Severity::Info,
    summary: "A container runs as root, or nothing stops it from (no `runAsNonRoot: true`)",
    doc: include_str!("../../../rules/k8s/run-as-root.md"),
};

/// `key` from the container's `securityContext`, else the pod's: the container's wins.
fn effective<'a>(container: &'a YNode, pod: &'a YNode, key: &str) -> Option<&'a YNode> {
    container
        .path(&["securityContext", key])
        .or_else(|| pod.path(&["securityContext", key]))
        .filter(|v| !v.is_null())
}

impl Rule for RunAsRoot {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let explicit_only = cx.config.options.run_as_root.explicit_only;
        // A pod-level setting shared by several containers is one finding.
        type Found = (&'static str, bool, String, Vec<String>);
        let mut explicit: BTreeMap<(FileId, Span), Found> = BTreeMap::new();
        let mut out = Vec::new();
        for w in workloads(p) {
            for c in containers(w.pod) {
                let user = effective(c.node, w.pod, "runAsUser");
                let non_root = effective(c.node, w.pod, "runAsNonRoot");
                let forbids_root = non_root.and_then(YNode::as_bool) == Some(true);
                let (node, setting) = if let Some(u) = user.filter(|u| u.as_str() == Some("0")) {
                    let setting = if forbids_root {
                        "`runAsUser: 0`; with `runAsNonRoot: true` as well, the kubelet refuses to start such a container"
                    } else {
                        "`runAsUser: 0`"
                    };
                    (u, setting)
                } else if user.is_some() {
                    // A non-zero (or templated) user.
                    continue;
                } else if let Some(n) = non_root.filter(|n| n.as_bool() == Some(false)) {
                    (
                        n,
                        "`runAsNonRoot: false` turns the kubelet's check off and no `runAsUser` is set",
                    )
                } else {
                    if explicit_only || non_root.is_some() {
                        continue;
                    }
                    out.push(
                        cx.report(
                            &META,
                            w.obj.file,
                            c.span(),
                            format!(
                                "{} of {} may run as root: neither it nor its pod sets `runAsNonRoot: true` or a `runAsUser`",
                                c.what(),
                                w.what()
                            ),
                        )
                        .label("user left to the image")
                        .help(
                            "the image's USER decides, and many images run as root; set \
                             `securityContext.runAsNonRoot: true` on the pod (the kubelet then refuses \
                             to start a root container) or a non-zero `runAsUser`",
                        ),
                    );
                    continue;
                };
                explicit
                    .entry((w.obj.file, node.span))
                    .or_insert_with(|| (setting, node.as_str() == Some("0"), w.what(), Vec::new()))
                    .3
                    .push(c.what());
            }
        }
        for ((file, span), (setting, root, what, containers)) in explicit {
            let who = match containers.as_slice() {
                [one] => one.clone(),
                many => format!("{} containers", many.len()),
            };
            let verb = match (containers.len(), root) {
                (1, true) => "runs as root",
                (_, true) => "run as root",
                (_, false) => "may run as root",
            };
            let label = match containers.len() {
                1 if root => "root".to_string(),
                1 => "root allowed".to_string(),
                _ => format!("applies to {}", containers.join(", ")),
            };
            out.push(
                cx.report(&META, file, span, format!("{who} of {what} {verb}: {setting}"))
                    .label(label)
                    .help(
                    "a process running as root in a container is root on the node if it escapes, and \
                     can write anything the container mounts; run as a non-zero `runAsUser` with \
                     `runAsNonRoot: true`, adding only the capabilities it needs",
                    ),
            );
        }
        out
    }
}
