pub mod dangling_reference;
pub mod duplicate_object;
pub mod namespace_not_declared;
