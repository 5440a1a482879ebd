//! `schema::quick` against the compiled validators it stands in for: on every Kubernetes,
//! cloud-config and fleet.yaml document in the fixtures and the demo, and on thousands of
//! variants of them (a key dropped or added, a value of another type), wherever the quick
//! check answers, its answer must be the validator's. A wrong "valid" would hide a finding; a
//! wrong "invalid" inside `oneOf` or `not` could do the same.

use infralint::parse::yaml;
use infralint::schema::instance::Yaml;
use infralint::schema::{cloudinit, fleet, json, k8s, Embedded};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every YAML document under `fixtures/`, as JSON, with its file.
fn documents() -> Vec<(PathBuf, String, Value)> {
    let mut paths = Vec::new();
    files(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .as_path(),
        &mut paths,
    );
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let yamlish = name.ends_with(".yaml") || name.ends_with(".yml");
        if !yamlish && !text.starts_with("#cloud-config") {
            continue;
        }
        for doc in yaml::parse(&text, 0).docs {
            let value = json::instance(&doc.root, &text, &[]).value;
            if value.is_object() {
                out.push((path.clone(), text.clone(), value));
            }
        }
    }
    out
}

/// `value` and variants of it: each key dropped, an unknown key added to each mapping, each
/// value replaced by one of another type.
fn variants(value: &Value) -> Vec<Value> {
    const OTHERS: [&str; 13] = [
        "42",
        "-1",
        "\"x\"",
        "\"\"",
        "\"x\\r\\u2028y\"",
        "true",
        "null",
        "[]",
        "{}",
        "1.5",
        "1.0",
        "[\"a\", \"a\"]",
        "[1, 1.0]",
    ];
    let mut out = vec![value.clone()];
    let mut pointers = Vec::new();
    collect(value, String::new(), &mut pointers);
    for pointer in pointers {
        let target = value.pointer(&pointer).unwrap();
        for other in OTHERS {
            let other: Value = serde_json::from_str(other).unwrap();
            if &other != target {
                let mut v = value.clone();
                *v.pointer_mut(&pointer).unwrap() = other;
                out.push(v);
            }
        }
        if let Value::Object(map) = target {
            let mut v = value.clone();
            v.pointer_mut(&pointer)
                .unwrap()
                .as_object_mut()
                .unwrap()
                .insert("notAField".into(), json!(1));
            out.push(v);
            for key in map.keys() {
                let mut v = value.clone();
                v.pointer_mut(&pointer)
                    .unwrap()
                    .as_object_mut()
                    .unwrap()
                    .remove(key);
                out.push(v);
            }
        }
        if let Value::Array(items) = target {
            if let Some(first) = items.first() {
                let mut v = value.clone();
                v.pointer_mut(&pointer)
                    .unwrap()
                    .as_array_mut()
                    .unwrap()
                    .push(first.clone());
                out.push(v);
            }
        }
    }
    out
}

fn collect(value: &Value, pointer: String, out: &mut Vec<String>) {
    out.push(pointer.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let escaped = k.replace('~', "~0").replace('/', "~1");
                collect(v, format!("{pointer}/{escaped}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect(v, format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[derive(Default, Debug)]
struct Tally {
    checked: usize,
    decided: usize,
}

fn agree(what: &str, quick: Option<bool>, full: bool, instance: &Value, tally: &mut Tally) {
    tally.checked += 1;
    if let Some(q) = quick {
        tally.decided += 1;
        assert_eq!(
            q, full,
            "{what}: quick says {q}, the validator {full}, for {instance:#}"
        );
    }
}

#[test]
fn builtin_kinds_agree_with_the_validator() {
    let mut tally = Tally::default();
    let mut originals = Tally::default();
    for strict in [true, false] {
        let builtins = k8s::builtins(k8s::default_version(), strict).unwrap();
        for (path, _, doc) in documents() {
            let (Some(api), Some(kind)) = (doc["apiVersion"].as_str(), doc["kind"].as_str()) else {
                continue;
            };
            let Some(def) = builtins.definition(api, kind) else {
                continue;
            };
            let validator = builtins.compile(def).unwrap().validator;
            let what = format!("{} {kind}", path.display());
            // The first variant is the document as written.
            for (i, v) in variants(&doc).iter().enumerate() {
                let count = if i == 0 { &mut originals } else { &mut tally };
                agree(
                    &what,
                    builtins.quick_valid(def, v),
                    validator.is_valid(v),
                    v,
                    count,
                );
            }
        }
    }
    eprintln!("originals {originals:?}, variants {tally:?}");
    // The point of the quick check: it answers for nearly every object as written.
    assert!(
        originals.decided * 10 >= originals.checked * 9,
        "{originals:?}"
    );
    assert!(tally.decided * 2 >= tally.checked, "{tally:?}");
}

fn embedded_agrees(schema: &Embedded, docs: impl Iterator<Item = (PathBuf, Value)>) -> Tally {
    let validator = &schema.compiled().unwrap().validator;
    let mut tally = Tally::default();
    for (path, doc) in docs {
        for v in variants(&doc) {
            let what = path.display().to_string();
            agree(
                &what,
                schema.quick_valid(&v),
                validator.is_valid(&v),
                &v,
                &mut tally,
            );
        }
    }
    tally
}

#[test]
fn cloud_config_agrees_with_the_validator() {
    let schema = cloudinit::schema().unwrap();
    let docs: Vec<(PathBuf, Value)> = documents()
        .into_iter()
        .filter(|(_, text, _)| text.starts_with("#cloud-config"))
        .map(|(p, _, v)| (p, v))
        .collect();
    assert!(docs.len() >= 10, "{} cloud-config documents", docs.len());
    let tally = embedded_agrees(&schema.schema, docs.iter().cloned());
    eprintln!("cloud-config {tally:?}");
    assert!(tally.decided * 2 >= tally.checked, "{tally:?}");

    // A deprecation the validator's evaluation reports is never one `may_deprecate` rules out.
    let validator = &schema.schema.compiled().unwrap().validator;
    let mut seen = 0;
    for (_, doc) in &docs {
        for v in variants(doc) {
            for (key, value) in v.as_object().into_iter().flatten() {
                let single = json!({ key: value });
                let deprecated = validator
                    .evaluate(&single)
                    .iter_annotations()
                    .any(|a| a.annotations.value().get("deprecated") == Some(&Value::Bool(true)));
                if deprecated {
                    seen += 1;
                    assert!(schema.schema.may_deprecate(&single), "{single:#}");
                }
            }
        }
    }
    assert!(seen > 0, "no deprecated form among the variants");
}

#[test]
fn fleet_yaml_agrees_with_the_validator() {
    let schema = fleet::schema().unwrap();
    let docs: Vec<(PathBuf, Value)> = documents()
        .into_iter()
        .filter(|(p, _, _)| p.file_name().is_some_and(|n| n == "fleet.yaml"))
        .map(|(p, _, v)| (p, v))
        .collect();
    assert!(docs.len() >= 5, "{} fleet.yaml documents", docs.len());
    let tally = embedded_agrees(schema, docs.into_iter());
    eprintln!("fleet.yaml {tally:?}");
    assert!(tally.decided * 2 >= tally.checked, "{tally:?}");
}

/// Kubernetes objects are checked by reading their YAML directly (`schema::instance::Yaml`);
/// that reading must answer as the check of the JSON `json::instance` makes of the same node:
/// for every document as written, every variant written back as YAML (JSON is flow YAML), and
/// variants where a value is a YAML 1.1 plain scalar (`yes`, `0755`, `~`, …).
#[test]
fn yaml_read_directly_agrees_with_its_json() {
    const PLAIN: [&str; 14] = [
        "yes", "No", "on", "0755", "0o7", "0x1F", "1_000", "-1", "1e3", "1.", ".inf", "~", "y",
        "v1.2",
    ];
    let builtins = k8s::builtins(k8s::default_version(), true).unwrap();
    let (mut compared, mut decided) = (0, 0);
    let mut compare = |what: &str, def: &str, text: &str| {
        let stream = yaml::parse(text, 0);
        for doc in &stream.docs {
            let Some(view) = Yaml::plain(&doc.root, !stream.duplicates.is_empty()) else {
                continue;
            };
            let value = json::instance(&doc.root, text, &[]).value;
            let direct = builtins.quick_valid(def, view);
            assert_eq!(direct, builtins.quick_valid(def, &value), "{what}: {text}");
            compared += 1;
            decided += usize::from(direct.is_some());
        }
    };
    for (path, text, doc) in documents() {
        let (Some(api), Some(kind)) = (doc["apiVersion"].as_str(), doc["kind"].as_str()) else {
            continue;
        };
        let Some(def) = builtins.definition(api, kind) else {
            continue;
        };
        let what = path.display().to_string();
        compare(&what, def, &text);
        for v in variants(&doc) {
            compare(&what, def, &serde_json::to_string(&v).unwrap());
        }
        let mut pointers = Vec::new();
        collect(&doc, String::new(), &mut pointers);
        for pointer in pointers.iter().filter(|p| !p.is_empty()) {
            let mut v = doc.clone();
            *v.pointer_mut(pointer).unwrap() = json!("\u{1}RAW");
            let marked = serde_json::to_string(&v).unwrap();
            for plain in PLAIN {
                compare(&what, def, &marked.replace("\"\\u0001RAW\"", plain));
            }
        }
    }
    eprintln!("compared {compared}, decided {decided}");
    assert!(compared > 10_000 && decided * 2 >= compared);
}
