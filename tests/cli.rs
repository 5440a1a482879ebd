//! The binary as users run it: exit codes, JSON contract, determinism, hostile inputs.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn infralint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_infralint"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn json(args: &[&str]) -> (i32, Value) {
    let out = infralint(args);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is one JSON object ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.code().unwrap(), v)
}

fn diags(v: &Value) -> &[Value] {
    v["diagnostics"].as_array().unwrap()
}

/// One string field of every diagnostic.
fn column(v: &Value, key: &str) -> Vec<String> {
    diags(v)
        .iter()
        .map(|d| d[key].as_str().unwrap().to_string())
        .collect()
}

/// Two string fields of every diagnostic.
fn pairs(v: &Value, a: &str, b: &str) -> Vec<(String, String)> {
    column(v, a).into_iter().zip(column(v, b)).collect()
}

#[test]
fn demo_fires_every_seed_rule_and_exits_1() {
    let (code, v) = json(&["check", "fixtures/demo", "--format", "json"]);
    assert_eq!(code, 1);
    let rules = column(&v, "rule");
    for id in [
        "terraform/module-cycle",
        "cloud-init/secret-fetch-retry",
        "helm/values-drift",
        "ingress-nginx/publish-status-address",
        "terraform/unused-data-source",
    ] {
        assert!(
            rules.iter().any(|r| r == id),
            "{id} did not fire on the demo: {rules:?}"
        );
    }
    assert!(
        !rules.iter().any(|r| r.starts_with("parse/")),
        "the demo must parse cleanly: {rules:?}"
    );
}

#[test]
fn json_shape_is_the_public_contract() {
    let (_, v) = json(&["check", "fixtures/demo", "--format", "json"]);
    assert_eq!(v["version"], 1);
    let keys = |o: &Value| {
        let mut k: Vec<String> = o.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&v), ["diagnostics", "summary", "version"]);
    assert_eq!(keys(&v["summary"]), ["errors", "files", "warnings"]);
    for d in diags(&v) {
        assert_eq!(
            keys(d),
            [
                "column",
                "end_column",
                "end_line",
                "help",
                "line",
                "message",
                "path",
                "related",
                "rule",
                "severity"
            ]
        );
        assert!(["error", "warning", "info"].contains(&d["severity"].as_str().unwrap()));
        let path = d["path"].as_str().unwrap();
        assert!(
            !path.contains('\\') && !path.starts_with("fixtures/"),
            "paths are relative to the PATH given: {path}"
        );
        assert!(d["line"].as_u64().unwrap() >= 1 && d["column"].as_u64().unwrap() >= 1);
        for r in d["related"].as_array().unwrap() {
            assert_eq!(keys(r), ["column", "line", "message", "path"]);
        }
    }
    let errors = diags(&v)
        .iter()
        .filter(|d| d["severity"] == "error")
        .count();
    assert_eq!(v["summary"]["errors"].as_u64().unwrap() as usize, errors);
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let one = infralint(&["check", "fixtures/demo", "--threads", "1"]);
    let many = infralint(&["check", "fixtures/demo", "--threads", "8"]);
    assert_eq!(
        String::from_utf8_lossy(&one.stdout),
        String::from_utf8_lossy(&many.stdout)
    );
    let one = infralint(&["check", "fixtures", "--threads", "1", "--format", "json"]);
    let many = infralint(&["check", "fixtures", "--format", "json"]);
    assert_eq!(one.stdout, many.stdout);
}

#[test]
fn select_and_ignore_take_ids_and_domains() {
    let (_, v) = json(&[
        "check",
        "fixtures/demo",
        "--format",
        "json",
        "--select",
        "terraform/",
    ]);
    let rules = column(&v, "rule");
    assert!(
        !rules.is_empty() && rules.iter().all(|r| r.starts_with("terraform/")),
        "{rules:?}"
    );
    let (_, v) = json(&[
        "check",
        "fixtures/demo",
        "--format",
        "json",
        "--ignore",
        "terraform",
        "--ignore",
        "helm/values-drift",
    ]);
    let rules = column(&v, "rule");
    assert!(
        rules
            .iter()
            .all(|r| !r.starts_with("terraform/") && r != "helm/values-drift"),
        "{rules:?}"
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(
        infralint(&["check", "does/not/exist"]).status.code(),
        Some(2)
    );
    assert_eq!(
        infralint(&["check", "fixtures/demo", "--select", "no/such-rule"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        infralint(&["check", "--format", "xml"]).status.code(),
        Some(2)
    );
    assert_eq!(
        infralint(&["explain", "no/such-rule"]).status.code(),
        Some(2)
    );
}

#[test]
fn clean_repo_exits_0() {
    let out = infralint(&["check", "fixtures/terraform/unused-data-source/pass"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn rules_and_explain() {
    let out = String::from_utf8(infralint(&["rules"]).stdout).unwrap();
    assert!(out.contains("terraform/module-cycle") && out.contains("error"));
    let out = String::from_utf8(infralint(&["explain", "helm/values-drift"]).stdout).unwrap();
    assert!(out.starts_with("# helm/values-drift"));
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

#[test]
fn hostile_inputs_become_diagnostics_and_the_rest_is_linted() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "broken/main.tf",
        b"resource \"aws_instance\" \"a\" {\n  ami = \"x\"\n",
    );
    write(d, "latin1/main.tf", b"# caf\xe9\nvariable \"a\" {}\n");
    write(d, "bad.yaml", b"a:\n  b: 1\n   c: 2\n");
    write(d, "blob.yaml", b"\x00\x01\x02binary\xff");
    write(d, "deep.yaml", "[".repeat(200_000).as_bytes());
    write(
        d,
        "deep.tf",
        format!(
            "locals {{\n  x = {}1{}\n}}\n",
            "[".repeat(5_000),
            "]".repeat(5_000)
        )
        .as_bytes(),
    );
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..15u8 {
        let (p, c) = ((b'a' + i - 1) as char, (b'a' + i) as char);
        bomb.push_str(&format!(
            "{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        ));
    }
    write(d, "bomb.yaml", bomb.as_bytes());
    write(d, "ok/main.tf", b"data \"aws_caller_identity\" \"me\" {}\n");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d, d.join("loop")).unwrap();
    }
    let (code, v) = json(&["check", d.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1);
    let found = pairs(&v, "path", "rule");
    for (path, rule) in [
        ("broken/main.tf", "parse/syntax-error"),
        ("latin1/main.tf", "parse/unreadable-file"),
        ("bad.yaml", "parse/syntax-error"),
        ("blob.yaml", "parse/unreadable-file"),
        ("deep.yaml", "parse/syntax-error"),
        ("deep.tf", "parse/syntax-error"),
        ("bomb.yaml", "parse/syntax-error"),
        ("ok/main.tf", "terraform/unused-data-source"),
    ] {
        assert!(
            found.contains(&(path.to_string(), rule.to_string())),
            "missing {rule} on {path}: {found:?}"
        );
    }
    let bad = diags(&v).iter().find(|x| x["path"] == "bad.yaml").unwrap();
    assert_eq!(
        (bad["line"].as_u64(), bad["column"].as_u64()),
        (Some(3), Some(5))
    );
}

#[test]
fn config_raises_severity_and_turns_rules_off() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "main.tf", b"data \"aws_caller_identity\" \"me\" {}\n");
    write(
        d,
        "versions.tf",
        b"terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n  }\n}\n",
    );
    let (code, v) = json(&["check", d.to_str().unwrap(), "--format", "json"]);
    assert_eq!((code, v["summary"]["warnings"].as_u64()), (0, Some(1)));
    write(
        d,
        "infralint.toml",
        b"[rules]\n\"terraform/unused-data-source\" = \"error\"\n",
    );
    let (code, v) = json(&["check", d.to_str().unwrap(), "--format", "json"]);
    assert_eq!((code, v["summary"]["errors"].as_u64()), (1, Some(1)));
    write(d, "infralint.toml", b"[rules]\nterraform = \"off\"\n");
    let (code, v) = json(&["check", d.to_str().unwrap(), "--format", "json"]);
    assert_eq!((code, diags(&v).len()), (0, 0));
    write(
        d,
        "infralint.toml",
        b"[rules]\n\"terraform/nope\" = \"off\"\n",
    );
    assert_eq!(
        infralint(&["check", d.to_str().unwrap()]).status.code(),
        Some(2)
    );
}

#[test]
fn inline_suppression() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "main.tf", b"# infralint:ignore[terraform/unused-data-source] read by a policy check elsewhere\ndata \"aws_caller_identity\" \"me\" {}\n");
    write(
        d,
        "versions.tf",
        b"terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n  }\n}\n",
    );
    let (code, v) = json(&["check", d.to_str().unwrap(), "--format", "json"]);
    assert_eq!((code, diags(&v).len()), (0, 0));
}

#[test]
fn never_writes_to_the_linted_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "main.tf", b"data \"a\" \"b\" {}\n");
    let before: Vec<_> = walk(d);
    infralint(&["check", d.to_str().unwrap()]);
    assert_eq!(before, walk(d));
}

fn walk(d: &Path) -> Vec<(String, u64)> {
    let mut v: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().len(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn show_files_lists_roles_and_honours_infralintignore() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "infra/main.tf", b"variable \"a\" {}\n");
    write(d, "infra/user-data.yaml", b"#cloud-config\nruncmd: []\n");
    write(d, "k8s/kustomization.yaml", b"resources: [ns.yaml]\n");
    write(
        d,
        "k8s/ns.yaml",
        b"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n",
    );
    write(d, "legacy/main.tf", b"data \"a\" \"b\" {}\n");
    write(d, ".infralintignore", b"legacy/\n");
    write(d, ".terraform/modules/x/main.tf", b"data \"a\" \"b\" {}\n");
    let out = String::from_utf8(infralint(&["check", d.to_str().unwrap(), "--show-files"]).stdout)
        .unwrap();
    let lines: Vec<String> = out
        .lines()
        .map(|l| {
            l.split_whitespace().next().unwrap().to_string() + " " + l.rsplit('/').next().unwrap()
        })
        .collect();
    assert_eq!(
        lines,
        [
            "terraform main.tf",
            "cloud-init user-data.yaml",
            "kustomization kustomization.yaml",
            "kubernetes ns.yaml"
        ],
        "{out}"
    );
}

#[test]
fn file_arguments_are_linted_in_their_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "infra/data.tf",
        b"data \"aws_caller_identity\" \"me\" {}\ndata \"aws_region\" \"here\" {}\n",
    );
    write(
        d,
        "infra/versions.tf",
        b"terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n  }\n}\n",
    );
    write(
        d,
        "infra/main.tf",
        b"output \"account\" {\n  value = data.aws_caller_identity.me.account_id\n}\n",
    );
    // As pre-commit calls it: only the changed file, yet the sibling's reference counts.
    let (_, v) = json(&[
        "check",
        d.join("infra/data.tf").to_str().unwrap(),
        "--format",
        "json",
    ]);
    let found: Vec<String> = pairs(&v, "path", "message")
        .into_iter()
        .map(|(path, message)| format!("{path} {message}"))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("data.tf ") && found[0].contains("aws_region"),
        "{found:?}"
    );
    let (code, v) = json(&[
        "check",
        d.join("infra/main.tf").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!((code, diags(&v).len()), (0, 0));
}

#[test]
fn human_output_survives_huge_columns_and_unreadable_files() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "minified.yaml",
        format!("k: {} : bad\n", "x".repeat(70_000)).as_bytes(),
    );
    write(
        d,
        "dup.yaml",
        format!("{{a: 1, b: \"{}\", a: 2}}\n", "y".repeat(70_000)).as_bytes(),
    );
    write(d, "blob.yaml", b"\x00\x01");
    let out = infralint(&["check", d.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("minified.yaml:1:70005: YAML syntax error"),
        "{text}"
    );
    assert!(text.contains("blob.yaml:1:1: file looks binary"), "{text}");
    assert!(text.contains("dup.yaml:1:"), "{text}");
    assert!(text.len() < 20_000, "long lines are not echoed");
}

#[test]
fn graph_shows_terraform_templates_and_gitops_together() {
    let out = infralint(&["graph", "fixtures/demo", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for kind in ["reads", "source", "template", "lists"] {
        assert!(kinds.contains(&kind), "no `{kind}` edge in {kinds:?}");
    }
    let dot = String::from_utf8(infralint(&["graph", "fixtures/demo"]).stdout).unwrap();
    assert!(dot.starts_with("digraph infralint {") && dot.trim_end().ends_with('}'));
    let mermaid =
        String::from_utf8(infralint(&["graph", "fixtures/demo", "--format", "mermaid"]).stdout)
            .unwrap();
    assert!(mermaid.starts_with("flowchart LR\n") && mermaid.contains("-->|reads|"));
    assert_eq!(infralint(&["graph", "no/such/dir"]).status.code(), Some(2));
    // Ownership and GitOps dependencies show in a Flux repository.
    let out = infralint(&["graph", "tests/corpus/flux/clean", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for kind in ["owns", "depends on", "applies", "source"] {
        assert!(
            kinds.contains(&kind),
            "no `{kind}` edge in the Flux corpus graph"
        );
    }
}

#[test]
fn config_is_found_above_the_path_and_applies_overrides_and_excludes() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    let versions =
        b"terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n  }\n}\n";
    for dir in ["infra/live", "infra/legacy", "infra/tests/fixtures"] {
        write(
            d,
            &format!("{dir}/main.tf"),
            b"data \"aws_caller_identity\" \"me\" {}\n",
        );
        write(d, &format!("{dir}/versions.tf"), versions);
    }
    write(
        d,
        ".infralint.toml",
        b"exclude = [\"**/tests/fixtures/**\"]\n[rules]\n\"terraform/unused-data-source\" = \"error\"\n[[overrides]]\nfiles = [\"infra/legacy/**\"]\nrules = { terraform = \"info\" }\n",
    );
    // Run from a subdirectory: the file two levels up applies, and its globs stay relative to
    // its own directory, so both runs judge the same files the same way.
    for (dir, prefix) in [("infra", ""), ("", "infra/")] {
        let (code, v) = json(&["check", d.join(dir).to_str().unwrap(), "--format", "json"]);
        assert_eq!(code, 1);
        assert_eq!(
            pairs(&v, "path", "severity"),
            [
                (format!("{prefix}legacy/main.tf"), "info".to_string()),
                (format!("{prefix}live/main.tf"), "error".to_string())
            ],
            "linting `{dir}`"
        );
    }
}

#[test]
fn unknown_rule_in_config_is_an_error_with_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        ".infralint.toml",
        b"[rules]\n\"terraform/unused-data-sources\" = \"off\"\n",
    );
    let out = infralint(&["check", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("did you mean `terraform/unused-data-source`"));
}

#[test]
fn init_writes_a_valid_commented_config_once() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().to_str().unwrap();
    assert_eq!(infralint(&["init", d]).status.code(), Some(0));
    let text = std::fs::read_to_string(tmp.path().join(".infralint.toml")).unwrap();
    assert!(text.contains("# \"terraform/module-cycle\""));
    assert_eq!(
        infralint(&["check", d]).status.code(),
        Some(0),
        "the written file parses"
    );
    assert_eq!(
        infralint(&["init", d]).status.code(),
        Some(2),
        "never overwrites"
    );
}

#[test]
fn baseline_hides_known_findings_reports_new_ones_and_stale_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let versions =
        b"terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n  }\n}\n";
    write(d, "a/versions.tf", versions);
    write(d, "b/versions.tf", versions);
    // The same address in two files is two findings, not one.
    write(d, "a/main.tf", b"data \"aws_caller_identity\" \"me\" {}\n");
    write(d, "b/main.tf", b"data \"aws_caller_identity\" \"me\" {}\n");
    let base = d.join("baseline.json");
    let dir = d.to_str().unwrap();
    assert_eq!(
        infralint(&["check", dir, "--write-baseline", base.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let (code, v) = json(&[
        "check",
        dir,
        "--format",
        "json",
        "--baseline",
        base.to_str().unwrap(),
    ]);
    assert_eq!((code, diags(&v).len()), (0, 0));
    // Lines move: still known. A new unused data source: reported. One fixed: stale.
    write(d, "a/main.tf", b"\n\n# moved down\ndata \"aws_caller_identity\" \"me\" {}\ndata \"aws_region\" \"here\" {}\n");
    write(d, "b/main.tf", b"output \"x\" {\n  value = 1\n}\n");
    let out = infralint(&[
        "check",
        dir,
        "--format",
        "json",
        "--baseline",
        base.to_str().unwrap(),
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = column(&v, "message");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("aws_region"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 baseline entries no longer occur") && stderr.contains("b/main.tf"),
        "{stderr}"
    );
}

#[test]
fn configured_values_pair_resolves_from_the_config_directory_when_linting_below_it() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    let case = Path::new("fixtures/helm/values-drift/fail/configured-pair");
    for rel in [
        "infralint.toml",
        "kube/helm/cilium.values.yaml",
        "kube/manifests/rke2-cilium-config.yaml",
    ] {
        write(d, rel, &std::fs::read(case.join(rel)).unwrap());
    }
    for dir in ["", "kube"] {
        let (_, v) = json(&[
            "check",
            d.join(dir).to_str().unwrap(),
            "--format",
            "json",
            "--select",
            "helm/values-drift",
        ]);
        let related = v["diagnostics"][0]["related"][0]["path"].as_str();
        assert!(
            related.is_some_and(|p| p.ends_with("helm/cilium.values.yaml")),
            "linting `{dir}`: {v}"
        );
    }
}
