use crate::diagnostic::{Diagnostic, Severity};
use crate::model::helm::chart_name;
use crate::model::join;
use crate::rules::{Context, Rule, RuleMeta};

pub struct SelfManaged;

static META: RuleMeta = RuleMeta {
    id: "fleet/self-managed",
    severity: Severity::Error,
    summary: "A Fleet GitRepo includes the directory that installs Fleet itself",
    doc: include_str!("../../../rules/fleet/self-managed.md"),
};

impl Rule for SelfManaged {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        // Where Fleet is installed from: its HelmCharts, and each GitRepo's own manifest.
        let mut installs: Vec<(String, usize, crate::source::Span, String)> = p
            .k8s
            .iter()
            .filter(|o| o.is("helm.cattle.io", &["HelmChart"]))
            .filter(|o| {
                p.doc(o)
                    .str_at(&["spec", "chart"])
                    .map(chart_name)
                    .is_some_and(|c| c == "fleet" || c == "fleet-crd")
            })
            .map(|o| {
                (
                    p.dir_of(o.file).to_string(),
                    o.file,
                    o.span,
                    format!(
                        "the HelmChart `{}` that installs Fleet",
                        o.name.as_deref().unwrap_or("fleet")
                    ),
                )
            })
            .collect();
        installs.extend(p.git_repos.iter().map(|g| {
            (
                p.dir_of(g.file).to_string(),
                g.file,
                p.k8s[g.object].span,
                format!("GitRepo `{}` itself", g.name),
            )
        }));
        let mut out = Vec::new();
        for g in &p.git_repos {
            for (raw, span) in &g.paths {
                let Some(path) = join("", raw) else { continue };
                let below = format!("{path}/");
                let Some((dir, file, at, what)) = installs
                    .iter()
                    .find(|(d, ..)| path.is_empty() || *d == path || d.starts_with(&below))
                else {
                    continue;
                };
                out.push(
                    cx.report(&META, g.file, *span, format!("GitRepo `{}` deploys `{raw}`, which holds {what} ({dir})", g.name))
                        .label("Fleet would manage its own installation")
                        .related(*file, *at, "installed from here")
                        .help("leave the Fleet install directory out of spec.paths: RKE2's helm-controller already reconciles it, and two controllers fighting over Fleet restart its agents"),
                );
            }
        }
        out
    }
}
