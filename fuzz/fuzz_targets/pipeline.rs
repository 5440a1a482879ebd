//! The whole pipeline on a small repository cut from the input: each `\0`-separated part
//! becomes one file of a fixed layout that exercises the cross-file rules.
#![no_main]

use infralint::report::{self, Format};
use infralint::{lint, Options};
use libfuzzer_sys::fuzz_target;

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

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (part, rel) in data.split(|&b| b == 0).zip(LAYOUT) {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
        std::fs::write(path, part).expect("a written file");
    }
    let run = lint(dir.path(), 1, &Options::default());
    let runs = [run];
    for format in [Format::Json, Format::Sarif, Format::Human] {
        let _ = report::render(format, &runs, false, &|_| true, true);
    }
});
