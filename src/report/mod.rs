//! Stage 6: output. Line and column are computed here and nowhere else.

pub mod ci;
pub mod graph;
pub mod human;
pub mod json;
pub mod stats;

use crate::diagnostic::Severity;
use crate::Run;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Gitlab,
    Github,
    Junit,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        <Format as clap::ValueEnum>::from_str(s, true).map_err(|_| {
            format!("unknown format `{s}` (human, json, sarif, gitlab, github, junit)")
        })
    }
}

/// `--format x` or `--format x=FILE`.
#[derive(Clone, Debug)]
pub struct FormatArg {
    pub format: Format,
    pub file: Option<std::path::PathBuf>,
}

impl std::str::FromStr for FormatArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (format, file) = match s.split_once('=') {
            Some((f, path)) => (f, Some(std::path::PathBuf::from(path))),
            None => (s, None),
        };
        Ok(FormatArg {
            format: format.parse()?,
            file,
        })
    }
}

/// Renders `runs` in `format`; `color` only matters for human output.
pub fn render(
    format: Format,
    runs: &[Run],
    color: bool,
    enabled: &dyn Fn(&str) -> bool,
    include_suppressed: bool,
) -> String {
    let src_root = std::env::current_dir()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_else(|_| ".".into());
    match format {
        Format::Human => human::render(runs, color, false),
        Format::Json => json::render(runs) + "\n",
        Format::Sarif => ci::sarif(runs, enabled, &src_root, include_suppressed),
        Format::Gitlab => ci::gitlab(runs),
        Format::Github => ci::github(runs),
        Format::Junit => ci::junit(runs),
    }
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
