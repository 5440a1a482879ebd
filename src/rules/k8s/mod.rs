pub mod dangling_reference;
pub mod deprecated_api;
pub mod duplicate_object;
pub mod image_tag;
pub mod namespace_not_declared;
pub mod pod;
pub mod privileged_container;
pub mod schema;
