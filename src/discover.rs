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
    rayon::slice::ParallelSliceMut::par_sort_unstable_by(&mut files[..], |a, b| {
        path_order(&a.0, &b.0)
    });
    files
}

/// The order of `Path`'s own comparison, component by component, for the clean paths a walk
/// yields (no `.`, no doubled separators), read from the bytes: a separator sorts before any
/// other byte. Splitting each path into components at every comparison made sorting a
/// monorepo's paths the costliest part of discovering them.
fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    let common = common_prefix(a, b);
    // After the common prefix: the end of a path first, then a separator, then other bytes.
    let rank = |c: Option<&u8>| match c {
        None => 0,
        Some(&c) if std::path::is_separator(char::from(c)) => 1,
        Some(&c) => u16::from(c) + 2,
    };
    rank(a.get(common)).cmp(&rank(b.get(common)))
}

/// The length of the longest common prefix of `a` and `b`. Sibling paths share most of their
/// bytes, so they are compared eight at a time first.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= n && a[i..i + 8] == b[i..i + 8] {
        i += 8;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
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

#[cfg(test)]
mod tests {
    use super::path_order;
    use std::path::Path;

    #[test]
    fn path_order_is_paths_own_order() {
        let paths = [
            "/r/a",
            "/r/a/b",
            "/r/a.b",
            "/r/a-b/c",
            "/r/a/b.yaml",
            "/r/ab",
            "/r/a0",
            "/r/A",
            "/r/a/b/c",
            "/r/a b",
            "/r/é",
            "/r/e",
            "/r",
            "/r/a/",
            "/r/z/a",
            "/r/a_/x",
            // Long shared prefixes, differing before, at and after an eight-byte boundary.
            "/repo/clusters/prod/apps/web.yaml",
            "/repo/clusters/prod/apps/web/kustomization.yaml",
            "/repo/clusters/prod/apps-extra/web.yaml",
            "/repo/clusters/prod/appsweb",
            "/repo/clusters/prod/apps",
            "/repo/clusters/prodapps",
            "/repo/clusters/prod.apps",
            "/repo/clustersprod",
        ];
        for a in paths {
            for b in paths {
                let (a, b) = (Path::new(a), Path::new(b));
                if a.as_os_str() != b.as_os_str() && a == b {
                    continue; // `a/` and `a` are one path to `Path`; a walk yields no `a/`
                }
                assert_eq!(path_order(a, b), a.cmp(b), "{a:?} {b:?}");
            }
        }
    }
}
