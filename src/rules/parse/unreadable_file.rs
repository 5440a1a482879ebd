use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, ParseStage, Rule, RuleMeta};

pub struct UnreadableFile;

static META: RuleMeta = RuleMeta {
    id: crate::parse::UNREADABLE,
    severity: Severity::Error,
    summary: "A file cannot be read as UTF-8 text (binary, wrong encoding or too large)",
    doc: include_str!("../../../rules/parse/unreadable-file.md"),
};

impl Rule for UnreadableFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Reported while parsing (see `crate::parse`).
    fn check(&self, _cx: &Context<'_>) -> Vec<Diagnostic> {
        ParseStage::none()
    }
}
