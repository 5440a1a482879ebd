//! Terraform template masking must keep every byte offset, so spans into the masked text are
//! spans into the template.
#![no_main]

use infralint::parse::{template, yaml};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let masked = template::mask(text);
    assert_eq!(masked.len(), text.len());
    for (i, _) in text.char_indices() {
        assert!(masked.is_char_boundary(i));
    }
    let _ = yaml::parse(&masked, 0);
});
