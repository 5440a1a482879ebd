use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, ParseStage, Rule, RuleMeta};

pub struct UnusedSuppression;

static META: RuleMeta = RuleMeta {
    id: crate::suppress::UNUSED,
    severity: Severity::Warning,
    summary: "A suppression comment or annotation matches no finding",
    doc: include_str!("../../../rules/infralint/unused-suppression.md"),
};

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Reported while applying suppressions (see `crate::suppress`).
    fn check(&self, _cx: &Context<'_>) -> Vec<Diagnostic> {
        ParseStage::none()
    }
}
