//! Shell snippets out of cloud-init user-data (`runcmd`, `write_files`, whole scripts), and the
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| infralint::fuzzing::shell(text));
