//! Terraform template masking must keep every byte offset, so spans into the masked text are
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| infralint::fuzzing::template(text));
