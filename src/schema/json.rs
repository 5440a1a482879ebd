//! YAML nodes as the JSON a Kubernetes API server (or cloud-init) would see, and JSON-schema
//! error locations mapped back to YAML spans.

use crate::parse::yaml::{Style, YNode, YValue};
use crate::source::Span;
use jsonschema::paths::{Location, LocationSegment};
use serde_json::{Map, Number, Value};
use std::fmt::Write;

/// The instance, and the JSON pointers of values that are not known until render time
/// (template interpolations, unexpanded aliases): errors at or under them are not reported.
pub struct Instance {
    pub value: Value,
    pub unknown: Vec<String>,
}

/// Converts `node`, whose source is `text`. A value whose source holds one of `markers`
/// (template syntax such as `${`) is unknown until render time. Null mapping values are
/// dropped, as the API server prunes them.
pub fn instance(node: &YNode, text: &str, markers: &[&str]) -> Instance {
    // Anchors are scoped to their document, so every node of this one lies in its span: one
    // search of it spares a search for each scalar of the (usual) document that has no marker.
    let any = templated(text, node.span, markers);
    let is_template = |s: Span| any && templated(text, s, markers);
    let mut unknown = Vec::new();
    let mut pointer = String::new();
    let value = convert(node, &is_template, &mut pointer, &mut unknown, 0);
    Instance { value, unknown }
}

/// Whether the source text at `span` holds one of `markers`.
pub fn templated(text: &str, span: Span, markers: &[&str]) -> bool {
    text.get(span.start..span.end)
        .is_some_and(|t| markers.iter().any(|m| t.contains(m)))
}

/// Deep enough for any real manifest; the YAML parser already stops at 256.
const MAX_DEPTH: usize = 300;

fn convert(
    node: &YNode,
    is_template: &dyn Fn(Span) -> bool,
    pointer: &mut String,
    unknown: &mut Vec<String>,
    depth: usize,
) -> Value {
    if depth > MAX_DEPTH {
        unknown.push(pointer.clone());
        return Value::Null;
    }
    match &node.value {
        YValue::Alias => {
            unknown.push(pointer.clone());
            Value::Null
        }
        YValue::Scalar(s, style) => {
            if is_template(node.span) {
                unknown.push(pointer.clone());
                return Value::String(s.to_string());
            }
            scalar(s, *style, node.tag.as_deref())
        }
        YValue::Seq(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let len = pointer.len();
                    let _ = write!(pointer, "/{i}");
                    let v = convert(item, is_template, pointer, unknown, depth + 1);
                    pointer.truncate(len);
                    v
                })
                .collect(),
        ),
        YValue::Map(_) => {
            let mut out = Map::new();
            merge_into(node, is_template, pointer, unknown, depth, &mut out);
            Value::Object(out)
        }
    }
}

/// Fills `out` with `node`'s entries; `<<` merges first, so the node's own keys win.
fn merge_into(
    node: &YNode,
    is_template: &dyn Fn(Span) -> bool,
    pointer: &mut String,
    unknown: &mut Vec<String>,
    depth: usize,
    out: &mut Map<String, Value>,
) {
    for (k, v) in node.entries() {
        if k.as_str() == Some("<<") && k.style() == Some(Style::Plain) {
            let sources: Vec<&YNode> = match &v.value {
                YValue::Seq(items) => items.iter().rev().collect(),
                _ => vec![v],
            };
            for source in sources {
                merge_into(source, is_template, pointer, unknown, depth + 1, out);
            }
        }
    }
    for (k, v) in node.entries() {
        if k.as_str() == Some("<<") && k.style() == Some(Style::Plain) {
            continue;
        }
        let key = key_text(k);
        if v.is_null() && v.tag.is_none() {
            out.remove(&key);
            continue;
        }
        let len = pointer.len();
        pointer.push('/');
        if key.contains(['~', '/']) {
            pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
        } else {
            pointer.push_str(&key);
        }
        if is_template(k.span) {
            unknown.push(pointer.clone());
        }
        let value = convert(v, is_template, pointer, unknown, depth + 1);
        pointer.truncate(len);
        out.insert(key, value);
    }
}

fn key_text(k: &YNode) -> String {
    match &k.value {
        YValue::Scalar(s, _) => s.to_string(),
        _ => "<complex key>".to_string(),
    }
}

/// YAML 1.1 scalar resolution, as the Go (sigs.k8s.io/yaml) and Python (PyYAML) loaders that
/// Kubernetes and cloud-init use: `0755` is octal, `0o755` (YAML 1.2) a string; `y`/`n` stay
/// strings, as in our other readers.
fn scalar(s: &str, style: Style, tag: Option<&str>) -> Value {
    let tag = tag.map(|t| {
        t.trim_start_matches("tag:yaml.org,2002:")
            .trim_start_matches("!!")
    });
    match tag {
        Some("str") | Some("binary") => return Value::String(s.to_string()),
        Some("int") | Some("float") | Some("bool") | Some("null") => {}
        Some(_) => return Value::String(s.to_string()),
        None if style != Style::Plain => return Value::String(s.to_string()),
        None => {}
    }
    match plain_scalar(s) {
        Plain::Null => Value::Null,
        Plain::Bool(b) => Value::Bool(b),
        Plain::Number(n) => Value::Number(n),
        Plain::String(s) => Value::String(s.to_string()),
    }
}

/// What an untagged plain scalar stands for.
pub enum Plain<'s> {
    Null,
    Bool(bool),
    Number(Number),
    String(&'s str),
}

pub fn plain_scalar(s: &str) -> Plain<'_> {
    // Every null, boolean and number starts with one of these; most scalars are words.
    let special = |b: &u8| b.is_ascii_digit() || b"-+.~nNtTyYoOfF".contains(b);
    if !s.as_bytes().first().is_none_or(special) {
        return Plain::String(s);
    }
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Plain::Null,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            return Plain::Bool(true)
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            return Plain::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return Plain::String(s),
        _ => {}
    }
    if let Some(n) = integer(s) {
        return Plain::Number(n.into());
    }
    if looks_float(s) {
        if let Some(n) = s
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
        {
            return Plain::Number(n);
        }
    }
    Plain::String(s)
}

fn integer(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    // Every YAML 1.1 integer starts with a digit; most scalars are words.
    if !digits.as_bytes().first()?.is_ascii_digit() {
        return None;
    }
    let clean = if digits.contains('_') {
        std::borrow::Cow::Owned(digits.replace('_', ""))
    } else {
        std::borrow::Cow::Borrowed(digits)
    };
    let value = if let Some(hex) = clean.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()?
    } else if let Some(bin) = clean.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok()?
    } else if clean.len() > 1 && clean.starts_with('0') {
        i64::from_str_radix(&clean[1..], 8).ok()?
    } else if !clean.is_empty() && clean.bytes().all(|b| b.is_ascii_digit()) {
        clean.parse().ok()?
    } else {
        return None;
    };
    Some(if neg { -value } else { value })
}

fn looks_float(s: &str) -> bool {
    let body = s.trim_start_matches(['-', '+']);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty()),
        None => exponent.is_some() && !mantissa.is_empty() && digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.trim_start_matches(['-', '+']);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// `spec.template.spec.containers[0].image` for an instance location.
pub fn dotted(location: &Location) -> String {
    let mut out = String::new();
    for segment in location.segments() {
        match segment {
            LocationSegment::Property(p) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&p);
            }
            LocationSegment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The YAML node at `location`, and the key node that holds it (None for the root or an item).
pub fn locate<'a>(root: &'a YNode, location: &Location) -> (&'a YNode, Option<&'a YNode>) {
    let mut node = root;
    let mut key = None;
    for segment in location.segments() {
        let next = match segment {
            LocationSegment::Property(p) => node.entry(&p).map(|(k, v)| (v, Some(k))),
            LocationSegment::Index(i) => node.items().get(i).map(|v| (v, None)),
        };
        match next {
            Some((v, k)) => {
                node = v;
                key = k;
            }
            None => break,
        }
    }
    (node, key)
}

/// Whether `pointer` (a JSON pointer) is at or under one of `unknown`.
pub fn under_unknown(pointer: &str, unknown: &[String]) -> bool {
    unknown.iter().any(|u| {
        pointer == u || (pointer.starts_with(u.as_str()) && pointer[u.len()..].starts_with('/'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_of(yaml: &str) -> Value {
        let stream = crate::parse::yaml::parse(yaml, 0);
        instance(&stream.docs[0].root, yaml, &[]).value
    }

    #[test]
    fn scalars_resolve_as_kubernetes_reads_them() {
        let v = json_of(
            "a: 3\nb: \"3\"\nc: yes\nd: 1.5\ne: 0x1F\nf: ~\ng: 1e3\nh: 1.2.3\ni: !!str 5\nj: 010\nk: y\nl: 0o7\n",
        );
        assert_eq!(
            v,
            serde_json::json!({"a": 3, "b": "3", "c": true, "d": 1.5, "e": 31, "g": 1000.0,
                               "h": "1.2.3", "i": "5", "j": 8, "k": "y", "l": "0o7"})
        );
    }

    #[test]
    fn merge_keys_are_flattened_and_own_keys_win() {
        let v = json_of("base: &b {x: 1, y: 2}\nobj:\n  <<: *b\n  y: 3\n");
        assert_eq!(v["obj"], serde_json::json!({"x": 1, "y": 3}));
    }

    #[test]
    fn unknown_values_are_named_by_json_pointer() {
        let yaml = "a/b~c: ${x}\nlist:\n  - plain\n  - ${y}\n\"${k}\": 1\n";
        let stream = crate::parse::yaml::parse(yaml, 0);
        let found = instance(&stream.docs[0].root, yaml, &["${"]);
        assert_eq!(found.unknown, ["/a~1b~0c", "/list/1", "/${k}"]);
    }
}
