use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Role;
use crate::rules::{Context, Rule, RuleMeta};
use crate::schema::{fleet, json};

pub struct Schema;

static META: RuleMeta = RuleMeta {
    id: "fleet/schema",
    severity: Severity::Error,
    summary: "A fleet.yaml has a key Fleet does not know or a value of the wrong shape",
    doc: include_str!("../../../rules/fleet/schema.md"),
};

impl Rule for Schema {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let p = cx.project;
        let Some(schema) = fleet::schema() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (id, src) in p.files.iter().enumerate() {
            if p.roles[id] != Role::Fleet {
                continue;
            }
            let Some(doc) = p.yaml(id).and_then(|s| s.docs.first()) else {
                continue;
            };
            if doc.root.entries().is_empty() {
                continue;
            }
            // Fleet templates values with `${ .ClusterValues… }` per target cluster.
            let instance = json::instance(&doc.root, &src.text, &["${"]);
            for v in schema.violations(&doc.root, &instance) {
                let unknown = v.message.starts_with("unknown field");
                out.push(
                    cx.report(&META, id, v.span, v.message)
                        .label(if unknown { "Fleet has no such option here" } else { "not what Fleet expects" })
                        .help(if unknown {
                            "Fleet ignores options it does not know when it builds the bundle, so the setting never takes effect; use the documented name (`infralint explain fleet/schema`)"
                        } else {
                            "the GitRepo fails to build its bundles (`fleet apply` rejects the file) and nothing from this directory is deployed; give the value the documented shape"
                        }),
                );
            }
        }
        out
    }
}
