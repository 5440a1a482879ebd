//! infralint: one pass over a whole infrastructure repository.
//!
//! discover → parse → model → graph → rules → report, each a module of that name.

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod graph;
pub mod model;
pub mod parse;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;

use config::Config;
use diagnostic::Diagnostic;
use discover::FileKind;
use model::{feeds_user_data, is_cloud_config, join, Project, TemplateLink};
use parse::{Job, Parsed};
use rayon::prelude::*;
use source::SourceFile;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What to lint and how.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Rule ids or domains to run; empty means all.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub config: Config,
}

impl Options {
    pub fn enabled(&self, id: &str) -> bool {
        (self.select.is_empty() || self.select.iter().any(|s| rules::matches(s, id)))
            && !self.ignore.iter().any(|s| rules::matches(s, id))
            && self.config.level(id) != Some(config::Level::Off)
    }
}

/// The result of linting one root.
pub struct Run {
    pub root: PathBuf,
    pub files: Vec<SourceFile>,
    /// Sorted by path, position, rule.
    pub diagnostics: Vec<Diagnostic>,
}

/// Lints everything under `root` (a directory or a single file) with the current rayon pool.
pub fn lint(root: &Path, threads: usize, options: &Options) -> Run {
    let (project, parse_diags) = load(root, threads);
    let graph = graph::Graph::build(&project);
    let cx = rules::Context {
        project: &project,
        graph: &graph,
    };
    let mut diagnostics: Vec<Diagnostic> = rules::ALL
        .par_iter()
        .filter(|r| options.enabled(r.meta().id))
        .flat_map_iter(|r| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| r.check(&cx)))
                .unwrap_or_else(|_| vec![internal_error(r.meta().id)])
        })
        .collect();
    diagnostics.extend(parse_diags.into_iter().filter(|d| options.enabled(d.rule)));
    let files = project.files;
    diagnostics.retain(|d| !suppress::is_suppressed(d, &files[d.file]));
    for d in &mut diagnostics {
        if let Some(sev) = options
            .config
            .level(d.rule)
            .and_then(config::Level::severity)
        {
            d.severity = sev;
        }
    }
    diagnostics.sort_by(|a, b| {
        (
            files[a.file].rel.as_str(),
            a.span.start,
            a.rule,
            a.span.end,
            &a.message,
        )
            .cmp(&(
                files[b.file].rel.as_str(),
                b.span.start,
                b.rule,
                b.span.end,
                &b.message,
            ))
    });
    diagnostics.dedup();
    Run {
        root: root.to_path_buf(),
        files,
        diagnostics,
    }
}

fn internal_error(rule: &'static str) -> Diagnostic {
    Diagnostic::new(
        rule,
        diagnostic::Severity::Error,
        0,
        source::Span::default(),
        format!("internal error in rule {rule}; its findings are missing"),
    )
    .help("please report this as an infralint bug")
}

/// Discovers, reads, parses and models every file under `root`; also returns what the parse
/// stage found.
pub fn load(root: &Path, threads: usize) -> (Project, Vec<Diagnostic>) {
    let found = discover::discover(root, threads);
    let mut files: Vec<SourceFile> = Vec::with_capacity(found.len());
    let mut kinds = Vec::with_capacity(found.len());
    let mut unreadable = Vec::with_capacity(found.len());
    let texts: Vec<Result<String, String>> =
        found.par_iter().map(|(p, _)| parse::read_text(p)).collect();
    for ((path, kind), text) in found.into_iter().zip(texts) {
        let (text, bad) = match text {
            Ok(t) => (t, None),
            Err(e) => (String::new(), Some(e)),
        };
        files.push(SourceFile::new(discover::relative(root, &path), path, text));
        kinds.push(kind);
        unreadable.push(bad);
    }

    // HCL first: Terraform says which files are templates and which are user-data.
    let hcl_jobs: Vec<Option<Job>> = kinds
        .iter()
        .map(|&kind| {
            (kind != FileKind::Yaml).then_some(Job {
                kind,
                template: false,
            })
        })
        .collect();
    let (mut parsed, mut diags) = parse::parse_all(&files, &hcl_jobs, &unreadable);
    let mut templates = Vec::new();
    let mut user_data = Vec::new();
    let mut template_jobs: HashMap<usize, Job> = HashMap::new();
    for id in 0..files.len() {
        let Parsed::Terraform(tf) = &parsed[id] else {
            continue;
        };
        let dir = files[id]
            .rel
            .rsplit_once('/')
            .map_or("", |(d, _)| d)
            .to_string();
        let calls: Vec<_> = tf
            .blocks
            .iter()
            .flat_map(|b| b.calls.iter().cloned())
            .collect();
        for call in calls {
            let Some(rel) = call.path.as_deref().and_then(|p| join(&dir, p)) else {
                continue;
            };
            let target = match files.iter().position(|f| f.rel == rel) {
                Some(t) => t,
                None => {
                    let abs = if root.is_file() {
                        continue;
                    } else {
                        root.join(&rel)
                    };
                    if !abs.is_file()
                        || discover::relative(root, &abs)
                            .split('/')
                            .any(|c| c == ".terraform" || c == ".git")
                    {
                        continue;
                    }
                    let (text, bad) = match parse::read_text(&abs) {
                        Ok(t) => (t, None),
                        Err(e) => (String::new(), Some(e)),
                    };
                    files.push(SourceFile::new(rel.clone(), abs, text));
                    kinds.push(FileKind::Template);
                    unreadable.push(bad);
                    parsed.push(Parsed::Nothing);
                    files.len() - 1
                }
            };
            templates.push(TemplateLink {
                from: id,
                call: call.span,
                target,
            });
            if call.func == "templatefile" {
                template_jobs.insert(
                    target,
                    Job {
                        kind: kinds[target],
                        template: true,
                    },
                );
            }
            if feeds_user_data(&call.attr) || is_cloud_config(&files[target].text) {
                user_data.push(target);
            }
        }
    }
    // Extra files were read after the first pass; report their problems too.
    let yaml_jobs: Vec<Option<Job>> = (0..files.len())
        .map(|id| match kinds[id] {
            FileKind::Yaml | FileKind::Template => {
                Some(template_jobs.get(&id).copied().unwrap_or(Job {
                    kind: kinds[id],
                    template: false,
                }))
            }
            _ => None,
        })
        .collect();
    let (second, more) = parse::parse_all(&files, &yaml_jobs, &unreadable);
    diags.extend(more);
    for (id, p) in second.into_iter().enumerate() {
        if yaml_jobs[id].is_some() {
            parsed[id] = p;
        }
    }
    // A user-data file that is neither cloud-config nor a script is not linted as cloud-init.
    user_data.retain(|&id| {
        matches!(parsed[id], Parsed::Yaml(_))
            && (kinds[id] == FileKind::Yaml || is_cloud_config(&files[id].text))
            || matches!(parsed[id], Parsed::Script)
    });
    let mut project = Project {
        root: root.to_path_buf(),
        files,
        kinds,
        parsed,
        modules: Vec::new(),
        k8s: Vec::new(),
        cloud_init: Vec::new(),
        values: Vec::new(),
        templates,
    };
    model::build(&mut project, &user_data);
    (project, diags)
}
