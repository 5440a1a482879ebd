//! Problems found while reading and parsing files. The parse stage reports these; the rules
//! here carry their metadata so they can be selected, configured and suppressed like any other.

pub mod duplicate_key;
pub mod syntax_error;
pub mod unreadable_file;
