pub mod module_cycle;
pub mod unused_data_source;
