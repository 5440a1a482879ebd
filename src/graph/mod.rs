//! Stage 4: the cross-file reference graph. petgraph stays private to this module; rules use
//! the query API below.

use crate::model::terraform::Address;
use crate::model::{join, Project};
use crate::source::{FileId, Span};
pub mod dataflow;
mod gitops;

use foldhash::{HashMap, HashSet};
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use petgraph::Direction;
use std::collections::VecDeque;

pub type EntityId = NodeIndex;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntityKind {
    File,
    TfModule,
    /// A Terraform block or a single local.
    TfBlock,
    K8sObject,
}

#[derive(Clone, Debug)]
pub struct Entity {
    pub kind: EntityKind,
    /// `module.keyvault`, `data.t.n`, a module directory, a file path, `Kind/ns/name`.
    pub name: String,
    pub file: Option<FileId>,
    pub span: Span,
    /// Index into `Project::modules` for Terraform entities.
    pub module: Option<usize>,
    pub addr: Option<Address>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefKind {
    /// A Terraform expression reading another block (`module.m.out`, `data.t.n`).
    Terraform,
    /// A module call's local `source`.
    ModuleSource,
    /// A `templatefile()`/`file()` call.
    Template,
    /// A kustomization's `resources`, `patches`, `components` or generator file.
    Kustomize,
    /// A Flux `sourceRef`/`chartRef`/`valuesFrom`.
    Source,
    /// Flux, Fleet or Terragrunt `dependsOn`/`dependency`.
    DependsOn,
    /// A Flux Kustomization's `spec.path`, a Fleet GitRepo's `spec.paths`.
    Applies,
    /// A Flux Kustomization, Fleet bundle or top-level kustomization applies this manifest.
    Owns,
}

impl RefKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RefKind::Terraform => "reads",
            RefKind::ModuleSource => "source",
            RefKind::Template => "template",
            RefKind::Kustomize => "lists",
            RefKind::Source => "source",
            RefKind::DependsOn => "depends on",
            RefKind::Applies => "applies",
            RefKind::Owns => "owns",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Reference {
    pub kind: RefKind,
    pub file: FileId,
    pub span: Span,
}

/// A reference whose target does not exist.
#[derive(Clone, Debug)]
pub struct Dangling {
    pub from: EntityId,
    pub target: String,
    pub file: FileId,
    pub span: Span,
}

#[derive(Default)]
pub struct Graph {
    g: StableDiGraph<Entity, Reference>,
    /// Per module: each Terraform block's entity.
    by_addr: Vec<HashMap<Address, EntityId>>,
    /// Indexed by file id and module index.
    files: Vec<EntityId>,
    modules: Vec<EntityId>,
    dangling: Vec<Dangling>,
}

/// Dependency cycles in Terraform modules and between Terragrunt units, at Terraform's own
/// granularity (see `dataflow`). They need none of the entity graph, so rules ask for them
/// without waiting for it.
pub fn terraform_cycles(project: &Project) -> Vec<dataflow::TfCycle> {
    let mut cycles = dataflow::cycles(project);
    cycles.extend(dataflow::terragrunt_cycles(project));
    cycles
}

impl Graph {
    pub fn build(project: &Project) -> Graph {
        let mut graph = Graph::default();
        // Growing a node array of a monorepo's size one doubling at a time cost more than
        // filling it; this is close to the final count.
        let estimate = project.files.len() * 2 + project.k8s.len();
        graph.g.reserve_nodes(estimate);
        graph.g.reserve_edges(estimate);
        graph.files.reserve(project.files.len());
        for (id, file) in project.files.iter().enumerate() {
            let node = graph.g.add_node(Entity {
                kind: EntityKind::File,
                name: file.rel.clone(),
                file: Some(id),
                span: Span::default(),
                module: None,
                addr: None,
            });
            debug_assert_eq!(graph.files.len(), id);
            graph.files.push(node);
        }
        for (m, module) in project.modules.iter().enumerate() {
            let node = graph.g.add_node(Entity {
                kind: EntityKind::TfModule,
                name: module.dir.clone(),
                file: None,
                span: Span::default(),
                module: Some(m),
                addr: None,
            });
            graph.modules.push(node);
            let mut by_addr = HashMap::default();
            for e in project.entities(m) {
                let node = graph.g.add_node(Entity {
                    kind: EntityKind::TfBlock,
                    name: e.addr.to_string(),
                    file: Some(e.file),
                    span: e.header,
                    module: Some(m),
                    addr: Some(e.addr.clone()),
                });
                by_addr.entry(e.addr.clone()).or_insert(node);
            }
            graph.by_addr.push(by_addr);
        }
        for m in 0..project.modules.len() {
            for e in project.entities(m) {
                let from = graph.by_addr[m][e.addr];
                // A variable's `validation` reads the variable itself; that is no dependency.
                let own = matches!(e.addr, Address::Var(_)).then_some(e.addr);
                for r in e.refs.iter().filter(|r| Some(&r.addr) != own) {
                    match graph.by_addr[m].get(&r.addr) {
                        Some(&to) => {
                            graph.g.add_edge(
                                from,
                                to,
                                Reference {
                                    kind: RefKind::Terraform,
                                    file: e.file,
                                    span: r.span,
                                },
                            );
                        }
                        None if !matches!(r.addr, Address::Resource(..) | Address::Block(_)) => {
                            graph.dangling.push(Dangling {
                                from,
                                target: r.addr.to_string(),
                                file: e.file,
                                span: r.span,
                            })
                        }
                        // `x.y` may be a dynamic-block iterator or similar, not a resource.
                        None => {}
                    }
                }
                // Only module calls have a source (and a locals block may hold thousands of attributes).
                let source = if matches!(e.addr, Address::Module(_)) {
                    e.block.attr("source")
                } else {
                    None
                };
                if let Some(source) = source {
                    let dir = project.modules[m].dir.as_str();
                    let target = source
                        .literal
                        .as_deref()
                        .filter(|s| s.starts_with("./") || s.starts_with("../"))
                        .and_then(|s| join(dir, s));
                    if let Some(target) = target.and_then(|t| project.module_of(&t)) {
                        graph.g.add_edge(
                            from,
                            graph.modules[target],
                            Reference {
                                kind: RefKind::ModuleSource,
                                file: e.file,
                                span: source.span,
                            },
                        );
                    }
                }
            }
        }
        for link in &project.templates {
            let from = graph.files[link.from];
            graph.g.add_edge(
                from,
                graph.files[link.target],
                Reference {
                    kind: RefKind::Template,
                    file: link.from,
                    span: link.call,
                },
            );
        }
        gitops::add(&mut graph, project);
        graph
    }

    pub fn entity(&self, id: EntityId) -> &Entity {
        &self.g[id]
    }

    pub fn entities(&self, kind: EntityKind) -> impl Iterator<Item = EntityId> + '_ {
        self.g
            .node_indices()
            .filter(move |&i| self.g[i].kind == kind)
    }

    /// Every entity.
    pub fn all_entities(&self) -> impl Iterator<Item = EntityId> + '_ {
        self.g.node_indices()
    }

    /// Every reference, in source order: `(from, to, reference)`.
    pub fn all_references(&self) -> Vec<(EntityId, EntityId, &Reference)> {
        let mut out: Vec<_> = (&self.g)
            .edge_references()
            .map(|e| (e.source(), e.target(), e.weight()))
            .collect();
        out.sort_by_key(|(_, _, r)| (r.file, r.span));
        out
    }

    fn add(&mut self, e: Entity) -> EntityId {
        self.g.add_node(e)
    }

    fn link(&mut self, from: EntityId, to: EntityId, r: Reference) {
        self.g.add_edge(from, to, r);
    }

    /// Outgoing references, in source order.
    pub fn references(&self, id: EntityId) -> Vec<(EntityId, &Reference)> {
        self.edges(id, Direction::Outgoing)
    }

    /// Incoming references, in source order.
    pub fn referrers(&self, id: EntityId) -> Vec<(EntityId, &Reference)> {
        self.edges(id, Direction::Incoming)
    }

    fn edges(&self, id: EntityId, dir: Direction) -> Vec<(EntityId, &Reference)> {
        let mut out: Vec<_> = self
            .g
            .edges_directed(id, dir)
            .map(|e| {
                (
                    if dir == Direction::Outgoing {
                        e.target()
                    } else {
                        e.source()
                    },
                    e.weight(),
                )
            })
            .collect();
        out.sort_by_key(|(_, r)| (r.file, r.span));
        out
    }

    pub fn resolve(&self, module: usize, addr: &Address) -> Option<EntityId> {
        self.by_addr.get(module)?.get(addr).copied()
    }

    pub fn file(&self, file: FileId) -> Option<EntityId> {
        self.files.get(file).copied()
    }

    pub fn dangling(&self) -> &[Dangling] {
        &self.dangling
    }

    /// One simple cycle per strongly connected component of `kind` edges (self-loops included),
    /// each starting at its earliest entity. A cycle `[a, b]` means a → b → a.
    pub fn cycles(&self, kind: RefKind) -> Vec<Vec<EntityId>> {
        let filtered = self
            .g
            .filter_map(|_, n| Some(n), |_, e| (e.kind == kind).then_some(()));
        let mut out = Vec::new();
        for scc in petgraph::algo::tarjan_scc(&filtered) {
            let members: HashSet<EntityId> = scc.iter().copied().collect();
            let start = *scc
                .iter()
                .min_by_key(|&&n| (self.g[n].file, self.g[n].span))
                .expect("an SCC is never empty");
            if scc.len() == 1 {
                if self
                    .references(start)
                    .iter()
                    .any(|(t, r)| *t == start && r.kind == kind)
                {
                    out.push(vec![start]);
                }
                continue;
            }
            if let Some(path) = self.path_back(start, &members, kind) {
                out.push(path);
            }
        }
        out.sort_by_key(|c| (self.g[c[0]].file, self.g[c[0]].span));
        out
    }

    /// Shortest path from `start` back to itself inside `members`.
    fn path_back(
        &self,
        start: EntityId,
        members: &HashSet<EntityId>,
        kind: RefKind,
    ) -> Option<Vec<EntityId>> {
        let mut prev: HashMap<EntityId, EntityId> = HashMap::default();
        let mut queue = VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            for (t, r) in self.references(n) {
                if r.kind != kind || !members.contains(&t) {
                    continue;
                }
                if t == start {
                    let mut path = vec![n];
                    let mut cur = n;
                    while cur != start {
                        cur = prev[&cur];
                        path.push(cur);
                    }
                    path.reverse();
                    return Some(path);
                }
                if let std::collections::hash_map::Entry::Vacant(v) = prev.entry(t) {
                    v.insert(n);
                    queue.push_back(t);
                }
            }
        }
        None
    }

    /// The first reference from `a` to `b` of `kind`.
    pub fn reference(&self, a: EntityId, b: EntityId, kind: RefKind) -> Option<&Reference> {
        self.references(a)
            .into_iter()
            .find(|(t, r)| *t == b && r.kind == kind)
            .map(|(_, r)| r)
    }
}

/// Cycles in a small directed graph given as `(from, to)` edges between `nodes` nodes: one per
/// strongly connected group, as edge indices in order, starting with the smallest index.
pub fn edge_cycles(nodes: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut g: petgraph::graph::DiGraph<(), usize> = petgraph::graph::DiGraph::new();
    let ids: Vec<_> = (0..nodes).map(|_| g.add_node(())).collect();
    for (i, &(a, b)) in edges.iter().enumerate() {
        g.add_edge(ids[a], ids[b], i);
    }
    let mut out = Vec::new();
    for scc in petgraph::algo::tarjan_scc(&g) {
        let members: HashSet<_> = scc.iter().copied().collect();
        let inside: Vec<usize> = (0..edges.len())
            .filter(|&i| members.contains(&ids[edges[i].0]) && members.contains(&ids[edges[i].1]))
            .collect();
        let Some(&first) = inside.first() else {
            continue;
        };
        if scc.len() == 1 && edges[first].0 != edges[first].1 {
            continue;
        }
        // Walk from the first edge back to its start, shortest way.
        let (start, mut path) = (edges[first].0, vec![first]);
        let mut prev: HashMap<usize, usize> = HashMap::default();
        let mut queue = VecDeque::from([edges[first].1]);
        let mut seen = HashSet::from_iter([edges[first].1]);
        let mut found = edges[first].1 == start;
        while let Some(n) = queue.pop_front().filter(|_| !found) {
            for &e in inside.iter().filter(|&&e| edges[e].0 == n) {
                let t = edges[e].1;
                if seen.insert(t) || t == start {
                    prev.insert(t, e);
                    if t == start {
                        found = true;
                        break;
                    }
                    queue.push_back(t);
                }
            }
        }
        if !found {
            continue;
        }
        let mut back = Vec::new();
        let mut cur = start;
        while cur != edges[first].1 {
            let e = prev[&cur];
            back.push(e);
            cur = edges[e].0;
        }
        back.reverse();
        path.extend(back);
        out.push(path);
    }
    out.sort();
    out
}
