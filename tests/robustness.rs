//! Hostile repositories, determinism and never touching what infralint must not: each hostile
//! input gets a clear diagnostic while the rest of the repository is still linted.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_infralint"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

fn json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = run(dir, args);
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), v)
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// `(path, rule, line, column, message)` of every diagnostic.
fn found(v: &Value) -> Vec<(String, String, u64, u64, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has(v: &Value, path: &str, rule: &str) -> bool {
    found(v).iter().any(|d| d.0 == path && d.1 == rule)
}

/// A file that proves the rest of the repository was linted.
const UNUSED_DATA: &[u8] = b"data \"aws_caller_identity\" \"me\" {}\n";

#[test]
fn ten_thousand_levels_of_nesting_are_syntax_errors_not_stack_overflows() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let n = 10_000;
    let list = format!("locals {{\n  x = {}1{}\n}}\n", "[".repeat(n), "]".repeat(n));
    write(d, "list.tf", list.as_bytes());
    let blocks = format!("{}{}", "b {\n".repeat(n), "}\n".repeat(n));
    write(d, "blocks.tf", blocks.as_bytes());
    let parens = format!("locals {{\n  y = {}1{}\n}}\n", "(".repeat(n), ")".repeat(n));
    write(d, "parens.tf", parens.as_bytes());
    write(
        d,
        "flow.yaml",
        format!("{}1{}\n", "{a: ".repeat(n), "}".repeat(n)).as_bytes(),
    );
    write(d, "block.yaml", format!("{}1\n", "- ".repeat(n)).as_bytes());
    write(d, "ok/main.tf", UNUSED_DATA);
    let (code, v) = json(d, &["check", ".", "--format", "json"]);
    assert_eq!(code, 1);
    for path in [
        "list.tf",
        "blocks.tf",
        "parens.tf",
        "flow.yaml",
        "block.yaml",
    ] {
        assert!(
            has(&v, path, "parse/syntax-error"),
            "{path}: {:?}",
            found(&v)
        );
    }
    assert!(has(&v, "ok/main.tf", "terraform/unused-data-source"));
}

#[test]
fn a_file_over_the_size_limit_is_reported_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "infralint.toml", b"[files]\nmax_size = \"1KB\"\n");
    let big = format!("a: 1\n{}", "# padding\n".repeat(200));
    write(d, "big.yaml", big.as_bytes());
    write(d, "ok/main.tf", UNUSED_DATA);
    let (_, v) = json(d, &["check", ".", "--format", "json"]);
    let all = found(&v);
    let big = all
        .iter()
        .find(|x| x.0 == "big.yaml")
        .expect("big.yaml reported");
    assert_eq!(big.1, "parse/unreadable-file");
    assert!(
        big.4.contains("larger than the 1024 bytes limit"),
        "{}",
        big.4
    );
    assert!(has(&v, "ok/main.tf", "terraform/unused-data-source"));

    write(d, "infralint.toml", b"[files]\nmax_size = \"many\"\n");
    let out = run(d, &["check", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("max_size"));
}

#[test]
fn crlf_and_a_byte_order_mark_keep_lines_and_columns_right() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "main.tf",
        b"\xef\xbb\xbf# header\r\n\r\ndata \"aws_caller_identity\" \"me\" {}\r\n",
    );
    write(
        d,
        "dup.yaml",
        b"\xef\xbb\xbfx:\r\n  a: 1\r\n  a: \xc3\xa9\r\n",
    );
    let (_, v) = json(d, &["check", ".", "--format", "json"]);
    let all = found(&v);
    let at = |path: &str, rule: &str| {
        all.iter()
            .find(|x| x.0 == path && x.1 == rule)
            .map(|x| (x.2, x.3))
    };
    assert_eq!(at("main.tf", "terraform/unused-data-source"), Some((3, 1)));
    assert_eq!(at("dup.yaml", "parse/duplicate-key"), Some((3, 3)));
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_reported_and_the_rest_linted() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "secret.yaml", b"a: 1\n");
    write(d, "ok/main.tf", UNUSED_DATA);
    let path = d.join("secret.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        // root reads a file whatever its mode; the code path is the one the next test takes.
        eprintln!("skipped: running as root, a mode-000 file is still readable");
        return;
    }
    let (_, v) = json(d, &["check", ".", "--format", "json"]);
    assert!(
        has(&v, "secret.yaml", "parse/unreadable-file"),
        "{:?}",
        found(&v)
    );
    assert!(has(&v, "ok/main.tf", "terraform/unused-data-source"));
}

#[test]
fn a_file_gone_between_the_walk_and_the_read_is_a_reason_not_a_panic() {
    // The walk found it; by the time it is read it is gone (a branch switch mid-run).
    let tmp = tempfile::tempdir().unwrap();
    let gone = tmp.path().join("gone.yaml");
    let why = infralint::parse::read_text(&gone, 1 << 20).unwrap_err();
    assert!(why.starts_with("cannot read file:"), "{why}");
}

#[cfg(unix)]
#[test]
fn symlinks_neither_loop_nor_lead_out_of_the_repository() {
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "passwd",
        b"root:x:0:0:root:/root:/bin/bash\n",
    );
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::os::unix::fs::symlink(d, d.join("loop")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("passwd"), d.join("user-data.tftpl")).unwrap();
    write(
        d,
        "main.tf",
        b"resource \"aws_instance\" \"a\" {\n  user_data = templatefile(\"${path.module}/user-data.tftpl\", { x = 1 })\n}\nresource \"aws_instance\" \"b\" {\n  user_data = templatefile(\"${path.module}/../../etc/passwd\", {})\n}\n",
    );
    let (_, v) = json(d, &["check", ".", "--format", "json"]);
    let all = found(&v);
    let outside_msgs: Vec<_> = all
        .iter()
        .filter(|x| x.1 == "terraform/templatefile-vars")
        .map(|x| (x.2, x.4.as_str()))
        .collect();
    assert_eq!(outside_msgs.len(), 2, "{all:?}");
    assert!(outside_msgs
        .iter()
        .all(|(_, m)| m.contains("outside the linted directory")));
    // Nothing from outside became a linted file.
    let files = run(d, &["check", ".", "--show-files"]);
    let listed = String::from_utf8_lossy(&files.stdout);
    assert!(
        !listed.contains("passwd") && !listed.contains("user-data"),
        "{listed}"
    );
}

fn gen_corpus(dir: &Path, files: usize) -> bool {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen-corpus");
    match Command::new("python3")
        .arg(script)
        .arg(dir)
        .arg(files.to_string())
        .output()
    {
        Ok(out) if out.status.success() => true,
        Ok(out) => panic!(
            "gen-corpus failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => {
            eprintln!("skipped the generated corpus: python3 is not available ({e})");
            false
        }
    }
}

#[test]
fn json_and_sarif_are_byte_identical_for_one_and_eight_threads() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    let mut targets = vec![root.join("fixtures/demo")];
    if gen_corpus(&corpus, 600) {
        targets.push(corpus);
    }
    for target in &targets {
        let t = target.to_str().unwrap();
        for format in ["json", "sarif"] {
            let one = run(&root, &["check", t, "--format", format, "--threads", "1"]);
            let eight = run(&root, &["check", t, "--format", format, "--threads", "8"]);
            assert!(!one.stdout.is_empty());
            assert!(one.stdout == eight.stdout, "{format} differs on {t}");
        }
    }
}

/// Every file under `dir` with its bytes and permissions.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let meta = e.metadata().unwrap();
            if meta.is_dir() {
                todo.push(e.path());
            }
            let bytes = if meta.is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            out.insert(e.path(), (bytes, meta.permissions().mode()));
        }
    }
    out
}

fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[cfg(unix)]
#[test]
fn check_leaves_the_tree_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo"),
        d,
    );
    let before = snapshot(d);
    for format in ["human", "json", "sarif", "gitlab", "github", "junit"] {
        let out = run(d, &["check", ".", "--format", format]);
        assert_eq!(out.status.code(), Some(1), "{format}");
    }
    run(d, &["check", ".", "--stats", "--show-files"]);
    run(d, &["graph", "."]);
    assert!(before == snapshot(d), "the linted tree changed");
}

#[cfg(target_os = "linux")]
#[test]
fn no_network_is_needed_or_touched() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = env!("CARGO_BIN_EXE_infralint");
    let args = ["check", "fixtures/demo", "--format", "json"];
    let plain = run(&root, &args);
    // In an empty network namespace (no interfaces but a down loopback) the output is the same.
    let isolated = Command::new("unshare")
        .args(["--net", "--map-root-user", bin])
        .args(args)
        .current_dir(&root)
        .output();
    match isolated {
        Ok(out) if out.status.code() == plain.status.code() => {
            assert!(
                out.stdout == plain.stdout,
                "output differs without a network"
            );
        }
        Ok(out) => eprintln!(
            "skipped the network namespace: unshare failed ({})",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => eprintln!("skipped the network namespace: no unshare ({e})"),
    }
    // And no socket is ever opened, where strace can tell.
    let log = tempfile::NamedTempFile::new().unwrap();
    let traced = Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=socket,connect", "-o"])
        .arg(log.path())
        .arg(bin)
        .args(args)
        .current_dir(&root)
        .output();
    match traced {
        Ok(out) if out.status.code() == plain.status.code() => {
            let calls = std::fs::read_to_string(log.path()).unwrap();
            assert!(
                !calls.contains("socket(") && !calls.contains("connect("),
                "network calls: {calls}"
            );
        }
        Ok(out) => eprintln!(
            "skipped the socket trace: strace failed ({})",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => eprintln!("skipped the socket trace: no strace ({e})"),
    }
}

#[test]
fn a_catastrophic_pattern_in_a_repository_crd_cannot_run_away() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "crd.yaml",
        br#"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                slow: {type: string, pattern: "^(a+)+$"}
                lookahead: {type: string, pattern: "^(?!kube-).*$"}
"#,
    );
    let slow = "a".repeat(5_000) + "!";
    write(
        d,
        "widget.yaml",
        format!(
            "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: default\nspec:\n  slow: \"{slow}\"\n  lookahead: kube-system\n"
        )
        .as_bytes(),
    );
    // `^(a+)+$` against 5,000 a's and a `!` never finishes under unbounded backtracking.
    let (_, v) = json(
        d,
        &["check", ".", "--format", "json", "--select", "k8s/schema"],
    );
    let messages: Vec<String> = found(&v).into_iter().map(|x| x.4).collect();
    assert!(
        messages.iter().any(|m| m.contains("spec.slow")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("spec.lookahead")),
        "{messages:?}"
    );
}
