//! Suppressions. In a comment (`#` or `//`): `infralint: ignore[rule-id, domain] reason` on its own
//! line covers the next block or mapping entry (the lines indented under it); at the end of a
//! line it covers that line. `infralint: ignore-file[rule-id] reason` covers the file. A
//! Kubernetes object's annotation `infralint.dev/ignore: "rule-a,rule-b"` covers the object.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Project;
use crate::source::{FileId, SourceFile, Span};
use rayon::prelude::*;
use regex::Regex;
use std::sync::LazyLock;

pub const UNUSED: &str = "infralint/unused-suppression";
pub const REASON: &str = "infralint/suppression-reason";

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"infralint:\s*ignore(-file)?(?:\[([^\]]*)\])?(.*)").expect("static pattern")
});

#[derive(Debug)]
pub struct Directive {
    pub file: FileId,
    /// Where the directive is written.
    pub span: Span,
    /// Rule ids or domains; empty means every rule.
    pub rules: Vec<String>,
    /// The text after the rule list.
    pub reason: Option<String>,
    /// 0-based lines it covers (inclusive).
    pub lines: (usize, usize),
    /// From an annotation, which has no room for a reason.
    pub annotation: bool,
    pub used: bool,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("//")
}

/// The block or entry starting at 0-based `start`: it and the lines indented under it (a closing
/// `}`/`]`/`)` at its own indentation included).
fn block(src: &SourceFile, start: usize) -> (usize, usize) {
    let base = indent(src.line_text(start));
    let mut end = start;
    for l in start + 1..src.line_count() {
        let text = src.line_text(l);
        if text.trim().is_empty() || is_comment(text) {
            continue;
        }
        let closing = indent(text) == base && text.trim_start().starts_with(['}', ']', ')']);
        if indent(text) <= base && !closing {
            break;
        }
        end = l;
        if closing {
            break;
        }
    }
    (start, end)
}

/// Every suppression in the project.
pub fn directives(p: &Project) -> Vec<Directive> {
    let mut out = Vec::new();
    // Side by side: the search reads every byte of the repository, and nearly no file has one.
    let holding: Vec<(FileId, &SourceFile)> = p
        .files
        .par_iter()
        .enumerate()
        .filter(|(_, src)| src.text.contains("infralint"))
        .collect();
    for &(file, src) in &holding {
        for l in 0..src.line_count() {
            let text = src.line_text(l);
            let Some(c) = DIRECTIVE.captures(text) else {
                continue;
            };
            let at = src.line_start(l) + c.get(0).map_or(0, |m| m.start());
            // Only in a comment: the text before it must end in a comment marker.
            let before = &text[..c.get(0).map_or(0, |m| m.start())];
            let Some(marker) = before.rfind('#').or_else(|| before.rfind("//")) else {
                continue;
            };
            let own_line = before[..marker].trim().is_empty();
            let rules: Vec<String> = c
                .get(2)
                .map(|m| {
                    m.as_str()
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let reason = c
                .get(3)
                .map(|m| m.as_str().trim().to_string())
                .filter(|r| !r.is_empty());
            let lines = if c.get(1).is_some() {
                (0, src.line_count())
            } else if own_line {
                match (l + 1..src.line_count())
                    .find(|&n| !src.line_text(n).trim().is_empty() && !is_comment(src.line_text(n)))
                {
                    Some(next) => block(src, next),
                    None => continue,
                }
            } else {
                (l, l)
            };
            out.push(Directive {
                file,
                span: Span::new(at, src.line_start(l) + text.len()),
                rules,
                reason,
                lines,
                annotation: false,
                used: false,
            });
        }
    }
    // An annotation is spelled out in its file's text too (barring escapes no one writes).
    let annotated: foldhash::HashSet<FileId> = holding.iter().map(|(file, _)| *file).collect();
    for o in p.k8s.iter().filter(|o| annotated.contains(&o.file)) {
        let Some(v) = p
            .doc(o)
            .path(&["metadata", "annotations", "infralint.dev/ignore"])
        else {
            continue;
        };
        let rules = v
            .as_str()
            .unwrap_or("")
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let src = &p.files[o.file];
        let lines = (
            src.line_col(o.span.start).0 - 1,
            src.line_col(o.span.end).0 - 1,
        );
        out.push(Directive {
            file: o.file,
            span: v.span,
            rules,
            reason: Some("annotation infralint.dev/ignore".to_string()),
            lines,
            annotation: true,
            used: false,
        });
    }
    out
}

/// Drops suppressed findings; returns the suppression findings (unused ones, missing reasons)
/// for the rules that ran (`ran`).
pub fn apply(
    p: &Project,
    diagnostics: &mut Vec<Diagnostic>,
    ran: &dyn Fn(&str) -> bool,
    suppressed: &mut Vec<(Diagnostic, String)>,
) -> Vec<Diagnostic> {
    let mut ds = directives(p);
    // Finding a finding's line is the costly part, and most files have no suppression.
    let suppressing: foldhash::HashSet<FileId> = ds.iter().map(|s| s.file).collect();
    diagnostics.retain(|d| {
        if !suppressing.contains(&d.file) {
            return true;
        }
        let line = p.files[d.file].line_col(d.span.start).0 - 1;
        let hit = ds.iter_mut().find(|s| {
            s.file == d.file
                && s.lines.0 <= line
                && line <= s.lines.1
                && (s.rules.is_empty() || s.rules.iter().any(|r| crate::rules::matches(r, d.rule)))
        });
        match hit {
            Some(s) => {
                s.used = true;
                suppressed.push((d.clone(), s.reason.clone().unwrap_or_default()));
                false
            }
            None => true,
        }
    });
    let mut out = Vec::new();
    for s in &ds {
        let named = if s.rules.is_empty() {
            "every rule".to_string()
        } else {
            s.rules
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let unknown: Vec<&String> = s
            .rules
            .iter()
            .filter(|r| {
                !crate::rules::ALL
                    .iter()
                    .any(|x| crate::rules::matches(r, x.meta().id))
            })
            .collect();
        // Only judge a suppression whose rules all ran: with `--select`, the others did not.
        let judged = !s.rules.is_empty()
            && s.rules.iter().all(|r| {
                crate::rules::ALL
                    .iter()
                    .filter(|x| crate::rules::matches(r, x.meta().id))
                    .all(|x| ran(x.meta().id))
            });
        if ran(UNUSED) && (!unknown.is_empty() || (!s.used && judged)) {
            let message = match unknown.first() {
                Some(r) => format!(
                    "suppression names `{r}`, which is no rule{}",
                    crate::rules::did_you_mean(r, crate::rules::ALL.iter().map(|x| x.meta().id))
                ),
                None => format!("suppression of {named} matches no finding"),
            };
            out.push(Diagnostic::new(UNUSED, Severity::Warning, s.file, s.span, message).label("suppresses nothing").help("remove it (the finding was fixed), or correct the rule id; stale suppressions hide future findings"));
        }
        if ran(REASON) && s.reason.is_none() && !s.annotation {
            out.push(Diagnostic::new(REASON, Severity::Warning, s.file, s.span, format!("suppression of {named} gives no reason")).label("why?").help("say why after the rule list: `# infralint: ignore[rule-id] read by the policy pipeline`"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> SourceFile {
        SourceFile::new("f".into(), "f".into(), text.into())
    }

    #[test]
    fn a_block_is_the_lines_indented_under_its_first() {
        let s = src("resource \"a\" \"b\" {\n  x = 1\n\n  y {\n    z = 2\n  }\n}\nresource \"c\" \"d\" {}\n");
        assert_eq!(block(&s, 0), (0, 6));
        let y = src("controller:\n  service:\n    type: ClusterIP\n  kind: DaemonSet\nother: 1\n");
        assert_eq!(block(&y, 1), (1, 2));
        assert_eq!(block(&y, 0), (0, 3));
    }
}
