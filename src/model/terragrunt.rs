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
/// `ROOT` without its slash, as a path prefix written before `/rest`.
pub const ROOT_PREFIX: &str = "\u{0}root";

/// `dependency "name" { config_path = … }`, or an entry of `dependencies { paths = […] }`.
#[derive(Clone, Debug)]
pub struct TgDep {
    pub name: Option<String>,
    pub path: TgPath,
    /// `enabled = <expression>`: the dependency may be switched off.
    pub maybe_disabled: bool,
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
    /// `terraform { source = … }` (`raw` is `None` when it is remote).
    pub source: Option<TgPath>,
    pub reads: Vec<TgRead>,
    /// Has `generate` blocks that write `output` blocks into the module.
    pub generates: bool,
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
    /// Deploys a `terraform { source }` (local or remote), into which Terragrunt copies the
    /// unit directory's own `.tf` files.
    pub has_source: bool,
    pub generates: bool,
    pub reads: Vec<TgRead>,
}

/// The linted root's place inside its git repository (`get_repo_root()` means the top level).
fn repo_prefix(p: &Project) -> Option<String> {
    let root = p.root.canonicalize().ok()?;
    let top = root.ancestors().find(|a| a.join(".git").exists())?;
    let rel = root.strip_prefix(top).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

fn resolve(p: &Project, dir: &str, path: &TgPath, prefix: Option<&str>) -> Option<String> {
    let raw = path.raw.as_deref()?;
    let Some(rest) = raw.strip_prefix(ROOT) else {
        return join(dir, raw);
    };
    let from_top = join("", rest)?;
    match prefix.unwrap_or("") {
        "" => Some(from_top),
        pre => match from_top.strip_prefix(&format!("{pre}/")) {
            Some(inside) => Some(inside.to_string()),
            // Outside the linted directory; unless the linted directory is itself laid out
            // like the repository (it exists there), the target is not in view.
            None => p.exists(&from_top).0.then_some(from_top),
        },
    }
}

pub fn units(p: &Project) -> Vec<TgUnit> {
    let mut out = Vec::new();
    let prefix = repo_prefix(p);
    for (file, parsed) in p.parsed.iter().enumerate() {
        let Parsed::Terragrunt(tg) = parsed else {
            continue;
        };
        let dir = p.dir_of(file).to_string();
        let edges = tg
            .deps
            .iter()
            .filter_map(|d| {
                let mut target = resolve(p, &dir, &d.path, prefix.as_deref())?;
                // `config_path` may name the unit's file itself.
                let named_file = target.ends_with(".hcl") || target.ends_with(".json");
                let candidates: Vec<String> = if named_file {
                    vec![target.clone()]
                } else {
                    vec![
                        join(&target, "terragrunt.hcl")?,
                        join(&target, "terragrunt.hcl.json")?,
                    ]
                };
                if named_file {
                    target = target
                        .rsplit_once('/')
                        .map_or(String::new(), |(d, _)| d.to_string());
                }
                // An ignored directory is not a missing one: ask the disk as well. A dependency
                // that may be disabled needs no target at all.
                let exists = d.maybe_disabled
                    || candidates.iter().any(|c| {
                        p.file_by_rel(c).is_some()
                            || (!p.root.is_file() && p.root.join(c).is_file())
                    });
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
            .and_then(|s| resolve(p, &dir, s, prefix.as_deref()))
            .and_then(|m| p.module_of(&m));
        out.push(TgUnit {
            file,
            dir,
            edges,
            module,
            has_source: tg.source.is_some(),
            generates: tg.generates,
            reads: tg.reads.clone(),
        });
    }
    out
}
