use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::RefKind;
use crate::model::terraform::Address;
use crate::rules::{Context, Rule, RuleMeta};

pub struct ModuleCycle;

static META: RuleMeta = RuleMeta {
    id: "terraform/module-cycle",
    severity: Severity::Error,
    summary: "Module calls or blocks of one module depend on each other in a cycle",
    doc: include_str!("../../../rules/terraform/module-cycle.md"),
};

impl Rule for ModuleCycle {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for cycle in cx.graph.cycles(RefKind::Terraform) {
            let first = cx.graph.entity(cycle[0]);
            if first.module.is_some_and(|m| !cx.project.module_parsed(m)) {
                continue;
            }
            // Each edge: (from, to, reference).
            let mut edges: Vec<_> = (0..cycle.len())
                .filter_map(|i| {
                    let (a, b) = (cycle[i], cycle[(i + 1) % cycle.len()]);
                    cx.graph
                        .reference(a, b, RefKind::Terraform)
                        .map(|r| (a, b, r))
                })
                .collect();
            if edges.len() != cycle.len() {
                continue;
            }
            let rel = |f: usize| cx.project.files[f].rel.as_str();
            let start = (0..edges.len())
                .min_by_key(|&i| (rel(edges[i].2.file), edges[i].2.span))
                .unwrap_or(0);
            edges.rotate_left(start);
            let name = |id| cx.graph.entity(id).name.as_str();
            let mut chain: Vec<&str> = edges.iter().map(|(a, _, _)| name(*a)).collect();
            chain.push(name(edges[0].0));
            let (a, b, r) = edges[0];
            let message = if edges.len() == 1 {
                format!("`{}` depends on itself", name(a))
            } else {
                format!("dependency cycle: {}", chain.join(" → "))
            };
            let mut d = cx
                .report(&META, r.file, r.span, message)
                .label(format!("`{}` reads `{}` here", name(a), name(b)))
                .help(help(cx, &edges));
            for (a, b, r) in &edges[1..] {
                d = d.related(
                    r.file,
                    r.span,
                    format!("`{}` reads `{}` here", name(*a), name(*b)),
                );
            }
            out.push(d);
        }
        out
    }
}

/// Suggests the fix spec 0001 used: feed the value from a root variable instead of a module output.
fn help(
    cx: &Context<'_>,
    edges: &[(
        crate::graph::EntityId,
        crate::graph::EntityId,
        &crate::graph::Reference,
    )],
) -> String {
    let module_edge = edges
        .iter()
        .find(|(_, b, _)| matches!(cx.graph.entity(*b).addr, Some(Address::Module(_))));
    match module_edge {
        Some((a, _, r)) => {
            let read = cx.project.files[r.file].slice(r.span).split_whitespace().collect::<String>();
            let var = read.rsplit('.').next().unwrap_or("value");
            format!(
                "Terraform cannot order blocks that wait on each other. Break one edge: give `{}` the value of `{read}` from a root variable (for example `var.{var}`) that both sides read, instead of the module output",
                cx.graph.entity(*a).name
            )
        }
        None => "Terraform cannot order blocks that wait on each other. Break one edge: compute the value from inputs the blocks share (a variable or a local that reads neither of them)".to_string(),
    }
}
