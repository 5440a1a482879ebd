//! HCL parsing and the Terraform / Terragrunt models built from it.
#![no_main]

use infralint::parse::hcl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(body) = hcl::parse_body(text) {
        let tf = hcl::lower(&body);
        for block in &tf.blocks {
            let _ = block.address();
        }
        let _ = hcl::lower_terragrunt(&body);
    }
    let _ = hcl::template_uses(text);
});
