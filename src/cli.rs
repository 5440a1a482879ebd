//! The command line: `infralint check`, `infralint rules`, `infralint explain`.

use crate::config::Config;
use crate::diagnostic::Severity;
use crate::report::{self, Format};
use crate::{lint_paths, rules, Options, Run};
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "infralint",
    version,
    about = "Lint a whole infrastructure repository: Terraform, cloud-init, Kubernetes, Flux, Fleet, RKE2 and Helm values, across files."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint files and directories (default: the current directory).
    Check(Box<CheckArgs>),
    /// List every rule with its default severity and summary.
    Rules,
    /// Print the cross-file reference graph (Terraform, cloud-init templates, GitOps).
    Graph {
        /// The directory to read.
        #[arg(default_value = ".")]
        path: PathBuf,
        #[arg(long, value_enum, default_value = "dot")]
        format: report::graph::GraphFormat,
    },
    /// Write a commented `.infralint.toml` with every option and rule.
    Init {
        /// The directory to write it in.
        #[arg(default_value = ".")]
        path: PathBuf,
    },
    /// Print a rule's documentation.
    Explain {
        /// A rule id such as `terraform/module-cycle`.
        rule: String,
    },
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Directories or files to lint.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format: human, json, sarif, gitlab, github or junit. Repeatable; `FORMAT=FILE`
    /// writes that format to a file.
    #[arg(long, value_name = "FORMAT[=FILE]", default_value = "human")]
    pub format: Vec<report::FormatArg>,
    /// Record every current finding in FILE and exit 0: later runs with `--baseline FILE`
    /// report only new ones.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Hide the findings recorded in FILE; fixed ones are listed as stale entries.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Also list suppressed findings in SARIF, marked with their suppression and reason.
    #[arg(long)]
    pub include_suppressed: bool,
    /// Write the output (of formats given without `=FILE`) to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Run only these rules: an exact id or a domain (`terraform/`). Repeatable.
    #[arg(long, value_name = "RULE")]
    pub select: Vec<String>,
    /// Skip these rules: an exact id or a domain. Repeatable.
    #[arg(long, value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Configuration file (default: `infralint.toml` in the first PATH, if present).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Kubernetes version for schema validation and deprecated APIs: 1.35, 1.36 or 1.37
    /// (default: the newest, or `[k8s] version`).
    #[arg(long, value_name = "VERSION", value_parser = parse_k8s_version)]
    pub kubernetes_version: Option<&'static str>,
    /// Unknown fields in Kubernetes objects are not errors (strict is the default).
    #[arg(long)]
    pub no_strict: bool,
    /// A schema catalog for custom resources, laid out as `<group>/<kind>_<version>.json`
    /// (kubeconform / CRDs-catalog). Repeatable; added to `[k8s] schema_dirs`.
    #[arg(long, value_name = "DIR")]
    pub schema_dir: Vec<PathBuf>,
    /// Print phase timings, throughput and peak memory to stderr.
    #[arg(long)]
    pub stats: bool,
    /// Only discover and parse (the floor a full run is compared against in benchmarks).
    #[arg(long, hide = true)]
    pub parse_only: bool,
    /// List the files that would be linted and what each was recognised as, then exit.
    #[arg(long)]
    pub show_files: bool,
}

fn parse_k8s_version(v: &str) -> Result<&'static str, String> {
    crate::schema::k8s::normalise(v).ok_or_else(|| {
        format!(
            "unsupported Kubernetes version `{v}`; use one of {}",
            crate::schema::k8s::VERSIONS.join(", ")
        )
    })
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match cli.command {
        Command::Rules => {
            let width = rules::ALL
                .iter()
                .map(|r| r.meta().id.len())
                .max()
                .unwrap_or(0);
            for r in rules::ALL {
                let m = r.meta();
                println!("{:width$}  {:7}  {}", m.id, m.severity.as_str(), m.summary);
            }
            0
        }
        Command::Explain { rule } => match rules::find(&rule) {
            Some(r) => {
                print!("{}", r.meta().doc);
                0
            }
            None => {
                eprintln!("error: unknown rule `{rule}` (see `infralint rules`)");
                2
            }
        },
        Command::Check(args) => check(*args),
        Command::Init { path } => {
            let file = path.join(crate::config::FILE_NAMES[0]);
            if let Some(existing) = crate::config::FILE_NAMES
                .iter()
                .map(|n| path.join(n))
                .find(|p| p.exists())
            {
                eprintln!(
                    "error: {} already exists; not overwriting it",
                    existing.display()
                );
                return 2;
            }
            match std::fs::write(&file, crate::config::template()) {
                Ok(()) => {
                    println!("wrote {}", file.display());
                    0
                }
                Err(e) => {
                    eprintln!("error: cannot write {}: {e}", file.display());
                    2
                }
            }
        }
        Command::Graph { path, format } => {
            if !path.exists() {
                eprintln!("error: {}: no such file or directory", path.display());
                return 2;
            }
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            let (project, _) = crate::load(&path, threads);
            let graph = crate::graph::Graph::build(&project);
            print!("{}", report::graph::render(&project, &graph, format));
            0
        }
    }
}

fn check(args: CheckArgs) -> i32 {
    for pattern in args.select.iter().chain(&args.ignore) {
        if !rules::ALL
            .iter()
            .any(|r| rules::matches(pattern, r.meta().id))
        {
            eprintln!("error: unknown rule or domain `{pattern}` (see `infralint rules`)");
            return 2;
        }
    }
    for path in &args.paths {
        if !path.exists() {
            eprintln!("error: {}: no such file or directory", path.display());
            return 2;
        }
        if path.is_dir() && std::fs::read_dir(path).is_err() {
            eprintln!("error: {}: cannot read directory", path.display());
            return 2;
        }
    }
    // `--config`, else the nearest `.infralint.toml`/`infralint.toml` at or above the first PATH.
    let config_path = args
        .config
        .clone()
        .or_else(|| args.paths.first().and_then(|p| Config::find(p)));
    let config = match config_path.map(|p| Config::load(&p)).transpose() {
        Ok(c) => c.unwrap_or_default(),
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot start {threads} threads: {e}");
            return 2;
        }
    };
    let mut config = config;
    if let Some(v) = args.kubernetes_version {
        config.k8s.version = Some(v.to_string());
    }
    if args.no_strict {
        config.k8s.strict = Some(false);
    }
    for dir in &args.schema_dir {
        if !dir.is_dir() {
            eprintln!("error: --schema-dir {}: no such directory", dir.display());
            return 2;
        }
        let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.clone());
        config
            .k8s
            .schema_dirs
            .push(absolute.to_string_lossy().into_owned());
    }
    let options = Options {
        select: args.select,
        ignore: args.ignore,
        config,
        parse_only: args.parse_only,
    };
    let started = std::time::Instant::now();
    let runs: Vec<Run> = pool.install(|| lint_paths(&args.paths, threads, &options));
    if args.show_files {
        for run in &runs {
            for (file, role) in run.files.iter().zip(&run.roles) {
                println!(
                    "{:13}  {}",
                    role.as_str(),
                    report::shown_path(run, &file.rel, false)
                );
            }
        }
        return 0;
    }
    let mut runs = runs;
    if let Some(path) = &args.write_baseline {
        return match crate::baseline::write(path, &runs) {
            Ok(n) => {
                eprintln!("wrote {n} findings to the baseline {}", path.display());
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                2
            }
        };
    }
    if let Some(path) = &args.baseline {
        match crate::baseline::apply(path, &mut runs) {
            Ok(stale) if !stale.is_empty() => {
                eprintln!(
                    "{} baseline entries no longer occur (fixed?); refresh with --write-baseline:",
                    stale.len()
                );
                for e in &stale {
                    eprintln!("  {} {}: {}", e.path, e.rule, e.message);
                }
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
    }
    let enabled = |id: &str| options.enabled(id);
    let report_clock = std::time::Instant::now();
    for f in &args.format {
        let target = f.file.as_ref().or(args.output.as_ref());
        let color = target.is_none()
            && f.format == Format::Human
            && std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none();
        let out = report::render(f.format, &runs, color, &enabled, args.include_suppressed);
        match target {
            Some(path) => {
                if let Err(e) = std::fs::write(path, out) {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return 2;
                }
            }
            None => print!("{out}"),
        }
    }
    if args.stats {
        eprint!(
            "{}",
            report::stats::render(&runs, report_clock.elapsed(), started.elapsed(), threads)
        );
    }
    let errors = runs
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(|d| d.severity == Severity::Error);
    // The process ends here: handing every file's text back to the allocator would only delay it.
    std::mem::forget(runs);
    i32::from(errors)
}
