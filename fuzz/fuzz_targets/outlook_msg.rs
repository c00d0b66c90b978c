//! Outlook `.msg` compound files: any bytes behind the compound-file signature, parsed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailflow::input::msg;

const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fuzz_target!(|data: &[u8]| {
    let mut bytes = CFB_MAGIC.to_vec();
    bytes.extend_from_slice(data.get(CFB_MAGIC.len()..).unwrap_or(data));
    let _ = msg::parse_bytes(&bytes, "fuzz.msg");
});
