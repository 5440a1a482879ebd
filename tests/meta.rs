//! Every registered rule has its documentation, its fixtures and its README row.

use infralint::rules::ALL;
use std::collections::HashSet;
use std::path::Path;

const HEADINGS: &[&str] = &[
    "## What it does",
    "## Why it matters",
    "## Example",
    "## How to fix",
    "## Options",
    "## How to suppress",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn subdirs(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn ids_are_unique_and_well_formed() {
    let mut seen = HashSet::new();
    let re = regex::Regex::new(r"^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$").unwrap();
    for r in ALL {
        let id = r.meta().id;
        assert!(re.is_match(id), "{id}: ids are `domain/kebab-name`");
        assert!(seen.insert(id), "{id} registered twice");
    }
    let ids: Vec<&str> = ALL.iter().map(|r| r.meta().id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "keep the registry in id order");
}

#[test]
fn every_rule_has_a_complete_doc() {
    for r in ALL {
        let m = r.meta();
        let doc = m.doc;
        assert!(
            doc.starts_with(&format!("# {}\n", m.id)),
            "{}: the doc must start with `# {}`",
            m.id,
            m.id
        );
        let mut at = 0;
        for h in HEADINGS {
            let pos = doc[at..]
                .find(&format!("\n{h}\n"))
                .unwrap_or_else(|| panic!("{}: doc lacks `{h}` (or it is out of order)", m.id));
            at += pos + 1;
        }
        assert!(!m.summary.is_empty());
    }
}

#[test]
fn every_rule_has_pass_and_fail_fixtures_with_snapshots() {
    for r in ALL {
        let id = r.meta().id;
        let dir = root().join("fixtures").join(id);
        let pass = subdirs(&dir.join("pass"));
        let fail = subdirs(&dir.join("fail"));
        assert!(
            pass.len() >= 2,
            "{id}: needs at least two pass cases, has {}",
            pass.len()
        );
        assert!(
            fail.len() >= 2,
            "{id}: needs at least two fail cases, has {}",
            fail.len()
        );
        let snaps: HashSet<String> = std::fs::read_dir(dir.join("snapshots"))
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter_map(|e| {
                        e.file_name()
                            .to_str()
                            .and_then(|n| n.strip_suffix(".snap"))
                            .map(str::to_string)
                    })
                    .collect()
            })
            .unwrap_or_default();
        for case in &fail {
            assert!(
                snaps.contains(case),
                "{id}: fail case `{case}` has no snapshot (run `cargo insta test --review`)"
            );
        }
        for snap in &snaps {
            assert!(
                fail.contains(snap),
                "{id}: snapshot `{snap}.snap` has no fail case"
            );
        }
    }
}

#[test]
fn no_orphan_fixture_or_doc_directories() {
    let ids: HashSet<&str> = ALL.iter().map(|r| r.meta().id).collect();
    for domain in subdirs(&root().join("fixtures")) {
        if domain == "demo" {
            continue;
        }
        for name in subdirs(&root().join("fixtures").join(&domain)) {
            assert!(
                ids.contains(format!("{domain}/{name}").as_str()),
                "fixtures/{domain}/{name} belongs to no registered rule"
            );
        }
    }
    for domain in subdirs(&root().join("rules")) {
        for doc in std::fs::read_dir(root().join("rules").join(&domain))
            .unwrap()
            .filter_map(|e| e.ok())
        {
            let name = doc
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".md")
                .to_string();
            assert!(
                ids.contains(format!("{domain}/{name}").as_str()),
                "rules/{domain}/{name}.md documents no registered rule"
            );
        }
    }
}

#[test]
fn readme_lists_every_rule() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for r in ALL {
        let m = r.meta();
        let row = format!("| `{}` | {} | {} |", m.id, m.severity.as_str(), m.summary);
        assert!(readme.contains(&row), "README.md lacks the row:\n{row}");
    }
}
