//! Prepares the embedded schemas at build time. The repository keeps them gzipped (they are
//! text, 15 × smaller so), but inflating them on every run was a fixed cost of linting even a
//! small repository: the binary carries them as plain text instead. For the Kubernetes
//! definitions it also carries where each one is in that text, so that a run does not read
//! 370 KB of JSON to find the few it checks against.

use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::io::Read;
use std::path::Path;

const CLOUD_INIT: &str = "schemas/cloud-init/schema-cloud-config-v1.json.gz";
const K8S_VERSIONS: [&str; 3] = ["1.35", "1.36", "1.37"];

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out);
    write(
        out,
        "cloud-init-schema-cloud-config-v1.json",
        &gunzip(CLOUD_INIT),
    );
    for v in K8S_VERSIONS {
        let text = gunzip(&format!("schemas/k8s/v{v}/definitions.json.gz"));
        write(out, &format!("k8s-v{v}-definitions.json"), &text);
        write(out, &format!("k8s-v{v}-definitions.rs"), &index(&text));
    }
}

fn gunzip(path: &str) -> String {
    println!("cargo::rerun-if-changed={path}");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).expect(path))
        .read_to_string(&mut text)
        .expect(path);
    text
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("OUT_DIR is writable");
}

/// `&[(name, start, end)]`: where each of `$defs` is in `text`, as a Rust expression.
fn index(text: &str) -> String {
    #[derive(Deserialize)]
    struct Document<'a> {
        #[serde(rename = "$defs", borrow)]
        defs: BTreeMap<&'a str, &'a RawValue>,
    }
    let document: Document = serde_json::from_str(text).expect("definitions are JSON");
    let mut out = String::from("&[\n");
    for (name, raw) in document.defs {
        let start = raw.get().as_ptr() as usize - text.as_ptr() as usize;
        let end = start + raw.get().len();
        writeln!(out, "    ({name:?}, {start}, {end}),").expect("writing to a String");
    }
    out.push(']');
    out
}
