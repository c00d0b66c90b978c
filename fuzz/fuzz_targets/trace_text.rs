//! Copied trace texts: the Exchange admin center's report text, Microsoft Graph JSON,
//! PowerShell console output (`Format-List`, `Format-Table`) and tracking logs. Sniff and
//! parse only, each format's own sniffer in front of its parser, with the console read
//! once for the two sniffers that share it, as detection does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailflow::input::{console, eac_text, graph, powershell, text, tracking_log};

fuzz_target!(|data: &[u8]| {
    let text = text::normalize(data);
    if eac_text::sniff(&text) {
        let _ = eac_text::parse(&text, "fuzz.txt");
    }
    if graph::sniff(&text) {
        let _ = graph::parse(&text, "fuzz.json");
    }
    let console = console::Sniffed::read(&text);
    if tracking_log::sniff(&text, &console) {
        let _ = tracking_log::parse(&text, "fuzz.log");
    }
    if powershell::sniff(&console) {
        let _ = powershell::parse(&text, "fuzz.txt");
    }
});
