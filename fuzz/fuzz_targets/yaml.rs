//! YAML parsing, the Kubernetes model and the YAML-to-JSON conversion schema checks use.
#![no_main]

use infralint::model::kubernetes::K8sObject;
use infralint::parse::yaml;
use infralint::schema::json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let stream = yaml::parse(text, 0);
    for (i, doc) in stream.docs.iter().enumerate() {
        assert!(doc.span.start <= doc.span.end && doc.span.end <= text.len());
        let _ = K8sObject::from_doc(0, i, &doc.root, doc.span);
        let _ = json::instance(&doc.root, text, &["${"]);
        let _ = doc.root.path(&["metadata", "name"]);
    }
});
