//! The JSON contract, pretty-printed.
//!
//! `serde_json` escapes C0 controls but writes DEL, C1 controls (0x9B is CSI to some
//! terminals), bidirectional overrides, zero-width characters and U+2028/U+2029 raw. They
//! can only occur inside strings, so they are rewritten as `\uXXXX` escapes: the same JSON
//! value, but safe to print to a terminal or paste into a page.

use std::fmt::Write as _;

use crate::diagnosis::Diagnosis;

/// True for characters the JSON output writes as `\uXXXX`.
fn needs_escape(c: char) -> bool {
    matches!(c,
        '\u{7f}'..='\u{9f}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{feff}'
    )
}

/// Serialises the diagnosis as the contract's JSON object.
pub fn render(diagnosis: &Diagnosis) -> String {
    // About 1 KB per message listed, so a 100 000-message export is not copied while it grows.
    let mut buffer = Vec::with_capacity(64 * 1024 + diagnosis.messages.len() * 1024);
    let json = match serde_json::to_writer_pretty(&mut buffer, diagnosis) {
        Ok(()) => String::from_utf8(buffer).unwrap_or_default(),
        Err(e) => format!("{{\"error\": \"{}\"}}", e.to_string().replace('"', "'")),
    };
    // Every character to escape is 0x7F or starts with one of these UTF-8 lead bytes.
    if !json.bytes().any(|b| matches!(b, 0x7F | 0xC2 | 0xE2 | 0xEF))
        || !json.chars().any(needs_escape)
    {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 32);
    for c in json.chars() {
        if needs_escape(c) {
            write!(out, "\\u{:04x}", u32::from(c)).ok();
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_terminal_characters_are_escaped_and_the_value_is_kept() {
        let mut d = super::super::fixture::minimal();
        d.verdict.headline = "csi\u{9b}2J \u{202e}exe \u{2028}line del\u{7f} ok".into();
        let json = render(&d);
        assert!(
            json.contains(r"csi\u009b2J \u202eexe \u2028line del\u007f ok"),
            "{json}"
        );
        let back: Diagnosis = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
    }
}
