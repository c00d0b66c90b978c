//! RFC 5322 messages and pasted header blocks: sniff and parse only, so each execution is
//! cheap and the fuzzer reaches deep into the header parsers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailflow::input::{eml, headers_paste, text};

fuzz_target!(|data: &[u8]| {
    let text = text::normalize(data);
    if let Some(block) = eml::sniff(&text) {
        eml::parse(data, block);
    }
    if let Some(found) = headers_paste::sniff(&text) {
        headers_paste::parse(&text, found);
    }
});
