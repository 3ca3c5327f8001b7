//! Raw text into every classifier entry point (seed with `fuzz/sql.dict`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(sql) = std::str::from_utf8(data) {
        glance::invariants::check_classifier(sql);
    }
});
