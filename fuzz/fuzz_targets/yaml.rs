//! YAML parsing, the Kubernetes model and the YAML-to-JSON conversion schema checks use.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| infralint::fuzzing::yaml(text));
