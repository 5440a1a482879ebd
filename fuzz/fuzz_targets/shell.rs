//! Shell snippets out of cloud-init user-data (`runcmd`, `write_files`, whole scripts), and the
//! retry analysis run over them.
#![no_main]

use infralint::model::cloudinit::CloudInit;
use infralint::model::{retry, shell};
use infralint::parse::yaml;
use infralint::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let src = SourceFile::new("user-data.yaml".into(), "user-data.yaml".into(), text.into());
    for doc in yaml::parse(text, 0).docs {
        let ci = CloudInit::from_config(0, &src, &doc.root);
        for script in &ci.scripts {
            let _ = shell::scan(&script.text);
        }
        let _ = retry::functions(ci.scripts.iter().map(|s| s.text.as_str()));
    }
    let ci = CloudInit::from_script(0, &src);
    for script in &ci.scripts {
        let _ = shell::scan(&script.text);
    }
    let _ = retry::functions([text]);
});
