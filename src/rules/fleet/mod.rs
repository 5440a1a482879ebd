pub mod depends_on;
pub mod gitrepo_path;
pub mod schema;
pub mod self_managed;
pub mod values_file;
