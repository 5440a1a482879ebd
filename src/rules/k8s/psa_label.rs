use super::{containers, host_paths, privileged, workloads, Namespaces};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::{FileId, Span};
use std::collections::BTreeMap;

pub struct PsaLabel;

static META: RuleMeta = RuleMeta {
    id: "k8s/psa-label",
    severity: Severity::Info,
    summary: "A namespace runs privileged or hostPath pods but has no Pod Security Admission label",
    doc: include_str!("../../../rules/k8s/psa-label.md"),
};

const MODES: &[&str] = &[
    "pod-security.kubernetes.io/enforce",
    "pod-security.kubernetes.io/audit",
    "pod-security.kubernetes.io/warn",
];

/// Where, what, and whether it is a privileged container (else a hostPath volume).
type Use = (FileId, Span, String, bool);

/// `2 privileged containers and 1 hostPath volume`.
fn summary(found: &[Use]) -> String {
    let privileged = found.iter().filter(|u| u.3).count();
    let host = found.len() - privileged;
    let count = |n: usize, what: &str| match n {
        1 => format!("a {what}"),
        n => format!("{n} {what}s"),
    };
    match (privileged, host) {
        (0, h) => count(h, "hostPath volume"),
        (p, 0) => count(p, "privileged container"),
        (p, h) => format!(
            "{} and {}",
            count(p, "privileged container"),
            count(h, "hostPath volume")
        ),
    }
}

impl Rule for PsaLabel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let namespaces = Namespaces::new(p);
        // Namespace → the privileged containers and hostPath volumes of its pods.
        let mut uses: BTreeMap<String, Vec<Use>> = BTreeMap::new();
        for w in workloads(p) {
            let ns = namespaces.of(w.obj).name;
            for c in containers(w.pod) {
                if let Some(key) = privileged(&c) {
                    let why = format!("{} of {} runs privileged", c.what(), w.what());
                    uses.entry(ns.clone())
                        .or_default()
                        .push((w.obj.file, key.span, why, true));
                }
            }
            for (key, volume, _) in host_paths(w.pod) {
                let why = format!("{} mounts hostPath volume `{volume}`", w.what());
                uses.entry(ns.clone())
                    .or_default()
                    .push((w.obj.file, key.span, why, false));
            }
        }
        let mut out = Vec::new();
        for o in p.k8s.iter().filter(|o| o.is("", &["Namespace"])) {
            let Some(name) = o.name.as_deref() else {
                continue;
            };
            let Some(found) = uses.get(name) else {
                continue;
            };
            let root = p.doc(o);
            let labelled = root
                .path(&["metadata", "labels"])
                .map(|l| l.entries())
                .unwrap_or_default()
                .iter()
                .any(|(k, _)| k.as_str().is_some_and(|k| MODES.contains(&k)));
            let Some(at) = root.path(&["metadata", "name"]).filter(|_| !labelled) else {
                continue;
            };
            let mut d = cx
                .report(
                    &META,
                    o.file,
                    at.span,
                    format!(
                        "namespace `{name}` runs pods with {} but has no `pod-security.kubernetes.io/` enforce, audit or warn label",
                        summary(found)
                    ),
                )
                .label("no Pod Security Admission mode")
                .help(
                    "without a label the namespace gets the cluster default, usually no enforcement, \
                     so any pod there may run privileged; say what it needs explicitly: label it \
                     `pod-security.kubernetes.io/enforce: privileged` (an infra namespace that needs \
                     it) or `baseline`/`restricted`, so the exception is visible and reviewed",
                );
            for (file, span, why, _) in found {
                d = d.related(*file, *span, why.clone());
            }
            out.push(d);
        }
        out
    }
}
