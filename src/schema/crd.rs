//! CustomResourceDefinitions as JSON schemas (draft 2020-12) for their custom resources.
//!
//! A port of `convert` in shared/schemas/tools/crd2jsonschema.py: kubeconform's
//! openapi2jsonschema.py transforms plus its fidelity fixes (`nullable`, preserve-unknown-fields
//! never closed, embedded resources, boolean exclusive bounds). Additions: `$schema`; a version
//! without a schema accepts any object; the root always allows `apiVersion`/`kind`/`metadata`;
//! the `metadata` of the root and of embedded resources is never closed (the API server
//! validates it as ObjectMeta, a CRD may only restrict `name`/`generateName` there, and closing
//! it would reject every label).

use serde_json::{json, Map, Value};

/// One served version of a CRD as a JSON schema (draft 2020-12) for its custom resources.
#[derive(Debug, Clone, PartialEq)]
pub struct CrdSchema {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub schema: Value,
}

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The 223 catalog CRDs nest schemas at most 18 deep; this only stops hostile input.
const MAX_DEPTH: usize = 200;

/// The keywords under which a structural schema holds subschemas: maps of them, single ones
/// (or tuple-form lists), and lists of them.
const SCHEMA_MAPS: [&str; 4] = ["properties", "patternProperties", "definitions", "$defs"];
const SCHEMAS: [&str; 4] = ["items", "additionalProperties", "not", "additionalItems"];
const SCHEMA_LISTS: [&str; 3] = ["allOf", "anyOf", "oneOf"];

/// Schemas for every served version of `crd` (apiextensions.k8s.io/v1, and v1beta1's
/// `spec.validation` / per-version `schema` as far as the reference tool handles them). A CRD
/// without a schema for a version yields a schema that accepts any object for it (so the CR is
/// known, not "schema missing"). Never panics on malformed input: a CRD missing
/// group/kind/versions yields an empty Vec.
///
/// The caller picks the documents whose `kind` is `CustomResourceDefinition`. A v1beta1 CRD
/// with only the legacy `spec.version` counts as serving that one version.
pub fn schemas(crd: &Value) -> Vec<CrdSchema> {
    let Some(spec) = crd.get("spec") else {
        return Vec::new();
    };
    let (Some(group), Some(kind)) = (text(spec.get("group")), text(spec.pointer("/names/kind")))
    else {
        return Vec::new();
    };
    let legacy;
    let versions: &[Value] = match (spec.get("versions"), text(spec.get("version"))) {
        (Some(Value::Array(versions)), _) => versions,
        (None, Some(name)) => {
            legacy = [json!({ "name": name })];
            &legacy
        }
        _ => return Vec::new(),
    };
    versions
        .iter()
        .filter(|v| v.get("served") != Some(&Value::Bool(false)))
        .filter_map(|v| {
            let name = text(v.get("name"))?;
            // Like the reference's `v.get("schema") or spec.get("validation")`: an empty
            // per-version schema falls back to the v1beta1 top-level one.
            let holder = [v.get("schema"), spec.get("validation")]
                .into_iter()
                .flatten()
                .find(|h| h.as_object().is_some_and(|m| !m.is_empty()));
            let schema = match holder.and_then(|h| h.get("openAPIV3Schema")) {
                Some(s @ Value::Object(_)) => fix(s, Level::Root, 0),
                _ => json!({ "type": "object", "x-kubernetes-preserve-unknown-fields": true }),
            };
            Some(CrdSchema {
                group: group.to_string(),
                version: name.to_string(),
                kind: kind.to_string(),
                schema: finish(schema),
            })
        })
        .collect()
}

fn text(v: Option<&Value>) -> Option<&str> {
    v?.as_str().filter(|s| !s.is_empty())
}

/// Where a schema sits; only `Nested` objects are closed.
#[derive(Clone, Copy, PartialEq)]
enum Level {
    /// Open like kubeconform: the API server, not the CRD, owns the top-level fields.
    Root,
    /// `metadata` of the root or of an embedded resource.
    ObjectMeta,
    Nested,
}

/// The reference tool's `fix`, children first, building a new tree so each node is copied once.
fn fix(node: &Value, level: Level, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        // Validating less is the safe failure: nothing below here is reported.
        return json!({});
    }
    let node = match node {
        Value::Array(items) => {
            return items
                .iter()
                .map(|x| fix(x, Level::Nested, depth + 1))
                .collect()
        }
        Value::Object(node) => node,
        other => return other.clone(), // boolean schema
    };
    let embedded = node.get("x-kubernetes-embedded-resource") == Some(&Value::Bool(true));
    let mut s = Map::new();
    for (key, value) in node {
        let k = key.as_str();
        let value = match value {
            Value::Object(subs) if SCHEMA_MAPS.contains(&k) => subs
                .iter()
                .map(|(name, sub)| {
                    let meta = k == "properties"
                        && name == "metadata"
                        && (level == Level::Root || embedded);
                    let level = if meta {
                        Level::ObjectMeta
                    } else {
                        Level::Nested
                    };
                    (name.clone(), fix(sub, level, depth + 1))
                })
                .collect(),
            Value::Object(_) | Value::Array(_) if SCHEMAS.contains(&k) => {
                fix(value, Level::Nested, depth + 1)
            }
            Value::Array(items) if SCHEMA_LISTS.contains(&k) => items
                .iter()
                .map(|x| fix(x, Level::Nested, depth + 1))
                .collect(),
            _ => value.clone(),
        };
        s.insert(key.clone(), value);
    }

    // OpenAPI's `nullable` means nothing to JSON Schema; without this `field: null` fails.
    if s.get("nullable") == Some(&Value::Bool(true)) {
        match s.get_mut("type") {
            Some(Value::String(t)) if t != "null" => {
                let t = std::mem::take(t);
                s.insert("type".into(), json!([t, "null"]));
            }
            Some(Value::Array(types)) if !types.iter().any(|t| t == "null") => {
                types.push("null".into());
            }
            _ => {}
        }
        if let Some(Value::Array(options)) = s.get_mut("enum") {
            if !options.contains(&Value::Null) {
                options.push(Value::Null);
            }
        }
    }

    let int_or_string = || json!([{ "type": "integer" }, { "type": "string" }]);
    if s.get("format").and_then(Value::as_str) == Some("int-or-string") {
        s.remove("format");
        s.remove("type");
        s.entry("anyOf").or_insert_with(int_or_string);
    }
    if s.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true))
        && !["type", "anyOf", "oneOf"]
            .iter()
            .any(|k| s.contains_key(*k))
    {
        s.insert("anyOf".into(), int_or_string());
    }

    // OpenAPI 3.0 writes `exclusiveMinimum: true` next to `minimum`; drafts 6+ want the number.
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(&Value::Bool(on)) = s.get(exclusive) {
            match on.then(|| s.remove(bound)).flatten() {
                Some(limit) => s.insert(exclusive.into(), limit),
                None => s.remove(exclusive),
            };
        }
    }

    let preserve = s.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
    if preserve && s.get("additionalProperties") == Some(&Value::Bool(false)) {
        // Structural schemas never say `additionalProperties: false`; some converter added it.
        s.remove("additionalProperties");
    }
    if level == Level::Nested
        && !preserve
        && s.get("properties").is_some_and(Value::is_object)
        && !s.contains_key("additionalProperties")
    {
        // kubectl rejects unknown fields below the root; so does the API server (pruning).
        s.insert("additionalProperties".into(), Value::Bool(false));
    }
    if embedded && s.get("additionalProperties") == Some(&Value::Bool(false)) {
        standard_fields(&mut s);
    }
    Value::Object(s)
}

/// Allows `apiVersion`, `kind` and `metadata` where the schema does not describe them itself.
fn standard_fields(s: &mut Map<String, Value>) {
    if let Value::Object(props) = s.entry("properties").or_insert_with(|| json!({})) {
        for (name, ty) in [
            ("apiVersion", "string"),
            ("kind", "string"),
            ("metadata", "object"),
        ] {
            props.entry(name).or_insert_with(|| json!({ "type": ty }));
        }
    }
}

fn finish(mut schema: Value) -> Value {
    if let Value::Object(root) = &mut schema {
        standard_fields(root);
        root.insert("$schema".into(), DRAFT.into());
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crd(versions: Value) -> Value {
        json!({
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": { "name": "widgets.example.com" },
            "spec": {
                "group": "example.com",
                "names": { "kind": "Widget", "plural": "widgets" },
                "scope": "Namespaced",
                "versions": versions,
            }
        })
    }

    fn version(name: &str, served: bool, schema: Value) -> Value {
        json!({ "name": name, "served": served, "storage": true,
                "schema": { "openAPIV3Schema": schema } })
    }

    /// The one schema `spec` (as the `spec` property of a v1 CRD) converts to.
    fn convert(spec: Value) -> Value {
        let schema = json!({ "type": "object", "properties": { "spec": spec } });
        let mut out = schemas(&crd(json!([version("v1", true, schema)])));
        assert_eq!(out.len(), 1);
        out.remove(0).schema
    }

    fn validator(schema: &Value) -> jsonschema::Validator {
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(schema)
            .expect("schema compiles")
    }

    fn valid(schema: &Value, spec: Value) -> bool {
        validator(schema).is_valid(&json!({
            "apiVersion": "example.com/v1", "kind": "Widget",
            "metadata": { "name": "w", "labels": { "a": "b" } },
            "spec": spec,
        }))
    }

    #[test]
    fn only_served_versions() {
        let any = json!({ "type": "object" });
        let out = schemas(&crd(json!([
            version("v1alpha1", false, any.clone()),
            version("v1beta1", true, any.clone()),
            version("v1", true, any),
        ])));
        let names: Vec<_> = out.iter().map(|s| s.version.as_str()).collect();
        assert_eq!(names, ["v1beta1", "v1"]);
        assert_eq!(
            (out[0].group.as_str(), out[0].kind.as_str()),
            ("example.com", "Widget")
        );
        assert_eq!(out[0].schema["$schema"], DRAFT);
    }

    #[test]
    fn nullable_adds_null() {
        let schema = convert(json!({ "type": "object", "properties": {
            "mode": { "type": "string", "enum": ["a", "b"], "nullable": true },
            "count": { "type": "integer" },
        }}));
        let mode = &schema["properties"]["spec"]["properties"]["mode"];
        assert_eq!(mode["type"], json!(["string", "null"]));
        assert_eq!(mode["enum"], json!(["a", "b", null]));
        assert!(valid(&schema, json!({ "mode": null })));
        assert!(valid(&schema, json!({ "mode": "a" })));
        assert!(!valid(&schema, json!({ "mode": "c" })));
        assert!(!valid(&schema, json!({ "count": null })));
    }

    #[test]
    fn strict_below_root_open_at_root() {
        let schema = convert(json!({ "type": "object", "properties": {
            "replicas": { "type": "integer" },
            "template": { "type": "object", "properties": { "name": { "type": "string" } } },
        }}));
        assert!(valid(
            &schema,
            json!({ "replicas": 1, "template": { "name": "x" } })
        ));
        assert!(!valid(&schema, json!({ "replicas": 1, "replicsa": 2 })));
        assert!(!valid(&schema, json!({ "template": { "nmae": "x" } })));
        assert!(!valid(&schema, json!({ "replicas": "one" })));
        let v = validator(&schema);
        assert!(v.is_valid(&json!({ "kind": "Widget", "status": { "anything": 1 } })));
        assert!(!v.is_valid(&json!({ "kind": 3 })));
    }

    #[test]
    fn preserve_unknown_fields_stays_open() {
        let schema = convert(json!({ "type": "object", "properties": {
            "values": { "type": "object", "x-kubernetes-preserve-unknown-fields": true,
                        "properties": { "known": { "type": "string" } } },
        }}));
        assert!(schema["properties"]["spec"]["properties"]["values"]
            .get("additionalProperties")
            .is_none());
        assert!(valid(
            &schema,
            json!({ "values": { "known": "a", "other": [1] } })
        ));
        assert!(!valid(&schema, json!({ "values": { "known": 1 } })));
    }

    #[test]
    fn int_or_string() {
        let schema = convert(json!({ "type": "object", "properties": {
            "port": { "x-kubernetes-int-or-string": true },
            "legacy": { "type": "string", "format": "int-or-string" },
            "given": { "x-kubernetes-int-or-string": true,
                       "anyOf": [{ "type": "integer" }, { "type": "string" }],
                       "pattern": "^[0-9]+%$" },
        }}));
        for port in [json!(1), json!("1")] {
            assert!(valid(
                &schema,
                json!({ "port": port.clone(), "legacy": port })
            ));
        }
        assert!(!valid(&schema, json!({ "port": 1.5 })));
        assert!(!valid(&schema, json!({ "legacy": true })));
        assert!(valid(&schema, json!({ "given": 3 })));
        assert!(!valid(&schema, json!({ "given": "3" })));
    }

    #[test]
    fn embedded_resource_allows_standard_fields() {
        let schema = convert(json!({ "type": "object", "properties": {
            "template": { "type": "object", "x-kubernetes-embedded-resource": true,
                          "properties": {
                              "spec": { "type": "object", "x-kubernetes-preserve-unknown-fields": true },
                              "metadata": { "type": "object",
                                            "properties": { "name": { "type": "string" } } },
                          } },
        }}));
        let template = &schema["properties"]["spec"]["properties"]["template"];
        assert_eq!(template["additionalProperties"], false);
        let embedded = json!({ "template": {
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": { "name": "x", "labels": { "a": "b" } }, "spec": { "x": 1 },
        }});
        assert!(valid(&schema, embedded));
        assert!(!valid(&schema, json!({ "template": { "kind": 1 } })));
        assert!(!valid(&schema, json!({ "template": { "data": {} } })));
    }

    #[test]
    fn root_metadata_never_closed() {
        let schema = json!({ "type": "object", "properties": {
            "metadata": { "type": "object",
                          "properties": { "name": { "type": "string", "maxLength": 5 } } },
        }});
        let out = schemas(&crd(json!([version("v1", true, schema)])));
        let v = validator(&out[0].schema);
        assert!(v.is_valid(&json!({ "metadata": { "name": "w", "labels": { "a": "b" } } })));
        assert!(!v.is_valid(&json!({ "metadata": { "name": "too-long" } })));
    }

    #[test]
    fn boolean_exclusive_bounds() {
        let schema = convert(json!({ "type": "object", "properties": {
            "ratio": { "type": "number", "minimum": 0, "exclusiveMinimum": true,
                       "maximum": 1, "exclusiveMaximum": false },
        }}));
        let ratio = &schema["properties"]["spec"]["properties"]["ratio"];
        assert_eq!(
            ratio,
            &json!({ "type": "number", "exclusiveMinimum": 0, "maximum": 1 })
        );
        assert!(!valid(&schema, json!({ "ratio": 0 })));
        assert!(valid(&schema, json!({ "ratio": 1 })));
    }

    #[test]
    fn missing_schema_accepts_any_object() {
        let out = schemas(&crd(
            json!([{ "name": "v1", "served": true, "storage": true }]),
        ));
        assert_eq!(out.len(), 1);
        let v = validator(&out[0].schema);
        assert!(v.is_valid(&json!({ "apiVersion": "example.com/v1", "spec": { "x": [1] } })));
        assert!(!v.is_valid(&json!("not an object")));
    }

    #[test]
    fn v1beta1_forms() {
        let validation = json!({ "openAPIV3Schema": { "type": "object", "properties": {
            "spec": { "type": "object", "properties": { "a": { "type": "string" } } },
        }}});
        let mut old = crd(json!([{ "name": "v1beta1", "served": true, "storage": true }]));
        old["spec"]["validation"] = validation.clone();
        let out = schemas(&old);
        assert_eq!(
            out[0].schema["properties"]["spec"]["additionalProperties"],
            false
        );

        let mut single = crd(Value::Null);
        let spec = single["spec"].as_object_mut().unwrap();
        spec.remove("versions");
        spec.insert("version".into(), "v1alpha1".into());
        spec.insert("validation".into(), validation);
        let out = schemas(&single);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].version, "v1alpha1");
        assert!(!validator(&out[0].schema).is_valid(&json!({ "spec": { "b": 1 } })));
    }

    #[test]
    fn malformed_crds_give_nothing() {
        let mut cases = vec![
            json!(null),
            json!("CustomResourceDefinition"),
            json!({ "kind": "CustomResourceDefinition" }),
            json!({ "spec": [] }),
            crd(json!({ "v1": {} })),
            crd(json!("v1")),
            crd(json!([null, 3, { "served": true }, { "name": 7 }, { "name": "" }])),
        ];
        let mut no_group = crd(json!([version("v1", true, json!({}))]));
        no_group["spec"].as_object_mut().unwrap().remove("group");
        cases.push(no_group);
        let mut no_kind = crd(json!([version("v1", true, json!({}))]));
        no_kind["spec"]["names"] = json!({ "plural": "widgets" });
        cases.push(no_kind);
        let mut no_versions = crd(json!([]));
        no_versions["spec"]
            .as_object_mut()
            .unwrap()
            .remove("versions");
        cases.push(no_versions);
        for case in cases {
            assert_eq!(schemas(&case), Vec::new(), "{case}");
        }
        // Junk inside a schema is kept, never a panic.
        let odd = json!({ "type": "object", "nullable": true, "properties": [1],
                          "items": [true, { "nullable": true, "type": ["string"] }],
                          "anyOf": "x", "x-kubernetes-embedded-resource": true,
                          "additionalProperties": false, "exclusiveMinimum": true });
        let out = schemas(&crd(json!([version("v1", true, odd)])));
        assert_eq!(out[0].schema["items"][1]["type"], json!(["string", "null"]));
    }

    #[test]
    fn hostile_depth_is_cut() {
        // Built by hand: `json!` would serialize the interpolated value, recursively.
        let mut schema = json!({ "type": "string" });
        for _ in 0..1000 {
            let mut node = Map::new();
            node.insert("type".into(), "object".into());
            node.insert(
                "properties".into(),
                Value::Object(Map::from_iter([("a".into(), schema)])),
            );
            schema = Value::Object(node);
        }
        let mut deep = crd(json!([version("v1", true, Value::Null)]));
        deep["spec"]["versions"][0]["schema"]["openAPIV3Schema"] = schema;
        let out = schemas(&deep);
        let mut node = &out[0].schema;
        let mut depth = 0;
        while let Some(next) = node.pointer("/properties/a") {
            node = next;
            depth += 1;
        }
        assert_eq!(depth, MAX_DEPTH + 1);
        assert_eq!(node, &json!({}));
        validator(&out[0].schema);
    }
}
