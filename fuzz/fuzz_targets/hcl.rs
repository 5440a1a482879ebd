//! HCL parsing and the Terraform / Terragrunt models built from it.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| infralint::fuzzing::hcl(text));
