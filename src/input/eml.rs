//! RFC 5322 messages (`.eml`) with CRLF, LF or CR line ends. Only the top-level header
//! block is parsed (`mail-parser`'s `parse_headers`), so a message nested thousands of
//! levels deep costs nothing and cannot overflow the stack; the body is kept as raw bytes
//! for the offline DKIM body-hash check.

use mail_parser::MessageParser;

use super::{Parsed, header_block};
use crate::case::{Evidence, HeaderBlock, HeaderSource, InputKind, MessageHeaders};
use crate::diagnosis::cap::capped;

/// Bodies larger than this are not kept (the DKIM check is skipped with a note).
const MAX_BODY_BYTES: usize = 25 * 1024 * 1024;

/// The header block when the text starts with one followed by a body or MIME headers:
/// the evidence that this is a message, and what [`parse`] reads.
pub fn sniff(text: &str) -> Option<HeaderBlock> {
    // A field past the cap (a 190 MB subject) comes out of the split already cut.
    let (block, body_at) = header_block::split_fields_until(text, false);
    let has = |n: &str| block.get(n).is_some();
    // A message written by a client and saved before any server touched it has no
    // Received or Message-ID: its From with a To, Date or Subject is evidence enough.
    let authored = has("from") && (has("to") || has("date") || has("subject"));
    let message = (header_block::looks_like_headers(&block) || authored)
        && (has("from") || has("received") || has("message-id"))
        && (has("mime-version")
            || has("content-type")
            || text.get(body_at..).is_some_and(|b| !b.trim().is_empty()));
    message.then_some(block)
}

/// Where the header block ends in the raw bytes: after the first empty line (CRLF, LF or
/// CR line ends), or at the end.
fn body_start(bytes: &[u8]) -> Option<usize> {
    // The first line end that a second one follows: a scan from one CR or LF to the next
    // (an Aho-Corasick automaton for the three separators took longer to build than a
    // header block takes to scan).
    memchr::memchr2_iter(b'\r', b'\n', bytes).find_map(|at| {
        let rest = bytes.get(at..)?;
        ["\r\n\r\n", "\n\n", "\r\r"]
            .into_iter()
            .find(|separator| rest.starts_with(separator.as_bytes()))
            .map(|separator| at + separator.len())
    })
}

/// Builds the message's evidence from the header block [`sniff`] read out of its text and
/// the raw bytes (the body is kept as bytes, for the DKIM body hash).
pub fn parse(bytes: &[u8], block: HeaderBlock) -> Parsed {
    let body_at = body_start(bytes);
    let mut headers = describe(HeaderSource::Eml, block);
    headers.size_bytes = Some(bytes.len() as u64);
    if let Some(body) = body_at.and_then(|at| bytes.get(at..)) {
        if body.len() <= MAX_BODY_BYTES {
            headers.body = Some(body.to_vec());
        } else {
            headers.notes.push(format!(
                "The body is {} MB; it was not kept, so the DKIM body hash is not checked.",
                body.len() / (1024 * 1024)
            ));
        }
    }
    Parsed {
        kind: InputKind::Eml,
        evidence: vec![Evidence::Headers(headers)],
    }
}

/// The fields [`describe`] hands to `mail-parser`; the others (twenty Received lines,
/// the anti-spam stamps) are read by our own parsers, so decoding them twice is waste.
const DESCRIBED_FIELDS: &[&str] = &["subject", "from", "to", "cc"];

/// Fills subject, sender, recipients and Message-ID from a header block, decoding encoded
/// words with `mail-parser`.
pub fn describe(source: HeaderSource, block: HeaderBlock) -> MessageHeaders {
    let mut raw = String::new();
    for field in block.fields.iter().filter(|f| {
        DESCRIBED_FIELDS
            .iter()
            .any(|n| f.name.eq_ignore_ascii_case(n))
    }) {
        raw.push_str(&capped(&field.raw));
        raw.push_str("\r\n");
    }
    raw.push_str("\r\n");
    let mut headers = MessageHeaders::new(source, block);
    if headers.block.left_out > 0 {
        headers.notes.push(format!(
            "{} header fields were left out: Mailflow reads at most {} fields of one name and {} in all.",
            headers.block.left_out,
            header_block::MAX_SAME_NAME,
            header_block::MAX_FIELDS
        ));
    }
    headers.message_id = headers
        .block
        .get("message-id")
        .and_then(|v| v.split_whitespace().next())
        .map(str::to_owned);
    if let Some(message) = MessageParser::default().parse_headers(raw.as_bytes()) {
        headers.subject = message.subject().map(|s| capped(s).into_owned());
        if let Some(from) = message.from().and_then(|a| a.first()) {
            headers.from = from.address().map(str::to_owned);
            headers.from_name = from.name().map(str::to_owned);
        }
        for list in [message.to(), message.cc()].into_iter().flatten() {
            headers
                .recipients
                .extend(list.iter().filter_map(|a| a.address().map(str::to_owned)));
        }
    }
    if headers.subject.is_none() {
        headers.subject = headers.block.get("subject").map(str::to_owned);
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_starts_after_the_first_empty_line_whatever_the_line_ends() {
        for (text, at) in [
            ("A: 1\r\n\r\nbody", Some(8)),
            ("A: 1\n\nbody", Some(6)),
            ("A: 1\r\rbody", Some(6)),
            ("A: 1\r\n\nbody", Some(7)),
            ("A: 1\n\r\n\r\nbody", Some(9)),
            ("A: 1\r\nB: 2\r\n", None),
            ("", None),
        ] {
            assert_eq!(body_start(text.as_bytes()), at, "{text:?}");
        }
        // The same answers as the leftmost-first automaton the scan replaced.
        let automaton = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(["\r\n\r\n", "\n\n", "\r\r"])
            .unwrap();
        let mut next = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15_u64);
        for _ in 0..20_000 {
            let text: Vec<u8> = (0..next() % 12)
                .map(|_| [b'\r', b'\n', b'x'][(next() % 3) as usize])
                .collect();
            let oracle = automaton.find(&text).map(|m| m.end());
            assert_eq!(body_start(&text), oracle, "{text:?}");
        }
    }

    #[test]
    fn a_message_without_received_or_message_id_is_a_message() {
        let text = "From: Alice <alice@example.com>\r\nDate: Fri, 20 Nov 2026 08:15:02 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello\r\n";
        let block = sniff(text).expect("a message");
        let parsed = parse(text.as_bytes(), block);
        let Some(Evidence::Headers(h)) = parsed.evidence.first() else {
            panic!("headers");
        };
        assert_eq!(h.from.as_deref(), Some("alice@example.com"));
        assert!(sniff("From: a@example.com\r\n\r\nHello\r\n").is_none());
    }

    #[test]
    fn lf_message_with_encoded_subject_keeps_raw_body() {
        let text = b"Received: from a (a [192.0.2.1]) by b; Tue, 14 Jan 2025 15:12:44 +0000\nFrom: =?utf-8?q?J=C3=B6rg?= <j@example.com>\nTo: a@contoso.com, b@contoso.com\nSubject: =?utf-8?b?R3LDvMOfZQ==?=\nMessage-ID: <m1@example.com>\n\nHello\r\nWorld\n";
        let block = sniff(std::str::from_utf8(text).unwrap()).expect("a message");
        let parsed = parse(text, block);
        let Some(Evidence::Headers(h)) = parsed.evidence.first() else {
            panic!("headers");
        };
        assert_eq!(h.subject.as_deref(), Some("Grüße"));
        assert_eq!(h.from_name.as_deref(), Some("Jörg"));
        assert_eq!(h.recipients.len(), 2);
        assert_eq!(h.message_id.as_deref(), Some("<m1@example.com>"));
        assert_eq!(h.body.as_deref(), Some(&b"Hello\r\nWorld\n"[..]));
    }

    /// Issue 19 item 3: a huge header field is cut once, where it is read.
    #[test]
    fn a_huge_subject_is_cut_where_it_is_read() {
        let text = format!(
            "From: a@example.com\r\nTo: b@example.net\r\nSubject: {}\r\nMIME-Version: 1.0\r\n\r\nbody\r\n",
            "S".repeat(3 * crate::diagnosis::cap::MAX_TEXT_BYTES)
        );
        let block = sniff(&text).expect("a message");
        assert!(
            block
                .fields
                .iter()
                .all(|f| f.raw.len() <= crate::diagnosis::cap::MAX_TEXT_BYTES)
        );
        let parsed = parse(text.as_bytes(), block);
        let Some(Evidence::Headers(h)) = parsed.evidence.first() else {
            panic!("headers");
        };
        let subject = h.subject.as_deref().unwrap_or_default();
        assert!(
            subject.len() <= crate::diagnosis::cap::MAX_TEXT_BYTES,
            "{}",
            subject.len()
        );
        assert!(
            subject.ends_with("kept]"),
            "{}",
            &subject[subject.len() - 80..]
        );
    }
}
