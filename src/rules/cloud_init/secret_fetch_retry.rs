use crate::diagnostic::{Diagnostic, Severity};
use crate::model::retry::{self, Function, Region, Verdict};
use crate::rules::{Context, Rule, RuleMeta};
use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

pub struct SecretFetchRetry;

static META: RuleMeta = RuleMeta {
    id: "cloud-init/secret-fetch-retry",
    severity: Severity::Error,
    summary: "A boot script fetches a secret without a bounded retry loop and a hard failure",
    doc: include_str!("../../../rules/cloud-init/secret-fetch-retry.md"),
};

/// (name, words, pattern): a `None` name means "the command as written". A pattern is
/// compiled only for a script holding all its words (most hold few of them).
const FETCHES: [(Option<&str>, &[&str], &str); 8] = [
    (
        None,
        &["keyvault"],
        r"\baz\s+keyvault\s+secret\s+(show|download)\b",
    ),
    (
        Some("a Key Vault request"),
        &[".vault.azure.net"],
        r"\b(curl|wget)\b[^\n;|&]*?[\w-]\.vault\.azure\.net\S*?/(secrets|keys|certificates)/",
    ),
    // Azure's managed-identity token; AWS IMDSv2 session tokens and GCP metadata are local.
    (
        Some("a managed-identity token request"),
        &["169.254.169.254/metadata/identity"],
        r"\b(curl|wget)\b[^\n;|&]*?169\.254\.169\.254/metadata/identity",
    ),
    (None, &["vault", "kv"], r"\bvault\s+kv\s+get\b"),
    (None, &["vault", "read"], r"\bvault\s+read\b"),
    (
        None,
        &["secretsmanager"],
        r"\baws\s+secretsmanager\s+get-secret-value\b",
    ),
    (None, &["ssm"], r"\baws\s+ssm\s+get-parameters?\b"),
    (
        None,
        &["gcloud"],
        r"\bgcloud\s+secrets\s+versions\s+access\b",
    ),
];
static COMPILED: [OnceLock<Regex>; FETCHES.len()] = [const { OnceLock::new() }; FETCHES.len()];

const EXAMPLE: &str = "retry with a limit and fail hard, as spec 0001 requires:\n  for i in $(seq 1 30); do\n    TOKEN=$(az keyvault secret show --vault-name \"$KV\" --name k3s-token --query value -o tsv 2>/dev/null) && break\n    sleep 10\n  done\n  if [ -z \"$TOKEN\" ]; then echo \"FATAL: no token after 30 attempts\"; exit 1; fi";

impl Rule for SecretFetchRetry {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        // Commands the configuration adds (`"op read"`), as words separated by any whitespace.
        let extra: Vec<(Option<&str>, Regex)> = cx
            .config
            .options
            .secret_fetch_retry
            .commands
            .iter()
            .filter_map(|c| {
                retry::ascii_regex(&format!(
                    r"\b{}\b",
                    c.split_whitespace()
                        .map(regex::escape)
                        .collect::<Vec<_>>()
                        .join(r"\s+")
                ))
                .ok()
                .map(|re| (None, re))
            })
            .collect();
        let mut out = Vec::new();
        // Each script, and each heredoc body in one (a script of its own). A function defined
        // in a region shadows one of the same name around it; functions from every script of
        // the user-data count, as `runcmd` may source a library `write_files` installed.
        for r in retry::each_region(cx.project) {
            let origin = "a heredoc script in ".repeat(r.depth()) + &r.script.origin;
            check_region(cx, &r, &origin, &r.callable(), &extra, &mut out);
        }
        out
    }
}

/// Checks one region of a script.
fn check_region(
    cx: &Context<'_>,
    r: &Region<'_>,
    origin: &str,
    lib: &[Function],
    extra: &[(Option<&str>, Regex)],
    out: &mut Vec<Diagnostic>,
) {
    let (a, file, script, region) = (r.a, r.file, r.script, &r.range);
    let mut fetches: Vec<(usize, usize, String)> = FETCHES
        .iter()
        .zip(&COMPILED)
        .filter(|((_, words, _), _)| words.iter().all(|w| a.code.contains(w)))
        .map(|(&(what, _, pattern), re)| (what, re.get_or_init(|| retry::re(pattern))))
        .chain(extra.iter().map(|(what, re)| (*what, re)))
        .flat_map(|(what, re)| {
            re.find_iter(&a.code).map(move |m| {
                let name = what.map_or_else(
                    || {
                        format!(
                            "`{}`",
                            m.as_str().split_whitespace().collect::<Vec<_>>().join(" ")
                        )
                    },
                    str::to_string,
                );
                (m.start(), m.end(), name)
            })
        })
        .filter(|(start, _, _)| a.runs_as_command(*start, lib))
        .collect();
    fetches.sort();
    fetches.dedup_by_key(|f| f.0);
    let starts: Vec<usize> = fetches.iter().map(|f| f.0).collect();
    let host = |r: Range<usize>| script.host_span(region.start + r.start, region.start + r.end);
    for (start, end, what) in &fetches {
        let verdict = a.judge(*start, *end, &starts, lib);
        let span = host(*start..*end);
        let d = match verdict {
            Verdict::Ok => continue,
            Verdict::NoRetry => cx.report(&META, file, span, format!("{what} in {origin} runs once, with no retry")).label("fetched once at boot").help(format!(
                "the VM can boot before the secret exists or before its identity may read it (nothing orders them), and then bootstrap fails for good; {EXAMPLE}"
            )),
            Verdict::NoSleep(l) => cx
                .report(&META, file, span, format!("{what} in {origin} is in a loop that never waits, so it is not a retry"))
                .label("no `sleep` in the enclosing loop")
                .related(file, host(l.start..(l.start + 3).min(l.end)), "this loop")
                .help(format!("a retry needs a pause between attempts; {EXAMPLE}")),
            Verdict::Unbounded(l) => Diagnostic {
                severity: Severity::Warning,
                ..cx.report(&META, file, span, format!("{what} in {origin} is retried forever: the loop has no attempt limit"))
                    .label("retried without a limit")
                    .related(file, host(l.start..(l.start + 5).min(l.end)), "this loop never gives up")
                    .help(format!("a permanent failure (wrong vault name, missing role) hangs the boot silently; count attempts and fail hard; {EXAMPLE}"))
            },
            Verdict::NoHardFailure(l) => cx
                .report(&META, file, span, format!("{what} in {origin} is retried, but nothing fails when every attempt did"))
                .label("retried, then ignored")
                .related(file, host(l.end.saturating_sub(4).max(l.start)..l.end), "after the last attempt the script carries on")
                .help(format!("after the retries, stop with a non-zero exit if the value is still empty; {EXAMPLE}")),
        };
        out.push(d);
    }
}
