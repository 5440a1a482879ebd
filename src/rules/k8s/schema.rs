use crate::diagnostic::{Diagnostic, Severity};
use crate::model::kubernetes::K8sObject;
use crate::model::kustomize::EntryKind;
use crate::model::{Project, Role};
use crate::rules::{Context, Rule, RuleMeta};
use crate::schema::instance::Yaml;
use crate::schema::resolve::{Lookup, Origin, Resolver};
use crate::schema::{crd, json};
use crate::source::Span;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};

pub struct Schema;

static META: RuleMeta = RuleMeta {
    id: "k8s/schema",
    severity: Severity::Error,
    summary: "A Kubernetes object does not match its schema (built-in kinds, CRDs in the repository, catalogs)",
    doc: include_str!("../../../rules/k8s/schema.md"),
};

/// Groups whose "objects" are tool configuration, not API objects.
const NOT_API: &[&str] = &["kustomize.config.k8s.io", "config.kubernetes.io"];

impl Rule for Schema {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let (version, strict) = (cx.config.k8s_version(), cx.config.k8s_strict());
        let dirs = cx
            .config
            .k8s
            .schema_dirs
            .iter()
            .map(|d| cx.config.path(d))
            .collect();
        let resolver = Resolver::new(version, strict, crds(p), dirs);
        let patches = patch_files(p);
        let objects: Vec<&K8sObject> = p
            .k8s
            .iter()
            .filter(|o| {
                matches!(p.roles[o.file], Role::Kubernetes | Role::Yaml)
                    && !patches.contains(&o.file)
                    && !NOT_API.contains(&o.group())
                    && o.kind != "List"
            })
            .collect();
        // Each kind's validator compiles once; compiling them all first spreads that work
        // over the threads instead of leaving it to whichever object comes first.
        let kinds: HashSet<(&str, &str)> = objects
            .iter()
            .map(|o| (o.api_version.as_str(), o.kind.as_str()))
            .collect();
        kinds.into_par_iter().for_each(|(a, k)| {
            resolver.lookup(a, k);
        });
        let results: Vec<(Vec<Diagnostic>, Option<Missing<'_>>)> = objects
            .par_iter()
            .map(|o| check_object(cx, &resolver, o))
            .collect();
        let mut out = Vec::new();
        // Once per kind, at its first object in path order.
        let mut once: BTreeMap<(&str, &str), (&str, usize, Missing<'_>)> = BTreeMap::new();
        for (diags, missing) in results {
            out.extend(diags);
            if let Some(m) = missing {
                let o = m.object;
                let at = (p.files[o.file].rel.as_str(), o.span.start);
                let key = (o.api_version.as_str(), o.kind.as_str());
                match once.get(&key) {
                    Some(first) if (first.0, first.1) <= at => {}
                    _ => {
                        once.insert(key, (at.0, at.1, m));
                    }
                }
            }
        }
        for (_, _, m) in once.into_values() {
            out.push(m.report(cx, version));
        }
        out
    }
}

/// A kind with no usable schema, reported once.
struct Missing<'a> {
    object: &'a K8sObject,
    broken: Option<String>,
}

impl Missing<'_> {
    fn report(&self, cx: &Context<'_>, version: &str) -> Diagnostic {
        let o = self.object;
        let span = kind_span(cx.project, o);
        let mut d = cx.report(
            &META,
            o.file,
            span,
            match &self.broken {
                Some(why) => format!(
                    "the schema for `{}` `{}` cannot be used: {why}",
                    o.api_version, o.kind
                ),
                None => format!(
                    "no schema for `{}` `{}`: objects of this kind are not checked",
                    o.api_version, o.kind
                ),
            },
        );
        d.severity = if self.broken.is_some() {
            Severity::Warning
        } else {
            Severity::Info
        };
        d.help(format!(
            "it is not a Kubernetes {version} kind and no CustomResourceDefinition in the repository defines it; add the CRD to the repository, or point `--schema-dir` (or `[k8s] schema_dirs`) at a catalog laid out as `<group>/<kind>_<version>.json`"
        ))
    }
}

fn check_object<'a>(
    cx: &Context<'_>,
    resolver: &Resolver,
    o: &'a K8sObject,
) -> (Vec<Diagnostic>, Option<Missing<'a>>) {
    let p = cx.project;
    let cell = resolver.lookup(&o.api_version, &o.kind);
    let schema = match cell.get() {
        Some(Lookup::Found(s)) => s,
        Some(Lookup::Broken(_, why)) => {
            return (
                Vec::new(),
                Some(Missing {
                    object: o,
                    broken: Some(why.clone()),
                }),
            );
        }
        _ => {
            return (
                Vec::new(),
                Some(Missing {
                    object: o,
                    broken: None,
                }),
            )
        }
    };
    let root = p.doc(o);
    // Most objects are valid and simple: read as YAML, they need no JSON built.
    let repeated_keys = p.yaml(o.file).is_none_or(|y| !y.duplicates.is_empty());
    if let Some(view) = Yaml::plain(root, repeated_keys).filter(|_| root.get("sops").is_none()) {
        if schema.quick_valid(view) == Some(true) {
            return (Vec::new(), None);
        }
    }
    // Flux substitutes `${VAR}` after the build; such values are unknown until then.
    let mut instance = json::instance(root, &p.files[o.file].text, &["${"]);
    // SOPS-encrypted manifests carry their metadata in a top-level `sops` key, which Flux's
    // decryption removes before the apply.
    if let Some(map) = instance.value.as_object_mut() {
        map.remove("sops");
    }
    let found = match schema.violations(root, &instance) {
        Ok(found) => found,
        Err(why) => {
            return (
                Vec::new(),
                Some(Missing {
                    object: o,
                    broken: Some(why),
                }),
            )
        }
    };
    if found.is_empty() {
        return (Vec::new(), None);
    }
    let from = match &schema.origin {
        Origin::Builtin(v) => format!("the Kubernetes {v} schema"),
        Origin::Crd(f, _) => format!("the CustomResourceDefinition in {}", p.files[*f].rel),
        Origin::Catalog(path) => format!("the catalog schema {}", path.display()),
    };
    let diags = found
        .into_iter()
        .map(|v| {
            let unknown = v.message.starts_with("unknown field");
            let mut d = cx
                .report(
                    &META,
                    o.file,
                    v.span,
                    format!("{} `{}`: {}", o.kind, name(o), v.message),
                )
                .label(if unknown {
                    "not in the schema"
                } else {
                    "does not match the schema"
                });
            d = d.help(if unknown {
                format!("{from} has no such field here: the API server rejects it (strict field validation, kubectl's default) or drops it silently. Fix the name; run with `--no-strict` if the field is newer than the schema")
            } else if let Origin::Builtin(_) = schema.origin {
                format!("the API server rejects this object; checked against {from} (select another version with `--kubernetes-version`)")
            } else {
                format!("the API server rejects this object; checked against {from}")
            });
            if let Origin::Crd(f, span) = schema.origin {
                d = d.related(f, span, "the CustomResourceDefinition that defines the schema");
            }
            d
        })
        .collect();
    (diags, None)
}

fn name(o: &K8sObject) -> &str {
    o.name.as_deref().unwrap_or("(unnamed)")
}

fn kind_span(p: &Project, o: &K8sObject) -> Span {
    p.doc(o).get("kind").map_or(o.span, |k| k.span)
}

/// Custom-resource schemas from every CustomResourceDefinition in the repository.
fn crds(p: &Project) -> HashMap<String, (serde_json::Value, usize, Span)> {
    let mut out = HashMap::new();
    for o in &p.k8s {
        if !o.is("apiextensions.k8s.io", &["CustomResourceDefinition"]) {
            continue;
        }
        let value = json::instance(p.doc(o), "", &[]).value;
        for s in crd::schemas(&value) {
            out.entry(format!("{}/{}/{}", s.group, s.version, s.kind))
                .or_insert((s.schema, o.file, kind_span(p, o)));
        }
    }
    out
}

/// Partial objects merged into others: the patches kustomizations list, and files named as
/// patches (Fleet overlays' `*_patch.yaml`, patches of kustomizations infralint cannot read).
fn patch_files(p: &Project) -> HashSet<usize> {
    let listed = p
        .kustomizations
        .iter()
        .flat_map(|k| &k.entries)
        .filter(|e| e.kind == EntryKind::Patch)
        .filter_map(|e| p.file_by_rel(e.target.as_deref()?));
    let named = p.files.iter().enumerate().filter_map(|(i, f)| {
        let name = f.rel.rsplit('/').next().unwrap_or_default();
        name.contains("patch").then_some(i)
    });
    listed.chain(named).collect()
}
