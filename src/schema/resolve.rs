//! Finds and compiles the schema for an `apiVersion`/`kind`: Kubernetes built-ins, then
//! CustomResourceDefinitions in the linted repository, then catalog directories
//! (`<group>/<kind>_<version>.json`, the kubeconform / CRDs-catalog layout). Never the network.

use super::json::Instance;
use super::{k8s, Compiled, Violation};
use crate::parse::yaml::YNode;
use crate::source::{FileId, Span};
use jsonschema::Draft;
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// Where a schema came from, for messages.
#[derive(Clone, Debug)]
pub enum Origin {
    Builtin(&'static str),
    Crd(FileId, Span),
    Catalog(PathBuf),
}

pub struct Schema {
    pub origin: Origin,
    check: Check,
}

enum Check {
    Compiled(Compiled),
    /// A built-in kind: checked by `quick`, compiled for the first object it cannot vouch for.
    Builtin {
        builtins: &'static k8s::Builtins,
        definition: &'static str,
        compiled: OnceLock<Result<Compiled, String>>,
    },
}

impl Schema {
    /// Whether `instance` is valid, where a built-in schema's quick check can tell without
    /// compiling anything.
    pub fn quick_valid<'i>(&self, instance: impl super::instance::Instance<'i>) -> Option<bool> {
        match &self.check {
            Check::Compiled(_) => None,
            Check::Builtin {
                builtins,
                definition,
                ..
            } => builtins.quick_valid(definition, instance),
        }
    }

    /// The violations of `root`, or why the schema cannot be used.
    pub fn violations(&self, root: &YNode, instance: &Instance) -> Result<Vec<Violation>, String> {
        let (builtins, definition, compiled) = match &self.check {
            Check::Compiled(c) => return Ok(c.violations(root, instance)),
            Check::Builtin {
                builtins,
                definition,
                compiled,
            } => (builtins, definition, compiled),
        };
        if builtins.quick_valid(definition, &instance.value) == Some(true) {
            return Ok(Vec::new());
        }
        compiled
            .get_or_init(|| builtins.compile(definition))
            .as_ref()
            .map(|c| c.violations(root, instance))
            .map_err(Clone::clone)
    }
}

pub enum Lookup {
    Found(Schema),
    /// No schema anywhere: reported once per kind, as information.
    Missing,
    /// A schema exists but cannot be used (malformed catalog file, uncompilable CRD schema).
    Broken(Origin, String),
}

pub struct Resolver {
    pub version: &'static str,
    strict: bool,
    /// `group/version/Kind` → the CRD's converted schema and where the CRD is.
    crds: HashMap<String, (Value, FileId, Span)>,
    dirs: Vec<PathBuf>,
    cache: Mutex<foldhash::HashMap<String, Arc<OnceLock<Lookup>>>>,
}

impl Resolver {
    pub fn new(
        version: &'static str,
        strict: bool,
        crds: HashMap<String, (Value, FileId, Span)>,
        dirs: Vec<PathBuf>,
    ) -> Self {
        Resolver {
            version,
            strict,
            crds,
            dirs,
            cache: Mutex::default(),
        }
    }

    /// The schema for `api_version`/`kind`, compiled once per run.
    pub fn lookup(&self, api_version: &str, kind: &str) -> Arc<OnceLock<Lookup>> {
        let key = format!("{api_version}/{kind}");
        let cell = self
            .cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_default()
            .clone();
        cell.get_or_init(|| self.find(api_version, kind));
        cell
    }

    fn find(&self, api_version: &str, kind: &str) -> Lookup {
        if let Some(b) = k8s::builtins(self.version, self.strict) {
            if let Some(definition) = b.definition(api_version, kind) {
                return Lookup::Found(Schema {
                    origin: Origin::Builtin(self.version),
                    check: Check::Builtin {
                        builtins: b,
                        definition,
                        compiled: OnceLock::new(),
                    },
                });
            }
        }
        let (group, version) = match api_version.rsplit_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        if let Some((schema, file, span)) = self.crds.get(&format!("{group}/{version}/{kind}")) {
            return self.compile(
                schema.clone(),
                group,
                version,
                kind,
                Origin::Crd(*file, *span),
            );
        }
        // A group is a DNS name and a version and kind are alphanumeric: anything else (`..`,
        // `/`) must not become a path to read.
        let dns = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
                && !s.contains("..")
        };
        let alnum = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
        if !dns(group) || !alnum(version) || !alnum(kind) {
            return Lookup::Missing;
        }
        let name = format!("{}_{version}.json", kind.to_lowercase());
        for dir in &self.dirs {
            let path = dir.join(group).join(&name);
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let origin = Origin::Catalog(path);
            return match serde_json::from_str::<Value>(&text) {
                Ok(schema) => self.compile(schema, group, version, kind, origin),
                Err(e) => Lookup::Broken(origin, format!("not valid JSON: {e}")),
            };
        }
        Lookup::Missing
    }

    fn compile(
        &self,
        mut schema: Value,
        group: &str,
        version: &str,
        kind: &str,
        origin: Origin,
    ) -> Lookup {
        if !self.strict {
            k8s::open_objects(&mut schema);
        }
        // A base URI of its own, so "did you mean" can find the schema object an error names.
        let base = format!("https://crd.infralint.invalid/{group}/{version}/{kind}");
        if let Some(map) = schema.as_object_mut() {
            map.remove("$id");
        }
        match super::build(Draft::Draft202012, &base, &schema) {
            Ok(validator) => Lookup::Found(Schema {
                origin,
                check: Check::Compiled(Compiled {
                    validator,
                    docs: HashMap::from([(base, Arc::new(schema))]),
                }),
            }),
            Err(e) => Lookup::Broken(origin, e.to_string()),
        }
    }
}
