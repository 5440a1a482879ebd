//! `--stats`: where the time went, how fast, and how much memory.

use crate::Run;
use std::fmt::Write;
use std::time::Duration;

pub fn render(runs: &[Run], report: Duration, total: Duration, threads: usize) -> String {
    let mut phases: Vec<(&str, Duration)> = Vec::new();
    for run in runs {
        for &(name, took) in &run.stats.phases {
            match phases.iter_mut().find(|(n, _)| *n == name) {
                Some((_, sum)) => *sum += took,
                None => phases.push((name, took)),
            }
        }
    }
    phases.push(("report", report));
    let files: usize = runs.iter().map(|r| r.files.len()).sum();
    let bytes: usize = runs
        .iter()
        .flat_map(|r| &r.files)
        .map(|f| f.text.len())
        .sum();
    let secs = total.as_secs_f64().max(1e-9);
    let mut out = String::from("infralint stats\n");
    for (name, took) in &phases {
        // Built while the rules that do not read it run: its time is inside theirs.
        let note = if *name == "graph" {
            "  (beside the rules)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {name:9} {:>9.1} ms{note}",
            took.as_secs_f64() * 1000.0
        );
    }
    let _ = writeln!(out, "  {:9} {:>9.1} ms", "total", secs * 1000.0);
    let _ = writeln!(
        out,
        "  {files} files, {:.1} MB, {threads} threads: {:.0} files/s, {:.1} MB/s",
        bytes as f64 / 1e6,
        files as f64 / secs,
        bytes as f64 / 1e6 / secs
    );
    let mut rules: Vec<(&str, Duration)> = Vec::new();
    for run in runs {
        for &(id, took) in &run.stats.rules {
            match rules.iter_mut().find(|(n, _)| *n == id) {
                Some((_, sum)) => *sum += took,
                None => rules.push((id, took)),
            }
        }
    }
    rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if !rules.is_empty() {
        out.push_str("  slowest rules (they run side by side):\n");
        for (id, took) in rules.iter().take(5) {
            let _ = writeln!(out, "    {id:36} {:>9.1} ms", took.as_secs_f64() * 1000.0);
        }
    }
    match peak_rss_kb() {
        Some(kb) => {
            let _ = writeln!(out, "  peak memory {:.1} MB", kb as f64 / 1024.0);
        }
        None => out.push_str("  peak memory: not reported by this OS\n"),
    }
    out
}

/// The process's peak resident set size, where the OS reports it (Linux: VmHWM).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}
