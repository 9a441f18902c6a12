//! The Terraform front end: hcl-edit parse, module evaluation (locals, variables, tfvars,
//! for_each) and lowering to the model, for a `.tf` file, a tfvars file and both together.
#![no_main]

use iamlint::lint::load_texts;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = load_texts(&[("main.tf", text)]);
    let _ = load_texts(&[("main.tf", "variable \"x\" {}\n"), ("terraform.tfvars", text)]);
    let _ = load_texts(&[("main.tf.json", text)]);
});
