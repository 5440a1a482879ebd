//! Runs every fixture case with only its rule enabled: `pass` cases must be clean, `fail` cases
//! must report, and their rendered findings are snapshotted with insta.

use infralint::config::Config;
use infralint::report::human;
use infralint::{lint, rules, Options, Run};
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Headlines, then the full human rendering, with paths relative to the case.
pub fn render(run: &Run) -> String {
    let runs = std::slice::from_ref(run);
    let mut out: String = run
        .diagnostics
        .iter()
        .map(|d| human::headline(run, d, true) + "\n")
        .collect();
    out.push('\n');
    out.push_str(&human::render(runs, false, true));
    out
}

fn run_case(id: &'static str, outcome: &str, dir: &Path) -> Result<(), Failed> {
    let config = dir.join("infralint.toml");
    let config = if config.is_file() {
        Config::load(&config)?
    } else {
        Config::default()
    };
    // `.select` lists more rules a case needs running (a suppression of them is judged).
    let mut select = vec![id.to_string()];
    select.extend(
        std::fs::read_to_string(dir.join(".select"))
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string),
    );
    let run = lint(
        dir,
        1,
        &Options {
            select,
            config,
            ..Options::default()
        },
    );
    let rendered = render(&run);
    if outcome == "pass" {
        return if run.diagnostics.is_empty() {
            Ok(())
        } else {
            Err(format!("expected no findings, got:\n{rendered}").into())
        };
    }
    if run.diagnostics.is_empty() {
        return Err("expected at least one finding, got none".into());
    }
    let case = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("case")
        .to_string();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(fixtures().join(id).join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(case, rendered));
    Ok(())
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for rule in rules::ALL {
        let id = rule.meta().id;
        for outcome in ["pass", "fail"] {
            for dir in cases(&fixtures().join(id).join(outcome)) {
                let name = format!(
                    "{id}::{outcome}::{}",
                    dir.file_name().and_then(|n| n.to_str()).unwrap_or("?")
                );
                trials.push(Trial::test(name, move || run_case(id, outcome, &dir)));
            }
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
