//! Helm values wherever they live: values files, HelmChart `valuesContent`, HelmRelease
//! `spec.values`, Fleet `helm.values`.

use super::kubernetes::K8sObject;
use super::{join, Project};
use crate::parse::yaml::{YNode, YValue};
use crate::source::{FileId, SourceFile, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValuesSource {
    File,
    HelmChartValuesContent,
    HelmReleaseValues,
    FleetValues,
}

#[derive(Clone, Debug)]
pub struct HelmValues {
    pub file: FileId,
    pub source: ValuesSource,
    /// The chart the values are for, when it can be told (`ingress-nginx`, `rke2-ingress-nginx`).
    pub chart: Option<String>,
    pub root: YNode,
    /// Where the values sit in the file (the whole file for a values file).
    pub span: Span,
    /// Values that `root` is layered over, lowest first (a Fleet bundle's `valuesFiles`).
    pub base: Vec<(FileId, YNode)>,
    /// Some values come from where infralint cannot see (`valuesFrom` ConfigMaps and Secrets).
    pub partial: bool,
    /// A values file a Fleet bundle layers under its own values; judge it there, not alone.
    pub layered: bool,
}

impl HelmValues {
    pub fn new(
        file: FileId,
        source: ValuesSource,
        chart: Option<String>,
        root: YNode,
        span: Span,
    ) -> Self {
        HelmValues {
            file,
            source,
            chart,
            root,
            span,
            base: Vec::new(),
            partial: false,
            layered: false,
        }
    }

    /// The value at `keys` and the file it is in, the top layer winning.
    pub fn lookup(&self, keys: &[&str]) -> Option<(FileId, &YNode)> {
        std::iter::once((self.file, &self.root))
            .chain(self.base.iter().rev().map(|(f, n)| (*f, n)))
            .find_map(|(f, n)| n.path(keys).map(|v| (f, v)))
    }
}

/// The chart name in a chart reference: `ingress-nginx`, `oci://r/x/ingress-nginx`,
/// `https://…/ingress-nginx-4.11.0.tgz` all give `ingress-nginx`.
pub fn chart_name(reference: &str) -> String {
    let last = reference
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(reference);
    match last.strip_suffix(".tgz") {
        Some(stem) => match stem
            .rfind('-')
            .filter(|&i| stem[i + 1..].starts_with(|c: char| c.is_ascii_digit()))
        {
            Some(i) => stem[..i].to_string(),
            None => stem.to_string(),
        },
        None => last.to_string(),
    }
}

/// `Some(chart)` for a Helm values file: `values.yaml`, `<chart>.values.yaml`.
pub(crate) fn values_file_chart(
    project: &Project,
    id: FileId,
    name: &str,
) -> Option<Option<String>> {
    let stem = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))?;
    if let Some(chart) = stem.strip_suffix(".values") {
        return Some(Some(chart.to_string()));
    }
    if stem != "values" {
        return None;
    }
    let dir = project.dir_of(id);
    let chart_yaml = join(dir, "Chart.yaml").and_then(|p| project.file_by_rel(&p));
    let chart = chart_yaml.and_then(|c| {
        project
            .yaml(c)?
            .docs
            .first()?
            .root
            .str_at(&["name"])
            .map(str::to_string)
    });
    Some(chart)
}

/// A `fleet.yaml`'s Helm values, and the values files it names with their chart.
#[derive(Default)]
pub(crate) struct FleetValues {
    pub values: Option<HelmValues>,
    pub files: Vec<(FileId, Option<String>)>,
}

pub(crate) fn fleet(project: &Project, id: FileId, root: &YNode) -> FleetValues {
    let mut out = FleetValues::default();
    let Some(helm) = root.get("helm") else {
        return out;
    };
    let chart = helm
        .str_at(&["chart"])
        .or_else(|| helm.str_at(&["releaseName"]))
        .map(chart_name);
    let dir = project.dir_of(id);
    let mut base = Vec::new();
    for path in helm
        .get("valuesFiles")
        .map(YNode::items)
        .unwrap_or_default()
        .iter()
        .filter_map(YNode::as_str)
    {
        let Some(target) = join(dir, path).and_then(|p| project.file_by_rel(&p)) else {
            continue;
        };
        if let Some(doc) = project.yaml(target).and_then(|y| y.docs.first()) {
            out.files.push((target, chart.clone()));
            base.push((target, doc.root.clone()));
        }
    }
    // Fleet merges `valuesFiles` in order, then `values` on top: judge them together.
    let top = helm.get("values").cloned();
    if top.is_some() || !base.is_empty() {
        let root = top.unwrap_or(YNode {
            span: Span::default(),
            tag: None,
            value: YValue::Map(Vec::new()),
        });
        let span = root.span;
        out.values = Some(HelmValues {
            base,
            ..HelmValues::new(id, ValuesSource::FleetValues, chart, root, span)
        });
    }
    out
}

/// Values embedded in HelmChart/HelmChartConfig (`valuesContent`) and HelmRelease (`values`).
pub(crate) fn embedded_values(
    src: &SourceFile,
    obj: &K8sObject,
    root: &YNode,
    values: &mut Vec<HelmValues>,
) {
    if obj.is("helm.cattle.io", &["HelmChart", "HelmChartConfig"]) {
        let chart = root
            .str_at(&["spec", "chart"])
            .or(obj.name.as_deref())
            .map(chart_name);
        if let Some(content) = root.path(&["spec", "valuesContent"]) {
            if let Some(parsed) = parse_block_scalar(src, content) {
                values.push(HelmValues::new(
                    obj.file,
                    ValuesSource::HelmChartValuesContent,
                    chart,
                    parsed,
                    content.span,
                ));
            }
        }
    } else if obj.is("helm.toolkit.fluxcd.io", &["HelmRelease"]) {
        let chart = root
            .str_at(&["spec", "chart", "spec", "chart"])
            .or_else(|| root.str_at(&["spec", "chartRef", "name"]))
            .map(chart_name);
        if let Some(v) = root.path(&["spec", "values"]) {
            let partial = root
                .path(&["spec", "valuesFrom"])
                .is_some_and(|f| !f.items().is_empty());
            values.push(HelmValues {
                partial,
                ..HelmValues::new(
                    obj.file,
                    ValuesSource::HelmReleaseValues,
                    chart,
                    v.clone(),
                    v.span,
                )
            });
        }
    }
}

/// Parses the YAML inside a block scalar in place, so its spans point into the host file.
fn parse_block_scalar(src: &SourceFile, node: &YNode) -> Option<YNode> {
    use crate::parse::yaml::Style;
    if !matches!(node.style(), Some(Style::Literal | Style::Folded)) {
        let stream = crate::parse::yaml::parse(node.as_str()?, 0);
        // Quoted or plain: offsets cannot be mapped back; point everything at the scalar.
        return stream
            .docs
            .into_iter()
            .next()
            .map(|d| relocate(d.root, node.span));
    }
    let (line, _) = src.line_col(node.span.start);
    let start = src.line_start(line - 1);
    let stream = crate::parse::yaml::parse(&src.text[start..node.span.end.max(start)], start);
    if stream.error.is_some() {
        return None;
    }
    stream.docs.into_iter().next().map(|d| d.root)
}

fn relocate(mut node: YNode, span: Span) -> YNode {
    node.span = span;
    match &mut node.value {
        YValue::Seq(items) => {
            for item in items.iter_mut() {
                *item = relocate(item.clone(), span);
            }
        }
        YValue::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                *k = relocate(k.clone(), span);
                *v = relocate(v.clone(), span);
            }
        }
        _ => {}
    }
    node
}

#[cfg(test)]
mod tests {
    #[test]
    fn chart_names() {
        assert_eq!(super::chart_name("ingress-nginx"), "ingress-nginx");
        assert_eq!(
            super::chart_name("oci://ghcr.io/x/ingress-nginx"),
            "ingress-nginx"
        );
        assert_eq!(
            super::chart_name("https://h/ingress-nginx-4.11.0.tgz"),
            "ingress-nginx"
        );
    }
}
