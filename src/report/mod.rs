//! Stage 6: output. Line and column are computed here and nowhere else.

pub mod graph;
pub mod human;
pub mod json;

use crate::diagnostic::Severity;
use crate::Run;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

pub fn summary(runs: &[Run]) -> Summary {
    let count = |s: Severity| {
        runs.iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| d.severity == s)
            .count()
    };
    Summary {
        files: runs.iter().map(|r| r.files.len()).sum(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
    }
}

/// The path to show for a file: as given on the command line, joined with the file's path.
pub fn shown_path(run: &Run, rel: &str, relative: bool) -> String {
    let root = run.root.to_string_lossy().replace('\\', "/");
    if relative || root == "." || root.is_empty() {
        return rel.to_string();
    }
    if run.root.is_file() {
        return root;
    }
    format!("{}/{rel}", root.trim_end_matches('/'))
}
