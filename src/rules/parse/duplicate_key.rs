use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, ParseStage, Rule, RuleMeta};

pub struct DuplicateKey;

static META: RuleMeta = RuleMeta {
    id: crate::parse::DUPLICATE_KEY,
    severity: Severity::Warning,
    summary: "A YAML mapping has the same key twice",
    doc: include_str!("../../../rules/parse/duplicate-key.md"),
};

impl Rule for DuplicateKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Reported while parsing (see `crate::parse`).
    fn check(&self, _cx: &Context<'_>) -> Vec<Diagnostic> {
        ParseStage::none()
    }
}
