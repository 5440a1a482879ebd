use crate::diagnostic::{Diagnostic, Severity};
use crate::model::join;
use crate::rules::{did_you_mean_path, Context, Rule, RuleMeta};

pub struct GitrepoPath;

static META: RuleMeta = RuleMeta {
    id: "fleet/gitrepo-path",
    severity: Severity::Error,
    summary: "A Fleet GitRepo lists a path that does not exist in the repository",
    doc: include_str!("../../../rules/fleet/gitrepo-path.md"),
};

impl Rule for GitrepoPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let dirs = p.dirs();
        let mut out = Vec::new();
        for g in &p.git_repos {
            let checked: Vec<(Option<String>, bool)> = g
                .paths
                .iter()
                .map(|(raw, _)| {
                    join("", raw).map_or((None, true), |r| (Some(r.clone()), p.exists(&r).0))
                })
                .collect();
            // None of its paths here: the GitRepo deploys another repository.
            if !checked.iter().any(|(r, e)| r.is_some() && *e) {
                continue;
            }
            for ((raw, span), (rel, exists)) in g.paths.iter().zip(checked) {
                let Some(rel) = rel.filter(|_| !exists) else {
                    continue;
                };
                let hint = did_you_mean_path(&rel, dirs.iter().copied());
                out.push(cx.report(&META, g.file, *span, format!("GitRepo `{}` lists `{raw}`, which does not exist in this repository{hint}", g.name)).label("no such directory").help("Fleet silently deploys nothing for it; fix the path, or remove the entry"));
            }
        }
        out
    }
}
