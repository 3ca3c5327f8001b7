//! Token soups: each input byte picks a word, operator or literal from a SQL
//! dictionary, so the classifier sees mostly well-formed SQL fragments.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let sql = glance::invariants::soup(data);
    glance::invariants::check_classifier(&sql);
});
