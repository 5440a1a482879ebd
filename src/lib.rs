//! infralint: one pass over a whole infrastructure repository.
//!
//! discover → parse → model → graph → rules → report, each a module of that name.

pub mod baseline;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
#[doc(hidden)]
pub mod fuzzing;
pub mod graph;
pub mod model;
pub mod parse;
pub mod report;
pub mod rules;
pub mod schema;
pub mod source;
pub mod suppress;

use config::Config;
use diagnostic::Diagnostic;
use discover::FileKind;
use model::terraform::FileCall;
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
    /// Stop after parsing: the floor a full run is measured against.
    pub parse_only: bool,
}

/// Wall time of each stage of a run, for `--stats`.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub phases: Vec<(&'static str, std::time::Duration)>,
    /// Time each rule took (rules run side by side, so these overlap).
    pub rules: Vec<(&'static str, std::time::Duration)>,
}

impl Stats {
    /// Records the time since `since` as `phase`, and restarts the clock.
    pub fn lap(&mut self, phase: &'static str, since: &mut std::time::Instant) {
        let now = std::time::Instant::now();
        self.phases.push((phase, now - *since));
        *since = now;
    }
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
    /// What each file was linted as.
    pub roles: Vec<model::Role>,
    /// Sorted by path, position, rule.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings a suppression hid, with its reason (for SARIF's `suppressions`).
    pub suppressed: Vec<(Diagnostic, String)>,
    pub stats: Stats,
}

/// Lints everything under `root` (a directory or a single file) with the current rayon pool.
pub fn lint(root: &Path, threads: usize, options: &Options) -> Run {
    // Schemas load inside their rules, beside the other rules: loading them while files were
    // parsed only slowed the parse down (measured with scripts/bench).
    let mut stats = Stats::default();
    let mut clock;
    let (project, parse_diags) = load_timed(
        root,
        threads,
        &options.config,
        options.parse_only,
        &mut stats,
    );
    clock = std::time::Instant::now();
    if options.parse_only {
        return Run {
            root: root.to_path_buf(),
            files: project.files,
            roles: project.roles,
            diagnostics: parse_diags,
            suppressed: Vec::new(),
            stats,
        };
    }
    // The graph is built beside the rules that do not read it; the others run after.
    let enabled: Vec<&dyn rules::Rule> = rules::ALL
        .iter()
        .copied()
        .filter(|r| options.enabled(r.meta().id))
        .collect();
    let (need, free): (Vec<_>, Vec<_>) = enabled.iter().partition(|r| r.needs_graph());
    let cx = |graph| rules::Context {
        project: &project,
        graph,
        config: &options.config,
    };
    let ((graph, built_in), mut checked) = rayon::join(
        || {
            let start = std::time::Instant::now();
            let graph = (!need.is_empty()).then(|| graph::Graph::build(&project));
            (graph, start.elapsed())
        },
        || check_rules(&free, &cx(None)),
    );
    checked.extend(check_rules(&need, &cx(graph.as_ref())));
    stats.phases.push(("graph", built_in));
    let mut diagnostics = Vec::new();
    for (rule, found, took) in checked {
        stats.rules.push((rule, took));
        diagnostics.extend(found);
    }
    diagnostics.extend(parse_diags.into_iter().filter(|d| options.enabled(d.rule)));
    let mut suppressed = Vec::new();
    let about_suppressions = suppress::apply(
        &project,
        &mut diagnostics,
        &|id| options.enabled(id),
        &mut suppressed,
    );
    diagnostics.extend(about_suppressions);
    stats.lap("rules", &mut clock);
    let mut project = project;
    let (files, roles) = (
        std::mem::take(&mut project.files),
        std::mem::take(&mut project.roles),
    );
    // Freeing a monorepo's trees takes a while and nothing waits for it.
    std::thread::spawn(move || drop((project, graph)));
    let config = &options.config;
    let prefix = config.prefix(root);
    let in_config = |file: usize| format!("{prefix}{}", files[file].rel);
    diagnostics.retain(|d| {
        let rel = in_config(d.file);
        !config.excluded(&rel) && config.level_for(d.rule, &rel) != Some(config::Level::Off)
    });
    for d in &mut diagnostics {
        if let Some(sev) = config
            .level_for(d.rule, &in_config(d.file))
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
    suppressed.sort_by(|(a, _), (b, _)| {
        (files[a.file].rel.as_str(), a.span.start, a.rule).cmp(&(
            files[b.file].rel.as_str(),
            b.span.start,
            b.rule,
        ))
    });
    Run {
        root: root.to_path_buf(),
        files,
        roles,
        diagnostics,
        suppressed,
        stats,
    }
}

/// Lints each PATH. A file is linted in the context of its directory (so a reference in a
/// sibling file still counts) and only its own findings are kept; files sharing a directory
/// share one run.
pub fn lint_paths(paths: &[PathBuf], threads: usize, options: &Options) -> Vec<Run> {
    let mut runs: Vec<(PathBuf, Option<Vec<String>>)> = Vec::new();
    for path in paths {
        let Some(name) = path.is_file().then(|| path.file_name()).flatten() else {
            runs.push((path.clone(), None));
            continue;
        };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let name = name.to_string_lossy().into_owned();
        match runs
            .iter_mut()
            .find(|(d, only)| *d == dir && only.is_some())
        {
            Some((_, Some(only))) => only.push(name),
            _ => runs.push((dir, Some(vec![name]))),
        }
    }
    runs.into_iter()
        .map(|(root, only)| {
            let mut run = lint(&root, threads, options);
            if let Some(only) = only {
                run.diagnostics
                    .retain(|d| only.contains(&run.files[d.file].rel));
            }
            run
        })
        .collect()
}

/// Runs `rules` side by side: each one's findings and time, a panic turned into a finding.
fn check_rules(
    rules: &[&dyn rules::Rule],
    cx: &rules::Context<'_>,
) -> Vec<(&'static str, Vec<Diagnostic>, std::time::Duration)> {
    rules
        .par_iter()
        .map(|r| {
            let start = std::time::Instant::now();
            let found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| r.check(cx)))
                .unwrap_or_else(|_| vec![internal_error(r.meta().id)]);
            (r.meta().id, found, start.elapsed())
        })
        .collect()
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
    load_timed(
        root,
        threads,
        &Config::default(),
        false,
        &mut Stats::default(),
    )
}

fn load_timed(
    root: &Path,
    threads: usize,
    config: &Config,
    parse_only: bool,
    stats: &mut Stats,
) -> (Project, Vec<Diagnostic>) {
    let mut clock = std::time::Instant::now();
    let found = discover::discover(root, threads);
    stats.lap("discover", &mut clock);
    let (sources, (kinds, unreadable)) = found
        .into_par_iter()
        .map(|(path, kind)| {
            let (text, bad) = split_read(parse::read_text(&path, config.max_file_size()));
            let rel = discover::relative(root, &path);
            (SourceFile::new(rel, path, text), (kind, bad))
        })
        .unzip();
    let mut files = Files {
        sources,
        kinds,
        unreadable,
        by_rel: Default::default(),
    };

    // HCL first: Terraform says which files are templates and which are user-data.
    let hcl_jobs: Vec<Option<Job>> = files
        .kinds
        .iter()
        .map(|&kind| {
            matches!(
                kind,
                FileKind::Terraform | FileKind::Tfvars | FileKind::Terragrunt
            )
            .then_some(Job {
                kind,
                template: false,
            })
        })
        .collect();
    // Indexing the paths is serial work, done beside the parse rather than before it.
    let ((mut parsed, mut diags), by_rel) = rayon::join(
        || parse::parse_all(&files.sources, &hcl_jobs, &files.unreadable),
        || {
            files
                .sources
                .iter()
                .enumerate()
                .map(|(id, s)| (s.rel.clone(), id))
                .collect()
        },
    );
    files.by_rel = by_rel;
    let links = link_templates(root, config, &parsed, &mut files);
    parsed.resize_with(files.sources.len(), || Parsed::Nothing);

    let yaml_jobs: Vec<Option<Job>> = (0..files.sources.len())
        .map(|id| match files.kinds[id] {
            FileKind::Yaml | FileKind::Template => Some(Job {
                kind: files.kinds[id],
                template: links.templated.contains(&id),
            }),
            _ => None,
        })
        .collect();
    // A template's own syntax is parsed beside the YAML it masks.
    let mut templated: Vec<usize> = links.templated.iter().copied().collect();
    templated.sort_unstable();
    let ((second, more), template_uses) = rayon::join(
        || parse::parse_all(&files.sources, &yaml_jobs, &files.unreadable),
        || {
            templated
                .par_iter()
                .map(|&id| (id, parse::hcl::template_uses(&files.sources[id].text)))
                .collect::<HashMap<_, _>>()
        },
    );
    diags.extend(more);
    for (id, p) in second.into_iter().enumerate() {
        if yaml_jobs[id].is_some() {
            parsed[id] = p;
        }
    }
    let user_data: Vec<usize> = links
        .user_data
        .into_iter()
        .filter(|&id| matches!(parsed[id], Parsed::Yaml(_) | Parsed::Script))
        .collect();
    stats.lap("parse", &mut clock);
    let Files {
        sources,
        kinds,
        by_rel,
        ..
    } = files;
    let mut project = Project {
        root: root.to_path_buf(),
        files: sources,
        kinds,
        roles: Vec::new(),
        missing_files: links.missing,
        template_uses,
        missing_sources: Vec::new(),
        terragrunt: Vec::new(),
        kustomizations: Vec::new(),
        flux: Vec::new(),
        git_repos: Vec::new(),
        bundles: Vec::new(),
        owners: Vec::new(),
        parsed,
        modules: Vec::new(),
        k8s: Vec::new(),
        cloud_init: Vec::new(),
        values: Vec::new(),
        templates: links.links,
        by_rel,
        kustomization_by_dir: HashMap::new(),
        k8s_by_name: Default::default(),
        k8s_by_kind: Default::default(),
        overlay_dirs: Default::default(),
        files_in_order: Vec::new(),
        bundles_in_order: Vec::new(),
        derived: Default::default(),
    };
    let mut order: Vec<usize> = (0..project.files.len()).collect();
    order.sort_by(|&a, &b| project.files[a].rel.cmp(&project.files[b].rel));
    project.files_in_order = order;
    if parse_only {
        project.roles = vec![model::Role::Yaml; project.files.len()];
        return (project, diags);
    }
    model::build(&mut project, &user_data);
    stats.lap("model", &mut clock);
    (project, diags)
}

/// The files of one run, growing as Terraform points at templates the walk did not find.
#[derive(Default)]
struct Files {
    sources: Vec<SourceFile>,
    kinds: Vec<FileKind>,
    unreadable: Vec<Option<String>>,
    by_rel: foldhash::HashMap<String, usize>,
}

impl Files {
    /// The directory of file `id`, relative to the root ("" at the root).
    fn dir_of(&self, id: usize) -> &str {
        self.sources[id].rel.rsplit_once('/').map_or("", |(d, _)| d)
    }

    fn push(
        &mut self,
        rel: String,
        abs: PathBuf,
        kind: FileKind,
        text: Result<String, String>,
    ) -> usize {
        let (text, bad) = split_read(text);
        self.by_rel.insert(rel.clone(), self.sources.len());
        self.sources.push(SourceFile::new(rel, abs, text));
        self.kinds.push(kind);
        self.unreadable.push(bad);
        self.sources.len() - 1
    }
}

/// A file's text, or an empty one and why it could not be read.
fn split_read(text: Result<String, String>) -> (String, Option<String>) {
    match text {
        Ok(t) => (t, None),
        Err(e) => (String::new(), Some(e)),
    }
}

#[derive(Default)]
struct Links {
    links: Vec<TemplateLink>,
    /// Files read by `templatefile()`: their `${…}`/`%{…}` are masked before parsing.
    templated: std::collections::HashSet<usize>,
    /// Files that become user-data.
    user_data: Vec<usize>,
    /// Static paths that name no file.
    missing: Vec<model::MissingFile>,
}

/// Where one static `templatefile()`/`file()` path leads, as far as the walk's files tell.
enum Target {
    Found {
        id: usize,
        user_data: bool,
    },
    Missing(model::MissingFile),
    /// Not among the files found: looked for on disk, in file order.
    Elsewhere {
        rel: String,
        abs: PathBuf,
        dir: String,
    },
}

/// Resolves every static `templatefile()`/`file()` path, reading targets the walk skipped
/// (`*.tftpl`, `*.sh`) when they are user-data or YAML.
fn link_templates(root: &Path, config: &Config, parsed: &[Parsed], files: &mut Files) -> Links {
    let mut out = Links::default();
    let walked = &*files;
    let called = parsed
        .par_iter()
        .enumerate()
        .flat_map_iter(|(id, p)| {
            let blocks = match p {
                Parsed::Terraform(tf) => tf.blocks.as_slice(),
                _ => &[],
            };
            blocks
                .iter()
                .filter(|b| b.ident == "module")
                .filter_map(move |b| {
                    b.attr("source")
                        .and_then(|s| s.literal.as_deref())
                        .filter(|s| s.starts_with('.'))
                        .and_then(|s| join(walked.dir_of(id), s))
                })
        })
        .collect();
    let linker = Linker {
        root,
        config,
        real_root: root.canonicalize().ok(),
        called,
    };
    // Most paths name a file the walk found: those are resolved side by side, and only the
    // rest, which touch the disk and may add files, one by one.
    let resolved: Vec<Vec<(&FileCall, Target)>> = parsed
        .par_iter()
        .enumerate()
        .map(|(id, p)| {
            let Parsed::Terraform(tf) = p else {
                return Vec::new();
            };
            let calls = tf.blocks.iter().flat_map(|b| &b.calls);
            calls
                .filter_map(|call| Some((call, linker.resolve(files, id, call)?)))
                .collect()
        })
        .collect();
    for (id, targets) in resolved.into_iter().enumerate() {
        for (call, target) in targets {
            let (target, user_data) = match target {
                Target::Found { id, user_data } => (id, user_data),
                Target::Missing(m) => {
                    out.missing.push(m);
                    continue;
                }
                Target::Elsewhere { rel, abs, dir } => {
                    // An earlier call may have read it already.
                    let read = match files.by_rel.get(&rel) {
                        Some(&t) => Ok(t),
                        None => linker.read(files, id, call, rel, abs, &dir),
                    };
                    match read {
                        Ok(t) => (t, feeds(files, call, t)),
                        Err(missing) => {
                            out.missing.extend(missing);
                            continue;
                        }
                    }
                }
            };
            out.links.push(TemplateLink {
                from: id,
                call: call.span,
                target,
            });
            if call.func == "templatefile" {
                out.templated.insert(target);
            }
            if user_data {
                out.user_data.push(target);
            }
        }
    }
    out
}

/// What resolving a call's path needs besides the files.
struct Linker<'a> {
    root: &'a Path,
    config: &'a Config,
    real_root: Option<PathBuf>,
    /// Module directories some call points at. The others are roots, where Terraform runs and
    /// so where a bare relative path is resolved.
    called: std::collections::HashSet<String>,
}

impl Linker<'_> {
    /// Where `call` in file `id` leads, when the walk's files alone can tell; `None` for a
    /// call that is not looked at.
    fn resolve(&self, files: &Files, id: usize, call: &FileCall) -> Option<Target> {
        let written = call.path.as_deref()?;
        let dir = files.dir_of(id);
        let rel = match join(dir, written) {
            Some(rel) => rel,
            // Above the linted directory, or absolute.
            None if self.root.is_file() => return None,
            None if self.config.files.read_outside_root => {
                return Some(Target::Elsewhere {
                    rel: written.trim_start_matches("./").to_string(),
                    abs: self.root.join(dir).join(written),
                    dir: dir.to_string(),
                })
            }
            None => return Some(Target::Missing(missing(id, call, written, true))),
        };
        Some(match files.by_rel.get(&rel) {
            Some(&target) => Target::Found {
                id: target,
                user_data: feeds(files, call, target),
            },
            None => Target::Elsewhere {
                abs: self.root.join(&rel),
                rel,
                dir: dir.to_string(),
            },
        })
    }

    /// Reads a call's target the walk did not list into `files`; `Err` says why not, and
    /// carries a finding when the path names nothing Terraform could read.
    fn read(
        &self,
        files: &mut Files,
        id: usize,
        call: &FileCall,
        rel: String,
        abs: PathBuf,
        dir: &str,
    ) -> Result<usize, Option<model::MissingFile>> {
        let hidden = rel.split('/').any(|c| c.starts_with('.'));
        if self.root.is_file() || hidden {
            return Err(None);
        }
        // A bare relative path is resolved where Terraform runs: unknown here.
        if !abs.exists() && (call.module_relative || !self.called.contains(dir)) {
            return Err(Some(missing(id, call, &rel, false)));
        }
        if !abs.is_file() {
            return Err(None);
        }
        // A symlink inside the repository may lead anywhere.
        let escapes = self
            .real_root
            .as_ref()
            .is_some_and(|r| abs.canonicalize().map_or(true, |real| !real.starts_with(r)));
        if escapes && !self.config.files.read_outside_root {
            return Err(Some(missing(id, call, &rel, true)));
        }
        let text = parse::read_text(&abs, self.config.max_file_size());
        // Other templates (nginx.conf.tpl, PowerShell user-data) are read for their variables
        // but are not ours to parse.
        let yaml = text
            .as_ref()
            .is_ok_and(|t| is_cloud_config(t) || parse::looks_like_script(t))
            || rel.contains(".yaml")
            || rel.contains(".yml");
        let kind = if yaml {
            FileKind::Template
        } else {
            FileKind::Text
        };
        Ok(files.push(rel, abs, kind, text))
    }
}

/// A finding that `call` in file `id` names `path`, which it cannot read.
fn missing(id: usize, call: &FileCall, path: &str, outside: bool) -> model::MissingFile {
    model::MissingFile {
        from: id,
        span: call.path_span,
        path: path.trim_start_matches("./").to_string(),
        func: call.func,
        outside,
    }
}

/// Whether the file `call` reads becomes user-data.
fn feeds(files: &Files, call: &FileCall, target: usize) -> bool {
    files.kinds[target] != FileKind::Text
        && (feeds_user_data(&call.attr) || is_cloud_config(&files.sources[target].text))
}
