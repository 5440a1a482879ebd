use super::{containers, privileged, workloads, Namespaces};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule, RuleMeta};

pub struct PrivilegedContainer;

static META: RuleMeta = RuleMeta {
    id: "k8s/privileged-container",
    severity: Severity::Error,
    summary: "A container runs privileged (`securityContext.privileged: true`)",
    doc: include_str!("../../../rules/k8s/privileged-container.md"),
};

impl Rule for PrivilegedContainer {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let allowed = &cx.config.options.privileged_container.allowed_namespaces;
        let namespaces = Namespaces::new(p);
        let mut out = Vec::new();
        for w in workloads(p) {
            let ns = namespaces.of(w.obj);
            if allowed.contains(&ns.name) {
                continue;
            }
            for c in containers(w.pod) {
                let Some(key) = privileged(&c) else { continue };
                out.push(
                    cx.report(
                        &META,
                        w.obj.file,
                        key.span,
                        format!(
                            "{} of {} in namespace `{}`{} runs privileged",
                            c.what(),
                            w.what(),
                            ns.name,
                            ns.note()
                        ),
                    )
                    .label("full access to the node")
                    .help(
                        "a privileged container sees every host device and can load kernel modules or \
                         escape to the node; drop `privileged: true` and add only the capabilities it \
                         needs (`securityContext.capabilities.add`), or list the namespace under \
                         `[options.\"k8s/privileged-container\"] allowed_namespaces` if it must",
                    ),
                );
            }
        }
        out
    }
}
