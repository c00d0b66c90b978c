//! Bounces: a message titled as one is decoded (MIME, base64, quoted-printable, an attached
//! message) to find a forwarded report, and report texts are read. Sniff and parse only:
//! the titled message goes through `input::message`, the function detection hands a
//! message to, with the bounce title prepended so every input takes the bounce path; the
//! bare text through the report sniffers and `bounce::parse`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailflow::input::{self, bounce, eml, ndr, text};

fuzz_target!(|data: &[u8]| {
    let mut titled = b"From: a@example.com\r\nSubject: Undeliverable: x\r\n".to_vec();
    titled.extend_from_slice(data);
    let titled_text = text::normalize(&titled);
    if let Some(block) = eml::sniff(&titled_text) {
        input::message(&titled, &titled_text, block);
    }
    let text = text::normalize(data);
    if ndr::sniff(&text) || bounce::sniff(&text) {
        let _ = bounce::parse(&text, "fuzz.txt");
    }
});
