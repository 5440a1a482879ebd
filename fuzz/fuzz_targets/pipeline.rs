//! The whole pipeline on a small repository cut from the input (see `infralint::fuzzing`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("a temporary directory");
    infralint::fuzzing::pipeline(data, dir.path());
});
