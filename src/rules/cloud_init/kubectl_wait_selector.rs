use crate::diagnostic::{Diagnostic, Severity};
use crate::model::retry::{self, re, Analysis, Function, Region};
use crate::model::shell;
use crate::rules::{Context, Rule, RuleMeta};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

pub struct KubectlWaitSelector;

static META: RuleMeta = RuleMeta {
    id: "cloud-init/kubectl-wait-selector",
    severity: Severity::Warning,
    summary: "A boot script runs `kubectl wait` on a label selector before anything waits for a matching object to exist",
    doc: include_str!("../../../rules/cloud-init/kubectl-wait-selector.md"),
};

/// `kubectl`, `k3s kubectl`, `rke2 kubectl`, `/var/lib/rancher/rke2/bin/kubectl`.
static KUBECTL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^\w/.-])((?:(?:k3s|rke2)\s+)?(?:/[\w.-]+)*/?kubectl)(?:\s|$)"));
/// `kubectl … get` in a loop: something polls for the objects.
static POLL: LazyLock<Regex> = LazyLock::new(|| re(r"\bkubectl\b[^\n;&|]*\sget\s"));
/// A loop written on one line inside a string: `timeout 300 sh -c 'until kubectl get …'`.
static INLINE_LOOP: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(until|while|for)\b[^\n]*\bkubectl\b[^\n;&|]*\sget\s"));

/// kubectl's global flags that take a value as the next word.
const VALUE_FLAGS: &[&str] = &[
    "-n",
    "--namespace",
    "--kubeconfig",
    "--context",
    "--cluster",
    "--user",
    "-s",
    "--server",
    "--as",
    "--token",
    "--request-timeout",
];

const HELP: &str = "`kubectl wait` with a selector fails at once with \"no matching resources found\" when nothing matches yet (its --timeout only applies to objects that exist), so a boot script that runs it right after an install or apply fails at random. Wait for an object to exist first, then wait on it by name:\n  for i in $(seq 1 60); do\n    POD=$(kubectl get pod -n db -l role=master -o name 2>/dev/null | head -n1)\n    [ -n \"$POD\" ] && break\n    sleep 5\n  done\n  [ -n \"$POD\" ] || exit 1\n  kubectl wait \"$POD\" -n db --for=condition=Ready --timeout=300s";

impl Rule for KubectlWaitSelector {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for r in retry::each_region(cx.project) {
            check_region(cx, &r, &mut out);
        }
        out
    }
}

/// The selector flag of a `kubectl … wait` command starting at `at`, as a range of `code`.
fn selector(code: &str, at: usize) -> Option<Range<usize>> {
    let words = shell::command_words(code, at);
    let mut i = words
        .iter()
        .position(|w| code[w.clone()].ends_with("kubectl"))?
        + 1;
    // The subcommand: the first word that is not a global flag or its value.
    loop {
        let w = &code[words.get(i)?.clone()];
        if !w.starts_with('-') {
            break;
        }
        i += if VALUE_FLAGS.contains(&w) { 2 } else { 1 };
    }
    if &code[words[i].clone()] != "wait" {
        return None;
    }
    let args: Vec<Range<usize>> = words[i + 1..].to_vec();
    let text = |r: &Range<usize>| &code[r.clone()];
    // `--for=delete` succeeds when nothing matches.
    if args.iter().any(|r| text(r).starts_with("--for=delete")) {
        return None;
    }
    let k = args.iter().position(|r| {
        let t = text(r);
        t == "-l" || t.starts_with("--selector") || (t.starts_with("-l") && t.len() > 2)
    })?;
    // The flag with its value: `-l app=x`, `--selector=app=x`.
    let end = match text(&args[k]) {
        "-l" | "--selector" => args.get(k + 1).unwrap_or(&args[k]).end,
        _ => args[k].end,
    };
    Some(args[k].start..end)
}

fn check_region(cx: &Context<'_>, r: &Region<'_>, out: &mut Vec<Diagnostic>) {
    let Region {
        file,
        script,
        a,
        lib,
        ..
    } = *r;
    let region = r.range.clone();
    let code = &a.code;
    // Most scripts never call kubectl; this spares compiling the patterns for them.
    if !code.contains("kubectl") {
        return;
    }
    for caps in KUBECTL.captures_iter(code) {
        let Some(cmd) = caps.get(1) else { continue };
        if !a.runs_as_command(cmd.start(), lib) {
            continue;
        }
        let Some(flag) = selector(code, cmd.start()) else {
            continue;
        };
        if waited(a, cmd.start(), lib, 0) {
            continue;
        }
        let span = script.host_span(region.start + flag.start, region.start + flag.end);
        out.push(
            cx.report(
                &META,
                file,
                span,
                format!(
                    "`kubectl wait` on a label selector in {} fails at once if no object matches yet",
                    script.origin
                ),
            )
            .label("nothing waits for an object matching this to exist first")
            .help(HELP),
        );
    }
}

/// Whether the command at `at` is retried, or runs after a loop that polls with `kubectl get`.
fn waited(a: &Analysis, at: usize, lib: &[Function], depth: usize) -> bool {
    let code = &a.code;
    // Retried itself: `until kubectl wait -l …; do sleep 5; done`.
    if a.sh.loops.iter().any(|l| {
        l.range.contains(&at)
            && (code[l.range.clone()].contains("sleep") || POLL.is_match(&code[l.range.start..at]))
    }) {
        return true;
    }
    // `retry kubectl wait …` with a retrying wrapper.
    let line_start = code[..at].rfind('\n').map_or(0, |p| p + 1);
    if code[line_start..at]
        .split(|c: char| c.is_whitespace() || c == '(' || c == '`')
        .any(|w| lib.iter().any(|f| f.name == w && f.retries))
    {
        return true;
    }
    // A polling loop before it.
    if a.sh
        .loops
        .iter()
        .any(|l| l.range.end <= at && POLL.is_match(&code[l.range.clone()]))
        || INLINE_LOOP.is_match(&code[..at])
    {
        return true;
    }
    // In a function: every call must be waited for.
    if depth == 0 {
        if let Some(f) = a.sh.functions.iter().find(|f| f.body.contains(&at)) {
            let calls: Vec<usize> = retry::calls(code, &f.name)
                .filter(|c| !f.body.contains(c))
                .collect();
            return !calls.is_empty() && calls.iter().all(|&c| waited(a, c, lib, depth + 1));
        }
    }
    false
}
