//! Formats for CI systems: SARIF 2.1.0, GitLab Code Quality, GitHub workflow commands, JUnit.

use super::shown_path;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::ALL;
use crate::Run;
use serde_json::{json, Value};

/// A fingerprint that survives line shifts: rule, path, the message with its numbers masked,
/// and the flagged source text. FNV-1a, so it is the same on every platform and Rust version.
pub fn fingerprint(run: &Run, d: &Diagnostic) -> String {
    let file = &run.files[d.file];
    let message: String = d
        .message
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect();
    let text: String = file
        .slice(d.span)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [d.rule, file.rel.as_str(), &message, &text] {
        for b in part.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// A path as an RFC 3986 relative reference.
fn uri(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn location(run: &Run, file: usize, span: crate::source::Span) -> Value {
    let src = &run.files[file];
    let (line, column) = src.line_col(span.start);
    let (end_line, end_column) = src.line_col(span.end.max(span.start));
    let path = shown_path(run, &src.rel, false);
    let artifact = if path.starts_with('/') {
        json!({ "uri": format!("file://{}", uri(&path)) })
    } else {
        json!({ "uri": uri(&path), "uriBaseId": "%SRCROOT%" })
    };
    json!({ "physicalLocation": { "artifactLocation": artifact, "region": { "startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column.max(if end_line == line { column + 1 } else { 1 }) } } })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// SARIF 2.1.0: one run, every enabled rule in the driver, cross-file evidence as related
/// locations. `src_root` is the directory `%SRCROOT%` stands for.
pub fn sarif(
    runs: &[Run],
    enabled: &dyn Fn(&str) -> bool,
    src_root: &str,
    include_suppressed: bool,
) -> String {
    let rules: Vec<&'static crate::rules::RuleMeta> = ALL
        .iter()
        .map(|r| r.meta())
        .filter(|m| enabled(m.id))
        .collect();
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|m| {
            json!({
                "id": m.id,
                "name": m.id.replace(['/', '-'], "_"),
                "shortDescription": { "text": m.summary },
                "fullDescription": { "text": m.summary },
                "help": { "text": m.summary, "markdown": m.doc },
                "defaultConfiguration": { "level": level(m.severity) },
            })
        })
        .collect();
    let mut results = Vec::new();
    for run in runs {
        results.extend(run.diagnostics.iter().map(|d| result(run, d, &rules)));
        if include_suppressed {
            for (d, reason) in &run.suppressed {
                let mut r = result(run, d, &rules);
                r["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
                results.push(r);
            }
        }
    }
    let root = if src_root.ends_with('/') {
        src_root.to_string()
    } else {
        format!("{src_root}/")
    };
    let out = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "infralint", "version": env!("CARGO_PKG_VERSION"), "informationUri": "https://crates.io/crates/infralint", "rules": descriptors } },
            "originalUriBaseIds": { "%SRCROOT%": { "uri": format!("file://{}", uri(&root)) } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&out).expect("JSON values always serialise") + "\n"
}

/// One SARIF result; `rules` are the driver's, for `ruleIndex`.
fn result(run: &Run, d: &Diagnostic, rules: &[&'static crate::rules::RuleMeta]) -> Value {
    let related: Vec<Value> = d
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut l = location(run, r.file, r.span);
            l["id"] = json!(i);
            l["message"] = json!({ "text": r.message });
            l
        })
        .collect();
    let text = match &d.help {
        Some(h) => format!("{}\n{h}", d.message),
        None => d.message.clone(),
    };
    let mut result = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [location(run, d.file, d.span)],
        "partialFingerprints": { "infralint/v1": fingerprint(run, d) },
    });
    if let Some(i) = rules.iter().position(|m| m.id == d.rule) {
        result["ruleIndex"] = json!(i);
    }
    if !related.is_empty() {
        result["relatedLocations"] = json!(related);
    }
    result
}

/// GitLab Code Quality: the JSON array its merge request widget reads.
pub fn gitlab(runs: &[Run]) -> String {
    let mut out = Vec::new();
    for run in runs {
        for d in &run.diagnostics {
            let (line, _) = run.files[d.file].line_col(d.span.start);
            let severity = match d.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
                Severity::Info => "info",
            };
            out.push(json!({
                "description": d.message,
                "check_name": d.rule,
                "fingerprint": fingerprint(run, d),
                "severity": severity,
                "location": { "path": shown_path(run, &run.files[d.file].rel, false), "lines": { "begin": line } },
            }));
        }
    }
    serde_json::to_string_pretty(&out).expect("JSON values always serialise") + "\n"
}

/// GitHub shows at most this many annotations of one job; more are summarised.
const GITHUB_SHOWN: usize = 50;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub workflow commands: one annotation per finding.
pub fn github(runs: &[Run]) -> String {
    let mut out = String::new();
    let mut total = 0;
    for run in runs {
        for d in &run.diagnostics {
            total += 1;
            let file = &run.files[d.file];
            let (line, col) = file.line_col(d.span.start);
            let (end_line, end_col) = file.line_col(d.span.end);
            let kind = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let text = match &d.help {
                Some(h) => format!("{}\n{h}", d.message),
                None => d.message.clone(),
            };
            out.push_str(&format!(
                "::{kind} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}\n",
                escape_property(&shown_path(run, &file.rel, false)),
                escape_property(d.rule),
                escape_data(&text)
            ));
        }
    }
    if total > GITHUB_SHOWN {
        out.push_str(&format!("::notice title=infralint::{total} findings; GitHub shows only the first {GITHUB_SHOWN} annotations of a job. Run infralint locally or upload the SARIF report for the full list.\n"));
    }
    out
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// JUnit XML: one test case per rule and file with findings, failing with them.
pub fn junit(runs: &[Run]) -> String {
    let mut cases: std::collections::BTreeMap<(String, &str), Vec<String>> = Default::default();
    let mut files = 0;
    for run in runs {
        files += run.files.len();
        for d in &run.diagnostics {
            let file = &run.files[d.file];
            let (line, col) = file.line_col(d.span.start);
            let path = shown_path(run, &file.rel, false);
            cases
                .entry((path.clone(), d.rule))
                .or_default()
                .push(format!(
                    "{path}:{line}:{col}: {}[{}] {}",
                    d.severity.as_str(),
                    d.rule,
                    d.message
                ));
        }
    }
    let failures = cases.len();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"infralint\" tests=\"{}\" failures=\"{failures}\">\n",
        failures.max(1)
    ));
    out.push_str(&format!(
        "  <testsuite name=\"infralint\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">\n",
        failures.max(1)
    ));
    if cases.is_empty() {
        out.push_str(&format!(
            "    <testcase classname=\"infralint\" name=\"{files} files\"/>\n"
        ));
    }
    for ((path, rule), findings) in &cases {
        out.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\">\n",
            xml(rule),
            xml(path)
        ));
        out.push_str(&format!(
            "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
            xml(&format!("{} finding(s)", findings.len())),
            xml(rule),
            xml(&findings.join("\n"))
        ));
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
