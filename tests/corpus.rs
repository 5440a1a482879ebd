//! Realistic repositories written for precision: each has a clean twin that must produce no
//! finding at all, and a copy with planted defects whose findings are listed in EXPECTED.txt.

use infralint::{lint, Options};
use std::path::{Path, PathBuf};

fn corpora() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut out: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("EXPECTED.txt").is_file())
        .collect();
    out.sort();
    out
}

fn findings(dir: &Path) -> Vec<String> {
    let run = lint(dir, 2, &Options::default());
    // Info notes ("no schema for this kind") say what was not checked; they claim no defect.
    run.diagnostics
        .iter()
        .filter(|d| d.severity != infralint::diagnostic::Severity::Info)
        .map(|d| {
            let file = &run.files[d.file];
            format!("{} {}:{}", d.rule, file.rel, file.line_col(d.span.start).0)
        })
        .collect()
}

#[test]
fn clean_twins_have_no_findings() {
    assert!(corpora().len() >= 3);
    for corpus in corpora() {
        let found = findings(&corpus.join("clean"));
        assert!(
            found.is_empty(),
            "false positives on {}:\n{}",
            corpus.display(),
            found.join("\n")
        );
    }
}

#[test]
fn planted_defects_are_all_found_and_nothing_else() {
    for corpus in corpora() {
        let expected = std::fs::read_to_string(corpus.join("EXPECTED.txt")).unwrap();
        let mut expected: Vec<&str> = expected
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        expected.sort();
        let mut found = findings(&corpus.join("defects"));
        found.sort();
        assert_eq!(found, expected, "{}", corpus.display());
    }
}
