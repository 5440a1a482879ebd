use crate::diagnostic::{Diagnostic, Severity};
use crate::model::terraform::BlockKind;
use crate::rules::{Context, Rule, RuleMeta};
use std::collections::BTreeSet;

pub struct MissingRequiredProvider;

static META: RuleMeta = RuleMeta {
    id: "terraform/missing-required-provider",
    severity: Severity::Warning,
    summary: "A module uses a provider its required_providers does not list",
    doc: include_str!("../../../rules/terraform/missing-required-provider.md"),
};

impl Rule for MissingRequiredProvider {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let mut out = Vec::new();
        // Where other modules of the repository say each provider comes from.
        let source_re = regex::Regex::new(r#"source\s*=\s*"([^"]+)""#).expect("static pattern");
        let mut sources: std::collections::HashMap<String, String> =
            std::collections::HashMap::new();
        for (f, tf) in (0..p.files.len()).filter_map(|f| p.tf(f).map(|t| (f, t))) {
            for a in tf.required_providers() {
                if let Some(c) = source_re.captures(p.files[f].slice(a.span)) {
                    sources
                        .entry(a.name.clone())
                        .or_insert_with(|| c[1].to_string());
                }
            }
        }
        let terragrunt_deployed: BTreeSet<usize> =
            p.terragrunt.iter().filter_map(|u| u.module).collect();
        for m in (0..p.modules.len()).filter(|&m| p.module_parsed(m)) {
            let files: Vec<usize> = p.modules[m].files.clone();
            let tfs = || files.iter().filter_map(|&f| p.tf(f).map(|t| (f, t)));
            let listed: BTreeSet<&str> = tfs()
                .flat_map(|(_, t)| t.required_providers())
                .map(|a| a.name.as_str())
                .collect();
            // In a Terragrunt repository a module with no `required_providers` of its own most
            // likely gets them from a `generate` block at run time.
            if listed.is_empty() && (terragrunt_deployed.contains(&m) || !p.terragrunt.is_empty()) {
                continue;
            }
            let block = tfs().find_map(|(f, t)| {
                t.blocks
                    .iter()
                    .filter(|b| b.ident == "terraform")
                    .find_map(|b| {
                        b.blocks_named("required_providers")
                            .next()
                            .map(|r| (f, r.header))
                    })
            });
            let mut reported = BTreeSet::new();
            let mut users: Vec<(String, usize, crate::source::Span, String)> = Vec::new();
            for (f, t) in tfs() {
                for b in t
                    .blocks
                    .iter()
                    .filter(|b| matches!(b.kind, BlockKind::Resource | BlockKind::Data))
                {
                    let Some(ty) = b.labels.first() else { continue };
                    // `provider = google-beta.west` names the provider; otherwise the type's prefix.
                    let explicit = b.attr("provider").map(|a| {
                        p.files[f]
                            .slice(a.span)
                            .split_once('=')
                            .map_or("", |(_, v)| v)
                            .trim()
                            .split('.')
                            .next()
                            .unwrap_or("")
                            .to_string()
                    });
                    let provider = explicit
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| ty.split('_').next().unwrap_or(ty).to_string());
                    users.push((p.files[f].rel.clone(), f, b.header, provider));
                }
            }
            users.sort();
            for (_, f, header, provider) in users {
                if provider == "terraform"
                    || listed.contains(provider.as_str())
                    || !reported.insert(provider.clone())
                {
                    continue;
                }
                let source = sources.get(&provider).cloned();
                let consequence = match &source {
                    Some(s)
                        if !s.to_ascii_lowercase().starts_with("hashicorp/")
                            && !s
                                .to_ascii_lowercase()
                                .starts_with("registry.terraform.io/hashicorp/") =>
                    {
                        format!("elsewhere this repository takes it from `{s}`, but here Terraform will look for `hashicorp/{provider}` and `terraform init` fails")
                    }
                    _ => format!(
                        "Terraform then assumes `hashicorp/{provider}` with no version constraint"
                    ),
                };
                let example = source.unwrap_or_else(|| format!("<namespace>/{provider}"));
                let mut d = cx
                    .report(&META, f, header, format!("provider `{provider}` is used but not listed in `required_providers`"))
                    .label(format!("first use of `{provider}`"))
                    .help(format!("{consequence}; add `{provider} = {{ source = \"{example}\" }}` to `terraform {{ required_providers {{ … }} }}` in this module"));
                if let Some((rf, span)) = block {
                    d = d.related(rf, span, "required_providers lists the others here");
                }
                out.push(d);
            }
        }
        out
    }
}
