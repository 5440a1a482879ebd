pub mod dangling_reference;
pub mod deprecated_api;
pub mod duplicate_object;
pub mod namespace_not_declared;
pub mod pod;
pub mod privileged_container;
pub mod schema;
