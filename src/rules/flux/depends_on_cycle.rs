use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::edge_cycles;
use crate::rules::flux::depends_on::target;
use crate::rules::{Context, Rule, RuleMeta};

pub struct DependsOnCycle;

static META: RuleMeta = RuleMeta {
    id: "flux/depends-on-cycle",
    severity: Severity::Error,
    summary: "Flux Kustomizations or HelmReleases depend on each other in a cycle",
    doc: include_str!("../../../rules/flux/depends-on-cycle.md"),
};

impl Rule for DependsOnCycle {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let mut edges = Vec::new();
        let mut spans = Vec::new();
        for (i, f) in p.flux.iter().enumerate() {
            for d in &f.depends_on {
                if let Some(t) = target(
                    cx,
                    f.kind,
                    &d.name,
                    d.namespace.as_deref().or(f.namespace.as_deref()),
                ) {
                    edges.push((i, t));
                    spans.push((f.file, d.span));
                }
            }
        }
        let name = |i: usize| p.flux[i].name.as_str();
        let mut out = Vec::new();
        for cycle in edge_cycles(p.flux.len(), &edges) {
            let mut chain: Vec<&str> = cycle.iter().map(|&e| name(edges[e].0)).collect();
            chain.push(name(edges[cycle[0]].0));
            let note =
                |e: usize| format!("`{}` depends on `{}`", name(edges[e].0), name(edges[e].1));
            let (file, span) = spans[cycle[0]];
            let mut d = cx
                .report(&META, file, span, format!("dependsOn cycle: {}", chain.join(" → ")))
                .label(note(cycle[0]))
                .help("Flux never reconciles any of them: each waits for the other to be ready. Remove the dependsOn that points back");
            for &e in &cycle[1..] {
                d = d.related(spans[e].0, spans[e].1, note(e));
            }
            out.push(d);
        }
        out
    }
}
