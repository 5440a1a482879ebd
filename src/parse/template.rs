//! Terraform template syntax (`${…}`, `%{…}`) masked with same-length filler, so a
//! `templatefile()` template can be parsed as YAML with every offset unchanged.

/// Returns `text` with each interpolation replaced by `_`, and each directive that stands alone
/// on its line turned into trailing spaces of the line before (its newline included): a blank
/// line would be over-indented for a block scalar that follows. Byte offsets never move; only
/// the masked copy's line numbers do, and nothing reads those. `$${` and `%%{` are escapes.
pub fn mask(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let (c, next) = (bytes[i], bytes[i + 1]);
        if (c == b'$' || c == b'%') && next == c && bytes.get(i + 2) == Some(&b'{') {
            i += 3;
            continue;
        }
        if !((c == b'$' || c == b'%') && next == b'{') {
            i += 1;
            continue;
        }
        let Some(end) = closing_brace(bytes, i + 2) else {
            i += 2;
            continue;
        };
        let line_start = bytes[..i]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let line_end = bytes[end..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |p| end + p);
        let alone = c == b'%' && is_blank(&bytes[line_start..i]) && is_blank(&bytes[end..line_end]);
        if alone {
            // Join the line before: its newline (and CR) become spaces too.
            let from = match line_start {
                0 => 0,
                1 => 0,
                n if bytes[n - 2] == b'\r' => n - 2,
                n => n - 1,
            };
            let to = if line_end > end && bytes[line_end - 1] == b'\r' {
                line_end - 1
            } else {
                line_end
            };
            out[from..to].iter_mut().for_each(|b| *b = b' ');
        } else {
            out[i..end]
                .iter_mut()
                .filter(|b| **b != b'\n' && **b != b'\r')
                .for_each(|b| *b = b'_');
        }
        i = end;
    }
    // Only ASCII bytes were written, and only over whole sequences, so UTF-8 stays valid.
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| b.is_ascii_whitespace())
}

/// Offset just past the `}` closing a sequence whose body starts at `from`, honouring nested
/// braces and quoted strings (which may hold interpolations of their own).
fn closing_brace(bytes: &[u8], from: usize) -> Option<usize> {
    // One entry per open brace: whether we are inside a string at that level.
    let mut levels = vec![false];
    let mut i = from;
    while i < bytes.len() {
        let in_string = *levels.last()?;
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => *levels.last_mut()? = false,
                b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                    levels.push(false);
                    i += 1;
                }
                b'\n' => return None,
                _ => {}
            }
        } else {
            match b {
                b'"' => *levels.last_mut()? = true,
                b'{' => levels.push(false),
                b'}' => {
                    levels.pop();
                    if levels.is_empty() {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks_offset_preserving() {
        let t = "a: ${var.x}\nb: \"${format(\"%s}\", y)}\"\nc: $${SHELL} %%{http_code}\n";
        let m = mask(t);
        assert_eq!(m.len(), t.len());
        assert_eq!(
            m,
            "a: ________\nb: \"___________________\"\nc: $${SHELL} %%{http_code}\n"
        );
    }

    #[test]
    fn directive_lines_become_blank() {
        let t = "runcmd:\n%{ if x ~}\n  - echo hi\n%{ endif ~}\n";
        assert_eq!(mask(t), "runcmd:           \n  - echo hi            \n");
        // Before a block scalar's first line, a blank line would be over-indented.
        let t = "c: |\n%{ for p in ps ~}\n  x\n%{ endfor ~}\n";
        assert_eq!(mask(t).len(), t.len());
        assert!(crate::parse::yaml::parse(&mask(t), 0).error.is_none());
    }

    #[test]
    fn unterminated_is_left_alone() {
        assert_eq!(mask("a: ${oops\n"), "a: ${oops\n");
    }
}
