//! Human output: miette's graphical report, one per finding, with every file involved.

use super::{shown_path, summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, SourceFile};
use crate::Run;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
use std::fmt;

/// One file's part of a finding, as miette renders it.
#[derive(Debug)]
struct Part {
    message: String,
    code: Option<&'static str>,
    severity: miette::Severity,
    help: Option<String>,
    source: NamedSource<String>,
    labels: Vec<LabeledSpan>,
    related: Vec<Part>,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Part {}

impl miette::Diagnostic for Part {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code.map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        Some(Box::new(
            self.related.iter().map(|p| p as &dyn miette::Diagnostic),
        ))
    }
}

/// Lines longer than this (minified YAML, generated JSON) are not shown as snippets.
const MAX_SNIPPET_LINE: usize = 400;

fn label(file: &SourceFile, start: usize, end: usize, text: &str) -> Option<LabeledSpan> {
    let start = file.clamp(start);
    let (line, _) = file.line_col(start);
    if file.text.is_empty() || file.line_text(line - 1).len() > MAX_SNIPPET_LINE {
        return None;
    }
    let end = file.clamp(end).max(start);
    Some(LabeledSpan::new(
        Some(text.to_string()).filter(|t| !t.is_empty()),
        start,
        end - start,
    ))
}

/// `path:line:col`, for findings whose place cannot be shown as a snippet.
fn place(run: &Run, file: FileId, at: usize, relative: bool) -> String {
    let (line, col) = run.files[file].line_col(at);
    format!(
        "{}:{line}:{col}",
        shown_path(run, &run.files[file].rel, relative)
    )
}

fn part(run: &Run, d: &Diagnostic, relative: bool) -> Part {
    let file = &run.files[d.file];
    let mut labels: Vec<LabeledSpan> = label(file, d.span.start, d.span.end, &d.label)
        .into_iter()
        .collect();
    let message = if labels.is_empty() {
        format!(
            "{}: {}",
            place(run, d.file, d.span.start, relative),
            d.message
        )
    } else {
        d.message.clone()
    };
    let mut others: Vec<(FileId, Vec<LabeledSpan>)> = Vec::new();
    let mut unshown = Vec::new();
    for r in &d.related {
        let Some(l) = label(&run.files[r.file], r.span.start, r.span.end, &r.message) else {
            unshown.push(format!(
                "{}: {}",
                place(run, r.file, r.span.start, relative),
                r.message
            ));
            continue;
        };
        if r.file == d.file && !labels.is_empty() {
            labels.push(l);
            continue;
        }
        match others.iter_mut().find(|(f, _)| *f == r.file) {
            Some((_, ls)) => ls.push(l),
            None => others.push((r.file, vec![l])),
        }
    }
    let related = others
        .into_iter()
        .map(|(f, labels)| Part {
            message: format!(
                "related location{}",
                if labels.len() == 1 { "" } else { "s" }
            ),
            code: None,
            severity: miette::Severity::Advice,
            help: None,
            source: NamedSource::new(
                shown_path(run, &run.files[f].rel, relative),
                run.files[f].text.clone(),
            ),
            labels,
            related: Vec::new(),
        })
        .collect();
    let help = match &d.help {
        _ if unshown.is_empty() => d.help.clone(),
        Some(h) => Some(format!("{}\n{h}", unshown.join("\n"))),
        None => Some(unshown.join("\n")),
    };
    Part {
        message,
        code: Some(d.rule),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        help,
        source: NamedSource::new(shown_path(run, &file.rel, relative), file.text.clone()),
        labels,
        related,
    }
}

/// One line per finding: `path:line:col: severity[rule] message`.
pub fn headline(run: &Run, d: &Diagnostic, relative: bool) -> String {
    let file = &run.files[d.file];
    let (line, col) = file.line_col(d.span.start);
    format!(
        "{}:{line}:{col}: {}[{}] {}",
        shown_path(run, &file.rel, relative),
        d.severity.as_str(),
        d.rule,
        d.message
    )
}

/// Renders every finding. `relative` shows paths relative to each root (used by snapshots).
pub fn render(runs: &[Run], color: bool, relative: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(110)
        .with_wrap_lines(false)
        .with_show_related_as_nested(true)
        .with_context_lines(1);
    let mut out = String::new();
    for run in runs {
        for d in &run.diagnostics {
            // A renderer bug must not cost the user the finding.
            let mut one = String::new();
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                handler.render_report(&mut one, &part(run, d, relative))
            })) {
                Ok(_) => out.push_str(&one),
                Err(_) => out.push_str(&format!("{}\n", headline(run, d, relative))),
            }
            out.push('\n');
        }
    }
    let s = summary(runs);
    let total = s.errors + s.warnings + s.infos;
    let files = if s.files == 1 {
        "1 file".to_string()
    } else {
        format!("{} files", s.files)
    };
    if total == 0 {
        out.push_str(&format!("No problems found in {files}.\n"));
    } else {
        let mut counts = vec![plural(s.errors, "error")];
        counts.push(plural(s.warnings, "warning"));
        if s.infos > 0 {
            counts.push(plural(s.infos, "info"));
        }
        out.push_str(&format!("Found {} in {files}.\n", counts.join(", ")));
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
