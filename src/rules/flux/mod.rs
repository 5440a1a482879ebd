pub mod depends_on;
pub mod depends_on_cycle;
pub mod kustomization_path;
pub mod source_ref;
