//! A quick check of an instance against an embedded schema, straight from the schema's JSON.
//!
//! Compiling a validator costs more than validating a small repository's objects (a
//! `Deployment`'s 120 definitions take milliseconds), and nearly every object is valid. This
//! interpreter walks only the parts of the schema the instance reaches. It answers yes or no
//! only where its reading of a keyword is the compiled validator's, and "unsure" for anything
//! else (an unknown keyword, a numeric edge, an asserted `format`): the caller then compiles
//! the validator, which alone produces the messages. So reports never depend on this module.

use super::instance::{Instance, Kind};
use jsonschema::Draft;
use regex::Regex;
use serde_json::Value;
use std::collections::HashSet;
use std::sync::{Arc, LazyLock, Mutex};

/// Annotations and containers: keywords no draft asserts on. `x-…` extensions too.
const INERT: &[&str] = &[
    "$comment",
    "$defs",
    "$schema",
    "default",
    "definitions",
    "deprecated",
    "description",
    "examples",
    "hidden",
    "label",
    "readOnly",
    "title",
    "writeOnly",
];

/// Deep enough for any schema the binary embeds; deeper means unsure, not a stack overflow.
const MAX_DEPTH: usize = 128;

pub struct Quick<'r, 'a> {
    /// Draft 4 or 2020-12, as the compiled validator is told: the two embedded drafts.
    pub draft: Draft,
    /// The schema a `$ref` names (`#/$defs/Name`), if it can be resolved.
    pub resolve: &'r (dyn Fn(&str) -> Option<&'a Value> + Sync),
}

impl<'a> Quick<'_, 'a> {
    /// Some(true) if `instance` is valid against `schema`, Some(false) if it is not, None if
    /// this module cannot tell.
    pub fn valid<'i>(&self, schema: &'a Value, instance: impl Instance<'i>) -> Option<bool> {
        self.check(schema, instance, 0)
    }

    fn check<'i, I: Instance<'i>>(&self, schema: &'a Value, v: I, depth: usize) -> Option<bool> {
        if depth > MAX_DEPTH {
            return None;
        }
        let m = match schema {
            Value::Bool(b) => return Some(*b),
            Value::Object(m) => m,
            _ => return None,
        };
        let mut verdict = Some(true);
        if let Some(r) = m.get("$ref") {
            let target = (self.resolve)(r.as_str()?)?;
            let found = self.check(target, v, depth + 1);
            // Drafts 4 to 7 ignore every keyword beside `$ref`.
            if self.draft == Draft::Draft4 || found == Some(false) {
                return found;
            }
            verdict = found;
        }
        let kind = v.kind();
        let rest = m
            .iter()
            .filter(|(key, _)| *key != "$ref")
            .map(|(key, x)| self.keyword(m, key, x, v, &kind, depth));
        and(verdict, every(rest))
    }

    /// One keyword of the schema object `m`.
    fn keyword<'i, I: Instance<'i>>(
        &self,
        m: &'a serde_json::Map<String, Value>,
        key: &str,
        x: &'a Value,
        v: I,
        kind: &Kind,
        depth: usize,
    ) -> Option<bool> {
        // Counted only for the keywords that need it: a YAML mapping is counted by a scan.
        let props = || matches!(kind, Kind::Object).then(|| v.size());
        let items = || matches!(kind, Kind::Array).then(|| v.size());
        match key {
            // What these say of an object's properties or an array's items, any other value
            // satisfies.
            "required" | "properties" | "patternProperties" | "additionalProperties"
                if !matches!(kind, Kind::Object) =>
            {
                Some(true)
            }
            "items" if !matches!(kind, Kind::Array) => Some(true),
            "type" => types(x, kind),
            "enum" => one_of_values(x, v, kind),
            "required" => required(x, v),
            "properties" => self.properties(x, v, depth),
            "patternProperties" => self.pattern_properties(x, v, depth),
            "additionalProperties" => self.additional_properties(m, x, v, depth),
            "minProperties" => count(x, props(), |n, l| l >= n),
            "maxProperties" => count(x, props(), |n, l| l <= n),
            "items" => self.items(m, x, v, depth),
            "additionalItems" => match m.get("items") {
                Some(Value::Object(_)) => Some(true),
                _ => None,
            },
            "prefixItems" if self.draft == Draft::Draft4 => Some(true),
            "minItems" => count(x, items(), |n, l| l >= n),
            "maxItems" => count(x, items(), |n, l| l <= n),
            "uniqueItems" => unique(x, v, matches!(kind, Kind::Array)),
            "minLength" => count(x, v.as_str().map(|s| s.chars().count()), |n, l| l >= n),
            "maxLength" => count(x, v.as_str().map(|s| s.chars().count()), |n, l| l <= n),
            "pattern" => match (v.as_str(), x.as_str()) {
                (Some(s), Some(p)) => matches(p, s),
                (None, Some(_)) => Some(true),
                _ => None,
            },
            "minimum" if !has_exclusive(m) => bound(x, kind, |n, l| l >= n),
            "maximum" if !has_exclusive(m) => bound(x, kind, |n, l| l <= n),
            "allOf" => self.all(x, v, depth),
            "anyOf" => self.any(x, v, depth),
            "oneOf" => self.one(x, v, depth),
            "not" => self.check(x, v, depth + 1).map(|b| !b),
            // 2020-12 reads `format` as an annotation; draft 4 asserts it.
            "format" if self.draft != Draft::Draft4 || !matches!(kind, Kind::String) => Some(true),
            k if INERT.contains(&k) || k.starts_with("x-") => Some(true),
            _ => None,
        }
    }

    /// `v` is an object.
    fn properties<'i, I: Instance<'i>>(
        &self,
        props: &'a Value,
        v: I,
        depth: usize,
    ) -> Option<bool> {
        let props = props.as_object()?;
        // The pairs a name is in both; looked up from the smaller side where both sides are
        // sorted maps, as cloud-init's schema has 56 modules of a few properties each and a
        // document a dozen keys.
        if I::INDEXED && props.len() < v.size() {
            every(props.iter().filter_map(|(name, sub)| {
                let value = v.property(name)?;
                Some(self.check(sub, value, depth + 1))
            }))
        } else {
            every(v.properties().filter_map(|(name, value)| {
                let sub = props.get(name)?;
                Some(self.check(sub, value, depth + 1))
            }))
        }
    }

    /// `v` is an object.
    fn pattern_properties<'i, I: Instance<'i>>(
        &self,
        pats: &'a Value,
        v: I,
        depth: usize,
    ) -> Option<bool> {
        let mut verdict = Some(true);
        for (pattern, sub) in pats.as_object()? {
            let re = regex(pattern)?;
            let matching = v.properties().filter(|(name, _)| re.is_match(name));
            verdict = and(
                verdict,
                every(matching.map(|(_, value)| self.check(sub, value, depth + 1))),
            );
            if verdict == Some(false) {
                break;
            }
        }
        verdict
    }

    /// `v` is an object.
    fn additional_properties<'i, I: Instance<'i>>(
        &self,
        m: &'a serde_json::Map<String, Value>,
        extra: &'a Value,
        v: I,
        depth: usize,
    ) -> Option<bool> {
        let props = match m.get("properties") {
            None => None,
            Some(Value::Object(p)) => Some(p),
            Some(_) => return None,
        };
        let pats = match m.get("patternProperties") {
            None => Vec::new(),
            Some(Value::Object(p)) => p.keys().map(|k| regex(k)).collect::<Option<Vec<_>>>()?,
            Some(_) => return None,
        };
        let declared = |name: &str| {
            props.is_some_and(|p| p.contains_key(name)) || pats.iter().any(|r| r.is_match(name))
        };
        every(
            v.properties()
                .filter(|(name, _)| !declared(name))
                .map(|(_, value)| self.check(extra, value, depth + 1)),
        )
    }

    /// `v` is an array.
    fn items<'i, I: Instance<'i>>(
        &self,
        m: &serde_json::Map<String, Value>,
        items: &'a Value,
        v: I,
        depth: usize,
    ) -> Option<bool> {
        // Tuple forms (an `items` array, 2020-12's `prefixItems`) are left to the validator.
        if !(items.is_object() || items.is_boolean())
            || (self.draft != Draft::Draft4 && m.contains_key("prefixItems"))
        {
            return None;
        }
        every(v.items().map(|item| self.check(items, item, depth + 1)))
    }

    fn all<'i, I: Instance<'i>>(&self, subs: &'a Value, v: I, depth: usize) -> Option<bool> {
        every(
            subs.as_array()?
                .iter()
                .map(|sub| self.check(sub, v, depth + 1)),
        )
    }

    fn any<'i, I: Instance<'i>>(&self, subs: &'a Value, v: I, depth: usize) -> Option<bool> {
        let mut unsure = false;
        for sub in subs.as_array()? {
            match self.check(sub, v, depth + 1) {
                Some(true) => return Some(true),
                Some(false) => {}
                None => unsure = true,
            }
        }
        (!unsure).then_some(false)
    }

    fn one<'i, I: Instance<'i>>(&self, subs: &'a Value, v: I, depth: usize) -> Option<bool> {
        let (mut valid, mut unsure) = (0, false);
        for sub in subs.as_array()? {
            match self.check(sub, v, depth + 1) {
                Some(true) => valid += 1,
                Some(false) => {}
                None => unsure = true,
            }
            if valid > 1 {
                return Some(false);
            }
        }
        (!unsure).then_some(valid == 1)
    }

    /// Whether evaluating `instance` could visit a subschema marked `deprecated`: every branch
    /// of `oneOf`/`anyOf`/`allOf` counts, valid or not, so "no" is certain and "yes" may not be.
    pub fn may_deprecate(&self, schema: &'a Value, v: &Value) -> bool {
        self.deprecates(schema, v, 0)
    }

    fn deprecates(&self, schema: &'a Value, v: &Value, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return true;
        }
        let Some(m) = schema.as_object() else {
            return !schema.is_boolean();
        };
        if m.get("deprecated") == Some(&Value::Bool(true)) {
            return true;
        }
        if let Some(r) = m.get("$ref") {
            let Some(target) = r.as_str().and_then(|r| (self.resolve)(r)) else {
                return true;
            };
            if self.deprecates(target, v, depth + 1) {
                return true;
            }
            if self.draft == Draft::Draft4 {
                return false;
            }
        }
        let sub = |x: &'a Value, v: &Value| self.deprecates(x, v, depth + 1);
        for (key, x) in m {
            let found = match key.as_str() {
                "allOf" | "anyOf" | "oneOf" => x
                    .as_array()
                    .is_none_or(|subs| subs.iter().any(|s| sub(s, v))),
                "not" => sub(x, v),
                "items" | "additionalItems" | "prefixItems" => match (x, v.as_array()) {
                    (_, None) => false,
                    (Value::Array(subs), Some(list)) => {
                        subs.iter().any(|s| list.iter().any(|i| sub(s, i)))
                    }
                    (s, Some(list)) => list.iter().any(|i| sub(s, i)),
                },
                "properties" | "patternProperties" | "additionalProperties" => {
                    let Some(obj) = v.as_object() else { continue };
                    // Over-approximate: any value may meet any of these subschemas.
                    let subs: Vec<&'a Value> = match x {
                        Value::Object(p) if key != "additionalProperties" => p.values().collect(),
                        other => vec![other],
                    };
                    subs.iter().any(|s| obj.values().any(|value| sub(s, value)))
                }
                _ => false,
            };
            if found {
                return true;
            }
        }
        false
    }
}

/// `and` over verdicts computed one at a time, stopping at the first definite no.
fn every(verdicts: impl IntoIterator<Item = Option<bool>>) -> Option<bool> {
    let mut verdict = Some(true);
    for found in verdicts {
        verdict = and(verdict, found);
        if verdict == Some(false) {
            break;
        }
    }
    verdict
}

/// `a and b` where either may be unknown: false wins over unknown.
fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn types(t: &Value, v: &Kind) -> Option<bool> {
    match t {
        Value::String(name) => one_type(name, v),
        Value::Array(names) => {
            let mut unsure = false;
            for name in names {
                match one_type(name.as_str()?, v) {
                    Some(true) => return Some(true),
                    Some(false) => {}
                    None => unsure = true,
                }
            }
            (!unsure).then_some(false)
        }
        _ => None,
    }
}

fn one_type(name: &str, v: &Kind) -> Option<bool> {
    Some(match name {
        "null" => matches!(v, Kind::Null),
        "boolean" => matches!(v, Kind::Bool(_)),
        "object" => matches!(v, Kind::Object),
        "array" => matches!(v, Kind::Array),
        "string" => matches!(v, Kind::String),
        "number" => matches!(v, Kind::Number(_)),
        "integer" => match v {
            Kind::Number(n) if n.is_i64() || n.is_u64() => true,
            // Whether 1.0 is an integer differs by draft.
            Kind::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => return None,
            _ => false,
        },
        _ => return None,
    })
}

/// `enum`: the validator compares numbers by value, so a number not found as written is unsure.
fn one_of_values<'i>(options: &Value, v: impl Instance<'i>, kind: &Kind) -> Option<bool> {
    let options = options.as_array()?;
    if options.iter().any(|o| v.equals(o)) {
        return Some(true);
    }
    let numeric = match kind {
        Kind::Number(_) => true,
        Kind::Array | Kind::Object => v.size() > 0,
        _ => false,
    };
    (!numeric).then_some(false)
}

/// `v` is an object.
fn required<'i>(names: &Value, v: impl Instance<'i>) -> Option<bool> {
    for name in names.as_array()? {
        if v.property(name.as_str()?).is_none() {
            return Some(false);
        }
    }
    Some(true)
}

fn count(limit: &Value, len: Option<usize>, ok: fn(u64, u64) -> bool) -> Option<bool> {
    let Some(len) = len else { return Some(true) };
    Some(ok(limit.as_u64()?, len as u64))
}

fn unique<'i>(flag: &Value, v: impl Instance<'i>, is_array: bool) -> Option<bool> {
    let (Some(true), true) = (flag.as_bool(), is_array) else {
        return flag.is_boolean().then_some(true);
    };
    // Numbers compare by value there; strings alone compare as written.
    let mut seen = HashSet::new();
    for item in v.items() {
        if !seen.insert(item.as_str()?) {
            return Some(false);
        }
    }
    Some(true)
}

fn has_exclusive(m: &serde_json::Map<String, Value>) -> bool {
    m.contains_key("exclusiveMinimum") || m.contains_key("exclusiveMaximum")
}

/// Numeric bounds, where both sides are exact in an f64.
fn bound(limit: &Value, v: &Kind, ok: fn(f64, f64) -> bool) -> Option<bool> {
    let Kind::Number(n) = v else {
        return Some(true);
    };
    let exact = |x: &serde_json::Number| {
        let f = x.as_f64()?;
        (f.abs() < 9_007_199_254_740_992.0).then_some(f)
    };
    let limit = match limit {
        Value::Number(l) => exact(l)?,
        _ => return None,
    };
    Some(ok(limit, exact(n)?))
}

fn matches(pattern: &str, text: &str) -> Option<bool> {
    Some(regex(pattern)?.is_match(text))
}

/// A `pattern` as the validator reads it.
enum Pattern {
    /// `^(?i-u:a|b|c)$` and `^(a|b)$`: a list of plain words, compared without building an
    /// automaton (Fleet's key lists are long, and a regex for each cost a millisecond).
    Words {
        words: Vec<String>,
        fold: bool,
    },
    Regex(Regex),
}

impl Pattern {
    fn is_match(&self, text: &str) -> bool {
        match self {
            Pattern::Words { words, fold: true } => {
                words.iter().any(|w| w.eq_ignore_ascii_case(text))
            }
            Pattern::Words { words, fold: false } => words.iter().any(|w| w == text),
            Pattern::Regex(re) => re.is_match(text),
        }
    }

    fn words(pattern: &str) -> Option<Pattern> {
        let body = pattern.strip_prefix('^')?.strip_suffix('$')?;
        let (fold, list) = if let Some(inner) = body.strip_prefix("(?i-u:") {
            (true, inner.strip_suffix(')')?)
        } else if let Some(inner) = body.strip_prefix("(?:").or_else(|| body.strip_prefix('(')) {
            (false, inner.strip_suffix(')')?)
        } else {
            (false, body)
        };
        let words: Vec<String> = list.split('|').map(str::to_string).collect();
        let plain =
            |w: &String| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        words
            .iter()
            .all(plain)
            .then_some(Pattern::Words { words, fold })
    }
}

/// Patterns translated from ECMAScript as the validator translates them, compiled once.
fn regex(pattern: &str) -> Option<Arc<Pattern>> {
    type Cache = foldhash::HashMap<String, Option<Arc<Pattern>>>;
    static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Mutex::default);
    if let Some(found) = CACHE.lock().ok()?.get(pattern) {
        return found.clone();
    }
    let compiled = Pattern::words(pattern)
        .or_else(|| {
            let translated = jsonschema_regex::to_rust_regex(pattern).ok()?;
            Some(Pattern::Regex(Regex::new(&translated).ok()?))
        })
        .map(Arc::new);
    CACHE
        .lock()
        .ok()?
        .insert(pattern.to_string(), compiled.clone());
    compiled
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    #[test]
    fn word_lists_match_as_their_regex_does() {
        let patterns = [
            "^(?i-u:name|labels|helm)$",
            "^(a|b_c|d1)$",
            "^(?:x|y)$",
            "^plain$",
        ];
        let texts = [
            "name", "NAME", "Labels", "helm ", "a", "A", "b_c", "d1", "x", "y", "yy", "plain", "",
            "\u{212a}",
        ];
        for p in patterns {
            let words = Pattern::words(p).expect("a word list");
            let re = regex::Regex::new(p).unwrap();
            for t in texts {
                assert_eq!(words.is_match(t), re.is_match(t), "{p} on {t:?}");
            }
        }
        for p in [
            "^(a|b)_(c)$",
            "^a.b$",
            "^(a)|(b)$",
            "(a|b)",
            "^(?i:a)$",
            "^(|a)$",
        ] {
            assert!(Pattern::words(p).is_none(), "{p}");
        }
    }
}
