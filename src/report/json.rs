//! `--format json`: one object on stdout. Its shape is a public contract (version 1); the
//! structs below are that contract, in its field order.

use super::summary;
use crate::Run;
use serde::Serialize;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Vec<Entry<'a>>,
    summary: Counts,
}

#[derive(Serialize)]
struct Entry<'a> {
    rule: &'a str,
    severity: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
    related: Vec<Related<'a>>,
}

#[derive(Serialize)]
struct Related<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct Counts {
    files: usize,
    errors: usize,
    warnings: usize,
}

pub fn render(runs: &[Run]) -> String {
    let mut diagnostics = Vec::new();
    for run in runs {
        for d in &run.diagnostics {
            let file = &run.files[d.file];
            let (line, column) = file.line_col(d.span.start);
            let (end_line, end_column) = file.line_col(d.span.end);
            let related = d
                .related
                .iter()
                .map(|r| {
                    let (line, column) = run.files[r.file].line_col(r.span.start);
                    Related {
                        path: &run.files[r.file].rel,
                        line,
                        column,
                        message: &r.message,
                    }
                })
                .collect();
            diagnostics.push(Entry {
                rule: d.rule,
                severity: d.severity.as_str(),
                path: &file.rel,
                line,
                column,
                end_line,
                end_column,
                message: &d.message,
                help: d.help.as_deref(),
                related,
            });
        }
    }
    let s = summary(runs);
    let out = Output {
        version: 1,
        diagnostics,
        summary: Counts {
            files: s.files,
            errors: s.errors,
            warnings: s.warnings,
        },
    };
    serde_json::to_string_pretty(&out).expect("plain structs always serialise")
}
