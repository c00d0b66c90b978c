//! The JSON contract, pretty-printed.
//!
//! `serde_json` escapes C0 controls but writes DEL, C1 controls (0x9B is CSI to some
//! terminals), bidirectional overrides, zero-width characters and U+2028/U+2029 raw. They
//! can only occur inside strings, so they are rewritten as `\uXXXX` escapes: the same JSON
//! value, but safe to print to a terminal or paste into a page.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

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
    let mut buffer = Vec::with_capacity(64 * 1024);
    match write(diagnosis, &mut buffer) {
        // The formatter writes only JSON text, which is UTF-8.
        Ok(()) => String::from_utf8(buffer).unwrap_or_default(),
        Err(e) => format!("{{\"error\": \"{}\"}}", e.to_string().replace('"', "'")),
    }
}

/// Writes the diagnosis as the contract's JSON object to `out` as it is serialised, so a
/// 100 000-message trace's 60 MB of JSON is never held in memory.
///
/// # Errors
/// When `out` fails.
pub fn write(diagnosis: &Diagnosis, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, Safe::default());
    diagnosis
        .serialize(&mut serializer)
        .map_err(std::io::Error::other)
}

/// serde_json's pretty printer, with the characters of [`needs_escape`] written as
/// `\uXXXX` inside strings (the only place they can occur).
#[derive(Default)]
struct Safe(PrettyFormatter<'static>);

impl Formatter for Safe {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Every character to escape is 0x7F or starts with one of these UTF-8 lead bytes.
        if !fragment
            .bytes()
            .any(|b| matches!(b, 0x7F | 0xC2 | 0xE2 | 0xEF))
        {
            return writer.write_all(fragment.as_bytes());
        }
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|&(_, c)| needs_escape(c)) {
            writer.write_all(rest.get(..at).unwrap_or_default().as_bytes())?;
            write!(writer, "\\u{:04x}", u32::from(c))?;
            rest = rest.get(at + c.len_utf8()..).unwrap_or_default();
        }
        writer.write_all(rest.as_bytes())
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
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

    #[test]
    fn the_streamed_json_is_the_pretty_printed_value() {
        let mut d = super::super::fixture::minimal();
        d.verdict.headline = "quote \" tab \t bidi \u{202e} end".into();
        let mut streamed = Vec::new();
        write(&d, &mut streamed).unwrap();
        let streamed = String::from_utf8(streamed).unwrap();
        assert_eq!(streamed, render(&d));
        let plain = serde_json::to_string_pretty(&d).unwrap();
        assert_eq!(streamed, plain.replace('\u{202e}', "\\u202e"));
    }
}
