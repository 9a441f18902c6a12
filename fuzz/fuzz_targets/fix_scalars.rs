//! The value rewriter every fix uses (`syntax::rewrite`), through the oracle the property
//! tests use (`tests/it/rewrite_oracle`): each value of the input, YAML or HCL, is replaced by
//! the fuzzer's string; a replacement offered must stay within the value, keep the
//! structure and every other value, and read back as the new string.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/it/rewrite_oracle/mod.rs"]
mod rewrite_oracle;

fuzz_target!(|input: (bool, &str, &str)| {
    let (hcl, new, text) = input;
    let checked = if hcl { rewrite_oracle::check_hcl(text, new) } else { rewrite_oracle::check_yaml(text, new) };
    if let Err(e) = checked {
        panic!("{e}");
    }
});
