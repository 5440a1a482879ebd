//! Terragrunt units: directories holding `terragrunt.hcl`, their dependencies, the local module
//! they deploy and the dependency outputs they read.

use super::{join, Project};
use crate::parse::Parsed;
use crate::source::{FileId, Span};

/// A path in `terragrunt.hcl`, when it is static: relative to the unit's directory, or to the
/// repository root when it starts with `ROOT` (`${get_repo_root()}/…`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TgPath {
    pub raw: Option<String>,
    pub span: Span,
}

pub const ROOT: &str = "\u{0}root/";

/// `dependency "name" { config_path = … }`, or an entry of `dependencies { paths = […] }`.
#[derive(Clone, Debug)]
pub struct TgDep {
    pub name: Option<String>,
    pub path: TgPath,
}

/// `dependency.<dep>.outputs.<output>`.
#[derive(Clone, Debug)]
pub struct TgRead {
    pub dep: String,
    pub output: String,
    pub span: Span,
}

/// What the parser keeps of a `terragrunt.hcl`.
#[derive(Clone, Debug, Default)]
pub struct TgFile {
    pub deps: Vec<TgDep>,
    /// `terraform { source = … }`, unless it is remote.
    pub source: Option<TgPath>,
    pub reads: Vec<TgRead>,
}

/// A dependency resolved against the tree.
#[derive(Clone, Debug)]
pub struct TgEdge {
    pub name: Option<String>,
    /// The target directory, relative to the root.
    pub target: String,
    pub span: Span,
    /// Whether the target holds a `terragrunt.hcl`.
    pub exists: bool,
}

#[derive(Clone, Debug)]
pub struct TgUnit {
    pub file: FileId,
    pub dir: String,
    pub edges: Vec<TgEdge>,
    /// The local Terraform module the unit deploys (index into `Project::modules`).
    pub module: Option<usize>,
    pub reads: Vec<TgRead>,
}

fn resolve(dir: &str, path: &TgPath) -> Option<String> {
    let raw = path.raw.as_deref()?;
    match raw.strip_prefix(ROOT) {
        Some(rest) => join("", rest),
        None => join(dir, raw),
    }
}

pub fn units(p: &Project) -> Vec<TgUnit> {
    let mut out = Vec::new();
    for (file, parsed) in p.parsed.iter().enumerate() {
        let Parsed::Terragrunt(tg) = parsed else {
            continue;
        };
        let dir = p.dir_of(file).to_string();
        let edges = tg
            .deps
            .iter()
            .filter_map(|d| {
                let target = resolve(&dir, &d.path)?;
                let unit_file = join(&target, "terragrunt.hcl")?;
                // An ignored directory is not a missing one: ask the disk as well.
                let exists = p.file_by_rel(&unit_file).is_some()
                    || (!p.root.is_file() && p.root.join(&unit_file).is_file());
                Some(TgEdge {
                    name: d.name.clone(),
                    target,
                    span: d.path.span,
                    exists,
                })
            })
            .collect();
        let module = tg
            .source
            .as_ref()
            .and_then(|s| resolve(&dir, s))
            .and_then(|m| p.module_of(&m));
        out.push(TgUnit {
            file,
            dir,
            edges,
            module,
            reads: tg.reads.clone(),
        });
    }
    out
}
