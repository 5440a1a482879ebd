//! Stage 5: rules. One file per rule under `src/rules/<domain>/`, its doc in
//! `rules/<domain>/<name>.md`, its fixtures in `fixtures/<domain>/<name>/`. Adding a rule means
//! adding its file and one line to `ALL`.

pub mod cloud_init;
pub mod fleet;
pub mod flux;
pub mod helm;
pub mod infralint;
pub mod ingress_nginx;
pub mod k8s;
pub mod kustomize;
pub mod parse;
pub mod terraform;
pub mod terragrunt;

use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::Graph;
use crate::model::Project;
use crate::source::{FileId, Span};

pub struct RuleMeta {
    /// `domain/name`: a public contract, used to select, configure and suppress.
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    /// The rule's Markdown documentation.
    pub doc: &'static str,
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic>;
    /// Whether `check` reads [`Context::graph`]. The other rules run while the graph is built.
    fn needs_graph(&self) -> bool {
        false
    }
}

pub struct Context<'a> {
    pub project: &'a Project,
    /// Present for the rules that say they need it.
    pub graph: Option<&'a Graph>,
    pub config: &'a crate::config::Config,
}

impl<'a> Context<'a> {
    /// The reference graph. Only a rule whose `needs_graph` is true may ask for it.
    pub fn graph(&self) -> &'a Graph {
        self.graph
            .expect("a rule read the graph without declaring needs_graph")
    }

    /// A diagnostic of `rule` at its default severity.
    pub fn report(
        &self,
        rule: &'static RuleMeta,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(rule.id, rule.severity, file, span, message)
    }
}

/// Every rule, in id order.
pub static ALL: &[&dyn Rule] = &[
    &cloud_init::kubectl_wait_selector::KubectlWaitSelector,
    &cloud_init::pipe_to_shell::PipeToShell,
    &cloud_init::plaintext_secret::PlaintextSecret,
    &cloud_init::schema::Schema,
    &cloud_init::secret_fetch_retry::SecretFetchRetry,
    &cloud_init::unguarded_mkfs::UnguardedMkfs,
    &fleet::depends_on::DependsOn,
    &fleet::gitrepo_path::GitrepoPath,
    &fleet::schema::Schema,
    &fleet::self_managed::SelfManaged,
    &fleet::values_file::ValuesFile,
    &flux::depends_on::DependsOn,
    &flux::depends_on_cycle::DependsOnCycle,
    &flux::kustomization_path::KustomizationPath,
    &flux::source_ref::SourceRef,
    &helm::values_drift::ValuesDrift,
    &infralint::suppression_reason::SuppressionReason,
    &infralint::unused_suppression::UnusedSuppression,
    &ingress_nginx::publish_status_address::PublishStatusAddress,
    &k8s::dangling_reference::DanglingReference,
    &k8s::deprecated_api::DeprecatedApi,
    &k8s::duplicate_object::DuplicateObject,
    &k8s::host_path::HostPath,
    &k8s::image_tag::ImageTag,
    &k8s::namespace_not_declared::NamespaceNotDeclared,
    &k8s::plaintext_secret::PlaintextSecret,
    &k8s::privileged_container::PrivilegedContainer,
    &k8s::psa_label::PsaLabel,
    &k8s::resource_limits::ResourceLimits,
    &k8s::run_as_root::RunAsRoot,
    &k8s::schema::Schema,
    &kustomize::missing_resource::MissingResource,
    &kustomize::unlisted_file::UnlistedFile,
    &parse::duplicate_key::DuplicateKey,
    &parse::syntax_error::SyntaxError,
    &parse::unreadable_file::UnreadableFile,
    &terraform::custom_data_force_new::CustomDataForceNew,
    &terraform::duplicate_declaration::DuplicateDeclaration,
    &terraform::hardcoded_secret::HardcodedSecret,
    &terraform::missing_required_provider::MissingRequiredProvider,
    &terraform::module_arguments::ModuleArguments,
    &terraform::module_cycle::ModuleCycle,
    &terraform::module_source_missing::ModuleSourceMissing,
    &terraform::open_ingress::OpenIngress,
    &terraform::templatefile_vars::TemplatefileVars,
    &terraform::undefined_reference::UndefinedReference,
    &terraform::unused_data_source::UnusedDataSource,
    &terraform::unused_declaration::UnusedDeclaration,
    &terragrunt::dependency_path::DependencyPath,
    &terragrunt::undefined_output::UndefinedOutput,
];

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.meta().id == id)
}

/// Whether `pattern` (an exact id, a domain like `terraform`, or a prefix like `terraform/`)
/// names the rule `id`.
pub fn matches(pattern: &str, id: &str) -> bool {
    let domain = id.split('/').next().unwrap_or(id);
    pattern == id || pattern == domain || pattern.trim_end_matches('/') == domain
}

/// ` (did you mean `x`?)` for the candidate closest to `name`, if one is close enough.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    // A typo is a few edits away; a long shared prefix (`cluster_…`) is not a typo.
    let limit = (name.chars().count() / 3).clamp(1, 4);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::levenshtein(name, c), c))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// The same for a path: only siblings count, compared by their last segment.
pub fn did_you_mean_path<'a>(path: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let (parent, name) = path.rsplit_once('/').unwrap_or(("", path));
    let siblings: Vec<&str> = candidates
        .into_iter()
        .filter(|c| c.rsplit_once('/').map_or("", |(p, _)| p) == parent)
        .map(|c| c.rsplit('/').next().unwrap_or(c))
        .collect();
    let hint = did_you_mean(name, siblings);
    match hint.is_empty() {
        true => hint,
        false => hint.replacen(
            '`',
            &format!(
                "`{}",
                if parent.is_empty() {
                    String::new()
                } else {
                    format!("{parent}/")
                }
            ),
            1,
        ),
    }
}

/// Rules reported by the parse stage itself; their `check` is empty.
pub struct ParseStage;

impl ParseStage {
    pub fn none() -> Vec<Diagnostic> {
        Vec::new()
    }
}
