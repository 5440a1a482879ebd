//! Cloud-init user-data: the shell scripts it will run, each mapped back to source bytes.

use crate::parse::yaml::{Style, YNode, YValue};
use crate::source::{FileId, SourceFile, Span};

/// A piece of a script that came from one YAML scalar (or a whole shell-script file).
#[derive(Clone, Debug)]
pub struct Segment {
    /// Where the segment starts in `Script::text`.
    pub at: usize,
    /// Source offset of the start of each line of the segment's text.
    pub lines: Vec<usize>,
    pub host: Span,
}

/// A shell script cloud-init runs: `runcmd` and `bootcmd` (each concatenated in order, as
/// cloud-init writes them into one script), a `write_files` script, or a whole user-data script.
#[derive(Clone, Debug)]
pub struct Script {
    pub origin: String,
    pub text: String,
    pub segments: Vec<Segment>,
}

impl Script {
    /// The source offset of a byte offset into `text`.
    pub fn host(&self, offset: usize) -> usize {
        let i = self
            .segments
            .partition_point(|s| s.at <= offset)
            .saturating_sub(1);
        let Some(seg) = self.segments.get(i) else {
            return 0;
        };
        let local = offset.saturating_sub(seg.at);
        let seg_text = &self.text[seg.at.min(self.text.len())..];
        // `offset` may fall inside a character (`host_span` maps the last byte of a range).
        let mut cut = local.min(seg_text.len());
        while !seg_text.is_char_boundary(cut) {
            cut -= 1;
        }
        let line = seg_text[..cut].matches('\n').count();
        let line_start = seg_text[..cut].rfind('\n').map_or(0, |p| p + 1);
        let base = seg
            .lines
            .get(line)
            .or(seg.lines.last())
            .copied()
            .unwrap_or(seg.host.start);
        // A byte of the segment: the parsed value can be longer than its source (a block
        // scalar's final newline at the end of the file).
        let last = seg.host.end.saturating_sub(1).max(seg.host.start);
        (base + local - line_start).clamp(seg.host.start, last)
    }

    pub fn host_span(&self, start: usize, end: usize) -> Span {
        let from = self.host(start);
        let to = self.host(end.max(start + 1) - 1) + 1;
        let limit = self.segments.iter().map(|s| s.host.end).max().unwrap_or(to);
        Span::new(from, to.min(limit).max(from))
    }
}

/// A `write_files` entry with plain-text content (any file, not only scripts).
#[derive(Clone, Debug)]
pub struct WrittenFile {
    pub path: String,
    /// The content, mapped back to source bytes like a script (its origin is
    /// `write_files <path>`).
    pub content: Script,
    /// The file is also one of `CloudInit::scripts`.
    pub is_script: bool,
}

#[derive(Clone, Debug)]
pub struct CloudInit {
    pub file: FileId,
    pub scripts: Vec<Script>,
    /// Every `write_files` entry whose content is plain text (no `encoding: b64`/`gzip`).
    pub files: Vec<WrittenFile>,
}

impl CloudInit {
    /// A `#cloud-config` document.
    pub fn from_config(file: FileId, src: &SourceFile, root: &YNode) -> Self {
        let mut scripts = Vec::new();
        let mut files = Vec::new();
        for key in ["bootcmd", "runcmd"] {
            if let Some(list) = root.get(key) {
                let mut script = Script {
                    origin: key.to_string(),
                    text: String::new(),
                    segments: Vec::new(),
                };
                for item in list.items() {
                    match &item.value {
                        YValue::Scalar(..) => push(&mut script, src, item),
                        // `[bash, -c, "<script>"]`: the third element is a script of its own.
                        YValue::Seq(args) if is_shell_c(args) => push(&mut script, src, &args[2]),
                        YValue::Seq(args) => {
                            let words: Vec<&str> = args.iter().filter_map(YNode::as_str).collect();
                            let at = script.text.len();
                            script.text.push_str(&words.join(" "));
                            script.segments.push(Segment {
                                at,
                                lines: vec![item.span.start],
                                host: item.span,
                            });
                        }
                        _ => {}
                    }
                    script.text.push('\n');
                }
                scripts.push(script);
            }
        }
        for entry in root
            .get("write_files")
            .map(YNode::items)
            .unwrap_or_default()
        {
            let (Some(content), path) =
                (entry.get("content"), entry.str_at(&["path"]).unwrap_or("?"))
            else {
                continue;
            };
            let encoded = entry
                .str_at(&["encoding"])
                .is_some_and(|e| e != "text/plain");
            let text = content.as_str().unwrap_or("");
            if encoded || content.as_str().is_none() {
                continue;
            }
            let mut script = Script {
                origin: format!("write_files {path}"),
                text: String::new(),
                segments: Vec::new(),
            };
            push(&mut script, src, content);
            let is_script = path.ends_with(".sh") || text.starts_with("#!");
            if is_script {
                scripts.push(script.clone());
            }
            files.push(WrittenFile {
                path: path.to_string(),
                content: script,
                is_script,
            });
        }
        CloudInit {
            file,
            scripts,
            files,
        }
    }

    /// User-data that is itself a shell script.
    pub fn from_script(file: FileId, src: &SourceFile) -> Self {
        let lines = (0..src.line_count()).map(|l| src.line_start(l)).collect();
        let segment = Segment {
            at: 0,
            lines,
            host: Span::new(0, src.text.len()),
        };
        CloudInit {
            file,
            scripts: vec![Script {
                origin: "user-data script".into(),
                text: src.text.clone(),
                segments: vec![segment],
            }],
            files: Vec::new(),
        }
    }
}

fn is_shell_c(args: &[YNode]) -> bool {
    let shell = args
        .first()
        .and_then(YNode::as_str)
        .map(|s| s.rsplit('/').next().unwrap_or(s));
    args.len() >= 3
        && matches!(shell, Some("sh" | "bash" | "dash"))
        && args[1].as_str() == Some("-c")
}

/// Appends a scalar's value, recording where each of its lines sits in the source.
fn push(script: &mut Script, src: &SourceFile, node: &YNode) {
    let Some(value) = node.as_str() else { return };
    let at = script.text.len();
    script.text.push_str(value);
    let (line0, _) = src.line_col(node.span.start);
    let line0 = line0 - 1;
    let lines = match node.style() {
        Some(Style::Literal) => {
            let indent = node.span.start - src.line_start(line0);
            (0..value.lines().count().max(1))
                .map(|k| (src.line_start(line0 + k) + indent).min(node.span.end))
                .collect()
        }
        Some(Style::SingleQuoted | Style::DoubleQuoted) => vec![node.span.start + 1],
        _ => vec![node.span.start],
    };
    script.segments.push(Segment {
        at,
        lines,
        host: node.span,
    });
}
