//! Copied trace texts: the Exchange admin center's report text, Microsoft Graph JSON, and
//! (through the detection every input takes) PowerShell output and tracking logs. Sniff
//! and parse only.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailflow::input::{self, eac_text, graph, text};

fuzz_target!(|data: &[u8]| {
    let text = text::normalize(data);
    if eac_text::sniff(&text) {
        let _ = eac_text::parse(&text, "fuzz.txt");
    }
    if graph::sniff(&text) {
        let _ = graph::parse(&text, "fuzz.json");
    }
    let _ = input::load_bytes("fuzz.txt", data);
});
