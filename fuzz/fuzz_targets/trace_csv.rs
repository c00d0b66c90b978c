//! Message-trace CSV exports (summary and detail): sniff and parse only.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailflow::input::{csv_trace, text};

fuzz_target!(|data: &[u8]| {
    let text = text::normalize(data);
    if csv_trace::sniff(&text) {
        let _ = csv_trace::parse(&text, "fuzz.csv");
    }
});
