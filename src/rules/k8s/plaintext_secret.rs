use super::templated;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule, RuleMeta};
use regex::Regex;
use std::sync::LazyLock;

pub struct PlaintextSecret;

static META: RuleMeta = RuleMeta {
    id: "k8s/plaintext-secret",
    severity: Severity::Error,
    summary: "A Secret's values are committed in plain text (base64 is not encryption)",
    doc: include_str!("../../../rules/k8s/plaintext-secret.md"),
};

/// A SOPS-encrypted value.
static SOPS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^ENC\[[A-Z0-9_]+,").unwrap());

/// A value that holds no secret of its own: empty, SOPS-encrypted, or a placeholder filled in
/// at apply time (Flux `postBuild` substitution, envsubst, a Helm template).
fn committed(value: &str) -> bool {
    let v = value.trim();
    !(v.is_empty() || SOPS.is_match(v) || templated(v))
}

impl Rule for PlaintextSecret {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let mut out = Vec::new();
        for o in p.k8s.iter().filter(|o| o.is("", &["Secret"])) {
            let root = p.doc(o);
            // A SOPS-encrypted file carries its metadata at the top level.
            if root.get("sops").is_some() {
                continue;
            }
            for field in ["data", "stringData"] {
                let Some((key, map)) = root.entry(field) else {
                    continue;
                };
                let plain: Vec<&str> = map
                    .entries()
                    .iter()
                    .filter(|(_, v)| v.as_str().is_some_and(committed))
                    .filter_map(|(k, _)| k.as_str())
                    .collect();
                if plain.is_empty() {
                    continue;
                }
                let keys = plain
                    .iter()
                    .take(3)
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let more = match plain.len() {
                    n if n > 3 => format!(" and {} more", n - 3),
                    _ => String::new(),
                };
                let how = if field == "data" {
                    "base64-encoded, which anyone can decode"
                } else {
                    "in plain text"
                };
                out.push(
                    cx.report(
                        &META,
                        o.file,
                        key.span,
                        format!(
                            "Secret `{}` commits {keys}{more} {how}",
                            o.name.as_deref().unwrap_or("?")
                        ),
                    )
                    .label("committed secret values")
                    .help(
                        "everyone who can read the repository (and its history) can read these; \
                         encrypt the Secret (a SealedSecret from `kubeseal`, or SOPS), or fetch it \
                         from a secret store (an ExternalSecret), and rotate the values already \
                         committed",
                    ),
                );
            }
        }
        out
    }
}
