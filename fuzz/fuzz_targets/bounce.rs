//! Bounces: a message titled as one is decoded (MIME, base64, quoted-printable) to find a
//! forwarded report, and report texts are read. Sniff and parse only, through the same
//! entry the app uses, with the bounce title prepended so every input takes that path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailflow::input::{self, bounce, ndr, text};

fuzz_target!(|data: &[u8]| {
    let mut titled = b"From: a@example.com\r\nSubject: Undeliverable: x\r\n".to_vec();
    titled.extend_from_slice(data);
    let _ = input::load_bytes("fuzz.eml", &titled);
    let text = text::normalize(data);
    if ndr::sniff(&text) || bounce::sniff(&text) {
        let _ = bounce::parse(&text, "fuzz.txt");
    }
});
