//! The Terraform front end: hcl-edit parse, evaluation and lowering to the model.
#![no_main]

use iamlint::frontend::terraform;
use iamlint::source::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = terraform::parse(FileId(0), text);
    let _ = terraform::parse_vars(FileId(0), text);
});
