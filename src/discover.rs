//! Stage 1: find the files to lint with the `ignore` crate's parallel walker.

use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What a file is, judged by its name. Content-based refinement (cloud-init, Kubernetes, values)
/// happens after parsing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    Terraform,
    Tfvars,
    Terragrunt,
    /// `*.tf.json`: part of a module, not parsed yet; its references are unknown.
    TerraformJson,
    Yaml,
    /// Not discovered by name, but pointed at by a Terraform `templatefile()`/`file()` call.
    Template,
    /// A `templatefile()` target that is not YAML (nginx.conf.tpl): read for its variables only.
    Text,
}

const SKIP_DIRS: &[&str] = &[".git", ".terraform", ".terragrunt-cache", "node_modules"];

pub fn kind_of(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    if name == "terragrunt.hcl" {
        return Some(FileKind::Terragrunt);
    }
    if name.ends_with(".tf.json") || name.ends_with(".tofu.json") {
        return Some(FileKind::TerraformJson);
    }
    if name == "Kustomization" {
        return Some(FileKind::Yaml);
    }
    let ext = path.extension()?.to_str()?;
    match ext {
        // OpenTofu reads `.tofu` files as module files too.
        "tf" | "tofu" => Some(FileKind::Terraform),
        "tfvars" => Some(FileKind::Tfvars),
        "yaml" | "yml" if !in_helm_templates(path) => Some(FileKind::Yaml),
        _ => None,
    }
}

/// Helm chart `templates/` hold Go templates, not YAML.
fn in_helm_templates(path: &Path) -> bool {
    path.ancestors().skip(1).any(|dir| {
        dir.file_name().is_some_and(|n| n == "templates")
            && dir.parent().is_some_and(|p| p.join("Chart.yaml").is_file())
    })
}

/// Walks `root` in parallel and returns `(absolute path, kind)` pairs sorted by path.
pub fn discover(root: &Path, threads: usize) -> Vec<(PathBuf, FileKind)> {
    if root.is_file() {
        return kind_of(root)
            .map(|k| vec![(root.to_path_buf(), k)])
            .unwrap_or_default();
    }
    let found = Mutex::new(Vec::new());
    WalkBuilder::new(root)
        .threads(threads)
        .require_git(false)
        .follow_links(false)
        .add_custom_ignore_filename(".infralintignore")
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && e.file_name()
                    .to_str()
                    .is_some_and(|n| SKIP_DIRS.contains(&n)))
        })
        .build_parallel()
        .run(|| {
            let found = &found;
            Box::new(move |entry| {
                if let Ok(entry) = entry {
                    if entry.file_type().is_some_and(|t| t.is_file()) {
                        if let Some(kind) = kind_of(entry.path()) {
                            found
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .push((entry.into_path(), kind));
                        }
                    }
                }
                WalkState::Continue
            })
        });
    let mut files = found.into_inner().unwrap_or_else(|e| e.into_inner());
    // Paths are unique; comparing them component by component is slow enough to share out.
    rayon::slice::ParallelSliceMut::par_sort_unstable(&mut files[..]);
    files
}

/// `path` relative to `root`, with forward slashes.
pub fn relative(root: &Path, path: &Path) -> String {
    // Linting a single file, the root is that file: its name is the relative path.
    let rel = match path.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel,
        Ok(_) => path.file_name().map_or(path, Path::new),
        Err(_) => path,
    };
    let mut out = String::with_capacity(rel.as_os_str().len());
    for c in rel.components() {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(&c.as_os_str().to_string_lossy());
    }
    out
}
