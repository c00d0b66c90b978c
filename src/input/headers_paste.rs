//! Header blocks pasted from Outlook ("Internet headers"), OWA or the Message Header
//! Analyzer, with or without a body: the evidence of a paste. How the block itself is
//! split into fields is [`super::header_block`]'s, shared with the `.eml` reader.

use super::header_block::{looks_like_headers, split_fields_until};
use super::{Parsed, eml};
use crate::case::{Evidence, HeaderBlock, HeaderSource, InputKind};

/// The header block and the offset where it ends, when the text starts with one: the
/// evidence that this is a paste of headers, and what [`parse`] reads.
pub fn sniff(text: &str) -> Option<(HeaderBlock, usize)> {
    let (block, body_at) = split_fields_until(text, true);
    looks_like_headers(&block).then_some((block, body_at))
}

/// Builds the evidence of the pasted header block [`sniff`] found in `text` (a body after
/// it, if any, is kept for the DKIM check).
pub fn parse(text: &str, (block, body_at): (HeaderBlock, usize)) -> Parsed {
    let body = text.get(body_at..).filter(|b| !b.trim().is_empty());
    let mut headers = eml::describe(HeaderSource::Pasted, block);
    headers.body = body.map(|b| b.as_bytes().to_vec());
    Parsed {
        kind: InputKind::Headers,
        evidence: vec![Evidence::Headers(headers)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folded_paste_with_outlooks_preamble_is_headers() {
        let text = "Microsoft Mail Internet Headers Version 2.0\r\nReceived: from a.example (a.example [192.0.2.1])\r\n by b.example with SMTP;\r\n Tue, 14 Jan 2025 15:12:44 +0000\r\nX-Forefront-Antispam-Report: CIP:192.0.2.1;CTRY:US;\r\nSFV:SPM;\r\nSubject: hi\r\n";
        let (block, _) = sniff(text).expect("headers");
        assert_eq!(block.fields.len(), 3);
    }

    #[test]
    fn ordinary_prose_is_not_headers() {
        assert!(sniff("Note: the user says mail is missing.\nAction: check it.\n").is_none());
    }
}
