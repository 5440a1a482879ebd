//! Realistic repositories written for precision: each has a clean twin that must produce no
//! finding at all, and a copy with planted defects whose findings are listed in EXPECTED.txt.

use infralint::{lint, Options};
use std::path::Path;

fn corpus(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name)
}

fn findings(dir: &Path) -> Vec<String> {
    let run = lint(dir, 2, &Options::default());
    run.diagnostics
        .iter()
        .map(|d| {
            let file = &run.files[d.file];
            format!("{} {}:{}", d.rule, file.rel, file.line_col(d.span.start).0)
        })
        .collect()
}

#[test]
fn platform_clean_twin_has_no_findings() {
    let found = findings(&corpus("platform/clean"));
    assert!(
        found.is_empty(),
        "false positives on the clean twin:\n{}",
        found.join("\n")
    );
}

#[test]
fn platform_defects_are_all_found_and_nothing_else() {
    let expected = std::fs::read_to_string(corpus("platform/EXPECTED.txt")).unwrap();
    let mut expected: Vec<&str> = expected
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    expected.sort();
    let mut found = findings(&corpus("platform/defects"));
    found.sort();
    assert_eq!(found, expected);
}
