//! Terraform's own dependency granularity. A module call is not one node but its inputs, its
//! outputs and its meta-arguments, and an output depends only on the inputs it reads inside the
//! child module. A cycle here is one `terraform plan` rejects; a cycle among whole module calls
//! that disappears at this granularity is only a fragile wiring.

use crate::model::terraform::Address;
use crate::model::Project;
use crate::source::{FileId, Span};
use foldhash::{HashMap, HashSet};
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use std::collections::VecDeque;

/// Names borrowed from the project: a node is copied into each edge and map that holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Node<'p> {
    Entity(&'p Address),
    Input(&'p str, &'p str),
    /// `*` stands for the whole module (`depends_on = [module.m]`, `module.m` as a value).
    Output(&'p str, &'p str),
    /// `count`, `for_each`, `depends_on`, `providers`: every output waits for them.
    Meta(&'p str),
}

impl<'p> Node<'p> {
    /// The block the node belongs to: `module.keyvault`, `aws_instance.web`.
    fn owner(&self) -> String {
        self.owner_key().to_string()
    }

    /// `owner` before it is written out.
    fn owner_key(&self) -> Owner<'p> {
        match *self {
            Node::Entity(Address::Module(c)) => Owner::Module(c),
            Node::Entity(a) => Owner::Block(a),
            Node::Input(c, _) | Node::Output(c, _) | Node::Meta(c) => Owner::Module(c),
        }
    }
}

/// A block of a module's flow, equal to another exactly when their names are (a module call
/// is always `Module`; `Address::Block` names only Terragrunt units, which never meet one).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Owner<'p> {
    Block(&'p Address),
    Module(&'p str),
}

impl std::fmt::Display for Owner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Owner::Block(a) => a.fmt(f),
            Owner::Module(c) => write!(f, "module.{c}"),
        }
    }
}

/// One dependency of a cycle, where the source shows it.
#[derive(Clone, Debug)]
pub struct Step {
    pub file: FileId,
    pub span: Span,
    pub note: String,
}

#[derive(Clone, Debug)]
pub struct TfCycle {
    /// The Terraform module, or `None` for a cycle between Terragrunt units.
    pub module: Option<usize>,
    /// Blocks in order: `[a, b]` means a → b → a.
    pub chain: Vec<String>,
    /// The references in the module that make the cycle, earliest first.
    pub refs: Vec<Step>,
    /// Dependencies inside child modules that close it (an output reading an input).
    pub inside: Vec<Step>,
    /// Terraform rejects it. Otherwise module calls read each other's outputs, but no output
    /// depends on the inputs that read it, and every module involved was read.
    pub real: bool,
}

const META: &[&str] = &[
    "count",
    "for_each",
    "depends_on",
    "providers",
    "source",
    "version",
];

/// Where a dependency shows in the source. Its note is written only for the few edges a cycle
/// reports, from the nodes at its ends, unless the edge came with one.
#[derive(Clone, Debug)]
struct Hop {
    file: FileId,
    span: Span,
    note: Option<String>,
}

#[derive(Default)]
struct Flow<'p> {
    g: DiGraph<Node<'p>, Option<Hop>>,
    idx: HashMap<Node<'p>, NodeIndex>,
    /// Module calls whose source infralint could not read.
    opaque: HashSet<&'p str>,
}

impl<'p> Flow<'p> {
    fn node(&mut self, n: Node<'p>) -> NodeIndex {
        *self.idx.entry(n).or_insert_with(|| self.g.add_node(n))
    }

    fn edge(&mut self, a: Node<'p>, b: Node<'p>, hop: Option<Hop>) {
        let (a, b) = (self.node(a), self.node(b));
        self.g.add_edge(a, b, hop);
    }

    /// The step an edge stands for, with its note.
    fn step(&self, e: petgraph::graph::EdgeReference<'_, Option<Hop>>) -> Option<Step> {
        let hop = e.weight().as_ref()?;
        let note =
            hop.note
                .clone()
                .unwrap_or_else(|| match (&self.g[e.source()], &self.g[e.target()]) {
                    (Node::Output(c, out), Node::Input(_, i)) => {
                        format!("inside module.{c}, output `{out}` depends on input `{i}`")
                    }
                    (from, to) => {
                        let read = match to {
                            Node::Output(c, o) if *o != "*" => format!("module.{c}.{o}"),
                            to => to.owner(),
                        };
                        format!("`{}` reads `{read}` here", from.owner())
                    }
                });
        Some(Step {
            file: hop.file,
            span: hop.span,
            note,
        })
    }
}

/// Output name → the inputs it reads, with where the output is declared.
type Summary<'p> = HashMap<&'p str, (FileId, Span, HashSet<&'p str>)>;

/// Arguments a module call passes, by call name: the child module (if local), argument names.
type Calls<'p> = HashMap<&'p str, (Option<usize>, Vec<&'p str>)>;

struct Builder<'p> {
    p: &'p Project,
    summaries: HashMap<usize, Option<Summary<'p>>>,
    visiting: HashSet<usize>,
    /// Flows built for a summary, kept for the module's own turn.
    flows: HashMap<usize, Flow<'p>>,
    /// How many summaries were refused because their module was being summarised (a module
    /// calling itself): a flow built meanwhile lacks them and is not kept.
    refused: usize,
}

pub fn cycles(p: &Project) -> Vec<TfCycle> {
    let mut b = Builder {
        p,
        summaries: HashMap::default(),
        visiting: HashSet::default(),
        flows: HashMap::default(),
        refused: 0,
    };
    let mut out = Vec::new();
    for m in 0..p.modules.len() {
        if !p.module_parsed(m) {
            continue;
        }
        let flow = match b.flows.remove(&m) {
            Some(flow) => flow,
            None => b.flow(m),
        };
        out.extend(module_cycles(p, m, &flow));
    }
    out
}

impl<'p> Builder<'p> {
    fn flow(&mut self, m: usize) -> Flow<'p> {
        let p: &'p Project = self.p;
        let entities = p.entities(m);
        let known: HashSet<&Address> = entities.iter().map(|e| e.addr).collect();
        let mut calls: Calls<'p> = HashMap::default();
        for e in &entities {
            if let Address::Module(c) = e.addr {
                let args = e
                    .block
                    .attrs
                    .iter()
                    .map(|a| a.name.as_str())
                    .filter(|a| !META.contains(a))
                    .collect();
                calls.insert(c, (p.local_child(m, e.block), args));
            }
        }
        let mut f = Flow::default();
        for (c, (child, _)) in &calls {
            if child.is_none() {
                f.opaque.insert(c);
            }
        }
        for e in &entities {
            let Address::Module(c) = e.addr else {
                let from = Node::Entity(e.addr);
                f.node(from);
                // A variable's `validation` reads the variable itself; that is no dependency.
                for r in e
                    .refs
                    .iter()
                    .filter(|r| !(matches!(e.addr, Address::Var(_)) && r.addr == *e.addr))
                {
                    self.link(&mut f, from, r, e.file, &known, &calls);
                }
                continue;
            };
            let mut in_attrs = HashSet::default();
            for a in &e.block.attrs {
                let from = if META.contains(&a.name.as_str()) {
                    Node::Meta(c)
                } else {
                    Node::Input(c, &a.name)
                };
                f.node(from);
                for r in &a.refs {
                    in_attrs.insert(r.span);
                    self.link(&mut f, from, r, e.file, &known, &calls);
                }
            }
            for r in e.refs.iter().filter(|r| !in_attrs.contains(&r.span)) {
                self.link(&mut f, Node::Meta(c), r, e.file, &known, &calls);
            }
        }
        f
    }

    fn link(
        &mut self,
        f: &mut Flow<'p>,
        from: Node<'p>,
        r: &'p crate::model::terraform::TfRef,
        file: FileId,
        known: &HashSet<&Address>,
        calls: &Calls<'p>,
    ) {
        let to = match &r.addr {
            Address::Module(c) => {
                let Some((child, args)) = calls.get(c.as_str()) else {
                    return;
                };
                let out = r.output.as_deref().unwrap_or("*");
                self.output(f, c, out, *child, args);
                Node::Output(c, out)
            }
            a if known.contains(a) => Node::Entity(a),
            _ => return,
        };
        f.edge(
            from,
            to,
            Some(Hop {
                file,
                span: r.span,
                note: None,
            }),
        );
    }

    /// Adds `module.c`'s output node with what it depends on inside the child.
    fn output(
        &mut self,
        f: &mut Flow<'p>,
        c: &'p str,
        out: &'p str,
        child: Option<usize>,
        args: &[&'p str],
    ) {
        let node = Node::Output(c, out);
        if f.idx.contains_key(&node) {
            return;
        }
        f.edge(node, Node::Meta(c), None);
        if out == "*" {
            // Waiting for a whole module means waiting for everything it was given.
            for a in args {
                f.edge(node, Node::Input(c, a), None);
            }
            return;
        }
        let Some(child) = child else { return };
        let Some(summary) = self.summary(child) else {
            return;
        };
        let Some((file, span, inputs)) = summary.get(out) else {
            return;
        };
        let mut inputs: Vec<&'p str> = inputs
            .iter()
            .copied()
            .filter(|i| args.contains(i))
            .collect();
        inputs.sort();
        for i in inputs {
            f.edge(
                node,
                Node::Input(c, i),
                Some(Hop {
                    file: *file,
                    span: *span,
                    note: None,
                }),
            );
        }
    }

    fn summary(&mut self, m: usize) -> Option<Summary<'p>> {
        if let Some(s) = self.summaries.get(&m) {
            return s.clone();
        }
        if !self.visiting.insert(m) {
            self.refused += 1;
            return None;
        }
        let refused = self.refused;
        let flow = self.flow(m);
        let mut summary = Summary::default();
        let p: &'p Project = self.p;
        for e in p.entities(m) {
            let Address::Output(name) = e.addr else {
                continue;
            };
            let Some(&start) = flow.idx.get(&Node::Entity(e.addr)) else {
                continue;
            };
            let mut inputs = HashSet::default();
            let mut seen = HashSet::from_iter([start]);
            let mut queue = VecDeque::from([start]);
            while let Some(n) = queue.pop_front() {
                if let Node::Entity(Address::Var(v)) = flow.g[n] {
                    inputs.insert(v.as_str());
                }
                for next in flow.g.neighbors(n) {
                    if seen.insert(next) {
                        queue.push_back(next);
                    }
                }
            }
            summary.insert(name, (e.file, e.header, inputs));
        }
        self.visiting.remove(&m);
        if self.refused == refused {
            self.flows.insert(m, flow);
        }
        self.summaries.insert(m, Some(summary.clone()));
        Some(summary)
    }
}

/// Real cycles (strongly connected nodes) and module-level ones (strongly connected owners that
/// no real cycle explains).
fn module_cycles(p: &Project, m: usize, f: &Flow) -> Vec<TfCycle> {
    let mut out = Vec::new();
    for scc in tarjan_scc(&f.g) {
        let self_loop = scc.len() == 1 && f.g.edges(scc[0]).any(|e| e.target() == scc[0]);
        if scc.len() > 1 || self_loop {
            let members: HashSet<NodeIndex> = scc.iter().copied().collect();
            if let Some(path) = path_back(f, &members) {
                let path: Vec<(String, Option<Step>)> =
                    path.into_iter().map(|(n, s)| (f.g[n].owner(), s)).collect();
                out.push(describe(p, m, &path, true));
            }
        }
    }
    // The same at the level of whole blocks, named only where a cycle is found.
    let mut owners: DiGraph<Owner<'_>, ()> = DiGraph::new();
    let mut at: HashMap<Owner<'_>, NodeIndex> = HashMap::default();
    let owner_of: Vec<NodeIndex> =
        f.g.node_weights()
            .map(|n| {
                *at.entry(n.owner_key())
                    .or_insert_with(|| owners.add_node(n.owner_key()))
            })
            .collect();
    for e in f.g.edge_references() {
        let (a, b) = (owner_of[e.source().index()], owner_of[e.target().index()]);
        if a != b {
            owners.update_edge(a, b, ());
        }
    }
    for scc in tarjan_scc(&owners).into_iter().filter(|s| s.len() > 1) {
        let names: Vec<String> = scc.iter().map(|&n| owners[n].to_string()).collect();
        let names: HashSet<&String> = names.iter().collect();
        let explained = out
            .iter()
            .any(|c: &TfCycle| c.chain.iter().filter(|o| names.contains(o)).count() >= 2);
        let opaque = names.iter().any(|n| {
            n.strip_prefix("module.")
                .is_some_and(|c| f.opaque.contains(c))
        });
        // The fragile shape is module calls reading each other's outputs, nothing else.
        let only_modules = names.iter().all(|n| n.starts_with("module."));
        if explained || opaque || !only_modules {
            continue;
        }
        if let Some(path) = owner_cycle(f, &names) {
            out.push(describe(p, m, &path, false));
        }
    }
    out
}

/// Shortest path from the earliest member back to itself, inside `members`.
fn path_back(f: &Flow, members: &HashSet<NodeIndex>) -> Option<Vec<(NodeIndex, Option<Step>)>> {
    let mut starts: Vec<NodeIndex> = members.iter().copied().collect();
    starts.sort_by_key(|&n| (f.g[n].owner(), n));
    let start = starts[0];
    let mut prev: HashMap<NodeIndex, (NodeIndex, Option<Step>)> = HashMap::default();
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for e in f.g.edges(n) {
            let t = e.target();
            if !members.contains(&t) || prev.contains_key(&t) {
                continue;
            }
            prev.insert(t, (n, f.step(e)));
            if t == start {
                let mut path = Vec::new();
                let mut cur = start;
                loop {
                    let (p, step) = prev[&cur].clone();
                    path.push((p, step));
                    cur = p;
                    if cur == start {
                        break;
                    }
                }
                path.reverse();
                return Some(path);
            }
            queue.push_back(t);
        }
    }
    None
}

/// A cycle among whole blocks, with the earliest reference for each hop.
fn owner_cycle(f: &Flow, names: &HashSet<&String>) -> Option<Vec<(String, Option<Step>)>> {
    let mut hops: HashMap<(String, String), Step> = HashMap::default();
    for e in f.g.edge_references() {
        let (a, b) = (f.g[e.source()].owner(), f.g[e.target()].owner());
        let Some(at) = e.weight() else { continue };
        if a == b || !names.contains(&a) || !names.contains(&b) {
            continue;
        }
        let better = hops
            .get(&(a.clone(), b.clone()))
            .is_none_or(|hop| (at.file, at.span) < (hop.file, hop.span));
        if let (true, Some(step)) = (better, f.step(e)) {
            hops.insert((a, b), step);
        }
    }
    let mut sorted: Vec<&String> = names.iter().copied().collect();
    sorted.sort();
    let start = sorted[0].clone();
    let mut prev: HashMap<String, String> = HashMap::default();
    let mut queue = VecDeque::from([start.clone()]);
    while let Some(n) = queue.pop_front() {
        let mut next: Vec<&String> = hops
            .keys()
            .filter(|(a, _)| *a == n)
            .map(|(_, b)| b)
            .collect();
        next.sort();
        for t in next {
            if prev.contains_key(t) {
                continue;
            }
            prev.insert(t.clone(), n.clone());
            if *t == start {
                let mut path = Vec::new();
                let mut cur = start.clone();
                loop {
                    let p = prev[&cur].clone();
                    path.push((p.clone(), hops.get(&(p.clone(), cur.clone())).cloned()));
                    cur = p;
                    if cur == start {
                        break;
                    }
                }
                path.reverse();
                return Some(path);
            }
            queue.push_back(t.clone());
        }
    }
    None
}

fn describe(p: &Project, m: usize, path: &[(String, Option<Step>)], real: bool) -> TfCycle {
    let in_module: HashSet<FileId> = p.modules[m].files.iter().copied().collect();
    let mut chain: Vec<String> = Vec::new();
    for (owner, _) in path {
        if chain.last() != Some(owner) {
            chain.push(owner.clone());
        }
    }
    if chain.len() > 1 && chain.first() == chain.last() {
        chain.pop();
    }
    let (mut refs, mut inside): (Vec<Step>, Vec<Step>) = path
        .iter()
        .filter_map(|(_, s)| s.clone())
        .partition(|s| in_module.contains(&s.file));
    let rel = |s: &Step| (p.files[s.file].rel.clone(), s.span);
    if let Some(first) = (0..refs.len()).min_by_key(|&i| rel(&refs[i])) {
        refs.rotate_left(first);
        // Start the chain where the first reported reference starts.
        if let Some(pos) = chain
            .iter()
            .position(|o| refs[0].note.starts_with(&format!("`{o}`")))
        {
            chain.rotate_left(pos);
        }
    }
    inside.dedup_by_key(|s| (s.file, s.span));
    TfCycle {
        module: Some(m),
        chain,
        refs,
        inside,
        real,
    }
}

/// Cycles between Terragrunt units through `dependency` and `dependencies` blocks.
pub fn terragrunt_cycles(p: &Project) -> Vec<TfCycle> {
    let mut g: DiGraph<String, Hop> = DiGraph::new();
    let mut at: HashMap<String, NodeIndex> = HashMap::default();
    let mut node = |g: &mut DiGraph<String, Hop>, dir: &str| {
        *at.entry(dir.to_string())
            .or_insert_with(|| g.add_node(dir.to_string()))
    };
    for unit in &p.terragrunt {
        let from = node(&mut g, &unit.dir);
        for e in unit.edges.iter().filter(|e| e.exists) {
            let to = node(&mut g, &e.target);
            let via = e.name.as_ref().map_or("dependencies".to_string(), |n| {
                format!("dependency \"{n}\"")
            });
            g.add_edge(
                from,
                to,
                Hop {
                    file: unit.file,
                    span: e.span,
                    note: Some(format!("`{}` depends on `{}` ({via})", unit.dir, e.target)),
                },
            );
        }
    }
    let dirs: Vec<Address> = g
        .node_weights()
        .map(|d| Address::Block(d.clone()))
        .collect();
    let flow = Flow {
        g: g.map(
            |i, _| Node::Entity(&dirs[i.index()]),
            |_, s| Some(s.clone()),
        ),
        idx: HashMap::default(),
        opaque: HashSet::default(),
    };
    let mut out = Vec::new();
    for scc in tarjan_scc(&flow.g) {
        let self_loop = scc.len() == 1 && flow.g.edges(scc[0]).any(|e| e.target() == scc[0]);
        if scc.len() < 2 && !self_loop {
            continue;
        }
        let members: HashSet<NodeIndex> = scc.into_iter().collect();
        let Some(path) = path_back(&flow, &members) else {
            continue;
        };
        let mut refs: Vec<Step> = path.iter().filter_map(|(_, s)| s.clone()).collect();
        let mut chain: Vec<String> = path.iter().map(|(n, _)| flow.g[*n].owner()).collect();
        let rel = |s: &Step| (p.files[s.file].rel.clone(), s.span);
        if let Some(first) = (0..refs.len()).min_by_key(|&i| rel(&refs[i])) {
            refs.rotate_left(first);
            chain.rotate_left(first);
        }
        out.push(TfCycle {
            module: None,
            chain,
            refs,
            inside: Vec::new(),
            real: true,
        });
    }
    out
}
