//! Kubernetes built-in kinds: definitions embedded per version (from `scripts/import-k8s-schemas`),
//! decompressed on first use, with the strict flavour derived at load time.

use jsonschema::{Draft, Registry, Validator};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// Supported versions, oldest first; the last is the default.
pub const VERSIONS: [&str; 3] = ["1.35", "1.36", "1.37"];

const DATA: [(&[u8], &str); 3] = [
    (
        include_bytes!("../../schemas/k8s/v1.35/definitions.json.gz"),
        include_str!("../../schemas/k8s/v1.35/gvk.json"),
    ),
    (
        include_bytes!("../../schemas/k8s/v1.36/definitions.json.gz"),
        include_str!("../../schemas/k8s/v1.36/gvk.json"),
    ),
    (
        include_bytes!("../../schemas/k8s/v1.37/definitions.json.gz"),
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

/// One version's definitions, prepared for compiling validators.
pub struct Builtins {
    gvk: HashMap<String, String>,
    /// The definitions document's `$id`, unique per version and strictness.
    pub base: String,
    pub definitions: Arc<Value>,
    registry: Registry<'static>,
}

impl Builtins {
    /// The definition name for `apiVersion`/`kind`, if Kubernetes has that kind.
    pub fn definition(&self, api_version: &str, kind: &str) -> Option<&str> {
        self.gvk
            .get(&format!("{api_version}/{kind}"))
            .map(String::as_str)
    }

    pub fn compile(&self, definition: &str) -> Result<Validator, String> {
        let schema = json!({ "$ref": format!("{}#/$defs/{definition}", self.base) });
        jsonschema::options()
            .with_draft(Draft::Draft202012)
            .with_registry(&self.registry)
            .offline()
            .build(&schema)
            .map_err(|e| e.to_string())
    }
}

static LOADED: [[OnceLock<Option<Builtins>>; 2]; 3] = [
    [OnceLock::new(), OnceLock::new()],
    [OnceLock::new(), OnceLock::new()],
    [OnceLock::new(), OnceLock::new()],
];

/// The parsed documents, kept for the life of the process so the registry can borrow them
/// instead of holding a second copy.
static DOCUMENTS: [[OnceLock<Option<Arc<Value>>>; 2]; 3] = [
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
    let definitions = DOCUMENTS[i][usize::from(strict)]
        .get_or_init(|| document(i, strict).map(Arc::new))
        .as_ref()?;
    let base = definitions["$id"].as_str()?.to_string();
    let registry = Registry::new()
        .add(&base, Draft::Draft202012.create_resource_ref(definitions))
        .ok()?
        .prepare()
        .ok()?;
    Some(Builtins {
        gvk: serde_json::from_str(DATA[i].1).ok()?,
        base,
        definitions: definitions.clone(),
        registry,
    })
}

fn document(i: usize, strict: bool) -> Option<Value> {
    let mut definitions = super::gunzip_json(DATA[i].0)?;
    if strict {
        close_objects(&mut definitions, true);
    }
    // Every version's document has the same `$id`; a host per version and strictness keeps
    // them apart, and the host-relative `$ref`s inside follow it.
    let host = format!(
        "v{}{}.k8s.invalid",
        VERSIONS[i].replace('.', "-"),
        if strict { "-strict" } else { "" }
    );
    definitions["$id"] = Value::String(format!("https://{host}/api/_definitions.json"));
    Some(definitions)
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
