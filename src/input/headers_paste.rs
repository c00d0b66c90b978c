//! Header blocks pasted from Outlook ("Internet headers"), OWA or the Message Header
//! Analyzer: with or without Outlook's `Microsoft Mail Internet Headers Version 2.0` first
//! line, with or without a body, folded or already unfolded by the copy (continuation lines
//! that lost their indentation are still continuations when they do not start a field).

use std::sync::LazyLock;

use regex::Regex;

use super::{Parsed, eml};
use crate::case::{Evidence, HeaderBlock, HeaderField, HeaderSource, InputKind};
use crate::error::InputError;

/// A field-name at a line start: printable ASCII without space or colon (RFC 5322
/// `ftext`), at most 76 characters, then a colon.
static FIELD_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([!-9;-~]{1,76}):").expect("static regex"));

/// Fields whose presence says "these are e-mail headers" rather than any `Name: value`
/// text.
const MAIL_FIELDS: &[&str] = &[
    "received",
    "authentication-results",
    "x-forefront-antispam-report",
    "x-microsoft-antispam",
    "message-id",
    "dkim-signature",
    "return-path",
    "arc-seal",
    "received-spf",
    "x-ms-exchange-organization-scl",
    "x-ms-exchange-organization-network-message-id",
];

/// Outlook's first line in the "Internet headers" box.
const OUTLOOK_PREAMBLE: &str = "Microsoft Mail Internet Headers Version 2.0";

/// The end of the header block: the first blank line, or the end of the text. Blank lines
/// are allowed inside a paste when the next non-blank line is still a header field
/// (`tolerant`), as Outlook's box sometimes shows them.
fn header_end(lines: &[&str], tolerant: bool) -> usize {
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        if line.trim().is_empty() {
            let next = lines.iter().skip(i).position(|l| !l.trim().is_empty());
            let continues = tolerant
                && next.is_some_and(|n| {
                    lines
                        .get(i + n)
                        .is_some_and(|l| FIELD_START.is_match(l) && !l.starts_with("--"))
                });
            if !continues {
                return i;
            }
        }
        i += 1;
    }
    lines.len()
}

/// Splits a header block into fields, keeping each field's raw text and its unfolded
/// value. Lines before the first field (a preamble, an mbox `From ` line) are skipped; a
/// line that is not a field start continues the previous field.
pub fn split_fields(text: &str) -> HeaderBlock {
    split_fields_until(text, true).0
}

/// Like [`split_fields`]; also returns the byte offset where the header block ends (after
/// its blank line), for callers that need the body. `tolerant` allows blank lines inside
/// the block (pastes), not in a message (where the first blank line starts the body).
pub fn split_fields_until(text: &str, tolerant: bool) -> (HeaderBlock, usize) {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let trimmed: Vec<&str> = lines
        .iter()
        .map(|l| l.trim_end_matches(['\r', '\n']))
        .collect();
    let first = trimmed
        .iter()
        .position(|l| {
            !l.trim().is_empty()
                && !l.trim().eq_ignore_ascii_case(OUTLOOK_PREAMBLE)
                && !l.starts_with("From ")
        })
        .unwrap_or(trimmed.len());
    let rest = trimmed.get(first..).unwrap_or(&[]);
    let end = first + header_end(rest, tolerant);
    let mut fields: Vec<HeaderField> = Vec::new();
    for line in trimmed.get(first..end).unwrap_or(&[]) {
        if line.trim().is_empty() {
            continue;
        }
        let folded = line.starts_with([' ', '\t']);
        match FIELD_START.captures(line) {
            Some(caps) if !folded && starts_field(line, caps.get(1).map_or("", |m| m.as_str())) => {
                let name = caps.get(1).map_or("", |m| m.as_str());
                let value = line.get(name.len() + 1..).unwrap_or("").trim();
                fields.push(HeaderField {
                    name: name.to_owned(),
                    value: value.to_owned(),
                    raw: (*line).to_owned(),
                });
            }
            _ => {
                if let Some(field) = fields.last_mut() {
                    field.raw.push_str("\r\n");
                    field.raw.push_str(line);
                    let more = line.trim();
                    if !more.is_empty() {
                        if !field.value.is_empty() {
                            field.value.push(' ');
                        }
                        field.value.push_str(more);
                    }
                }
            }
        }
    }
    let offset: usize = lines.iter().take(end + 1).map(|l| l.len()).sum();
    (HeaderBlock { fields }, offset.min(text.len()))
}

/// A `Name:` at a line start begins a field when a space follows the colon (or nothing
/// does), or when the name looks like a header name (`X-Foo-Bar`). `SFV:SPM;` or an IPv6
/// address on a continuation line that lost its indentation stays a continuation.
fn starts_field(line: &str, name: &str) -> bool {
    let after = line.get(name.len() + 1..).unwrap_or("");
    after.is_empty() || after.starts_with([' ', '\t']) || (name.contains('-') && name.len() > 3)
}

/// True when the block has enough mail-specific fields to be a message's headers.
pub fn looks_like_headers(block: &HeaderBlock) -> bool {
    let mail = block
        .fields
        .iter()
        .filter(|f| {
            MAIL_FIELDS.contains(&f.name.to_ascii_lowercase().as_str())
                || f.name.to_ascii_lowercase().starts_with("x-ms-exchange-")
        })
        .count();
    let basic = ["from", "to", "subject", "date"]
        .iter()
        .filter(|n| block.get(n).is_some())
        .count();
    mail >= 1 && block.fields.len() >= 3 || basic >= 3
}

/// True when the text starts with a header block.
pub fn sniff(text: &str) -> bool {
    looks_like_headers(&split_fields(text))
}

/// Parses a pasted header block (a body after it, if any, is kept for the DKIM check).
pub fn parse(text: &str, name: &str) -> Result<Parsed, InputError> {
    let (block, body_at) = split_fields_until(text, true);
    if !looks_like_headers(&block) {
        return Err(InputError::Malformed {
            kind: InputKind::Headers.describe().into(),
            reason: "no message header fields".into(),
            name: name.to_owned(),
        });
    }
    let body = text.get(body_at..).filter(|b| !b.trim().is_empty());
    let mut headers = eml::describe(HeaderSource::Pasted, block);
    headers.body = body.map(|b| b.as_bytes().to_vec());
    Ok(Parsed {
        kind: InputKind::Headers,
        evidence: vec![Evidence::Headers(headers)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_preamble_and_unindented_continuations() {
        let text = "Microsoft Mail Internet Headers Version 2.0\r\nReceived: from a.example (a.example [192.0.2.1])\r\n by b.example with SMTP;\r\n Tue, 14 Jan 2025 15:12:44 +0000\r\nX-Forefront-Antispam-Report: CIP:192.0.2.1;CTRY:US;\r\nSFV:SPM;\r\nSubject: hi\r\n";
        let block = split_fields(text);
        assert_eq!(block.fields.len(), 3);
        assert_eq!(
            block.get("received"),
            Some(
                "from a.example (a.example [192.0.2.1]) by b.example with SMTP; Tue, 14 Jan 2025 15:12:44 +0000"
            )
        );
        assert_eq!(
            block.get("X-Forefront-Antispam-Report"),
            Some("CIP:192.0.2.1;CTRY:US; SFV:SPM;")
        );
        assert!(block.fields[0].raw.contains("\r\n by b.example"));
        assert!(sniff(text));
    }

    #[test]
    fn ordinary_prose_is_not_headers() {
        assert!(!sniff(
            "Note: the user says mail is missing.\nAction: check it.\n"
        ));
    }
}
