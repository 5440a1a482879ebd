use crate::diagnostic::{Diagnostic, Severity};
use crate::model::terraform::{BlockKind, Lit, TfAttr, TfBlock};
use crate::rules::{Context, Rule, RuleMeta};

pub struct CustomDataForceNew;

static META: RuleMeta = RuleMeta {
    id: "terraform/custom-data-force-new",
    severity: Severity::Warning,
    summary:
        "A VM's cloud-init data forces replacement and lifecycle.ignore_changes does not cover it",
    doc: include_str!("../../../rules/terraform/custom-data-force-new.md"),
};

impl Rule for CustomDataForceNew {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let mut out = Vec::new();
        for module in &p.modules {
            let blocks: Vec<(usize, &TfBlock)> = module
                .files
                .iter()
                .filter_map(|&f| p.tf(f).map(|t| (f, t)))
                .flat_map(|(f, t)| t.blocks.iter().map(move |b| (f, b)))
                .filter(|(_, b)| b.kind == BlockKind::Resource && b.labels.len() == 2)
                .collect();
            for &(file, block) in &blocks {
                let Some((attr, path)) = force_new_attr(block) else {
                    continue;
                };
                // The block and its override-file counterparts merge: an ignore in either counts.
                let ignored = blocks
                    .iter()
                    .filter(|(_, b)| b.labels == block.labels)
                    .any(|(_, b)| ignores(b, &path));
                if ignored {
                    continue;
                }
                let (kind, name) = (&block.labels[0], &block.labels[1]);
                // `os_profile` is a set: only the whole block can be ignored.
                let entry = path.split('.').next().unwrap_or(&path);
                let disk = if kind == "aws_instance" {
                    "root volume"
                } else {
                    "OS disk"
                };
                let what = if kind == "aws_instance" {
                    format!("`{}` with `user_data_replace_on_change = true`", attr.name)
                } else {
                    format!("`{}`", attr.name)
                };
                out.push(
                    cx.report(
                        &META,
                        file,
                        attr.key_span,
                        format!(
                            "{what} forces replacement of {kind}.{name}: every edit to the cloud-init it carries destroys and recreates the VM, and everything on its {disk}",
                        ),
                    )
                    .label("changing this replaces the VM")
                    .help(format!(
                        "cloud-init only runs at first boot, so either add `lifecycle {{ ignore_changes = [{entry}] }}` and roll edits out deliberately (`terraform apply -replace={kind}.{name}`), or, if replacing the VM on every edit is intended (immutable nodes), suppress this with the reason: `# infralint:ignore[terraform/custom-data-force-new] immutable nodes`"
                    )),
                );
            }
        }
        out
    }
}

/// The attribute whose change replaces this resource, and the `ignore_changes` entry that covers
/// it.
fn force_new_attr(block: &TfBlock) -> Option<(&TfAttr, String)> {
    let set = |a: &&TfAttr| !matches!(a.value, Some(Lit::Ident(ref n)) if n == "null");
    match block.labels[0].as_str() {
        "azurerm_linux_virtual_machine" | "azurerm_windows_virtual_machine" => block
            .attr("custom_data")
            .filter(set)
            .map(|a| (a, "custom_data".to_string())),
        "azurerm_virtual_machine" => block
            .blocks_named("os_profile")
            .find_map(|b| b.attr("custom_data"))
            .filter(set)
            .map(|a| (a, "os_profile.custom_data".to_string())),
        "aws_instance" if block.attr("user_data_replace_on_change")?.bool() == Some(true) => block
            .attr("user_data")
            .or_else(|| block.attr("user_data_base64"))
            .filter(set)
            .map(|a| (a, a.name.clone())),
        _ => None,
    }
}

/// Whether `lifecycle { ignore_changes = … }` covers `path` (or the whole of it), or cannot be
/// read (then the benefit of the doubt).
fn ignores(block: &TfBlock, path: &str) -> bool {
    block
        .blocks_named("lifecycle")
        .filter_map(|l| l.attr("ignore_changes"))
        .any(|a| match (&a.value, a.literal.as_deref()) {
            (Some(Lit::Ident(all)), _) => all == "all",
            (_, Some(all)) => all == "all",
            // `os_profile` covers `os_profile.custom_data`; `"*"` is the Terraform 0.11 spelling.
            (Some(Lit::List(items)), _) => items.iter().any(|(entry, _)| {
                entry == "*" || entry == path || path.starts_with(&format!("{entry}."))
            }),
            _ => true,
        })
}
