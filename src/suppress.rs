//! Inline suppressions: `# infralint:ignore[rule-id] reason` on the reported line or in the
//! comment lines just above it, `# infralint:ignore-file[rule-id]` anywhere in the file. `//`
//! comments work too. Ids may be exact or a domain (`terraform`).

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

const LINE: &str = "infralint:ignore";
const FILE: &str = "infralint:ignore-file";

pub fn is_suppressed(diag: &Diagnostic, file: &SourceFile) -> bool {
    if !file.text.contains(LINE) {
        return false;
    }
    if file
        .text
        .match_indices(FILE)
        .any(|(at, _)| names(&file.text[at + FILE.len()..], diag.rule))
    {
        return true;
    }
    let (line, _) = file.line_col(diag.span.start);
    let mut l = line - 1;
    if directive(file.line_text(l), diag.rule) {
        return true;
    }
    while l > 0 {
        l -= 1;
        let text = file.line_text(l).trim_start();
        if !(text.starts_with('#') || text.starts_with("//")) {
            return false;
        }
        if directive(text, diag.rule) {
            return true;
        }
    }
    false
}

fn directive(line: &str, rule: &str) -> bool {
    line.match_indices(LINE).any(|(at, _)| {
        let rest = &line[at + LINE.len()..];
        !rest.starts_with("-file") && names(rest, rule)
    })
}

/// `[a, b] reason` names `rule`; a bare directive (no brackets) names every rule.
fn names(rest: &str, rule: &str) -> bool {
    match rest.strip_prefix('[') {
        Some(list) => list
            .split(']')
            .next()
            .unwrap_or("")
            .split(',')
            .any(|id| crate::rules::matches(id.trim(), rule)),
        None => !rest.starts_with(|c: char| c.is_alphanumeric() || c == '-'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::source::Span;

    fn check(text: &str, at: usize) -> bool {
        let file = SourceFile::new("f".into(), "f".into(), text.into());
        let diag = Diagnostic::new(
            "terraform/unused-data-source",
            Severity::Warning,
            0,
            Span::new(at, at + 1),
            "m",
        );
        is_suppressed(&diag, &file)
    }

    #[test]
    fn line_above_and_same_line() {
        assert!(check("# infralint:ignore[terraform/unused-data-source] kept for later\ndata \"a\" \"b\" {}\n", 64));
        assert!(check(
            "data \"a\" \"b\" {} # infralint:ignore[terraform]\n",
            0
        ));
        assert!(!check(
            "# infralint:ignore[helm/values-drift]\ndata \"a\" \"b\" {}\n",
            39
        ));
        assert!(!check(
            "# infralint:ignore[terraform]\n\ndata \"a\" \"b\" {}\n",
            31
        ));
    }

    #[test]
    fn whole_file() {
        assert!(check(
            "// infralint:ignore-file[terraform/unused-data-source]\n\n\ndata \"a\" \"b\" {}\n",
            58
        ));
    }
}
