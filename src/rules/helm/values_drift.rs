use crate::diagnostic::{Diagnostic, Severity};
use crate::model::helm::chart_name;
use crate::parse::yaml::Style;
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::{SourceFile, Span};
use std::collections::{HashMap, HashSet};

pub struct ValuesDrift;

static META: RuleMeta = RuleMeta {
    id: "helm/values-drift",
    severity: Severity::Error,
    summary: "A HelmChart's valuesContent differs from its canonical <chart>.values.yaml",
    doc: include_str!("../../../rules/helm/values-drift.md"),
};

impl Rule for ValuesDrift {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let mut out = Vec::new();
        let templated: HashSet<usize> = p.templates.iter().map(|t| t.target).collect();
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (f, file) in p.files.iter().enumerate() {
            let name = file.rel.rsplit('/').next().unwrap_or_default();
            if name.ends_with(".values.yaml") || name.ends_with(".values.yml") {
                by_name.entry(name).or_default().push(f);
            }
        }
        for obj in p
            .k8s
            .iter()
            .filter(|o| o.is("helm.cattle.io", &["HelmChart", "HelmChartConfig"]))
        {
            // A Terraform template's valuesContent is filled in at apply time.
            if templated.contains(&obj.file) {
                continue;
            }
            let root = p.doc(obj);
            let Some(content) = root.path(&["spec", "valuesContent"]) else {
                continue;
            };
            let Some(value) = content.as_str() else {
                continue;
            };
            let chart = match obj.kind.as_str() {
                "HelmChart" => root.str_at(&["spec", "chart"]).or(obj.name.as_deref()),
                _ => obj.name.as_deref(),
            };
            let Some(chart) = chart.map(chart_name) else {
                continue;
            };
            // `${values}` alone: Terraform fills it in from elsewhere at apply time.
            if is_placeholder(value) {
                continue;
            }
            let manifest = &p.files[obj.file];
            let candidates = match cx.config.options.values_drift.pairs.get(&chart) {
                Some(path) => {
                    let prefix = cx.config.prefix(&p.root);
                    path.trim_start_matches("./")
                        .strip_prefix(prefix.as_str())
                        .and_then(|rel| p.file_by_rel(rel))
                        .into_iter()
                        .collect()
                }
                None => canonical(cx, &by_name, &chart, manifest),
            };
            let expected_of = |f: usize| {
                let text = p.files[f].text.trim_start_matches('\u{feff}');
                if manifest.text.contains("\r\n") {
                    text.replace("\r\n", "\n")
                } else {
                    text.to_string()
                }
            };
            // Several environments may keep a file of the same name; matching any one is fine.
            if candidates.iter().any(|&f| value == expected_of(f)) {
                continue;
            }
            let Some(&canon) = candidates.first() else {
                continue;
            };
            let canon_file = &p.files[canon];
            let expected = expected_of(canon);
            let kind_name = format!("{} `{}`", obj.kind, obj.name.as_deref().unwrap_or(&chart));
            let d = if value == expected.replace("\r\n", "\n") {
                cx.report(&META, obj.file, content.span, format!("valuesContent of {kind_name} differs from {} only in line endings", canon_file.rel))
                    .label("LF here, CRLF in the canonical file")
                    .related(canon, Span::new(0, canon_file.line_text(0).len().max(1)), "this file uses CRLF line endings")
                    .help("a byte-for-byte check fails on line endings too; convert the canonical file to LF (and add `*.yaml text eol=lf` to .gitattributes)")
            } else if value.trim_end_matches('\n') == expected.trim_end_matches('\n') {
                let style = if value.ends_with('\n') {
                    "`|` keeps one final newline or `|+` keeps them all"
                } else {
                    "`|-` strips the final newline"
                };
                cx.report(&META, obj.file, content.span, format!("valuesContent of {kind_name} differs from {} only in its final newlines", canon_file.rel))
                    .label("block scalar chomping changes the bytes")
                    .related(canon, Span::new(canon_file.text.len().saturating_sub(1), canon_file.text.len()), "the canonical file ends here")
                    .help(format!("{style}; choose the indicator that reproduces the file exactly (`|` for a file ending in one newline)"))
            } else {
                let line = first_difference(value, &expected);
                let here = content_line(manifest, content, line);
                let there = file_line(canon_file, line);
                let shown = |s: Option<&str>| {
                    s.map_or("(nothing: it ends earlier)".to_string(), |l| {
                        format!("`{}`", l.trim())
                    })
                };
                cx.report(&META, obj.file, here, format!("valuesContent of {kind_name} differs from {} at line {} of the values", canon_file.rel, line + 1))
                    .label(format!("here: {}", shown(value.split('\n').nth(line))))
                    .related(canon, there, format!("canonical: {}", shown(expected.split('\n').nth(line))))
                    .help(format!("the two must stay byte-identical (the values-sync-check); copy {} into valuesContent, or change both in the same commit", canon_file.rel))
            };
            out.push(d);
        }
        out
    }
}

/// `<chart>.values.yaml` nearest to the manifest (most shared leading directories).
/// Files named `<chart>.values.yaml`, nearest to the manifest first (most shared directories).
fn canonical(
    cx: &Context<'_>,
    by_name: &HashMap<&str, Vec<usize>>,
    chart: &str,
    manifest: &SourceFile,
) -> Vec<usize> {
    let shared = |rel: &str| {
        rel.split('/')
            .zip(manifest.rel.split('/'))
            .take_while(|(a, b)| a == b)
            .count()
    };
    let mut found: Vec<usize> = [
        format!("{chart}.values.yaml"),
        format!("{chart}.values.yml"),
    ]
    .iter()
    .filter_map(|n| by_name.get(n.as_str()))
    .flatten()
    .copied()
    .filter(|&f| !cx.project.files[f].text.is_empty())
    .collect();
    found.sort_by_key(|&f| (std::cmp::Reverse(shared(&cx.project.files[f].rel)), f));
    found
}

fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    v.starts_with("${") && v.ends_with('}') && v.matches("${").count() == 1
}

fn first_difference(a: &str, b: &str) -> usize {
    a.split('\n')
        .zip(b.split('\n'))
        .take_while(|(x, y)| x == y)
        .count()
}

/// The source span of line `n` of a literal block scalar's value.
fn content_line(file: &SourceFile, node: &crate::parse::yaml::YNode, n: usize) -> Span {
    if node.style() != Some(Style::Literal) {
        return node.span;
    }
    let (line, col) = file.line_col(node.span.start);
    let first = line - 1;
    let last = file
        .line_col(node.span.end.saturating_sub(1).max(node.span.start))
        .0
        - 1;
    let l = (first + n).min(last);
    let indent = col - 1;
    let start = (file.line_start(l) + indent).min(file.line_start(l) + file.line_text(l).len());
    Span::new(start, file.line_start(l) + file.line_text(l).len()).max_len(1)
}

fn file_line(file: &SourceFile, n: usize) -> Span {
    let l = n.min(file.line_count().saturating_sub(1));
    Span::new(
        file.line_start(l),
        file.line_start(l) + file.line_text(l).len(),
    )
    .max_len(1)
}

trait AtLeastOne {
    fn max_len(self, n: usize) -> Self;
}

impl AtLeastOne for Span {
    /// Empty lines still get a visible marker.
    fn max_len(self, n: usize) -> Self {
        if self.is_empty() {
            Span::new(self.start, self.start + n)
        } else {
            self
        }
    }
}
