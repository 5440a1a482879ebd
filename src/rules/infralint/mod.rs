//! Findings about infralint's own suppressions. The suppression stage reports these; the rules
//! here carry their metadata.

pub mod suppression_reason;
pub mod unused_suppression;
