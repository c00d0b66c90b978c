//! Input-derived text made safe to show, whatever the sink: control characters, terminal
//! escapes, bidirectional overrides and zero-width characters become visible escapes
//! (`\x1b`, `\u{202e}`), so a subject cannot clear a terminal, retitle a window, open an
//! OSC 8 hyperlink or reorder what the reader sees (`reference/reliability.md` §3.3).
//! Every exporter but JSON (where `serde_json` escapes) passes input text through here
//! before its own escaping.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The longest input-derived value shown in full; longer values are cut with a marker, so
/// a 1 MiB header line cannot bloat a ticket (the JSON keeps the whole value).
pub const MAX_VALUE_CHARS: usize = 8 * 1024;

/// True for characters that must never reach a reader raw: C0 controls other than tab and
/// line feed, DEL, C1 controls (0x9B is CSI on some terminals), bidirectional embeddings,
/// overrides and isolates, zero-width characters and the byte-order mark.
fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}'
        | '\u{b}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{feff}'
    )
}

/// The text with hidden characters shown as escapes; line feeds and tabs stay, a carriage
/// return before a line feed is dropped (CRLF is a line break, a lone CR is not).
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_hidden(c) || c == '\r') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if is_hidden(c) || c == '\r' {
            if u32::from(c) < 0x100 {
                write!(out, "\\x{:02x}", u32::from(c)).ok();
            } else {
                write!(out, "\\u{{{:x}}}", u32::from(c)).ok();
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`printable`] on one line: line breaks and tabs become single spaces and runs of white
/// space collapse, for table cells and headings.
pub fn one_line(s: &str) -> String {
    let printable = printable(s);
    let mut out = String::with_capacity(printable.len());
    let mut space = false;
    for c in printable.trim().chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// At most [`MAX_VALUE_CHARS`] characters of `s`, with a marker saying how much was cut.
pub fn bounded(s: &str) -> Cow<'_, str> {
    match s.char_indices().nth(MAX_VALUE_CHARS) {
        None => Cow::Borrowed(s),
        Some((cut, _)) => {
            let rest = s.get(cut..).map_or(0, |r| r.chars().count());
            let head = s.get(..cut).unwrap_or_default();
            Cow::Owned(format!("{head} … [{rest} more characters]"))
        }
    }
}

/// One-line, printable and bounded: the form of every input-derived value in a report.
pub fn value(s: &str) -> String {
    one_line(&bounded(s))
}

/// Multi-line, printable and bounded: paragraphs (finding details) keep their breaks.
pub fn paragraph(s: &str) -> String {
    printable(bounded(s).trim()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_and_bidi_become_visible() {
        assert_eq!(printable("a\x1b[31mred"), "a\\x1b[31mred");
        assert_eq!(
            printable("\x1b]8;;https://x\x07y"),
            "\\x1b]8;;https://x\\x07y"
        );
        assert_eq!(
            printable("invoice\u{202e}fdp.exe"),
            "invoice\\u{202e}fdp.exe"
        );
        assert_eq!(printable("csi\u{9b}2J"), "csi\\x9b2J");
        assert_eq!(printable("zero\u{200b}width"), "zero\\u{200b}width");
        assert!(matches!(printable("plain text"), Cow::Borrowed(_)));
    }

    #[test]
    fn line_breaks_survive_only_where_asked() {
        assert_eq!(printable("a\r\nb\rc"), "a\nb\\x0dc");
        assert_eq!(one_line("  a\n\tb  c \r\n"), "a b c");
    }

    #[test]
    fn long_values_are_cut_with_a_marker() {
        let long = "x".repeat(MAX_VALUE_CHARS + 10);
        let cut = bounded(&long);
        assert!(cut.ends_with("[10 more characters]"));
        assert!(cut.chars().count() < MAX_VALUE_CHARS + 40);
        assert_eq!(bounded("short"), "short");
    }
}
