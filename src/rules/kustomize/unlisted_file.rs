use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Role;
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;
use std::collections::HashSet;

pub struct UnlistedFile;

static META: RuleMeta = RuleMeta {
    id: "kustomize/unlisted-file",
    severity: Severity::Warning,
    summary: "A manifest sits next to a kustomization that does not list it",
    doc: include_str!("../../../rules/kustomize/unlisted-file.md"),
};

impl Rule for UnlistedFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let listed: HashSet<&str> = p
            .kustomizations
            .iter()
            .flat_map(|k| &k.entries)
            .filter_map(|e| e.target.as_deref())
            .collect();
        let mut out = Vec::new();
        for (file, src) in p.files.iter().enumerate() {
            if p.roles[file] != Role::Kubernetes || listed.contains(src.rel.as_str()) {
                continue;
            }
            let dir = p.dir_of(file);
            let Some(k) = p.kustomization_in(dir).map(|k| &p.kustomizations[k]) else {
                continue;
            };
            if k.plugins {
                continue;
            }
            let first_line = Span::new(0, src.line_text(0).len().max(1));
            let name = src.rel.rsplit('/').next().unwrap_or("");
            out.push(
                cx.report(&META, file, first_line, format!("`{name}` is not listed in {}", p.files[k.file].rel))
                    .label("never applied")
                    .related(k.file, Span::new(0, p.files[k.file].line_text(0).len().max(1)), "this kustomization decides what is applied")
                    .help(format!("add `- {name}` to its `resources`, or move the file out of the directory; kustomize (and Flux) ignore files it does not list")),
            );
        }
        out
    }
}
