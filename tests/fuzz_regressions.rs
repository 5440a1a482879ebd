//! Replays every input a fuzzer ever failed on (`tests/fuzz-regressions/<target>/`, committed
//! once fixed) through the same code the fuzz target runs.

use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn replay(target: &str, run: impl Fn(&[u8])) {
    for (name, bytes) in inputs(target) {
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&bytes))).is_err() {
            panic!("{target}/{name} fails again");
        }
    }
}

/// The text targets get what libFuzzer's `&str` inputs get (`arbitrary`'s `take_rest`): the
/// longest valid UTF-8 prefix of the bytes.
fn text(f: fn(&str)) -> impl Fn(&[u8]) {
    move |bytes| {
        let valid = match std::str::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap(),
        };
        f(valid)
    }
}

#[test]
fn hcl() {
    replay("hcl", text(infralint::fuzzing::hcl));
}

#[test]
fn yaml() {
    replay("yaml", text(infralint::fuzzing::yaml));
}

#[test]
fn template() {
    replay("template", text(infralint::fuzzing::template));
}

#[test]
fn shell() {
    replay("shell", text(infralint::fuzzing::shell));
}

#[test]
fn pipeline() {
    replay("pipeline", |bytes| {
        let dir = tempfile::tempdir().unwrap();
        infralint::fuzzing::pipeline(bytes, dir.path());
    });
}
