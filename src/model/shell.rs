//! Just enough of POSIX shell structure to reason about retries: comments, heredoc bodies,
//! loops (with their header and body) and function definitions, with byte ranges.

use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoopKind {
    For,
    While,
    Until,
}

#[derive(Clone, Debug)]
pub struct Loop {
    pub kind: LoopKind,
    /// From the keyword to the end of `done` (or of the text, if unterminated).
    pub range: Range<usize>,
    /// Between the keyword and `do`.
    pub header: Range<usize>,
    /// Between `do` and `done`.
    pub body: Range<usize>,
}

#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    pub body: Range<usize>,
}

#[derive(Clone, Debug, Default)]
pub struct Shell {
    pub comments: Vec<Range<usize>>,
    pub heredocs: Vec<Range<usize>>,
    pub loops: Vec<Loop>,
    pub functions: Vec<Function>,
}

enum Open {
    Loop {
        kind: LoopKind,
        start: usize,
        keyword_end: usize,
        body: Option<(usize, usize)>,
    },
    Brace {
        function: Option<String>,
        start: usize,
    },
    Other,
}

pub fn scan(text: &str) -> Shell {
    let b = text.as_bytes();
    let mut out = Shell::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut heredocs: Vec<(String, bool)> = Vec::new();
    let mut pending_function: Option<String> = None;
    let mut function_keyword = false;
    let mut command = true;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\\' => i += 2,
            b'\n' => {
                i += 1;
                for (delim, strip) in heredocs.drain(..) {
                    let start = i;
                    loop {
                        let eol = b[i..]
                            .iter()
                            .position(|&c| c == b'\n')
                            .map_or(b.len(), |p| i + p);
                        let line = text[i..eol].trim_end_matches('\r');
                        let line = if strip {
                            line.trim_start_matches('\t')
                        } else {
                            line
                        };
                        if line == delim || eol >= b.len() {
                            out.heredocs
                                .push(start..if line == delim { i } else { eol });
                            i = (eol + 1).min(b.len());
                            break;
                        }
                        i = eol + 1;
                    }
                }
                command = true;
            }
            b'#' => {
                let eol = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| i + p);
                out.comments.push(i..eol);
                i = eol;
            }
            b';' | b'&' | b'|' => {
                i += 1;
                if i < b.len() && matches!(b[i], b';' | b'&' | b'|') {
                    i += 1;
                }
                command = true;
            }
            b'(' if b.get(i + 1) == Some(&b'(') => {
                i = skip_nested(b, i, b'(', b')');
                command = false;
            }
            b'(' => {
                stack.push(Open::Other);
                i += 1;
                command = true;
            }
            b')' => {
                if matches!(stack.last(), Some(Open::Other)) {
                    stack.pop();
                }
                i += 1;
                command = true;
            }
            b'<' if b.get(i + 1) == Some(&b'<') && b.get(i + 2) != Some(&b'<') => {
                i += 2;
                let strip = b.get(i) == Some(&b'-');
                i += usize::from(strip);
                while i < b.len() && matches!(b[i], b' ' | b'\t') {
                    i += 1;
                }
                let end = word_end(b, i);
                let delim: String = text[i..end]
                    .chars()
                    .filter(|c| !matches!(c, '\'' | '"' | '\\'))
                    .collect();
                if !delim.is_empty() {
                    heredocs.push((delim, strip));
                }
                i = end;
            }
            _ => {
                let end = word_end(b, i).max(i + 1);
                let word = &text[i..end];
                if function_keyword {
                    pending_function = Some(word.trim_end_matches("()").to_string());
                    function_keyword = false;
                    // `function name {`: the brace opens the body.
                    command = true;
                } else if command {
                    command = keyword(
                        word,
                        i,
                        end,
                        &mut stack,
                        &mut out,
                        &mut pending_function,
                        &mut function_keyword,
                    );
                    if !command && !is_keyword(word) {
                        // `name() {` defines a function.
                        let mut j = end;
                        while j < b.len() && matches!(b[j], b' ' | b'\t') {
                            j += 1;
                        }
                        let rest = &text[j..];
                        if let Some(after) = rest
                            .strip_prefix('(')
                            .map(str::trim_start)
                            .filter(|r| r.starts_with(')'))
                        {
                            pending_function = Some(word.to_string());
                            i = text.len() - after.len() + 1;
                            command = true;
                            continue;
                        }
                    }
                }
                i = end;
            }
        }
    }
    // Unterminated loops run to the end of the text.
    for open in stack {
        if let Open::Loop {
            kind,
            start,
            keyword_end,
            body: Some((do_start, do_end)),
        } = open
        {
            out.loops.push(Loop {
                kind,
                range: start..b.len(),
                header: keyword_end..do_start,
                body: do_end..b.len(),
            });
        }
    }
    out.loops.sort_by_key(|l| l.range.start);
    out
}

fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "for"
            | "while"
            | "until"
            | "do"
            | "done"
            | "if"
            | "then"
            | "elif"
            | "else"
            | "fi"
            | "case"
            | "esac"
            | "{"
            | "}"
            | "!"
            | "function"
            | "time"
    )
}

/// Handles a word in command position; returns whether the next word is in command position.
fn keyword(
    word: &str,
    start: usize,
    end: usize,
    stack: &mut Vec<Open>,
    out: &mut Shell,
    pending: &mut Option<String>,
    function_keyword: &mut bool,
) -> bool {
    match word {
        "for" | "while" | "until" => {
            let kind = match word {
                "for" => LoopKind::For,
                "while" => LoopKind::While,
                _ => LoopKind::Until,
            };
            stack.push(Open::Loop {
                kind,
                start,
                keyword_end: end,
                body: None,
            });
            kind != LoopKind::For
        }
        "do" => {
            if let Some(Open::Loop { body, .. }) = stack.last_mut() {
                body.get_or_insert((start, end));
            }
            true
        }
        "done" => {
            if let Some(Open::Loop {
                kind,
                start: s,
                keyword_end,
                body,
            }) = stack.last()
            {
                let (do_start, do_end) = body.unwrap_or((*keyword_end, *keyword_end));
                out.loops.push(Loop {
                    kind: *kind,
                    range: *s..end,
                    header: *keyword_end..do_start,
                    body: do_end..start,
                });
                stack.pop();
            }
            false
        }
        "if" | "case" => {
            stack.push(Open::Other);
            word == "if"
        }
        "fi" | "esac" => {
            if matches!(stack.last(), Some(Open::Other)) {
                stack.pop();
            }
            false
        }
        "{" => {
            stack.push(Open::Brace {
                function: pending.take(),
                start: end,
            });
            true
        }
        "}" => {
            if let Some(Open::Brace { function, start: s }) = stack.last() {
                if let Some(name) = function {
                    out.functions.push(Function {
                        name: name.clone(),
                        body: *s..start,
                    });
                }
                stack.pop();
            }
            false
        }
        "function" => {
            *function_keyword = true;
            false
        }
        "then" | "else" | "elif" | "!" | "time" => true,
        _ => false,
    }
}

/// The words of the simple command starting at `at`, up to the first unquoted `;`, `&`, `|`,
/// `)` or newline (quotes, `$(…)` and `${…}` stay inside a word).
pub fn command_words(text: &str, at: usize) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = at;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'\n' | b';' | b'&' | b'|' | b')' => break,
            _ => {
                let end = word_end(b, i).max(i + 1);
                out.push(i..end.min(b.len()));
                i = end;
            }
        }
    }
    out
}

/// End of a shell word starting at `i`: quotes, `$(…)`, `${…}` and backticks stay inside.
fn word_end(b: &[u8], mut i: usize) -> usize {
    let start = i;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' | b')' => break,
            b'(' if i > start && b[i - 1] == b'=' => i = skip_nested(b, i, b'(', b')'),
            b'(' => break,
            b'<' if b.get(i + 1) == Some(&b'<') && b.get(i + 2) != Some(&b'<') => break,
            b'\\' => i += 2,
            q @ (b'\'' | b'`') => i = past_quote(b, i, q),
            b'"' => i = skip_double_quoted(b, i),
            b'$' if b.get(i + 1) == Some(&b'(') => i = skip_nested(b, i + 1, b'(', b')'),
            b'$' if b.get(i + 1) == Some(&b'{') => i = skip_nested(b, i + 1, b'{', b'}'),
            _ => i += 1,
        }
    }
    i.min(b.len())
}

/// From an opening quote `q` at `i`, the offset just past its closing twin (no escapes inside).
fn past_quote(b: &[u8], i: usize, q: u8) -> usize {
    b[i + 1..]
        .iter()
        .position(|&c| c == q)
        .map_or(b.len(), |p| i + p + 2)
}

fn skip_double_quoted(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'$' if b.get(i + 1) == Some(&b'(') => i = skip_nested(b, i + 1, b'(', b')'),
            _ => i += 1,
        }
    }
    b.len()
}

/// From an opening bracket at `i`, the offset just past its match.
fn skip_nested(b: &[u8], mut i: usize, open: u8, close: u8) -> usize {
    let mut depth = 0usize;
    while i < b.len() {
        match b[i] {
            c if c == open => depth += 1,
            c if c == close => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            b'\\' => i += 1,
            b'\'' => i = past_quote(b, i, b'\'') - 1,
            b'"' => i = skip_double_quoted(b, i) - 1,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_comments_heredocs_functions() {
        let s = "# c\nretry() {\n  until \"$@\"; do sleep 1; done\n}\nfor i in $(seq 1 3); do\n  X=$(az keyvault secret show --query 'a)b') && break\ndone\ncat <<'EOF' > f\nfor x in y; do :; done\nEOF\necho done\n";
        let sh = scan(s);
        assert_eq!(sh.comments, vec![0..3]);
        assert_eq!(sh.functions.len(), 1);
        assert_eq!(sh.functions[0].name, "retry");
        assert_eq!(sh.loops.len(), 2);
        assert_eq!(&s[sh.loops[1].header.clone()], " i in $(seq 1 3); ");
        assert!(s[sh.loops[1].body.clone()].contains("az keyvault"));
        assert_eq!(sh.heredocs.len(), 1);
        assert_eq!(&s[sh.heredocs[0].clone()], "for x in y; do :; done\n");
    }

    #[test]
    fn c_style_for_and_unterminated() {
        let sh = scan("for ((i=0; i<3; i++)); do\n  sleep 1\n");
        assert_eq!(sh.loops.len(), 1);
        assert_eq!(sh.loops[0].kind, LoopKind::For);
    }
}
