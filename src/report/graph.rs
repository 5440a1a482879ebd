//! `infralint graph`: the reference graph as DOT, Mermaid or JSON, so a user can see what
//! points at what. Only entities that take part in a reference are shown.

use crate::graph::{EntityId, EntityKind, Graph};
use crate::model::Project;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Json,
}

#[derive(Serialize)]
struct Node {
    id: String,
    kind: &'static str,
    name: String,
    path: Option<String>,
    line: Option<usize>,
}

#[derive(Serialize)]
struct Edge {
    from: String,
    to: String,
    kind: &'static str,
    path: String,
    line: usize,
}

#[derive(Serialize)]
struct Output {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

fn kind(k: EntityKind) -> &'static str {
    match k {
        EntityKind::File => "file",
        EntityKind::TfModule => "terraform-module",
        EntityKind::TfBlock => "terraform",
        EntityKind::K8sObject => "kubernetes",
    }
}

fn collect(p: &Project, g: &Graph) -> Output {
    let refs = g.all_references();
    let used: std::collections::BTreeSet<EntityId> =
        refs.iter().flat_map(|(a, b, _)| [*a, *b]).collect();
    // Stable ids: ordered by path, position and name, whatever the graph's insertion order.
    let mut nodes: Vec<(EntityId, Node)> = g
        .all_entities()
        .filter(|id| used.contains(id))
        .map(|id| {
            let e = g.entity(id);
            let (path, line) = match e.file {
                Some(f) => (
                    Some(p.files[f].rel.clone()),
                    Some(p.files[f].line_col(e.span.start).0),
                ),
                None => (None, None),
            };
            let name = if e.kind == EntityKind::TfModule {
                format!(
                    "module dir {}",
                    if e.name.is_empty() { "." } else { &e.name }
                )
            } else {
                e.name.clone()
            };
            (
                id,
                Node {
                    id: String::new(),
                    kind: kind(e.kind),
                    name,
                    path,
                    line,
                },
            )
        })
        .collect();
    nodes.sort_by(|(_, a), (_, b)| (&a.path, a.line, &a.name).cmp(&(&b.path, b.line, &b.name)));
    let mut ids: BTreeMap<EntityId, String> = BTreeMap::new();
    for (i, (id, n)) in nodes.iter_mut().enumerate() {
        n.id = format!("n{i}");
        ids.insert(*id, n.id.clone());
    }
    let mut edges: Vec<Edge> = refs
        .iter()
        .map(|(a, b, r)| Edge {
            from: ids[a].clone(),
            to: ids[b].clone(),
            kind: r.kind.as_str(),
            path: p.files[r.file].rel.clone(),
            line: p.files[r.file].line_col(r.span.start).0,
        })
        .collect();
    edges.sort_by(|a, b| (&a.path, a.line, &a.from, &a.to).cmp(&(&b.path, b.line, &b.from, &b.to)));
    edges.dedup_by(|a, b| a.from == b.from && a.to == b.to && a.kind == b.kind);
    Output {
        nodes: nodes.into_iter().map(|(_, n)| n).collect(),
        edges,
    }
}

fn label(n: &Node) -> String {
    match (&n.path, n.line) {
        (Some(p), Some(l)) if n.kind != "file" => format!("{}\n{p}:{l}", n.name),
        _ => n.name.clone(),
    }
}

pub fn render(p: &Project, g: &Graph, format: GraphFormat) -> String {
    let out = collect(p, g);
    match format {
        GraphFormat::Json => {
            serde_json::to_string_pretty(&out).expect("plain structs always serialise") + "\n"
        }
        GraphFormat::Dot => {
            let mut s = String::from(
                "digraph infralint {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n",
            );
            for n in &out.nodes {
                s.push_str(&format!("  {} [label={:?}];\n", n.id, label(n)));
            }
            for e in &out.edges {
                s.push_str(&format!("  {} -> {} [label={:?}];\n", e.from, e.to, e.kind));
            }
            s + "}\n"
        }
        GraphFormat::Mermaid => {
            let mut s = String::from("flowchart LR\n");
            for n in &out.nodes {
                s.push_str(&format!(
                    "  {}[\"{}\"]\n",
                    n.id,
                    label(n).replace('"', "#quot;").replace('\n', "<br/>")
                ));
            }
            for e in &out.edges {
                s.push_str(&format!("  {} -->|{}| {}\n", e.from, e.kind, e.to));
            }
            s
        }
    }
}
