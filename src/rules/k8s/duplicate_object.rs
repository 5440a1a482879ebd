use crate::diagnostic::{Diagnostic, Severity};
use crate::model::gitops::Owner;
use crate::rules::{Context, Rule, RuleMeta};
use foldhash::HashMap;
use std::collections::hash_map::Entry;
use std::collections::BTreeSet;

pub struct DuplicateObject;

static META: RuleMeta = RuleMeta {
    id: "k8s/duplicate-object",
    severity: Severity::Error,
    summary: "The same object is defined twice in what one Kustomization, bundle or file applies",
    doc: include_str!("../../../rules/k8s/duplicate-object.md"),
};

/// Group, kind, namespace, name.
type Identity<'a> = (&'a str, &'a str, &'a str, &'a str);

/// What applies a set of manifests together.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Scope {
    Owner(Owner),
    File(usize),
}

impl Rule for DuplicateObject {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        // The first object of each identity in each scope; a list only for those seen again.
        let mut first: HashMap<(Scope, Identity<'_>), usize> =
            HashMap::with_capacity_and_hasher(p.k8s.len() * 2, Default::default());
        let mut again: HashMap<(Scope, Identity<'_>), Vec<usize>> = HashMap::default();
        for (i, o) in p.k8s.iter().enumerate() {
            let (Some(name), false) = (o.name.as_deref(), o.kind == "List") else {
                continue;
            };
            let key = (
                o.group(),
                o.kind.as_str(),
                o.namespace.as_deref().unwrap_or(""),
                name,
            );
            let owners = p.owners[o.file]
                .iter()
                .map(|w| Scope::Owner(*w))
                .chain([Scope::File(o.file)]);
            for s in owners {
                match first.entry((s, key)) {
                    Entry::Vacant(v) => {
                        v.insert(i);
                    }
                    Entry::Occupied(f) => again
                        .entry((s, key))
                        .or_insert_with(|| vec![*f.get()])
                        .push(i),
                }
            }
        }
        let mut reported = BTreeSet::new();
        let mut out = Vec::new();
        // Hashed, then only the duplicates put in order: the scope order decides which scope's
        // message an object defined twice in several scopes gets.
        let mut twice: Vec<_> = again.into_iter().collect();
        twice.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for ((scope, (_, kind, ns, name)), mut objs) in twice {
            objs.sort_by_key(|&i| (p.files[p.k8s[i].file].rel.as_str(), p.k8s[i].span.start));
            let first = &p.k8s[objs[0]];
            let by = match scope {
                Scope::File(_) => "this file".to_string(),
                Scope::Owner(Owner::Flux(f)) => format!("Flux Kustomization `{}`", p.flux[f].name),
                Scope::Owner(Owner::Fleet(b)) => {
                    format!("the Fleet bundle in {}", p.bundles[b].dir)
                }
                Scope::Owner(Owner::Kustomize(k)) => p.files[p.kustomizations[k].file].rel.clone(),
            };
            for &i in &objs[1..] {
                if !reported.insert(i) {
                    continue;
                }
                let o = &p.k8s[i];
                let name_at = |o: &crate::model::kubernetes::K8sObject| {
                    p.doc(o)
                        .path(&["metadata", "name"])
                        .map_or(o.span, |n| n.span)
                };
                let where_ = if ns.is_empty() {
                    String::new()
                } else {
                    format!(" in namespace `{ns}`")
                };
                out.push(
                    cx.report(&META, o.file, name_at(o), format!("{kind} `{name}`{where_} is defined twice in what {by} applies"))
                        .label("defined again")
                        .related(first.file, name_at(first), "first defined here")
                        .help("only one definition survives (kustomize refuses it outright); remove one, or rename it"),
                );
            }
        }
        out
    }
}
