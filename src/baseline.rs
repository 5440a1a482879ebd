//! Baselines: findings accepted for now, so only new ones fail. Keyed on rule, path (relative
//! to the PATH linted) and the line-independent fingerprint (message and flagged text), never
//! on line numbers.

use crate::report::ci::fingerprint;
use crate::Run;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    pub fingerprint: String,
    pub message: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

fn entries(runs: &[Run]) -> Vec<Entry> {
    let mut out: Vec<Entry> = runs
        .iter()
        .flat_map(|run| {
            run.diagnostics.iter().map(move |d| Entry {
                rule: d.rule.to_string(),
                path: run.files[d.file].rel.clone(),
                fingerprint: fingerprint(run, d),
                message: d.message.clone(),
            })
        })
        .collect();
    out.sort();
    out
}

pub fn write(path: &Path, runs: &[Run]) -> Result<usize, String> {
    let findings = entries(runs);
    let n = findings.len();
    let text = serde_json::to_string_pretty(&File {
        version: 1,
        findings,
    })
    .expect("plain structs always serialise")
        + "\n";
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(n)
}

/// Drops the findings the baseline at `path` accepts (each entry accepts one finding) and
/// returns the entries that matched nothing: fixed since, so stale.
pub fn apply(path: &Path, runs: &mut [Run]) -> Result<Vec<Entry>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file: File = serde_json::from_str(&text)
        .map_err(|e| format!("invalid baseline {}: {e}", path.display()))?;
    let mut budget: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for e in &file.findings {
        *budget
            .entry((e.rule.clone(), e.path.clone(), e.fingerprint.clone()))
            .or_default() += 1;
    }
    for run in runs.iter_mut() {
        let keys: Vec<(String, String, String)> = run
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d.rule.to_string(),
                    run.files[d.file].rel.clone(),
                    fingerprint(run, d),
                )
            })
            .collect();
        let mut keep = keys.iter().map(|k| match budget.get_mut(k) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        });
        run.diagnostics.retain(|_| keep.next().unwrap_or(true));
    }
    Ok(file
        .findings
        .into_iter()
        .filter(|e| {
            budget
                .get_mut(&(e.rule.clone(), e.path.clone(), e.fingerprint.clone()))
                .is_some_and(|n| {
                    if *n > 0 {
                        *n -= 1;
                        true
                    } else {
                        false
                    }
                })
        })
        .collect())
}
