use crate::diagnostic::{Diagnostic, Severity};
use crate::model::retry::{self, Function, Region, Verdict};
use crate::rules::{Context, Rule, RuleMeta};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

pub struct SecretFetchRetry;

static META: RuleMeta = RuleMeta {
    id: "cloud-init/secret-fetch-retry",
    severity: Severity::Error,
    summary: "A boot script fetches a secret without a bounded retry loop and a hard failure",
    doc: include_str!("../../../rules/cloud-init/secret-fetch-retry.md"),
};

/// A command that fetches a secret: how to name it (`None`: as written), and its pattern,
/// compiled only for a script holding every word of `needs` (most hold few of them).
struct Fetch {
    what: Option<&'static str>,
    needs: &'static [&'static str],
    re: LazyLock<Regex>,
}

static FETCHES: [Fetch; 8] = [
    Fetch {
        what: None,
        needs: &["keyvault"],
        re: LazyLock::new(|| retry::re(r"\baz\s+keyvault\s+secret\s+(show|download)\b")),
    },
    Fetch {
        what: Some("a Key Vault request"),
        needs: &[".vault.azure.net"],
        re: LazyLock::new(|| {
            retry::re(
                r"\b(curl|wget)\b[^\n;|&]*?[\w-]\.vault\.azure\.net\S*?/(secrets|keys|certificates)/",
            )
        }),
    },
    // Azure's managed-identity token; AWS IMDSv2 session tokens and GCP metadata are local.
    Fetch {
        what: Some("a managed-identity token request"),
        needs: &["169.254.169.254/metadata/identity"],
        re: LazyLock::new(|| {
            retry::re(r"\b(curl|wget)\b[^\n;|&]*?169\.254\.169\.254/metadata/identity")
        }),
    },
    Fetch {
        what: None,
        needs: &["vault", "kv"],
        re: LazyLock::new(|| retry::re(r"\bvault\s+kv\s+get\b")),
    },
    Fetch {
        what: None,
        needs: &["vault", "read"],
        re: LazyLock::new(|| retry::re(r"\bvault\s+read\b")),
    },
    Fetch {
        what: None,
        needs: &["secretsmanager"],
        re: LazyLock::new(|| retry::re(r"\baws\s+secretsmanager\s+get-secret-value\b")),
    },
    Fetch {
        what: None,
        needs: &["ssm"],
        re: LazyLock::new(|| retry::re(r"\baws\s+ssm\s+get-parameters?\b")),
    },
    Fetch {
        what: None,
        needs: &["gcloud"],
        re: LazyLock::new(|| retry::re(r"\bgcloud\s+secrets\s+versions\s+access\b")),
    },
];

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
        .filter(|f| f.needs.iter().all(|w| a.code.contains(w)))
        .map(|f| (f.what, &*f.re))
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
