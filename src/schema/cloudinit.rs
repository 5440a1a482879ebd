//! cloud-init's cloud-config schema (from Debian's package, `scripts/import-cloud-init-schema`),
//! read as cloud-init itself does: draft 4. Loaded once per process, compiled only if needed.

use super::Embedded;
use jsonschema::paths::Location;
use jsonschema::Draft;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

/// Decompressed by `build.rs`.
const DATA: &str = include_str!(concat!(
    env!("OUT_DIR"),
    "/cloud-init-schema-cloud-config-v1.json"
));
const BASE: &str = "https://cloud-init.infralint.invalid/schema-cloud-config-v1.json";

pub struct CloudSchema {
    pub schema: Embedded,
    /// Every top-level key some module reads: the schema leaves the top level open, so an
    /// unknown key (a typo) is only caught against this list.
    pub known: BTreeSet<String>,
    /// The top-level keys under which the schema marks something deprecated: only these are
    /// evaluated for deprecations (evaluation is the expensive part of a run).
    pub deprecating: BTreeSet<String>,
}

pub fn schema() -> Option<&'static CloudSchema> {
    static LOADED: OnceLock<Option<CloudSchema>> = OnceLock::new();
    LOADED.get_or_init(load).as_ref()
}

fn load() -> Option<CloudSchema> {
    let schema: Value = serde_json::from_str(DATA).ok()?;
    let mut known: BTreeSet<String> = properties(&schema).collect();
    let mut deprecating = BTreeSet::new();
    let mut memo = HashMap::new();
    let mut roots = vec![&schema];
    for part in schema["allOf"].as_array().into_iter().flatten() {
        if let Some(def) = part["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
            if let Some(target) = schema.pointer(def) {
                known.extend(properties(target));
                roots.push(target);
            }
        }
    }
    for root in roots {
        for (key, sub) in root["properties"].as_object().into_iter().flatten() {
            if mentions_deprecated(&schema, sub, &mut memo, 0) {
                deprecating.insert(key.clone());
            }
        }
    }
    Some(CloudSchema {
        schema: Embedded::new(Draft::Draft4, BASE, schema),
        known,
        deprecating,
    })
}

/// Whether `node`, or a definition it refers to, marks anything deprecated.
fn mentions_deprecated<'a>(
    schema: &'a Value,
    node: &'a Value,
    memo: &mut HashMap<&'a str, bool>,
    depth: usize,
) -> bool {
    if depth > 64 {
        return true;
    }
    match node {
        Value::Object(map) => {
            if map.get("deprecated") == Some(&Value::Bool(true)) {
                return true;
            }
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                if let Some(&known) = memo.get(r) {
                    if known {
                        return true;
                    }
                } else {
                    // Assume no until known, which also ends reference cycles.
                    memo.insert(r, false);
                    let target = r.strip_prefix('#').and_then(|p| schema.pointer(p));
                    let found =
                        target.is_some_and(|t| mentions_deprecated(schema, t, memo, depth + 1));
                    memo.insert(r, found);
                    if found {
                        return true;
                    }
                }
            }
            map.values()
                .any(|v| mentions_deprecated(schema, v, memo, depth + 1))
        }
        Value::Array(items) => items
            .iter()
            .any(|v| mentions_deprecated(schema, v, memo, depth + 1)),
        _ => false,
    }
}

fn properties(schema: &Value) -> impl Iterator<Item = String> + '_ {
    schema["properties"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.keys().cloned())
}

/// A deprecated key or value form in use, found through the annotations of the subschemas
/// that matched (a keyword validator would miss the ones inside `oneOf`).
pub struct Deprecated {
    pub location: Location,
    pub message: String,
}

impl CloudSchema {
    pub fn deprecations(&self, instance: &Value) -> Vec<Deprecated> {
        deprecations(&self.schema, &self.deprecating, instance)
    }
}

fn deprecations(
    schema: &Embedded,
    deprecating: &BTreeSet<String>,
    instance: &Value,
) -> Vec<Deprecated> {
    // Annotations of a schema that fails are dropped, so one error anywhere would hide every
    // deprecation: evaluate each top-level key on its own.
    let Some(map) = instance.as_object() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in map.iter().filter(|(k, _)| deprecating.contains(*k)) {
        let single = Value::Object([(key.clone(), value.clone())].into_iter().collect());
        if !schema.may_deprecate(&single) {
            continue;
        }
        let Some(compiled) = schema.compiled() else {
            break;
        };
        let evaluation = compiled.validator.evaluate(&single);
        for entry in evaluation.iter_annotations() {
            let note = entry.annotations.value();
            if note.get("deprecated").and_then(Value::as_bool) != Some(true) {
                continue;
            }
            let since = note
                .get("deprecated_version")
                .and_then(Value::as_str)
                .map(|v| format!(" since cloud-init {v}"))
                .unwrap_or_default();
            let why = note
                .get("deprecated_description")
                .or_else(|| note.get("description"))
                .and_then(Value::as_str)
                .map(|d| {
                    // "… Default: ``true``" describes the key, not its deprecation.
                    let d = d.split(" Default: ").next().unwrap_or(d);
                    format!(": {}", d.trim().replace("``", "`"))
                })
                .unwrap_or_default();
            out.push(Deprecated {
                location: entry.instance_location.clone(),
                message: format!("deprecated{since}{why}"),
            });
        }
    }
    out
}
