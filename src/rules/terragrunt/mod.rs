pub mod dependency_path;
pub mod undefined_output;
