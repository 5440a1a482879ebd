use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::dataflow::TfCycle;
use crate::rules::{Context, Rule, RuleMeta};

pub struct ModuleCycle;

static META: RuleMeta = RuleMeta {
    id: "terraform/module-cycle",
    severity: Severity::Error,
    summary: "Module calls or blocks of one module depend on each other in a cycle",
    doc: include_str!("../../../rules/terraform/module-cycle.md"),
};

impl Rule for ModuleCycle {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for c in &crate::graph::terraform_cycles(cx.project) {
            let Some(first) = c.refs.first() else {
                continue;
            };
            let mut chain = c.chain.clone();
            chain.push(c.chain[0].clone());
            let message = match (c.real, c.chain.len()) {
                (true, 1) => format!("`{}` depends on itself", c.chain[0]),
                (true, _) => format!("dependency cycle: {}", chain.join(" → ")),
                (false, _) => format!(
                    "module calls read each other's outputs: {}",
                    chain.join(" → ")
                ),
            };
            let mut d = cx
                .report(&META, first.file, first.span, message)
                .label(&first.note)
                .help(help(c));
            if !c.real {
                d.severity = Severity::Warning;
            }
            for s in c.refs[1..].iter().chain(&c.inside) {
                d = d.related(s.file, s.span, &s.note);
            }
            out.push(d);
        }
        out
    }
}

/// Suggests the fix spec 0001 used: feed the value from a root variable instead of a module output.
fn help(c: &TfCycle) -> String {
    if c.module.is_none() {
        return "Terragrunt cannot order units that wait on each other (`run-all` stops with a cycle error). Move what both need into a unit they can both depend on, or pass the value as an input instead of reading a `dependency`".to_string();
    }
    // Notes read "`module.a` reads `module.b.out` here".
    let module_read = c.refs.iter().find_map(|s| {
        let parts: Vec<&str> = s.note.split('`').collect();
        (parts.len() >= 4 && parts[3].starts_with("module."))
            .then(|| (parts[1].to_string(), parts[3].to_string()))
    });
    let fix = match &module_read {
        Some((who, read)) => {
            let var = read.rsplit('.').next().unwrap_or("value");
            format!("give `{who}` the value of `{read}` from a root variable (for example `var.{var}`) that both sides read, as spec 0001 did with `var.keyvault_name`")
        }
        None => "compute the value from inputs the blocks share (a variable, or a local that reads neither of them)".to_string(),
    };
    if c.real {
        format!(
            "`terraform plan` rejects this: the blocks wait on each other. Break one edge: {fix}"
        )
    } else {
        format!("Terraform can still order this output by output, because no output involved reads the inputs that read it; one `depends_on` or a new output dependency inside either module turns it into a real cycle. Untangle it: {fix}")
    }
}
