//! Kubernetes built-in kinds: definitions embedded per version (from `scripts/import-k8s-schemas`),
//! read on first use, with the strict flavour derived at load time.

use super::quick::Quick;
use super::Compiled;

use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// Supported versions, oldest first; the last is the default.
pub const VERSIONS: [&str; 3] = ["1.35", "1.36", "1.37"];

/// Where a definition is in its version's text: (name, start, end).
type Index = &'static [(&'static str, usize, usize)];

/// (definitions, where each is in them, group/version/kind index); `build.rs` decompresses
/// the definitions and writes their index.
const DATA: [(&str, Index, &str); 3] = [
    (
        include_str!(concat!(env!("OUT_DIR"), "/k8s-v1.35-definitions.json")),
        include!(concat!(env!("OUT_DIR"), "/k8s-v1.35-definitions.rs")),
        include_str!("../../schemas/k8s/v1.35/gvk.json"),
    ),
    (
        include_str!(concat!(env!("OUT_DIR"), "/k8s-v1.36-definitions.json")),
        include!(concat!(env!("OUT_DIR"), "/k8s-v1.36-definitions.rs")),
        include_str!("../../schemas/k8s/v1.36/gvk.json"),
    ),
    (
        include_str!(concat!(env!("OUT_DIR"), "/k8s-v1.37-definitions.json")),
        include!(concat!(env!("OUT_DIR"), "/k8s-v1.37-definitions.rs")),
        include_str!("../../schemas/k8s/v1.37/gvk.json"),
    ),
];

pub fn default_version() -> &'static str {
    VERSIONS[VERSIONS.len() - 1]
}

/// `1.36` for `1.36`, `v1.36`, `1.36.2` or `v1.36.0`; None for an unsupported version.
pub fn normalise(version: &str) -> Option<&'static str> {
    let v = version.trim().trim_start_matches('v');
    let minor = v.split('.').take(2).collect::<Vec<_>>().join(".");
    VERSIONS.iter().copied().find(|&known| known == minor)
}

/// One version's definitions. Each stays unparsed text until a kind needs it: a run validates
/// a handful of kinds, and parsing all ~860 definitions cost more than validating 1,000 files.
pub struct Builtins {
    gvk: HashMap<String, String>,
    /// `v1-37-strict.k8s.invalid`: a host per version and strictness keeps base URIs apart.
    host: String,
    strict: bool,
    /// Each definition's text, and its JSON (closed when strict) once something needs it.
    defs: foldhash::HashMap<&'static str, (&'static str, OnceLock<Option<Value>>)>,
}

impl Builtins {
    /// The definition name for `apiVersion`/`kind`, if Kubernetes has that kind.
    pub fn definition(&self, api_version: &str, kind: &str) -> Option<&str> {
        self.gvk
            .get(&format!("{api_version}/{kind}"))
            .map(String::as_str)
    }

    /// `definition` as JSON, closed when strict; None if it is missing or malformed.
    fn parsed(&self, definition: &str) -> Option<&Value> {
        let (raw, parsed) = self.defs.get(definition)?;
        parsed
            .get_or_init(|| {
                let mut def: Value = serde_json::from_str(raw).ok()?;
                if self.strict {
                    close_objects(&mut def, true);
                }
                Some(def)
            })
            .as_ref()
    }

    /// Whether `instance` is valid against `definition`, if `schema::quick` can tell.
    pub fn quick_valid<'i>(
        &self,
        definition: &str,
        instance: impl super::instance::Instance<'i>,
    ) -> Option<bool> {
        let resolve = |r: &str| self.parsed(r.strip_prefix("#/$defs/")?);
        let quick = Quick {
            draft: jsonschema::Draft::Draft202012,
            resolve: &resolve,
        };
        quick.valid(self.parsed(definition)?, instance)
    }

    /// A validator for `definition`, with the document it was compiled from (`definition` and
    /// every definition it refers to, closed when strict) under its base URI.
    pub fn compile(&self, definition: &str) -> Result<Compiled, String> {
        let mut defs = Map::new();
        let mut todo = vec![definition.to_string()];
        while let Some(name) = todo.pop() {
            if defs.contains_key(&name) {
                continue;
            }
            let def = self
                .parsed(&name)
                .ok_or_else(|| format!("definition `{name}` is missing or malformed"))?
                .clone();
            refs(&def, &mut todo);
            defs.insert(name, def);
        }
        let base = format!("https://{}/api/{definition}.json", self.host);
        let document = json!({ "$ref": format!("#/$defs/{definition}"), "$defs": defs });
        let validator = super::build(jsonschema::Draft::Draft202012, &base, &document)?;
        Ok(Compiled {
            validator,
            docs: HashMap::from([(base, Arc::new(document))]),
        })
    }
}

/// Adds the definitions `schema` refers to (`#/$defs/<name>`) to `out`.
fn refs(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(r)) => {
                        if let Some(name) = r.strip_prefix("#/$defs/") {
                            out.push(name.to_string());
                        }
                    }
                    _ => refs(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

static LOADED: [[OnceLock<Option<Builtins>>; 2]; 3] = [
    [OnceLock::new(), OnceLock::new()],
    [OnceLock::new(), OnceLock::new()],
    [OnceLock::new(), OnceLock::new()],
];

/// The built-in kinds of `version` (one of `VERSIONS`), loaded once per process.
pub fn builtins(version: &str, strict: bool) -> Option<&'static Builtins> {
    let i = VERSIONS.iter().position(|&v| v == version)?;
    LOADED[i][usize::from(strict)]
        .get_or_init(|| load(i, strict))
        .as_ref()
}

fn load(i: usize, strict: bool) -> Option<Builtins> {
    let (text, index, gvk) = DATA[i];
    Some(Builtins {
        gvk: serde_json::from_str(gvk).ok()?,
        host: format!(
            "v{}{}.k8s.invalid",
            VERSIONS[i].replace('.', "-"),
            if strict { "-strict" } else { "" }
        ),
        strict,
        // Each definition's text is borrowed from the binary, not copied (860 of them).
        defs: index
            .iter()
            .map(|&(name, start, end)| Some((name, (text.get(start..end)?, OnceLock::new()))))
            .collect::<Option<_>>()?,
    })
}

/// Adds `additionalProperties: false` to every schema object with `properties` and none set:
/// exactly how kubernetes-validate's `-strict` flavour differs from the plain one. With `root`
/// false the top level stays open (kubeconform's choice for custom resources).
pub fn close_objects(schema: &mut Value, root: bool) {
    fn walk(v: &mut Value, close: bool, depth: usize) {
        if depth > 400 {
            return;
        }
        match v {
            Value::Object(map) => {
                let preserve = map
                    .get("x-kubernetes-preserve-unknown-fields")
                    .and_then(Value::as_bool)
                    == Some(true);
                if close
                    && !preserve
                    && map.contains_key("properties")
                    && !map.contains_key("additionalProperties")
                {
                    map.insert("additionalProperties".into(), Value::Bool(false));
                }
                for value in map.values_mut() {
                    walk(value, true, depth + 1);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|x| walk(x, true, depth + 1)),
            _ => {}
        }
    }
    walk(schema, root, 0);
}

/// Removes what `close_objects` adds, for `--no-strict` on custom-resource schemas (a CRD's
/// structural schema never has both `properties` and `additionalProperties`).
pub fn open_objects(schema: &mut Value) {
    fn walk(v: &mut Value, depth: usize) {
        if depth > 400 {
            return;
        }
        match v {
            Value::Object(map) => {
                if map.contains_key("properties")
                    && map.get("additionalProperties") == Some(&Value::Bool(false))
                {
                    map.remove("additionalProperties");
                }
                map.values_mut().for_each(|x| walk(x, depth + 1));
            }
            Value::Array(items) => items.iter_mut().for_each(|x| walk(x, depth + 1)),
            _ => {}
        }
    }
    walk(schema, 0);
}
