use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Project, Role};
use crate::rules::{Context, Rule, RuleMeta};
use crate::schema::deprecations::{minor, Deprecation, Owner, DEPRECATIONS};
use std::collections::HashMap;

pub struct DeprecatedApi;

static META: RuleMeta = RuleMeta {
    id: "k8s/deprecated-api",
    severity: Severity::Warning,
    summary: "An object uses an apiVersion that is deprecated or removed (Kubernetes, Flux, cert-manager, external-secrets)",
    doc: include_str!("../../../rules/k8s/deprecated-api.md"),
};

impl Rule for DeprecatedApi {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let version = cx.config.k8s_version();
        let installed = installed(p);
        let mut out = Vec::new();
        for o in &p.k8s {
            let Some(d) = DEPRECATIONS.iter().find(|d| {
                d.api_version == o.api_version
                    && (d.kinds.is_empty() || d.kinds.contains(&o.kind.as_str()))
            }) else {
                continue;
            };
            let Some(message) = message(d, version, &installed) else {
                continue;
            };
            let span = p.doc(o).get("apiVersion").map_or(o.span, |n| n.span);
            out.push(
                cx.report(
                    &META,
                    o.file,
                    span,
                    format!("{} `{}` {message}", o.kind, o.api_version),
                )
                .label(if message.starts_with("was removed") {
                    "removed apiVersion"
                } else {
                    "deprecated apiVersion"
                })
                .help(format!(
                    "use {} instead; the controller stops serving the old version after the removal, and the apply fails. Source: {}",
                    d.replacement, d.source
                )),
            );
        }
        out
    }
}

/// What to say about `d` for the selected Kubernetes `version` and the controller releases the
/// repository pins; None when it is not deprecated there yet.
fn message(
    d: &Deprecation,
    version: &str,
    installed: &HashMap<&str, (u32, u32)>,
) -> Option<String> {
    let (owner, at) = match d.owner {
        Owner::Kubernetes => ("Kubernetes", minor(version)),
        Owner::Project(name) => (name, installed.get(name).copied()),
    };
    let Some(at) = at else {
        // The controller's release is unknown: say what is known, without judging it.
        return Some(match (d.deprecated_in, d.removed_in) {
            (_, Some(r)) => format!("was removed in {owner} {r}"),
            (Some(dep), None) => format!("is deprecated since {owner} {dep}"),
            (None, None) => format!("is deprecated by {owner}"),
        });
    };
    let shown = format!("{}.{}", at.0, at.1);
    let reached = |v: Option<&str>| v.and_then(minor).is_some_and(|v| v <= at);
    if reached(d.removed_in) {
        Some(format!(
            "was removed in {owner} {}, and the repository targets {owner} {shown}",
            d.removed_in.unwrap_or_default()
        ))
    } else if reached(d.deprecated_in) {
        Some(match d.removed_in {
            Some(r) => format!(
                "is deprecated since {owner} {} and removed in {r} (the repository targets {shown})",
                d.deprecated_in.unwrap_or_default()
            ),
            None => format!(
                "is deprecated since {owner} {} (the repository targets {shown})",
                d.deprecated_in.unwrap_or_default()
            ),
        })
    } else {
        None
    }
}

/// Charts whose version is the controller's release.
const CHARTS: &[(&str, &str)] = &[
    ("cert-manager", "cert-manager"),
    ("external-secrets", "External Secrets Operator"),
];

/// The newest release of each controller the repository pins: a Flux bootstrap's
/// `# Flux Version:` header, or the chart version of a Flux HelmRelease, an RKE2 HelmChart or a
/// Fleet bundle that installs it.
fn installed(p: &Project) -> HashMap<&'static str, (u32, u32)> {
    let mut out: HashMap<&'static str, (u32, u32)> = HashMap::new();
    let mut note = |name: &'static str, v: Option<&str>| {
        if let Some(v) = v.and_then(minor) {
            let e = out.entry(name).or_insert(v);
            *e = (*e).max(v);
        }
    };
    // Flux writes its version at the top of gotk-components.yaml; one search over each text
    // rules out the rest more cheaply than splitting every file into lines.
    for f in p
        .files
        .iter()
        .filter(|f| f.text.contains("# Flux Version:"))
    {
        if let Some(v) = f
            .text
            .lines()
            .take(5)
            .find_map(|l| l.trim().strip_prefix("# Flux Version:"))
        {
            note("Flux", Some(v.trim()));
        }
    }
    let charts = p.k8s.iter().filter_map(|o| {
        let doc = p.doc(o);
        if o.is("helm.toolkit.fluxcd.io", &["HelmRelease"]) {
            Some((
                doc.str_at(&["spec", "chart", "spec", "chart"]),
                doc.str_at(&["spec", "chart", "spec", "version"]),
            ))
        } else if o.is("helm.cattle.io", &["HelmChart"]) {
            Some((
                doc.str_at(&["spec", "chart"]),
                doc.str_at(&["spec", "version"]),
            ))
        } else {
            None
        }
    });
    let bundles = (0..p.files.len())
        .filter(|&f| p.roles[f] == Role::Fleet)
        .filter_map(|f| p.yaml(f)?.docs.first())
        .map(|d| {
            (
                d.root.str_at(&["helm", "chart"]),
                d.root.str_at(&["helm", "version"]),
            )
        });
    for (chart, version) in charts.chain(bundles).collect::<Vec<_>>() {
        let chart = chart.map(|c| c.rsplit('/').next().unwrap_or(c));
        if let Some((_, name)) = CHARTS.iter().find(|(c, _)| Some(*c) == chart) {
            note(name, version);
        }
    }
    out
}
