//! Files and byte spans: the one currency for locations. Line/column exist only at output.

use std::path::PathBuf;

/// Index into `Project::files`.
pub type FileId = usize;

/// A half-open byte range into a file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
    pub fn shift(self, by: usize) -> Self {
        Span::new(self.start + by, self.end + by)
    }
}

/// A span in a particular file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    pub file: FileId,
    pub span: Span,
}

/// A discovered file and its text. `text` is empty when the file could not be read as text.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the linted root, forward slashes.
    pub rel: String,
    /// Path on disk.
    pub abs: PathBuf,
    pub text: String,
    /// Computed on first use: most files never need a line number.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(rel: String, abs: PathBuf, text: String) -> Self {
        SourceFile {
            rel,
            abs,
            text,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            starts
        })
    }

    /// 1-based line and 1-based column (in Unicode scalar values) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.clamp(offset);
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset) - 1;
        let col = self.text[starts[line]..offset].chars().count() + 1;
        (line + 1, col)
    }

    /// Byte offset of the start of a 0-based line.
    pub fn line_start(&self, line0: usize) -> usize {
        self.line_starts()
            .get(line0)
            .copied()
            .unwrap_or(self.text.len())
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// Text of the 0-based line without its line terminator.
    pub fn line_text(&self, line0: usize) -> &str {
        let start = self.line_start(line0);
        let end = self.line_start(line0 + 1);
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// Moves an offset to the nearest char boundary at or before it.
    pub fn clamp(&self, offset: usize) -> usize {
        let mut o = offset.min(self.text.len());
        while !self.text.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    pub fn slice(&self, span: Span) -> &str {
        &self.text[self.clamp(span.start)..self.clamp(span.end)]
    }
}
