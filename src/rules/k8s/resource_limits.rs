use super::{containers, patched_containers, workloads, Namespaces};
use crate::config::LimitedResource;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule, RuleMeta};
use std::collections::HashMap;

pub struct ResourceLimits;

static META: RuleMeta = RuleMeta {
    id: "k8s/resource-limits",
    severity: Severity::Warning,
    summary: "A container sets no CPU or memory limit, and no LimitRange gives it one",
    doc: include_str!("../../../rules/k8s/resource-limits.md"),
};

const BOTH: &[LimitedResource] = &[LimitedResource::Cpu, LimitedResource::Memory];

impl Rule for ResourceLimits {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let require = cx
            .config
            .options
            .resource_limits
            .require
            .as_deref()
            .unwrap_or(BOTH);
        let namespaces = Namespaces::new(p);
        let patched = patched_containers(p);
        // Limits a LimitRange defaults in each namespace (`default`, or `max` without one).
        let mut defaulted: HashMap<String, Vec<&str>> = HashMap::new();
        for o in p.k8s.iter().filter(|o| o.is("", &["LimitRange"])) {
            let ns = namespaces.of(o).name;
            for l in p
                .doc(o)
                .path(&["spec", "limits"])
                .map(|n| n.items())
                .unwrap_or_default()
                .iter()
                .filter(|l| l.str_at(&["type"]) == Some("Container"))
            {
                for key in ["default", "max"] {
                    for (k, _) in l.get(key).map(|n| n.entries()).unwrap_or_default() {
                        if let Some(k) = k.as_str() {
                            defaulted.entry(ns.clone()).or_default().push(k);
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        for w in workloads(p) {
            let ns = namespaces.of(w.obj);
            let by_range = defaulted
                .get(&ns.name)
                .map(Vec::as_slice)
                .unwrap_or_default();
            for c in containers(w.pod).filter(|c| c.list == "containers") {
                let from_patches = patched
                    .get(&(
                        w.obj.kind.as_str(),
                        w.obj.name.as_deref().unwrap_or(""),
                        c.name(),
                    ))
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let sets = |r: &str| {
                    std::iter::once(c.node)
                        .chain(from_patches.iter().copied())
                        .any(|n| {
                            n.path(&["resources", "limits", r])
                                .is_some_and(|v| !v.is_null())
                        })
                };
                let missing: Vec<&str> = require
                    .iter()
                    .map(|r| r.as_str())
                    .filter(|r| !sets(r))
                    .filter(|r| !by_range.contains(r))
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let missing = missing.join(" or ");
                out.push(
                    cx.report(
                        &META,
                        w.obj.file,
                        c.span(),
                        format!("{} of {} sets no {missing} limit", c.what(), w.what()),
                    )
                    .label(format!("no {missing} limit"))
                    .help(format!(
                        "without a memory limit one leaking container can exhaust the node and get \
                         its neighbours OOM-killed; without a CPU limit it can starve them; set \
                         `resources.limits.{}`, or give namespace `{}` a LimitRange with defaults \
                         (teams that leave CPU unlimited on purpose: `[options.\"k8s/resource-limits\"] \
                         require = [\"memory\"]`)",
                        missing.replace(" or ", "` and `resources.limits."),
                        ns.name
                    )),
                );
            }
        }
        out
    }
}
