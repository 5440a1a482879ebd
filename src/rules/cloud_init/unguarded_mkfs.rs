use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity;
use crate::model::retry::{self, re, Analysis, Region};
use crate::model::shell;
use crate::parse::yaml::YNode;
use crate::rules::{Context, Rule, RuleMeta};
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;

pub struct UnguardedMkfs;

static META: RuleMeta = RuleMeta {
    id: "cloud-init/unguarded-mkfs",
    severity: Severity::Error,
    summary: "A boot script formats a disk without first checking that it has no filesystem",
    doc: include_str!("../../../rules/cloud-init/unguarded-mkfs.md"),
};

/// `mkfs`, `mkfs.ext4`, `/sbin/mkfs.xfs`, `mke2fs`: group 1 is a leading path, group 2 the
/// command word.
static MKFS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^\w/.-])((?:/[\w.-]+)*/)?(mkfs(?:\.\w+)?|mke2fs)(?:[\s;)]|$)"));
/// Commands that tell whether a device already holds a filesystem.
static PROBE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(blkid|lsblk|findfs|dumpe2fs|e2label|xfs_admin|tune2fs\s+-l|file\s+(-\w+\s+)*-\w*s\w*)\b",
    )
});
/// `if`/`case` opening and `fi`/`esac` closing, as words.
static CONDITIONAL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[\s;&|(!])(if|case|fi|esac)(?:[\s;)]|$)"));
static ASSIGN: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*(?:(?:local|export|readonly)\s+)?([A-Za-z_]\w*)="));
/// Leaving without an error: the script, the function or this disk's loop iteration.
static LEAVES: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)\b(?:exit|return)(?:\s+0)?\s*(?:;|$)|\bcontinue\b"));
static FI: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^|[\s;])fi(?:[\s;)]|$)"));

/// Devices with nothing worth keeping, formatted on every boot by design.
const EPHEMERAL: &[&str] = &["/dev/disk/cloud/azure_resource*", "/dev/zram*", "/dev/ram*"];

const HELP: &str = "a data disk outlives its VM; when the VM is rebuilt, cloud-init runs again and formatting erases everything on the disk. Format only a disk that has no filesystem yet:\n  blkid \"$DEV\" || mkfs.ext4 \"$DEV\"\nor\n  if [ -z \"$(blkid -o value -s TYPE \"$DEV\")\" ]; then mkfs.ext4 \"$DEV\"; fi\nor let cloud-init do it with `fs_setup` (`overwrite: false`, the default)";

impl Rule for UnguardedMkfs {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let opts = &cx.config.options.unguarded_mkfs;
        let ephemeral: Vec<&str> = EPHEMERAL
            .iter()
            .copied()
            .chain(opts.ephemeral_devices.iter().map(String::as_str))
            .collect();
        let mut out = Vec::new();
        for r in retry::each_region(cx.project) {
            check_region(cx, &r, &ephemeral, &mut out);
        }
        let files: BTreeSet<usize> = cx.project.cloud_init.iter().map(|c| c.file).collect();
        for file in files {
            let Some(stream) = cx.project.yaml(file) else {
                continue;
            };
            for doc in &stream.docs {
                fs_setup(cx, file, &doc.root, &ephemeral, &mut out);
            }
        }
        out
    }
}

fn ephemeral_device(dev: &str, patterns: &[&str]) -> bool {
    patterns.iter().any(|p| match p.strip_suffix('*') {
        Some(prefix) => dev.starts_with(prefix),
        None => dev == *p,
    })
}

/// `fs_setup: [{device: …, overwrite: true}]` reformats the device on every run.
fn fs_setup(
    cx: &Context<'_>,
    file: usize,
    root: &YNode,
    ephemeral: &[&str],
    out: &mut Vec<Diagnostic>,
) {
    for entry in root.get("fs_setup").map(YNode::items).unwrap_or_default() {
        let Some(overwrite) = entry.get("overwrite") else {
            continue;
        };
        if overwrite.as_bool() != Some(true) {
            continue;
        }
        let device = entry.str_at(&["device"]).unwrap_or("?");
        if device.starts_with("ephemeral") || ephemeral_device(device, ephemeral) {
            continue;
        }
        out.push(
            cx.report(
                &META,
                file,
                overwrite.span,
                format!("`fs_setup` formats `{device}` with `overwrite: true`, even when it already holds a filesystem"),
            )
            .label("reformats the disk whenever cloud-init runs")
            .help(format!("{HELP}; drop `overwrite: true` (cloud-init then formats only a blank device)")),
        );
    }
}

fn check_region(cx: &Context<'_>, r: &Region<'_>, ephemeral: &[&str], out: &mut Vec<Diagnostic>) {
    let Region {
        file,
        script,
        a,
        lib,
        ..
    } = *r;
    let region = r.range.clone();
    let code = &a.code;
    // Most scripts format nothing; this spares compiling the patterns for them.
    if !code.contains("mkfs") && !code.contains("mke2fs") {
        return;
    }
    for caps in MKFS.captures_iter(code) {
        let (Some(word), start) = (
            caps.get(2),
            caps.get(1).or(caps.get(2)).map_or(0, |m| m.start()),
        ) else {
            continue;
        };
        if !a.runs_as_command(start, lib) {
            continue;
        }
        let Some(device) = target(code, start) else {
            continue;
        };
        if ephemeral_device(device.trim_matches(['"', '\'']), ephemeral)
            || guarded(a, word.start(), 0)
        {
            continue;
        }
        let span = script.host_span(region.start + word.start(), region.start + word.end());
        out.push(
            cx.report(
                &META,
                file,
                span,
                format!(
                    "`{}` in {} formats `{device}` without first checking that it has no filesystem",
                    word.as_str(),
                    script.origin
                ),
            )
            .label("formats the disk again on every rebuild")
            .help(HELP),
        );
    }
}

/// The device a `mkfs` command at `at` formats, when it is a block device or a variable that
/// may hold one; `None` for an image file (`mkfs.ext4 /tmp/disk.img`) or no operand.
fn target(code: &str, at: usize) -> Option<&str> {
    let words = shell::command_words(code, at);
    let positional: Vec<&str> = words
        .iter()
        .skip(1)
        .map(|w| &code[w.clone()])
        .filter(|w| !w.starts_with('-'))
        .collect();
    positional.iter().copied().find(|w| {
        let bare = w.trim_matches(['"', '\'']);
        bare.starts_with("/dev/") || bare.starts_with('$')
    })
}

/// Whether the `mkfs` at `at` only runs when a probe found no filesystem.
fn guarded(a: &Analysis, at: usize, depth: usize) -> bool {
    let code = &a.code;
    let before = &code[..at];
    // Variables holding a probe's answer: `FSTYPE=$(blkid -o value -s TYPE "$DEV")`.
    let vars: Vec<&str> = before
        .lines()
        .filter(|l| PROBE.is_match(l))
        .filter_map(|l| {
            ASSIGN
                .captures(l)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str())
        })
        .collect();
    let probes = |text: &str| {
        PROBE.is_match(text)
            || vars
                .iter()
                .any(|v| text.contains(&format!("${v}")) || text.contains(&format!("${{{v}")))
    };
    // `blkid "$DEV" || mkfs …`, `[ -z "$FS" ] && mkfs …`.
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    if probes(&before[line_start..]) {
        return true;
    }
    // Inside `if ! blkid …; then` / `case "$FS" in "") …`.
    let mut open: Vec<usize> = Vec::new();
    for c in CONDITIONAL.captures_iter(before) {
        let Some(m) = c.get(1) else { continue };
        match m.as_str() {
            "if" | "case" => open.push(m.start()),
            _ => {
                open.pop();
            }
        }
    }
    if open.iter().any(|&p| probes(&before[p..])) {
        return true;
    }
    // An earlier probe that leaves: `blkid "$DEV" && exit 0`, `if [ -n "$FS" ]; then exit 0; fi`.
    let mut line_at = 0;
    for line in before.split_inclusive('\n') {
        let from = line_at;
        line_at += line.len();
        if !probes(line) {
            continue;
        }
        let scope_end = match line.trim_start().starts_with("if") {
            true => FI.find_at(before, from).map_or(before.len(), |m| m.end()),
            false => line_at,
        };
        if LEAVES.is_match(&before[from..scope_end]) {
            return true;
        }
    }
    // In a function: every call must be guarded.
    if depth == 0 {
        if let Some(f) = a.sh.functions.iter().find(|f| f.body.contains(&at)) {
            let calls: Vec<usize> = retry::calls(code, &f.name)
                .filter(|c| !f.body.contains(c))
                .collect();
            return !calls.is_empty() && calls.iter().all(|&c| guarded(a, c, depth + 1));
        }
    }
    false
}
