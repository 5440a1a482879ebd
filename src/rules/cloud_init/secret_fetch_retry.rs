use crate::diagnostic::{Diagnostic, Severity};
use crate::model::cloudinit::Script;
use crate::model::shell::{self, LoopKind, Shell};
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

/// (what it is, pattern). Patterns run over the script with comments and heredocs blanked.
static FETCHES: LazyLock<Vec<(&str, Regex)>> = LazyLock::new(|| {
    [
        (
            "`az keyvault secret show`",
            r"\baz\s+keyvault\s+secret\s+(show|download)\b",
        ),
        (
            "a Key Vault request",
            r"\b(curl|wget)\b[^\n;|&]*?[\w-]\.vault\.azure\.net",
        ),
        (
            "an IMDS token request",
            r"\b(curl|wget)\b[^\n;|&]*?169\.254\.169\.254\S*?(token|identity)",
        ),
        ("`vault kv get`", r"\bvault\s+kv\s+get\b"),
        ("`vault read`", r"\bvault\s+read\b"),
        (
            "`aws secretsmanager get-secret-value`",
            r"\baws\s+secretsmanager\s+get-secret-value\b",
        ),
        (
            "`aws ssm get-parameter`",
            r"\baws\s+ssm\s+get-parameters?\b",
        ),
        (
            "`gcloud secrets versions access`",
            r"\bgcloud\s+secrets\s+versions\s+access\b",
        ),
    ]
    .into_iter()
    .map(|(what, re)| (what, Regex::new(re).expect("static pattern")))
    .collect()
});

static SLEEP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[\s;&|({`])sleep\s").expect("static pattern"));
static COMPARE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s-(lt|le|gt|ge|eq|ne)\s|\(\([^)]*[<>]").expect("static pattern")
});
static INCREMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$\(\(\s*\$?\w+\s*[+-]\s*\d+\s*\)\)|\(\(\s*\w+\s*(\+\+|--|\+=|-=)|\(\(\s*(\+\+|--)\w+|\blet\s+\w+\s*(\+\+|\+=|=)|\bexpr\s+\$\w+\s*[+-]").expect("static pattern")
});
static HARD_FAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\b(exit|return)\s+("?\$\{?\w+\}?"?|[1-9]\d*)|\|\|\s*exit\b|\bpoweroff\b|\bshutdown\b"#,
    )
    .expect("static pattern")
});
static CURL_RETRY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"--retry[= ]\s*\d+|--tries[= ]\s*\d+").expect("static pattern"));

const EXAMPLE: &str = "retry with a limit and fail hard, as spec 0001 requires:\n  for i in $(seq 1 30); do\n    TOKEN=$(az keyvault secret show --vault-name \"$KV\" --name k3s-token --query value -o tsv 2>/dev/null) && break\n    sleep 10\n  done\n  if [ -z \"$TOKEN\" ]; then echo \"FATAL: no token after 30 attempts\"; exit 1; fi";

impl Rule for SecretFetchRetry {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for ci in &cx.project.cloud_init {
            for script in &ci.scripts {
                check_region(
                    cx,
                    ci.file,
                    script,
                    0..script.text.len(),
                    &script.origin,
                    0,
                    &mut out,
                );
            }
        }
        out
    }
}

/// Checks one script (or a heredoc body inside one, which is a script of its own).
fn check_region(
    cx: &Context<'_>,
    file: usize,
    script: &Script,
    region: Range<usize>,
    origin: &str,
    depth: usize,
    out: &mut Vec<Diagnostic>,
) {
    let text = &script.text[region.clone()];
    let sh = shell::scan(text);
    // Blank comments and heredoc bodies, join continuation lines; offsets stay put.
    let mut code = text.as_bytes().to_vec();
    for r in sh.comments.iter().chain(&sh.heredocs) {
        code[r.clone()]
            .iter_mut()
            .filter(|b| **b != b'\n')
            .for_each(|b| *b = b' ');
    }
    for i in 0..code.len().saturating_sub(1) {
        if code[i] == b'\\' && code[i + 1] == b'\n' {
            code[i] = b' ';
            code[i + 1] = b' ';
        }
    }
    let code = String::from_utf8_lossy(&code).into_owned();
    let mut fetches: Vec<(usize, usize, &str)> = FETCHES
        .iter()
        .flat_map(|(what, re)| {
            re.find_iter(&code)
                .map(move |m| (m.start(), m.end(), *what))
        })
        .collect();
    fetches.retain(|&(start, _, _)| runs_as_command(&code, start, &sh));
    fetches.sort();
    fetches.dedup_by_key(|f| f.0);
    let starts: Vec<usize> = fetches.iter().map(|f| f.0).collect();
    for &(start, end, what) in &fetches {
        let verdict = judge(&sh, &code, start, end, &starts);
        let span = script.host_span(region.start + start, region.start + end);
        let d = match &verdict {
            Verdict::Ok => continue,
            Verdict::NoRetry => cx.report(&META, file, span, format!("{what} in {origin} runs once, with no retry")).label("fetched once at boot").help(format!(
                "the VM can boot before the secret exists or before its identity may read it (nothing orders them), and then bootstrap fails for good; {EXAMPLE}"
            )),
            Verdict::NoSleep(l) => cx
                .report(&META, file, span, format!("{what} in {origin} is in a loop that never waits, so it is not a retry"))
                .label("no `sleep` in the enclosing loop")
                .related(file, script.host_span(region.start + l.start, region.start + l.end.min(l.start + 3).max(l.start + 1)), "this loop")
                .help(format!("a retry needs a pause between attempts; {EXAMPLE}")),
            Verdict::Unbounded(l) => cx
                .report(&META, file, span, format!("{what} in {origin} is retried forever: the loop has no attempt limit"))
                .label("retried without a limit")
                .related(file, script.host_span(region.start + l.start, region.start + l.start + 5), "this loop never gives up")
                .help(format!("a permanent failure (wrong vault name, missing role) hangs the boot silently; count attempts and fail hard; {EXAMPLE}")),
            Verdict::NoHardFailure(l) => cx
                .report(&META, file, span, format!("{what} in {origin} is retried, but nothing fails when every attempt did"))
                .label("retried, then ignored")
                .related(file, script.host_span(region.start + l.end.saturating_sub(4), region.start + l.end), "after the last attempt the script carries on")
                .help(format!("after the loop, stop with a non-zero exit if the value is still empty; {EXAMPLE}")),
        };
        out.push(if matches!(verdict, Verdict::Unbounded(_)) {
            Diagnostic {
                severity: Severity::Warning,
                ..d
            }
        } else {
            d
        });
    }
    // A heredoc inside a heredoc is rare; a hostile file must not exhaust the stack.
    for h in sh.heredocs.iter().filter(|_| depth < 8) {
        let inner = format!("a heredoc script in {origin}");
        check_region(
            cx,
            file,
            script,
            region.start + h.start..region.start + h.end,
            &inner,
            depth + 1,
            out,
        );
    }
}

enum Verdict {
    Ok,
    NoRetry,
    NoSleep(Range<usize>),
    Unbounded(Range<usize>),
    NoHardFailure(Range<usize>),
}

/// `fetches`: where every fetch of the script starts; the search for a hard failure after a
/// loop stops at the next fetch after it.
fn judge(sh: &Shell, code: &str, start: usize, end: usize, fetches: &[usize]) -> Verdict {
    let next_fetch = |after: usize| {
        fetches
            .iter()
            .copied()
            .find(|&f| f >= after)
            .unwrap_or(code.len())
    };
    let mut loops: Vec<&shell::Loop> = sh
        .loops
        .iter()
        .filter(|l| l.range.contains(&start))
        .collect();
    // A fetch in a function runs where the function is called; `retry az …` runs it in retry's loops.
    if let Some(f) = sh.functions.iter().find(|f| f.body.contains(&start)) {
        if loops.iter().all(|l| !f.body.contains(&l.range.start)) {
            loops.extend(
                calls(code, &f.name)
                    .flat_map(|at| sh.loops.iter().filter(move |l| l.range.contains(&at))),
            );
        }
    }
    let line_start = code[..start].rfind('\n').map_or(0, |p| p + 1);
    let wrapper = sh.functions.iter().find(|f| {
        code[line_start..start]
            .split(|c: char| c.is_whitespace() || c == '(')
            .any(|w| w == f.name)
    });
    if let Some(f) = wrapper {
        loops.extend(sh.loops.iter().filter(|l| f.body.contains(&l.range.start)));
    }
    loops.sort_by_key(|l| std::cmp::Reverse(l.range.start));
    let retry = loops
        .iter()
        .find(|l| SLEEP.is_match(&code[l.range.clone()]));
    let Some(l) = retry else {
        let line_end = code[end..].find('\n').map_or(code.len(), |p| end + p);
        if CURL_RETRY.is_match(&code[line_start..line_end]) {
            return hard_failure(code, line_end..next_fetch(line_end), line_start..line_end);
        }
        return match loops.first() {
            Some(l) => Verdict::NoSleep(l.range.clone()),
            None => Verdict::NoRetry,
        };
    };
    let bounded = match l.kind {
        LoopKind::For => !code[l.header.clone()].replace(' ', "").starts_with("((;;"),
        LoopKind::While | LoopKind::Until => {
            COMPARE.is_match(&code[l.range.clone()]) && INCREMENT.is_match(&code[l.range.clone()])
        }
    };
    if !bounded {
        return Verdict::Unbounded(l.range.clone());
    }
    if HARD_FAIL.is_match(&code[l.range.clone()]) {
        return Verdict::Ok;
    }
    let mut after = l.range.end..next_fetch(l.range.end);
    if let Some(f) = wrapper {
        if HARD_FAIL.is_match(&code[f.body.clone()]) {
            return Verdict::Ok;
        }
        after = end..next_fetch(end);
    }
    hard_failure(code, after, l.range.clone())
}

fn hard_failure(code: &str, after: Range<usize>, l: Range<usize>) -> Verdict {
    if HARD_FAIL.is_match(&code[after]) {
        Verdict::Ok
    } else {
        Verdict::NoHardFailure(l)
    }
}

/// Offsets where `name` is called as a command.
fn calls<'a>(code: &'a str, name: &'a str) -> impl Iterator<Item = usize> + 'a {
    code.match_indices(name).filter_map(move |(at, _)| {
        let before = code[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || ";&|($`".contains(c));
        let after = code[at + name.len()..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || c == ';' || c == ')');
        (before && after && !code[at + name.len()..].trim_start().starts_with('(')).then_some(at)
    })
}

/// Whether the text at `at` is run as a command, not mentioned in an `echo "…"`: what precedes
/// it on its line must end a command, or be a wrapper (`sudo -E`, `timeout 30`, `VAR=x`, a
/// retry function).
fn runs_as_command(code: &str, at: usize, sh: &Shell) -> bool {
    let line_start = code[..at].rfind('\n').map_or(0, |p| p + 1);
    let mut prefix = code[line_start..at].trim_end();
    loop {
        if prefix.is_empty() || prefix.ends_with([';', '&', '|', '(', '{', '`', '!']) {
            return true;
        }
        // `bash -c "az …"` and `sh -c 'vault …'` run it too.
        if let Some(quoted) = prefix.strip_suffix(['"', '\'']) {
            return quoted.trim_end().ends_with(" -c");
        }
        let split = prefix.rfind(char::is_whitespace).map_or(0, |p| p + 1);
        let word = &prefix[split..];
        // `T=$(retry` : the part after the last `(` or backtick is the command.
        if let Some(p) = word.rfind(['(', '`']) {
            return is_wrapper(&word[p + 1..], sh);
        }
        if !is_wrapper(word, sh) {
            return false;
        }
        prefix = prefix[..split].trim_end();
    }
}

fn is_wrapper(word: &str, sh: &Shell) -> bool {
    word.is_empty()
        || matches!(
            word,
            "sudo"
                | "exec"
                | "time"
                | "nohup"
                | "command"
                | "env"
                | "timeout"
                | "do"
                | "then"
                | "else"
                | "until"
                | "while"
                | "if"
                | "export"
                | "local"
                | "readonly"
        )
        || word.starts_with('-')
        || word
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, 's' | 'm' | '.'))
        || (word.contains('=') && !word.starts_with('=') && !word.contains(['"', '\'']))
        || word.contains("retry")
        || sh.functions.iter().any(|f| f.name == word)
}
