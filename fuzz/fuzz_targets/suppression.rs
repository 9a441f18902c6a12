//! Suppression comments, end to end: the text is linted as a Terraform file and as a YAML
//! file, so comment scanning, `iamlint-ignore` directive parsing and their application to
//! findings all run on it.
#![no_main]

use iamlint::discover::Candidate;
use iamlint::frontend::FileKind;
use iamlint::lint::{self, Loaded, Options};
use iamlint::suppress::comments::{comments, Syntax};
use iamlint::syntax::yaml::Limits;
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fuzz_target!(|text: &str| {
    let _ = comments(Syntax::Hcl, text, Limits::default());
    let _ = comments(Syntax::Yaml, text, Limits::default());
    let options = Options::default();
    for (name, kind) in [("main.tf", FileKind::Terraform), ("iam.yaml", FileKind::Yaml)] {
        let candidates =
            vec![Candidate { path: name.into(), display: name.to_string(), kind, reported: true, var_file: None }];
        let loaded = vec![Loaded::Text { text: Arc::from(text), bom: false }];
        let ws = lint::build(&candidates, &loaded);
        let _ = lint::analyze(&ws, &options);
    }
});
