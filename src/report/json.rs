//! `--format json`: one object on stdout. Its shape is a public contract (version 1).

use super::summary;
use crate::Run;
use serde_json::{json, Value};

pub fn render(runs: &[Run]) -> String {
    let mut diagnostics = Vec::new();
    for run in runs {
        for d in &run.diagnostics {
            let file = &run.files[d.file];
            let (line, column) = file.line_col(d.span.start);
            let (end_line, end_column) = file.line_col(d.span.end);
            let related: Vec<Value> = d
                .related
                .iter()
                .map(|r| {
                    let (line, column) = run.files[r.file].line_col(r.span.start);
                    json!({ "path": run.files[r.file].rel, "line": line, "column": column, "message": r.message })
                })
                .collect();
            diagnostics.push(json!({
                "rule": d.rule,
                "severity": d.severity.as_str(),
                "path": file.rel,
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
                "message": d.message,
                "help": d.help,
                "related": related,
            }));
        }
    }
    let s = summary(runs);
    let out = json!({
        "version": 1,
        "diagnostics": diagnostics,
        "summary": { "files": s.files, "errors": s.errors, "warnings": s.warnings },
    });
    serde_json::to_string_pretty(&out).expect("JSON values always serialise")
}
