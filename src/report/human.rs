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

fn label(file: &SourceFile, start: usize, end: usize, text: &str) -> Option<LabeledSpan> {
    if file.text.is_empty() {
        return None;
    }
    let start = file.clamp(start);
    let end = file.clamp(end).max(start);
    Some(LabeledSpan::new(
        Some(text.to_string()).filter(|t| !t.is_empty()),
        start,
        end - start,
    ))
}

fn part(run: &Run, d: &Diagnostic, relative: bool) -> Part {
    let file = &run.files[d.file];
    let mut labels: Vec<LabeledSpan> = label(file, d.span.start, d.span.end, &d.label)
        .into_iter()
        .collect();
    let mut others: Vec<(FileId, Vec<LabeledSpan>, Vec<&str>)> = Vec::new();
    for r in &d.related {
        let l = label(&run.files[r.file], r.span.start, r.span.end, &r.message);
        if r.file == d.file {
            labels.extend(l);
            continue;
        }
        match others.iter_mut().find(|(f, _, _)| *f == r.file) {
            Some((_, ls, msgs)) => {
                ls.extend(l);
                msgs.push(&r.message);
            }
            None => others.push((r.file, l.into_iter().collect(), vec![&r.message])),
        }
    }
    let related = others
        .into_iter()
        .map(|(f, labels, msgs)| Part {
            message: format!("related location{}", if msgs.len() == 1 { "" } else { "s" }),
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
    Part {
        message: d.message.clone(),
        code: Some(d.rule),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        help: d.help.clone(),
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
            let _ = handler.render_report(&mut out, &part(run, d, relative));
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
