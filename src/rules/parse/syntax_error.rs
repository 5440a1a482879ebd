use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, ParseStage, Rule, RuleMeta};

pub struct SyntaxError;

static META: RuleMeta = RuleMeta {
    id: crate::parse::SYNTAX_ERROR,
    severity: Severity::Error,
    summary: "A file is not valid HCL or YAML",
    doc: include_str!("../../../rules/parse/syntax-error.md"),
};

impl Rule for SyntaxError {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Reported while parsing (see `crate::parse`).
    fn check(&self, _cx: &Context<'_>) -> Vec<Diagnostic> {
        ParseStage::none()
    }
}
