//! Helm values wherever they live: values files, HelmChart `valuesContent`, HelmRelease
//! `spec.values`, Fleet `helm.values`.

use crate::parse::yaml::YNode;
use crate::source::{FileId, Span};

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
