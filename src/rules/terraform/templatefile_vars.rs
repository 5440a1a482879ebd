use crate::diagnostic::{Diagnostic, Severity};
use crate::model::terraform::{BlockKind, FileCall, VarsMap};
use crate::model::Project;
use crate::rules::{did_you_mean, did_you_mean_path, Context, Rule, RuleMeta};
use crate::source::{FileId, Span};

pub struct TemplatefileVars;

static META: RuleMeta = RuleMeta {
    id: "terraform/templatefile-vars",
    severity: Severity::Error,
    summary: "A templatefile() template and its variables map do not match",
    doc: include_str!("../../../rules/terraform/templatefile-vars.md"),
};

impl Rule for TemplatefileVars {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let mut out = Vec::new();
        for (m, module) in p.modules.iter().enumerate() {
            for &file in &module.files {
                for call in p
                    .tf(file)
                    .map(|t| t.blocks.as_slice())
                    .unwrap_or_default()
                    .iter()
                    .flat_map(|b| &b.calls)
                    .filter(|c| c.func == "templatefile")
                {
                    check_call(cx, m, file, call, &mut out);
                }
            }
        }
        out
    }
}

fn check_call(
    cx: &Context<'_>,
    m: usize,
    file: FileId,
    call: &FileCall,
    out: &mut Vec<Diagnostic>,
) {
    let p = cx.project;
    if let Some(missing) = p
        .missing_files
        .iter()
        .find(|x| x.from == file && x.span == call.path_span)
    {
        if missing.outside {
            let mut d = cx
                .report(
                    &META,
                    file,
                    call.path_span,
                    format!(
                        "template `{}` is outside the linted directory: it was not read, so its variables are not checked",
                        missing.path
                    ),
                )
                .label("outside the linted directory")
                .help("lint from a directory that contains the template, or set `[files] read_outside_root = true` to read it");
            d.severity = Severity::Info;
            out.push(d);
            return;
        }
        let hint = did_you_mean_path(&missing.path, p.files.iter().map(|f| f.rel.as_str()));
        out.push(
            cx.report(
                &META,
                file,
                call.path_span,
                format!("template `{}` does not exist{hint}", missing.path),
            )
            .label("no such file")
            .help("templatefile() fails at plan time; fix the path or add the template"),
        );
        return;
    }
    let Some(target) = p
        .templates
        .iter()
        .find(|t| t.from == file && t.call == call.span)
        .map(|t| t.target)
    else {
        return;
    };
    let Some(Some(uses)) = p.template_uses.get(&target) else {
        return;
    };
    let Some((keys, map_span)) = known_keys(p, m, &call.vars) else {
        return;
    };
    let template = &p.files[target];
    let mut reported = Vec::new();
    for (name, span) in uses {
        if keys.iter().any(|(k, _)| k == name) || reported.contains(name) {
            continue;
        }
        reported.push(name.clone());
        let at = Span::new(map_span.start, map_span.start + 1);
        let d = if is_shell_variable(name, &template.text) {
            cx.report(&META, file, at, format!("`${{{name}}}` in {} is a shell variable, but templatefile() reads it as a template variable", template.rel))
                .label("the map has no such key")
                .related(target, *span, format!("escape it as `$${{{name}}}`"))
                .help(format!("write `$${{{name}}}` in the template so Terraform leaves `${{{name}}}` for the shell"))
        } else {
            let hint = did_you_mean(name, keys.iter().map(|(k, _)| k.as_str()));
            cx.report(&META, file, at, format!("{} uses `{name}`, which this variables map does not set{hint}", template.rel))
                .label("map without that key")
                .related(target, *span, format!("`{name}` used here"))
                .help(format!("add `{name} = …` to the map; templatefile() fails at plan time with \"vars map does not contain key {name}\""))
        };
        out.push(d);
    }
    // A map from a local may be shared by several templates, each using part of it.
    if matches!(call.vars, VarsMap::Local(..)) {
        return;
    }
    for (key, span) in keys {
        if !uses.iter().any(|(n, _)| n == key) {
            out.push(Diagnostic {
                severity: Severity::Warning,
                ..cx.report(
                    &META,
                    file,
                    *span,
                    format!(
                        "`{key}` is passed to {} but the template never uses it",
                        template.rel
                    ),
                )
                .label("unused template variable")
                .help("remove the key, or use it in the template")
            });
        }
    }
}

/// The keys of a variables map, and where to report a missing one, when statically known.
fn known_keys<'a>(
    p: &'a Project,
    m: usize,
    vars: &'a VarsMap,
) -> Option<(&'a [(String, Span)], Span)> {
    match vars {
        VarsMap::Literal(keys, span) => Some((keys, *span)),
        VarsMap::Local(name, span) => {
            let local = p.modules[m]
                .files
                .iter()
                .filter_map(|&f| p.tf(f))
                .flat_map(|t| &t.blocks)
                .filter(|b| b.kind == BlockKind::Locals)
                .flat_map(|b| &b.attrs)
                .find(|a| &a.name == name)?;
            Some((local.object_keys.as_deref()?, *span))
        }
        VarsMap::Unknown => None,
    }
}

/// An ALL_CAPS name the template also assigns as a shell variable.
fn is_shell_variable(name: &str, text: &str) -> bool {
    let caps = name
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && name.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    caps && crate::model::retry::ascii_regex(&format!(
        r"(^|[\s;(&|]){0}=|\bread\s+(-\w+\s+)*{0}\b|\bfor\s+{0}\s+in\b",
        regex::escape(name)
    ))
    .is_ok_and(|re| re.is_match(text))
}
