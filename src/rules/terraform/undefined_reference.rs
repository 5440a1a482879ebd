use crate::diagnostic::{Diagnostic, Severity};
use crate::model::terraform::Address;
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};
use std::collections::HashSet;

pub struct UndefinedReference;

static META: RuleMeta = RuleMeta {
    id: "terraform/undefined-reference",
    severity: Severity::Error,
    summary:
        "A reference names a variable, local, module, output or block the module does not declare",
    doc: include_str!("../../../rules/terraform/undefined-reference.md"),
};

impl Rule for UndefinedReference {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let mut out = Vec::new();
        for m in (0..p.modules.len()).filter(|&m| p.module_parsed(m)) {
            let entities = p.entities(m);
            let mut known: HashSet<Address> = entities.iter().map(|e| e.addr.clone()).collect();
            // Data sources scoped to a `check` block.
            for &f in &p.modules[m].files {
                for check in p
                    .tf(f)
                    .map(|t| t.blocks.as_slice())
                    .unwrap_or_default()
                    .iter()
                    .filter(|b| b.ident == "check")
                {
                    known.extend(check.blocks_named("data").filter_map(|d| {
                        Some(Address::Data(
                            d.labels.first()?.clone(),
                            d.labels.get(1)?.clone(),
                        ))
                    }));
                }
            }
            let mut seen = HashSet::new();
            // `terraform {}` holds OpenTofu's encryption, whose `key_provider.x.y` are not blocks of the module.
            for e in entities
                .iter()
                .filter(|e| !matches!(&e.addr, Address::Block(b) if b.starts_with("terraform")))
            {
                for r in e.refs {
                    if !seen.insert((e.file, r.span)) {
                        continue;
                    }
                    let (message, label) = match &r.addr {
                        Address::Resource(t, _) if !t.contains('_') => continue,
                        Address::Module(c) if known.contains(&r.addr) => {
                            let (Some(o), Some(call)) =
                                (&r.output, entities.iter().find(|x| *x.addr == r.addr))
                            else {
                                continue;
                            };
                            let Some(child) = p.local_child(m, call.block) else {
                                continue;
                            };
                            let outputs = p.outputs(child);
                            if outputs.contains(o) {
                                continue;
                            }
                            let hint = did_you_mean(o, outputs.iter().map(String::as_str));
                            (
                                format!(
                                    "module `{c}` ({}) has no output `{o}`{hint}",
                                    p.modules[child].dir
                                ),
                                format!("no `output \"{o}\"` in {}", p.modules[child].dir),
                            )
                        }
                        a if known.contains(a) => continue,
                        a => {
                            let same_kind = known
                                .iter()
                                .filter(|k| std::mem::discriminant(*k) == std::mem::discriminant(a))
                                .map(|k| k.to_string())
                                .collect::<Vec<_>>();
                            let block = match a {
                                Address::Var(n) => format!("no `variable \"{n}\"` block"),
                                Address::Local(n) => {
                                    format!("no local `{n}` in any `locals` block")
                                }
                                Address::Module(n) => format!("no `module \"{n}\"` block"),
                                Address::Data(t, n) => format!("no `data \"{t}\" \"{n}\"` block"),
                                Address::Resource(t, n) => {
                                    format!("no `resource \"{t}\" \"{n}\"` block")
                                }
                                _ => "not declared".to_string(),
                            };
                            (
                                format!(
                                    "`{a}` is not declared in this module{}",
                                    did_you_mean(
                                        &a.to_string(),
                                        same_kind.iter().map(String::as_str)
                                    )
                                ),
                                block,
                            )
                        }
                    };
                    out.push(cx.report(&META, e.file, r.span, message).label(label).help("declare it, or fix the name; `terraform validate` stops here with \"Reference to undeclared …\""));
                }
            }
        }
        out
    }
}
