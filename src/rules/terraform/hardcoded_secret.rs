use crate::config::HardcodedSecretOptions;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::secrets::{
    is_placeholder, is_reference, is_secret_name, masked, noun, token_shape,
};
use crate::model::terraform::{BlockKind, TfAttr, TfBlock};
use crate::parse::Parsed;
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::{FileId, Span};
use hcl_edit::expr::{Expression, Object, ObjectKey};
use hcl_edit::Span as _;

pub struct HardcodedSecret;

static META: RuleMeta = RuleMeta {
    id: "terraform/hardcoded-secret",
    severity: Severity::Error,
    summary: "A password, token or private key is written into a .tf or .tfvars file",
    doc: include_str!("../../../rules/terraform/hardcoded-secret.md"),
};

/// Resource arguments that hold a secret's value under a name that does not say so.
const SECRET_VALUES: &[(&str, &str)] = &[
    ("aws_secretsmanager_secret_version", "secret_string"),
    ("azurerm_key_vault_secret", "value"),
    ("google_secret_manager_secret_version", "secret_data"),
];

const ROTATE: &str = "it is already in the git history, so rotate it too";

impl Rule for HardcodedSecret {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let opts = &cx.config.options.hardcoded_secret;
        let mut out = Vec::new();
        for file in 0..p.files.len() {
            let text = p.files[file].text.as_str();
            let c = Check {
                cx,
                opts,
                file,
                text,
            };
            match &p.parsed[file] {
                Parsed::Terraform(tf) => {
                    for block in &tf.blocks {
                        c.block(block, block, &mut out);
                    }
                }
                Parsed::Tfvars(attrs) => {
                    for a in attrs {
                        if !c.tfvar(a, &mut out) && !c.entries(a, &a.name, &mut out) {
                            c.shapes(a, &mut out);
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }
}

struct Check<'a> {
    cx: &'a Context<'a>,
    opts: &'a HardcodedSecretOptions,
    file: FileId,
    text: &'a str,
}

impl Check<'_> {
    fn secret_name(&self, name: &str) -> bool {
        let listed = |names: &[String]| names.iter().any(|n| n.eq_ignore_ascii_case(name));
        !listed(&self.opts.allow_names) && (listed(&self.opts.extra_names) || is_secret_name(name))
    }

    /// A string literal that is a value rather than a placeholder or a pointer to a secret.
    fn secret_literal<'a>(&self, a: &'a TfAttr) -> Option<&'a str> {
        let v = a.literal.as_deref()?;
        (!is_placeholder(v) && !is_reference(v)).then_some(v)
    }

    fn block(&self, top: &TfBlock, block: &TfBlock, out: &mut Vec<Diagnostic>) {
        let kind = top.labels.first().map(String::as_str).unwrap_or("");
        for a in &block.attrs {
            let reported = if block.kind == BlockKind::Variable && a.name == "default" {
                self.default(block, a, out)
            } else if std::ptr::eq(top, block)
                && top.kind == BlockKind::Resource
                && SECRET_VALUES.contains(&(kind, a.name.as_str()))
            {
                self.named(a, &format!("{kind}.{}", a.name), out)
            } else if top.kind != BlockKind::Variable && self.secret_name(&a.name) {
                self.named(a, &format!("`{}`", a.name), out)
            } else {
                false
            };
            if !reported && !self.entries(a, &a.name, out) {
                self.shapes(a, out);
            }
        }
        for nested in &block.blocks {
            self.block(top, nested, out);
        }
    }

    /// Secret-named entries of an object value, at any depth:
    /// `app_settings = { DB_PASSWORD = "…" }`. Only objects whose text mentions a secret word
    /// are parsed again, so `tags` maps cost nothing.
    fn entries(&self, a: &TfAttr, path: &str, out: &mut Vec<Diagnostic>) -> bool {
        if a.object_keys.is_none() {
            return false;
        }
        let Some(text) = self.text.get(a.value_span.start..a.value_span.end) else {
            return false;
        };
        let lower = text.to_ascii_lowercase();
        let hint = ["pass", "pwd", "secret", "token", "key", "credential"]
            .iter()
            .any(|w| lower.contains(w))
            || self
                .opts
                .extra_names
                .iter()
                .any(|n| lower.contains(&n.to_ascii_lowercase()));
        if !hint {
            return false;
        }
        let Ok(Expression::Object(obj)) = text.parse::<Expression>() else {
            return false;
        };
        let before = out.len();
        self.object(&obj, a.value_span.start, path, out);
        out.len() > before
    }

    fn object(&self, obj: &Object, base: usize, path: &str, out: &mut Vec<Diagnostic>) {
        for (key, value) in obj.iter() {
            let name = match key {
                ObjectKey::Ident(i) => i.as_str(),
                ObjectKey::Expression(Expression::String(s)) => s.as_str(),
                _ => continue,
            };
            let path = format!("{path}.{name}");
            match value.expr() {
                Expression::Object(inner) => self.object(inner, base, &path, out),
                Expression::String(s) if self.secret_name(name) => {
                    let v = s.as_str();
                    let Some(range) = s.span() else { continue };
                    if is_placeholder(v) || is_reference(v) {
                        continue;
                    }
                    let span = Span::new(base + range.start, base + range.end);
                    out.push(self.set_to(
                        span,
                        &format!("`{path}`"),
                        v,
                        " and build the map from it",
                    ));
                }
                _ => {}
            }
        }
    }

    /// A secret-named attribute set to a literal.
    fn named(&self, a: &TfAttr, what: &str, out: &mut Vec<Diagnostic>) -> bool {
        let Some(v) = self.secret_literal(a) else {
            return false;
        };
        out.push(self.set_to(a.value_span, what, v, ""));
        true
    }

    /// "`what` is set to a hardcoded secret", at `span`; `how` adds to the fix.
    fn set_to(&self, span: Span, what: &str, v: &str, how: &str) -> Diagnostic {
        self.cx
            .report(
                &META,
                self.file,
                span,
                format!(
                    "{what} is set to a hardcoded secret (`{}`): anyone who can read this repository or its history has it",
                    masked(v)
                ),
            )
            .label("secret in the source")
            .help(format!(
                "pass it in at apply time instead (a `sensitive = true` variable set from CI or a secret store, a `data` source reading Key Vault / Secrets Manager, or `random_password`){how}; {ROTATE}"
            ))
    }

    /// `variable "admin_password" { default = "…" }`.
    fn default(&self, var: &TfBlock, a: &TfAttr, out: &mut Vec<Diagnostic>) -> bool {
        let Some(name) = var.labels.first().filter(|n| self.secret_name(n)) else {
            return false;
        };
        let Some(v) = self.secret_literal(a) else {
            return false;
        };
        let sensitive = var.attr("sensitive").and_then(TfAttr::bool) == Some(true);
        let note = if sensitive {
            " (`sensitive = true` only hides it from plan output; the default is still committed)"
        } else {
            ""
        };
        out.push(
            self.cx
                .report(
                    &META,
                    self.file,
                    a.value_span,
                    format!(
                        "variable `{name}` has a hardcoded secret as its default (`{}`){note}: anyone who can read this repository or its history has it",
                        masked(v)
                    ),
                )
                .label("secret default")
                .help(format!(
                    "remove the default so the value must be supplied (`TF_VAR_{name}` from CI or a secret store) and mark the variable `sensitive = true`; {ROTATE}"
                )),
        );
        true
    }

    /// `admin_password = "…"` in a `.tfvars` file.
    fn tfvar(&self, a: &TfAttr, out: &mut Vec<Diagnostic>) -> bool {
        if !self.secret_name(&a.name) {
            return false;
        }
        let Some(v) = self.secret_literal(a) else {
            return false;
        };
        let name = &a.name;
        out.push(
            self.cx
                .report(
                    &META,
                    self.file,
                    a.value_span,
                    format!(
                        "`{name}` is set to a hardcoded secret (`{}`) in a committed variables file: anyone who can read this repository or its history has it",
                        masked(v)
                    ),
                )
                .label("secret in the source")
                .help(format!(
                    "set it outside the repository instead (`TF_VAR_{name}` from CI or a secret store, or a git-ignored `*.auto.tfvars`); {ROTATE}"
                )),
        );
        true
    }

    /// Private keys and known token shapes anywhere in the value, whatever the name.
    fn shapes(&self, a: &TfAttr, out: &mut Vec<Diagnostic>) {
        let Some(value) = self.text.get(a.value_span.start..a.value_span.end) else {
            return;
        };
        // Only strings and heredocs hold text; references and numbers need no search.
        if !value.contains(['"', '<']) {
            return;
        }
        let Some((range, kind)) = token_shape(value) else {
            return;
        };
        let kind = noun(kind);
        let span = Span::new(
            a.value_span.start + range.start,
            a.value_span.start + range.end,
        );
        let shown = if kind == "private key" {
            "-----BEGIN … PRIVATE KEY-----".to_string()
        } else {
            masked(&value[range])
        };
        out.push(
            self.cx
                .report(
                    &META,
                    self.file,
                    span,
                    format!(
                        "`{}` holds a hardcoded {kind} (`{shown}`): anyone who can read this repository or its history can use it",
                        a.name
                    ),
                )
                .label(format!("{kind} in the source"))
                .help(format!(
                    "revoke it now, then read the replacement at apply time (a `sensitive = true` variable, a secret store `data` source, or a generated `tls_private_key`); {ROTATE}"
                )),
        );
    }
}
