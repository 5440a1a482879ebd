//! Offline JSON-schema validation: Kubernetes built-ins (embedded, per version), custom
//! resources (CRDs in the repository, catalog directories) and cloud-init. Data is read and
//! validators are compiled on first use only.

pub mod cloudinit;
pub mod crd;
pub mod deprecations;
pub mod fleet;
pub mod instance;
pub mod json;
pub mod k8s;
pub mod quick;
pub mod resolve;

use crate::parse::yaml::{Style, YNode};
use crate::source::Span;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, Validator};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// One schema violation, ready to report.
#[derive(Debug)]
pub struct Violation {
    pub span: Span,
    pub message: String,
    /// The JSON path, `spec.replicas`; empty for the document itself.
    pub path: String,
}

/// Schema documents by base URI, to name the fields an object allows in "did you mean".
pub type Documents = HashMap<String, Arc<Value>>;

/// A validator and the documents its errors point into.
pub struct Compiled {
    pub validator: Validator,
    pub docs: Documents,
}

impl Compiled {
    pub fn violations(&self, root: &YNode, instance: &json::Instance) -> Vec<Violation> {
        violations(&self.validator, &self.docs, root, instance)
    }
}

/// A schema of one document embedded in the binary (cloud-init's, Fleet's). Instances are
/// checked by `quick` first; the validator is compiled only when one needs it (an error to
/// report, or a keyword `quick` leaves to it), which a clean repository never does.
pub struct Embedded {
    /// Loaded once for the whole process, which it lives as long as.
    pub schema: &'static Value,
    draft: jsonschema::Draft,
    base: &'static str,
    compiled: OnceLock<Option<Compiled>>,
    /// `#/$defs/name` → the definition: hashed, as cloud-init's schema refers to each of its
    /// 56 modules for every document, and a search of `$defs` compared a dozen names each time.
    defs: foldhash::HashMap<String, &'static Value>,
}

impl Embedded {
    pub fn new(draft: jsonschema::Draft, base: &'static str, schema: Value) -> Self {
        let schema: &'static Value = Box::leak(Box::new(schema));
        let defs = schema
            .get("$defs")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(name, _)| !name.contains(['/', '~', '%']))
            .map(|(name, def)| (format!("#/$defs/{name}"), def))
            .collect();
        Embedded {
            schema,
            draft,
            base,
            compiled: OnceLock::new(),
            defs,
        }
    }

    /// Whether `instance` is valid, if `quick` can tell.
    pub fn quick_valid(&self, instance: &Value) -> Option<bool> {
        self.with_quick(|q| q.valid(self.schema, instance))
    }

    /// Whether evaluating `instance` could meet a subschema marked deprecated.
    pub fn may_deprecate(&self, instance: &Value) -> bool {
        self.with_quick(|q| q.may_deprecate(self.schema, instance))
    }

    fn with_quick<'s, T>(&'s self, f: impl FnOnce(&quick::Quick<'_, 's>) -> T) -> T {
        let schema: &'s Value = self.schema;
        let resolve = move |r: &str| match self.defs.get(r) {
            Some(&def) => Some(def),
            None => schema.pointer(r.strip_prefix('#')?),
        };
        f(&quick::Quick {
            draft: self.draft,
            resolve: &resolve,
        })
    }

    pub fn compiled(&self) -> Option<&Compiled> {
        self.compiled
            .get_or_init(|| {
                Some(Compiled {
                    validator: build(self.draft, self.base, self.schema).ok()?,
                    docs: HashMap::from([(self.base.to_string(), Arc::new(self.schema.clone()))]),
                })
            })
            .as_ref()
    }

    pub fn violations(&self, root: &YNode, instance: &json::Instance) -> Vec<Violation> {
        if self.quick_valid(&instance.value) == Some(true) {
            return Vec::new();
        }
        self.compiled()
            .map(|c| c.violations(root, instance))
            .unwrap_or_default()
    }
}

/// Compiles `schema` offline, with `pattern` run by the `regex` crate, whose matching time is
/// linear: a repository's CRD cannot make a check run away. Patterns only a backtracking engine
/// can run (ECMAScript lookaround) fall back to one with a small step limit.
pub(crate) fn build(
    draft: jsonschema::Draft,
    base: &str,
    schema: &Value,
) -> Result<Validator, String> {
    let options = || {
        jsonschema::options()
            .with_draft(draft)
            .with_base_uri(base.to_string())
            .offline()
    };
    options()
        .with_pattern_options(jsonschema::PatternOptions::regex())
        .build(schema)
        .or_else(|_| {
            options()
                .with_pattern_options(
                    jsonschema::PatternOptions::fancy_regex().backtrack_limit(10_000),
                )
                .build(schema)
        })
        .map_err(|e| e.to_string())
}

/// Validates `root` (already converted to `instance`) and maps each error to a YAML span.
pub fn violations(
    validator: &Validator,
    docs: &Documents,
    root: &YNode,
    instance: &json::Instance,
) -> Vec<Violation> {
    let mut out = Vec::new();
    // Most objects are valid, and asking only that is several times cheaper.
    if validator.is_valid(&instance.value) {
        return out;
    }
    for error in validator.iter_errors(&instance.value) {
        let location = error.instance_path();
        if json::under_unknown(location.as_str(), &instance.unknown) {
            continue;
        }
        let (node, key) = json::locate(root, location);
        let path = json::dotted(location);
        let at = |what: &str| {
            if path.is_empty() {
                what.to_string()
            } else {
                format!("`{path}`: {what}")
            }
        };
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let allowed = error
                    .absolute_keyword_location()
                    .and_then(|uri| allowed_properties(docs, uri.as_str()))
                    .unwrap_or_default();
                for name in unexpected {
                    let span = node.entry(name).map_or(node.span, |(k, _)| k.span);
                    let hint = crate::rules::did_you_mean(name, allowed.iter().map(String::as_str));
                    let full = if path.is_empty() {
                        name.clone()
                    } else {
                        format!("{path}.{name}")
                    };
                    out.push(Violation {
                        span,
                        message: format!("unknown field `{full}`{hint}"),
                        path: full,
                    });
                }
                continue;
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                // At the top level, the `kind:` line names what is missing a field.
                let span = key
                    .or_else(|| {
                        node.entry("kind")
                            .filter(|_| path.is_empty())
                            .map(|(k, _)| k)
                    })
                    .map_or_else(|| first_line(node), |k| k.span);
                out.push(Violation {
                    span,
                    message: at(&format!("missing required field `{name}`")),
                    path,
                });
                continue;
            }
            _ => {}
        }
        let mut shown = shown_value(error.instance());
        // `0755` read as 493 would puzzle anyone: show what was written too.
        if let (Some(text), Style::Plain) = (node.as_str(), node.style().unwrap_or(Style::Literal))
        {
            if text != shown && !error.instance().is_string() {
                shown = format!("{text} (read as {shown})");
            }
        }
        let what = match error.kind() {
            ValidationErrorKind::Type { kind } => format!("{shown} is not {}", types(kind)),
            ValidationErrorKind::Enum { options } => {
                let list: Vec<String> = options
                    .as_array()
                    .map(|a| a.iter().filter(|v| !v.is_null()).map(shown_value).collect())
                    .unwrap_or_default();
                format!("{shown} is not one of {}", list.join(", "))
            }
            ValidationErrorKind::Pattern { pattern } => {
                format!("{shown} does not match the pattern `{pattern}`")
            }
            ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. } => {
                format!("{shown} matches none of the allowed forms")
            }
            _ => error.to_string(),
        };
        out.push(Violation {
            span: if node.span.is_empty() {
                first_line(node)
            } else {
                node.span
            },
            message: at(&what),
            path,
        });
    }
    out
}

/// The property names the schema object holding `keyword_uri` (`…#/…/additionalProperties`)
/// declares.
fn allowed_properties(docs: &Documents, keyword_uri: &str) -> Option<Vec<String>> {
    let (base, fragment) = keyword_uri.split_once('#')?;
    let doc = docs.get(base)?;
    let pointer = percent_decode(fragment);
    let parent = pointer.rsplit_once('/')?.0;
    let props = doc.pointer(parent)?.get("properties")?.as_object()?;
    Some(props.keys().cloned().collect())
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn first_line(node: &YNode) -> Span {
    let start = node
        .entries()
        .first()
        .map_or(node.span.start, |(k, _)| k.span.start);
    Span::new(start, start + 1)
}

fn types(kind: &TypeKind) -> String {
    let names: Vec<&str> = match kind {
        TypeKind::Single(t) => vec![type_name(*t)],
        TypeKind::Multiple(set) => set
            .iter()
            .filter(|t| *t != JsonType::Null)
            .map(type_name)
            .collect(),
    };
    match names.as_slice() {
        [] => "null".to_string(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn type_name(t: JsonType) -> &'static str {
    match t {
        JsonType::Null => "null",
        JsonType::Boolean => "a boolean",
        JsonType::Integer => "an integer",
        JsonType::Number => "a number",
        JsonType::String => "a string",
        JsonType::Array => "a list",
        JsonType::Object => "a mapping",
    }
}

fn shown_value(v: &Value) -> String {
    let text = match v {
        Value::Object(_) => return "a mapping".to_string(),
        Value::Array(_) => return "a list".to_string(),
        other => other.to_string(),
    };
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(57).collect::<String>())
    } else {
        text
    }
}
