//! Kubernetes objects: one per YAML document that has `apiVersion` and `kind`.

use crate::parse::yaml::YNode;
use crate::source::{FileId, Span};

#[derive(Clone, Debug)]
pub struct K8sObject {
    pub file: FileId,
    /// Index of the document in its file's stream.
    pub doc: usize,
    pub api_version: String,
    pub kind: String,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub span: Span,
}

impl K8sObject {
    pub fn from_doc(file: FileId, doc: usize, root: &YNode, span: Span) -> Option<Self> {
        Some(K8sObject {
            file,
            doc,
            api_version: root.str_at(&["apiVersion"])?.to_string(),
            kind: root.str_at(&["kind"])?.to_string(),
            name: root.str_at(&["metadata", "name"]).map(str::to_string),
            namespace: root.str_at(&["metadata", "namespace"]).map(str::to_string),
            span,
        })
    }

    /// `group` without the version: `helm.cattle.io` for `helm.cattle.io/v1`, "" for core.
    pub fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map_or("", |(g, _)| g)
    }

    pub fn is(&self, group: &str, kinds: &[&str]) -> bool {
        self.group() == group && kinds.contains(&self.kind.as_str())
    }
}
