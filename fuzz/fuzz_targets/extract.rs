//! Model replies into SQL extraction.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(reply) = std::str::from_utf8(data) {
        glance::invariants::check_extract(reply);
    }
});
