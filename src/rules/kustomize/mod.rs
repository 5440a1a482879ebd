pub mod missing_resource;
pub mod unlisted_file;
