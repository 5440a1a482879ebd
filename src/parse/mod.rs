//! Stage 2: read and parse every file in parallel, one file per task. Errors become
//! diagnostics; nothing here panics on bad input.

pub mod hcl;
pub mod template;
pub mod yaml;

use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::FileKind;
use crate::model::terraform::TfFile;
use crate::source::{FileId, SourceFile, Span};
use rayon::prelude::*;
use std::path::Path;

/// Files larger than this are not parsed.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

pub const SYNTAX_ERROR: &str = "parse/syntax-error";
pub const DUPLICATE_KEY: &str = "parse/duplicate-key";
pub const UNREADABLE: &str = "parse/unreadable-file";

#[derive(Debug)]
pub enum Parsed {
    Terraform(TfFile),
    Terragrunt(crate::model::terragrunt::TgFile),
    /// A `.tfvars` file's top-level attributes.
    Tfvars(Vec<crate::model::terraform::TfAttr>),
    Yaml(yaml::YamlStream),
    /// User-data that is a shell script, not YAML.
    Script,
    Nothing,
}

/// Reads a file as text, or says why it cannot be linted.
pub fn read_text(path: &Path, limit: u64) -> Result<String, String> {
    use std::io::Read;
    let cannot = |e: std::io::Error| format!("cannot read file: {e}");
    let file = std::fs::File::open(path).map_err(cannot)?;
    let len = file.metadata().map_err(cannot)?.len();
    if len > limit {
        return Err(too_big(limit));
    }
    // The size is a hint (the file may change while read); the limit still holds.
    let mut bytes = Vec::with_capacity(len as usize + 1);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Err(too_big(limit));
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(format!(
            "file looks binary (NUL byte at offset {at}); it was not linted"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        format!(
            "file is not valid UTF-8 (invalid byte 0x{:02x} at offset {at}); it was not linted",
            e.as_bytes()[at]
        )
    })
}

fn too_big(limit: u64) -> String {
    let shown = if limit >= 1 << 20 {
        format!("{} MB", limit >> 20)
    } else {
        format!("{limit} bytes")
    };
    format!("file is larger than the {shown} limit; it was not linted (raise `[files] max_size`)")
}

/// What to do with one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    pub kind: FileKind,
    /// A `templatefile()` target: mask template syntax before parsing YAML.
    pub template: bool,
}

pub fn parse_all(
    files: &[SourceFile],
    jobs: &[Option<Job>],
    unreadable: &[Option<String>],
) -> (Vec<Parsed>, Vec<Diagnostic>) {
    let results: Vec<(Parsed, Vec<Diagnostic>)> = files
        .par_iter()
        .enumerate()
        .map(|(id, file)| match (&unreadable[id], jobs[id]) {
            (_, None) => (Parsed::Nothing, Vec::new()),
            (Some(reason), _) => (
                Parsed::Nothing,
                vec![Diagnostic::new(
                    UNREADABLE,
                    Severity::Error,
                    id,
                    Span::default(),
                    reason.clone(),
                )
                .label("this file")
                .help("save the file as UTF-8 text, or exclude it in .infralintignore")],
            ),
            (None, Some(job)) => {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse_one(id, file, job)))
                    .unwrap_or_else(|_| {
                        (
                            Parsed::Nothing,
                            vec![Diagnostic::new(
                                SYNTAX_ERROR,
                                Severity::Error,
                                id,
                                Span::default(),
                                "internal error while parsing this file; it was not linted",
                            )
                            .help("please report this as an infralint bug")],
                        )
                    })
            }
        })
        .collect();
    let mut diags = Vec::new();
    let parsed = results
        .into_iter()
        .map(|(p, d)| {
            diags.extend(d);
            p
        })
        .collect();
    (parsed, diags)
}

fn parse_one(id: FileId, file: &SourceFile, job: Job) -> (Parsed, Vec<Diagnostic>) {
    let text = &file.text;
    match job.kind {
        FileKind::TerraformJson | FileKind::Text => (Parsed::Nothing, Vec::new()),
        FileKind::Terraform | FileKind::Tfvars | FileKind::Terragrunt => {
            // hcl-edit rejects a byte-order mark; blank it without moving offsets.
            let unbommed;
            let input = match text.strip_prefix('\u{feff}') {
                Some(rest) => {
                    unbommed = format!("   {rest}");
                    &unbommed
                }
                None => text,
            };
            match hcl::parse_body(input) {
                Ok(body) if job.kind == FileKind::Terraform => {
                    (Parsed::Terraform(hcl::lower(&body)), Vec::new())
                }
                Ok(body) if job.kind == FileKind::Terragrunt => {
                    (Parsed::Terragrunt(hcl::lower_terragrunt(&body)), Vec::new())
                }
                Ok(body) => (Parsed::Tfvars(hcl::lower_tfvars(&body)), Vec::new()),
                Err(e) => (
                    Parsed::Nothing,
                    vec![syntax_error(id, file, e.offset, &e.message, "HCL")],
                ),
            }
        }
        FileKind::Template if looks_like_script(text) => (Parsed::Script, Vec::new()),
        // Go and Jinja templates (helmfile, Jinja cloud-init) are not YAML until rendered.
        FileKind::Yaml | FileKind::Template if has_line_starting(text, &["{{", "{%"]) => {
            (Parsed::Nothing, Vec::new())
        }
        FileKind::Yaml | FileKind::Template => {
            let masked;
            // A `%{ … }` line is never YAML: the file is a Terraform template even when the
            // `templatefile()` call that reads it has a computed path.
            let templated = job.template || has_line_starting(text, &["%{"]);
            let input = if templated {
                masked = template::mask(text);
                &masked
            } else {
                text
            };
            let stream = yaml::parse(input, 0);
            let mut diags = Vec::new();
            if let Some((at, msg)) = &stream.error {
                diags.push(syntax_error(id, file, *at, msg, "YAML"));
            }
            // In a template, `%{ if }`/`%{ else }` branches may each set the same key.
            let branches = |d: &&yaml::DuplicateKey| {
                templated && text[d.first.end..d.again.start].contains("%{")
            };
            for d in stream.duplicates.iter().filter(|d| !branches(d)) {
                diags.push(
                    Diagnostic::new(DUPLICATE_KEY, Severity::Warning, id, d.again, format!("duplicate key `{}` in this mapping", d.key))
                        .label("the same key again")
                        .related(id, d.first, "first defined here")
                        .help("Helm silently keeps only the last value, while kubectl, kustomize and Flux reject the file; remove or merge one of them"),
                );
            }
            if stream.alias_budget_exhausted {
                diags.push(Diagnostic::new(SYNTAX_ERROR, Severity::Error, id, Span::default(), "YAML aliases expand to too many nodes (an alias bomb?); the expansion was cut short").help("reduce nested aliases; anything behind the cut is not linted"));
            }
            (Parsed::Yaml(stream), diags)
        }
    }
}

fn has_line_starting(text: &str, prefixes: &[&str]) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        prefixes.iter().any(|p| l.starts_with(p))
    })
}

pub fn looks_like_script(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').starts_with("#!")
}

fn syntax_error(
    id: FileId,
    file: &SourceFile,
    offset: usize,
    message: &str,
    lang: &str,
) -> Diagnostic {
    let at = file.clamp(offset);
    let end = file.text[at..]
        .chars()
        .next()
        .map_or(at, |c| at + c.len_utf8());
    Diagnostic::new(
        SYNTAX_ERROR,
        Severity::Error,
        id,
        Span::new(at, end),
        format!("{lang} syntax error: {}", message.trim()),
    )
    .label("here")
    .help("fix the syntax; the rest of this file is not linted until it parses")
}
