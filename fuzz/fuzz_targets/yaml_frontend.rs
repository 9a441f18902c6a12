//! The YAML/JSON front end: parse (with alias and depth limits) and lower to the model.
#![no_main]

use iamlint::frontend::manifest;
use iamlint::source::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = manifest::parse(FileId(0), text, false);
    let _ = manifest::parse(FileId(0), text, true);
});
