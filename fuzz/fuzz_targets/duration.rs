//! The duration parser (java.time.Duration's grammar) and the spellings built from it.
#![no_main]

use iamlint::duration;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match duration::parse(text) {
        Ok(d) => {
            // The canonical spelling must read back as the same duration.
            let iso = d.to_iso();
            assert_eq!(duration::parse(&iso).map(|e| e.seconds), Ok(d.seconds), "{text:?} -> {iso}");
            let _ = d.human();
        }
        Err(e) => {
            if let Some(s) = e.suggestion() {
                let _ = duration::parse(s);
            }
        }
    }
});
