use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{is_cloud_config, Role};
use crate::rules::{did_you_mean, Context, Rule, RuleMeta};
use crate::schema::{cloudinit, json};

pub struct Schema;

static META: RuleMeta = RuleMeta {
    id: "cloud-init/schema",
    severity: Severity::Error,
    summary:
        "A #cloud-config document does not match cloud-init's schema, or uses a deprecated key",
    doc: include_str!("../../../rules/cloud-init/schema.md"),
};

const WHY: &str = "cloud-init validates user-data only at boot, logs a warning nobody reads and skips what it cannot use";

impl Rule for Schema {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let Some(schema) = cloudinit::schema() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (id, src) in p.files.iter().enumerate() {
            if p.roles[id] != Role::CloudInit || !is_cloud_config(&src.text) {
                continue;
            }
            let Some(doc) = p.yaml(id).and_then(|s| s.docs.first()) else {
                continue;
            };
            let root = &doc.root;
            if root.entries().is_empty() {
                continue;
            }
            // Template interpolations and directives are unknown until Terraform renders them.
            const MARKERS: &[&str] = &["${", "%{"];
            let instance = json::instance(root, &src.text, MARKERS);
            for v in schema.schema.violations(root, &instance) {
                let text = src.text.get(v.span.start..v.span.end).unwrap_or_default();
                let message = match octal_permissions(&v.path, text) {
                    Some(true) => continue,
                    Some(false) => format!("`{}`: {text} is read as the decimal number {text}, not as octal mode 0{text}", v.path),
                    None => v.message,
                };
                out.push(
                    cx.report(&META, id, v.span, message)
                        .label("does not match the cloud-config schema")
                        .help(format!("{WHY}; fix the value so the module gets what it expects (`infralint explain cloud-init/schema`)")),
                );
            }
            for (k, _) in root.entries() {
                let Some(key) = k.as_str() else { continue };
                if schema.known.contains(key)
                    || key == "<<"
                    || json::templated(&src.text, k.span, MARKERS)
                {
                    continue;
                }
                let hint = did_you_mean(key, schema.known.iter().map(String::as_str));
                out.push(
                    cx.report(&META, id, k.span, format!("unknown cloud-config key `{key}`{hint}"))
                        .label("no cloud-init module reads this key")
                        .help(format!("{WHY}: a misspelt key is silently ignored, so the packages, users or files it meant never appear. Use the key's documented name")),
                );
            }
            for d in schema.deprecations(&instance.value) {
                if json::under_unknown(d.location.as_str(), &instance.unknown) {
                    continue;
                }
                let (node, key) = json::locate(root, &d.location);
                let path = json::dotted(&d.location);
                let mut diag = cx
                    .report(
                        &META,
                        id,
                        key.map_or(node.span, |k| k.span),
                        format!("`{path}` is {}", d.message),
                    )
                    .label("deprecated");
                diag.severity = Severity::Warning;
                out.push(diag.help(
                    "deprecated keys keep working for a while, then a cloud-init upgrade on a new image drops them; move to the replacement now",
                ));
            }
        }
        out
    }
}

/// For an unquoted `write_files[].permissions` integer: whether it is octal (a leading 0, as
/// YAML 1.1 reads it), which cloud-init accepts though the schema wants a string. None for
/// anything else.
fn octal_permissions(path: &str, text: &str) -> Option<bool> {
    let is_permissions = path.starts_with("write_files[") && path.ends_with("].permissions");
    if !is_permissions || text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.starts_with('0'))
}
