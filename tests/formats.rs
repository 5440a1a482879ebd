//! Every output format on the demo repository, as golden files; fingerprints that survive
//! line shifts.

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_infralint"))
        .args(["check", ".", "--format", format])
        .current_dir(dir)
        .output()
        .expect("the binary runs");
    String::from_utf8(out.stdout).unwrap()
}

fn demo() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo")
}

fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn golden_outputs_on_the_demo() {
    for format in ["json", "gitlab", "github", "junit"] {
        snapshot(&format!("demo-{format}"), &run(&demo(), format));
    }
    // The source root is an absolute path on this machine.
    let sarif = run(&demo(), "sarif");
    let root = format!("file://{}/", demo().display());
    snapshot("demo-sarif", &sarif.replace(&root, "file:///SRCROOT/"));
}

#[test]
fn sarif_has_the_fields_github_reads() {
    let v: serde_json::Value = serde_json::from_str(&run(&demo(), "sarif")).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in run["results"].as_array().unwrap() {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(r["partialFingerprints"]["infralint/v1"].is_string());
    }
    assert!(rules
        .iter()
        .all(|r| r["help"]["markdown"].as_str().unwrap().starts_with("# ")));
}

fn fingerprints(dir: &Path) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(&run(dir, "gitlab")).unwrap();
    let mut out: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["check_name"], f["fingerprint"]))
        .collect();
    out.sort();
    out
}

fn copy(from: &Path, to: &Path, prefix: &str) {
    for entry in std::fs::read_dir(from).unwrap().filter_map(|e| e.ok()) {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy(&entry.path(), &target, prefix);
        } else {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            // Cloud-init must keep `#cloud-config` first, and a canonical values file must stay
            // byte-identical to the valuesContent it pairs with; everything else moves down.
            if entry
                .file_name()
                .to_string_lossy()
                .ends_with(".values.yaml")
            {
                std::fs::write(target, text).unwrap();
                continue;
            }
            let shifted = match text.strip_prefix("#cloud-config\n") {
                Some(rest) => format!("#cloud-config\n{prefix}{rest}"),
                None => format!("{prefix}{text}"),
            };
            std::fs::write(target, shifted).unwrap();
        }
    }
}

#[test]
fn fingerprints_survive_blank_lines_at_the_top_of_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    copy(&demo(), tmp.path(), "\n\n\n");
    let before = fingerprints(&demo());
    assert!(!before.is_empty());
    assert_eq!(before, fingerprints(tmp.path()));
}

#[test]
fn several_formats_in_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let sarif = tmp.path().join("out.sarif");
    let junit = tmp.path().join("out.xml");
    let out = Command::new(env!("CARGO_BIN_EXE_infralint"))
        .args([
            "check",
            ".",
            "--format",
            "github",
            "--format",
            &format!("sarif={}", sarif.display()),
            "--format",
            &format!("junit={}", junit.display()),
        ])
        .current_dir(demo())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.lines().all(|l| l.starts_with("::")), "{stdout}");
    assert!(stdout.contains("::error "), "{stdout}");
    assert!(std::fs::read_to_string(sarif)
        .unwrap()
        .contains("\"version\": \"2.1.0\""));
    assert!(std::fs::read_to_string(junit).unwrap().starts_with("<?xml"));
}

#[test]
fn gitlab_report_matches_the_code_quality_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/gitlab-code-quality.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let report: serde_json::Value = serde_json::from_str(&run(&demo(), "gitlab")).unwrap();
    assert!(!report.as_array().unwrap().is_empty());
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    // Fingerprints are unique within a report, as GitLab requires.
    let mut prints: Vec<&str> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    prints.sort();
    prints.dedup();
    assert_eq!(prints.len(), report.as_array().unwrap().len());
}

#[test]
fn suppressed_findings_appear_in_sarif_only_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("versions.tf"),
        "terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n  }\n}\n",
    )
    .unwrap();
    std::fs::write(d.join("main.tf"), "# infralint: ignore[terraform/unused-data-source] read by terratest\ndata \"aws_caller_identity\" \"me\" {}\n").unwrap();
    let results = |args: &[&str]| -> Vec<serde_json::Value> {
        let out = Command::new(env!("CARGO_BIN_EXE_infralint"))
            .args(["check", ".", "--format", "sarif"])
            .args(args)
            .current_dir(d)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["runs"][0]["results"].as_array().unwrap().clone()
    };
    assert!(results(&[]).is_empty());
    let with = results(&["--include-suppressed"]);
    assert_eq!(with.len(), 1);
    assert_eq!(with[0]["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        with[0]["suppressions"][0]["justification"],
        "read by terratest"
    );
}
