use crate::diagnostic::{Diagnostic, Severity};
use crate::model::terraform::Address;
use crate::rules::{Context, Rule, RuleMeta};
use std::collections::BTreeMap;

pub struct DuplicateDeclaration;

static META: RuleMeta = RuleMeta {
    id: "terraform/duplicate-declaration",
    severity: Severity::Error,
    summary: "Two blocks of one module declare the same address",
    doc: include_str!("../../../rules/terraform/duplicate-declaration.md"),
};

impl Rule for DuplicateDeclaration {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let mut out = Vec::new();
        for m in 0..p.modules.len() {
            let mut by_addr: BTreeMap<Address, Vec<(String, usize, crate::source::Span)>> =
                BTreeMap::new();
            for e in p.entities(m) {
                // Override files repeat addresses on purpose.
                let overrides = crate::model::terraform::is_override(&p.files[e.file].rel);
                if !overrides && !matches!(e.addr, Address::Block(_)) {
                    by_addr.entry(e.addr.clone()).or_default().push((
                        p.files[e.file].rel.clone(),
                        e.file,
                        e.header,
                    ));
                }
            }
            for (addr, mut places) in by_addr.into_iter().filter(|(_, v)| v.len() > 1) {
                places.sort();
                let (_, first_file, first_span) = places[0].clone();
                for (_, file, span) in &places[1..] {
                    out.push(
                        cx.report(
                            &META,
                            *file,
                            *span,
                            format!("`{addr}` is declared twice in this module"),
                        )
                        .label("declared again")
                        .related(first_file, first_span, "first declared here")
                        .help("Terraform refuses duplicate declarations; remove one, or rename it"),
                    );
                }
            }
        }
        out
    }
}
