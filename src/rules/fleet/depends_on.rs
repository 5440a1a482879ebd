use crate::diagnostic::{Diagnostic, Severity};
use crate::model::gitops::{bundle_name, BundleDep};
use crate::model::join;
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};

pub struct DependsOn;

static META: RuleMeta = RuleMeta {
    id: "fleet/depends-on",
    severity: Severity::Error,
    summary: "A fleet.yaml dependsOn names no bundle the GitRepos produce",
    doc: include_str!("../../../rules/fleet/depends-on.md"),
};

impl Rule for DependsOn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        // Bundles the GitRepos produce: each fleet.yaml directory under a path, and the path.
        let mut produced: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for g in &p.git_repos {
            for path in g.paths.iter().filter_map(|(raw, _)| join("", raw)) {
                let bundles: Vec<_> = p.bundles_under(&path).map(|b| &p.bundles[b]).collect();
                if !bundles.iter().any(|b| b.dir == path) {
                    produced.push((bundle_name(&g.name, &path), Vec::new()));
                }
                produced.extend(bundles.iter().map(|b| {
                    (
                        b.name
                            .clone()
                            .unwrap_or_else(|| bundle_name(&g.name, &b.dir)),
                        b.labels.clone(),
                    )
                }));
            }
        }
        // Without a GitRepo in view the names cannot be known.
        if produced.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for b in &p.bundles {
            for (dep, span) in &b.depends_on {
                // Selectors match labels Fleet may add beyond fleet.yaml's: not judged.
                let BundleDep::Name(name) = dep else { continue };
                // Fleet shortens names over 63 characters with a hash suffix.
                if produced.iter().any(|(n, _)| {
                    n == name || (n.len() > 63 && name.len() >= 40 && n.starts_with(&name[..40]))
                }) {
                    continue;
                }
                // Never suggest the bundle itself.
                let own: Vec<String> = p
                    .git_repos
                    .iter()
                    .map(|g| {
                        b.name
                            .clone()
                            .unwrap_or_else(|| bundle_name(&g.name, &b.dir))
                    })
                    .collect();
                let hint = did_you_mean(
                    name,
                    produced
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .filter(|n| !own.iter().any(|o| o == n)),
                );
                out.push(cx.report(&META, b.file, *span, format!("dependsOn names bundle `{name}`, which no GitRepo produces{hint}")).label("never resolves").help("Fleet waits for it forever and never deploys this bundle; bundle names are `<GitRepo name>-<path with / as ->`, or the `name:` set in its fleet.yaml"));
            }
        }
        out
    }
}
