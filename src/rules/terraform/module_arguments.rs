use crate::diagnostic::{Diagnostic, Severity};
use crate::model::terraform::{Address, BlockKind};
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};

pub struct ModuleArguments;

static META: RuleMeta = RuleMeta {
    id: "terraform/module-arguments",
    severity: Severity::Error,
    summary: "A local module call passes an undeclared argument or omits a required variable",
    doc: include_str!("../../../rules/terraform/module-arguments.md"),
};

const META_ARGUMENTS: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

impl Rule for ModuleArguments {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let mut out = Vec::new();
        for m in (0..p.modules.len()).filter(|&m| p.module_parsed(m)) {
            for call in p
                .entities(m)
                .into_iter()
                .filter(|e| e.block.kind == BlockKind::Module)
            {
                let Address::Module(name) = &call.addr else {
                    continue;
                };
                let Some(child) = p.local_child(m, call.block) else {
                    continue;
                };
                let vars: Vec<_> = p
                    .entities(child)
                    .into_iter()
                    .filter(|e| matches!(e.addr, Address::Var(_)))
                    .collect();
                let var_names: Vec<String> = vars
                    .iter()
                    .filter_map(|v| v.block.labels.first().cloned())
                    .collect();
                let dir = &p.modules[child].dir;
                for arg in call
                    .block
                    .attrs
                    .iter()
                    .filter(|a| !META_ARGUMENTS.contains(&a.name.as_str()))
                {
                    if !var_names.contains(&arg.name) {
                        let hint = did_you_mean(&arg.name, var_names.iter().map(String::as_str));
                        out.push(
                            cx.report(&META, call.file, arg.key_span, format!("module `{name}` ({dir}) has no variable `{}`{hint}", arg.name))
                                .label("not an input of the module")
                                .help("Terraform rejects it (\"Unsupported argument\"); fix the name, or declare the variable in the module"),
                        );
                    }
                }
                // A default may come from an override file's repeat of the variable.
                let defaulted = |name: &String| {
                    vars.iter().any(|x| {
                        x.block.labels.first() == Some(name) && x.block.attr("default").is_some()
                    })
                };
                let mut required: Vec<_> = vars
                    .iter()
                    .filter(|v| v.block.labels.first().is_some_and(|n| !defaulted(n)))
                    .collect();
                required.dedup_by_key(|v| v.block.labels.first());
                for v in required {
                    let Some(var) = v.block.labels.first() else {
                        continue;
                    };
                    if !call.block.attrs.iter().any(|a| &a.name == var) {
                        out.push(
                            cx.report(
                                &META,
                                call.file,
                                call.header,
                                format!(
                                    "module `{name}` does not set `{var}`, which has no default"
                                ),
                            )
                            .label("required argument missing")
                            .related(v.file, v.header, "declared here without a default")
                            .help(format!(
                                "pass `{var} = …` in the call, or give the variable a `default`"
                            )),
                        );
                    }
                }
            }
        }
        out
    }
}
