use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, ParseStage, Rule, RuleMeta};

pub struct SuppressionReason;

static META: RuleMeta = RuleMeta {
    id: crate::suppress::REASON,
    severity: Severity::Warning,
    summary: "A suppression comment gives no reason",
    doc: include_str!("../../../rules/infralint/suppression-reason.md"),
};

impl Rule for SuppressionReason {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Reported while applying suppressions (see `crate::suppress`).
    fn check(&self, _cx: &Context<'_>) -> Vec<Diagnostic> {
        ParseStage::none()
    }
}
