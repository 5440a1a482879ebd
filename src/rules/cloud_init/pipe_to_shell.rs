use crate::diagnostic::{Diagnostic, Severity};
use crate::model::retry::{self, re, Region};
use crate::rules::{Context, Rule, RuleMeta};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

pub struct PipeToShell;

static META: RuleMeta = RuleMeta {
    id: "cloud-init/pipe-to-shell",
    severity: Severity::Info,
    summary: "A boot script pipes a downloaded installer into a shell without pinning its version or checking a checksum",
    doc: include_str!("../../../rules/cloud-init/pipe-to-shell.md"),
};

const SHELLS: &str = r"(?:sh|bash|dash|zsh|ksh|/bin/sh|/bin/bash|/usr/bin/env\s+bash)";

/// `| sh`, `| sudo -E bash`, `| INSTALL_K3S_EXEC=server sh -s -`; group 1 is the shell word.
static PIPE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\|\s*(?:sudo(?:\s+-\S+)*\s+)?(?:env\s+)?(?:[A-Za-z_]\w*=(?:'[^'\n]*'|\x22[^\x22\n]*\x22|[^\s;&|]*)\s+)*({SHELLS})(?:[\s;)]|$)"
    ))
});
/// `sh -c "$(curl …)"` and `bash <(curl …)`; group 1 is the shell word.
static SUBSTITUTED: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?:^|[\s;&|(])({SHELLS})\s+(?:-\w+\s+)*(?:-c\s+[\x22']?\$\(|<\()\s*(?:curl|wget)\b"
    ))
});
static FETCH: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^|[\s;&|(])(curl|wget)\s"));
static ASSIGN: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[\s;&|(])([A-Za-z_]\w*)=('[^'\n]*'|\x22[^\x22\n]*\x22|[^\s;&|)]*)"));
static EXPORT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?m)^\s*export\s+([A-Za-z_]\w*)=('[^'\n]*'|\x22[^\x22\n]*\x22|[^\s;&|)]*)")
});
/// A URL that names a release or commit: `/v3.14.0/`, `/download/1.2.3/`, `/<40 hex>/`.
static PINNED_URL: LazyLock<Regex> =
    LazyLock::new(|| re(r"https?://\S*/(v?\d+\.\d+(\.\d+)?[\w.+-]*|[0-9a-f]{40})/"));
/// An installer argument that pins: `sh -s -- --version v3.14.0`.
static VERSION_ARG: LazyLock<Regex> = LazyLock::new(|| re(r"\s--version[=\s]+[^\s-]"));
static CHECKSUM: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(sha256sum|sha512sum|shasum|gpg\s+--verify|cosign\s+verify)\b"));

impl Rule for PipeToShell {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let extra = &cx.config.options.pipe_to_shell.version_variables;
        let mut out = Vec::new();
        for r in retry::each_region(cx.project) {
            check_region(cx, &r, extra, &mut out);
        }
        out
    }
}

fn pins(name: &str, value: &str, extra: &[String]) -> bool {
    let value = value.trim_matches(['"', '\'']);
    let version =
        name == "VERSION" || name.ends_with("_VERSION") || extra.iter().any(|e| e == name);
    version && !value.is_empty() && !matches!(value, "latest" | "stable" | "testing")
}

fn check_region(cx: &Context<'_>, r: &Region<'_>, extra: &[String], out: &mut Vec<Diagnostic>) {
    let Region {
        file,
        script,
        a,
        lib,
        ..
    } = *r;
    let region = r.range.clone();
    let code = &a.code;
    // Every finding downloads with one of them; this spares compiling the patterns for the
    // scripts that do not.
    if !code.contains("curl") && !code.contains("wget") {
        return;
    }
    // (span, where its statement starts, how to name it)
    let mut found: Vec<(Range<usize>, usize, String)> = Vec::new();
    for caps in PIPE.captures_iter(code) {
        let (Some(all), Some(shell)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        // The pipeline's left side must download: `curl …`/`wget -qO- …`.
        let line_start = code[..all.start()].rfind('\n').map_or(0, |p| p + 1);
        let left = &code[line_start..all.start()];
        let stmt = left.rfind([';']).map_or(0, |p| p + 1);
        let stmt = left[stmt..].rfind("&&").map_or(stmt, |p| stmt + p + 2);
        let Some(fetch) = FETCH.captures(&left[stmt..]).and_then(|c| c.get(1)) else {
            continue;
        };
        if !a.runs_as_command(line_start + stmt + fetch.start(), lib) {
            continue;
        }
        let name = format!("{} … | {}", fetch.as_str(), shell.as_str());
        found.push((all.start()..shell.end(), line_start + stmt, name));
    }
    for caps in SUBSTITUTED.captures_iter(code) {
        let (Some(all), Some(shell)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        if !a.runs_as_command(shell.start(), lib) {
            continue;
        }
        let line_start = code[..all.start()].rfind('\n').map_or(0, |p| p + 1);
        let head = code[shell.start()..all.end()]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let quote = if head.contains("\"$(") { "\"" } else { "" };
        let name = format!("{head} …){quote}");
        found.push((shell.start()..all.end(), line_start, name));
    }
    found.sort_by_key(|f| f.0.start);
    for (span, stmt_start, what) in found {
        let stmt_end = code[span.end..]
            .find('\n')
            .map_or(code.len(), |p| span.end + p);
        let statement = &code[stmt_start..stmt_end];
        let pinned_here = ASSIGN.captures_iter(statement).any(|c| {
            pins(
                c.get(1).map_or("", |m| m.as_str()),
                c.get(2).map_or("", |m| m.as_str()),
                extra,
            )
        });
        let exported = EXPORT.captures_iter(&code[..stmt_start]).any(|c| {
            pins(
                c.get(1).map_or("", |m| m.as_str()),
                c.get(2).map_or("", |m| m.as_str()),
                extra,
            )
        });
        if pinned_here
            || exported
            || PINNED_URL.is_match(statement)
            || VERSION_ARG.is_match(&code[span.end..stmt_end])
            || CHECKSUM.is_match(statement)
        {
            continue;
        }
        let host = script.host_span(region.start + span.start, region.start + span.end);
        out.push(
            cx.report(
                &META,
                file,
                host,
                format!(
                    "{} runs `{what}` unpinned: it installs whatever the URL serves on the day the node boots",
                    script.origin
                ),
            )
            .label("no version pinned, no checksum")
            .help("a node booted next month installs a different release than the one booted today (or fails when the upstream script changes), and nodes of one cluster drift apart. Pin the version the installer installs, e.g. `curl -sfL https://get.k3s.io | INSTALL_K3S_VERSION=v1.30.2+k3s1 sh -` or `export INSTALL_RKE2_VERSION=v1.30.2+rke2r1` earlier, or download the script, check it with `sha256sum -c` and then run it"),
        );
    }
}
