//! The bodies of the fuzz targets (`fuzz/fuzz_targets`), here so that `cargo test` replays every
//! input the fuzzers ever crashed on (`tests/fuzz-regressions/<target>/`).

use crate::model::cloudinit::{CloudInit, Script};
use crate::model::kubernetes::K8sObject;
use crate::model::{retry, secrets, shell};
use crate::parse::{hcl, template, yaml};
use crate::report::{self, Format};
use crate::source::SourceFile;
use std::path::Path;

/// HCL parsing and the Terraform / Terragrunt models built from it.
pub fn hcl(text: &str) {
    if let Ok(body) = hcl::parse_body(text) {
        let tf = hcl::lower(&body);
        for block in &tf.blocks {
            let _ = block.address();
        }
        let _ = hcl::lower_terragrunt(&body);
        for attr in hcl::lower_tfvars(&body) {
            assert!(attr.value_span.end <= text.len());
        }
    }
    let _ = hcl::template_uses(text);
}

/// YAML parsing, the Kubernetes model and the YAML-to-JSON conversion schema checks use.
pub fn yaml(text: &str) {
    let stream = yaml::parse(text, 0);
    for (i, doc) in stream.docs.iter().enumerate() {
        assert!(doc.span.start <= doc.span.end && doc.span.end <= text.len());
        let _ = K8sObject::from_doc(0, i, &doc.root, doc.span);
        let _ = crate::schema::json::instance(&doc.root, text, &["${"]);
        let _ = doc.root.path(&["metadata", "name"]);
    }
}

/// Template masking must keep every byte offset, so spans into the masked text are spans into
/// the template.
pub fn template(text: &str) {
    let masked = template::mask(text);
    assert_eq!(masked.len(), text.len());
    for (i, _) in text.char_indices() {
        assert!(masked.is_char_boundary(i));
    }
    let _ = yaml::parse(&masked, 0);
}

/// Shell snippets out of cloud-init user-data (`runcmd`, `write_files`, whole scripts), the
/// analyses the cloud-init rules run over them, and the secret detectors.
pub fn shell(text: &str) {
    let src = SourceFile::new(
        "user-data.yaml".into(),
        "user-data.yaml".into(),
        text.into(),
    );
    for doc in yaml::parse(text, 0).docs {
        let ci = CloudInit::from_config(0, &src, &doc.root);
        scripts(&ci.scripts, text);
        scripts(ci.files.iter().map(|f| &f.content), text);
        for file in &ci.files {
            let _ = secrets::token_shapes(&file.content.text);
        }
        let _ = retry::functions(ci.scripts.iter().map(|s| s.text.as_str()));
    }
    scripts(&CloudInit::from_script(0, &src).scripts, text);
    let _ = retry::functions([text]);
    for (r, _) in secrets::token_shapes(text) {
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
    }
    for word in text.split_whitespace().take(64) {
        let _ = secrets::is_secret_name(word);
        let _ = secrets::is_placeholder(word);
        let _ = secrets::masked(word);
    }
}

/// Every script region, the command words at each line start, and spans mapped back into the
/// source, which must stay inside it.
fn scripts<'a>(scripts: impl IntoIterator<Item = &'a Script>, source: &str) {
    for script in scripts {
        let text = &script.text;
        for (r, _) in retry::regions(text) {
            let _ = shell::scan(&text[r]);
        }
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1));
        for at in starts.take(256) {
            for w in shell::command_words(text, at) {
                assert!(w.end <= text.len());
                let span = script.host_span(w.start, w.end);
                assert!(span.start <= span.end && span.end <= source.len());
            }
        }
    }
}

/// Where the `\0`-separated parts of a pipeline input go: a layout that exercises the
/// cross-file rules.
const LAYOUT: &[&str] = &[
    "main.tf",
    "modules/app/main.tf",
    "cloud-init.yaml",
    "terragrunt.hcl",
    "clusters/prod/flux-system/gotk-sync.yaml",
    "clusters/prod/kustomization.yaml",
    "apps/web/deploy.yaml",
    "fleet.yaml",
    "values.yaml",
    "charts/rke2-helmchart.yaml",
];

/// The whole pipeline on a small repository cut from `data`, written into the empty `dir`.
pub fn pipeline(data: &[u8], dir: &Path) {
    for (part, rel) in data.split(|&b| b == 0).zip(LAYOUT) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
        std::fs::write(path, part).expect("a written file");
    }
    let runs = [crate::lint(dir, 1, &crate::Options::default())];
    for format in [Format::Json, Format::Sarif, Format::Human] {
        let _ = report::render(format, &runs, false, &|_| true, true);
    }
}
