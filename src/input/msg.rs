//! Outlook `.msg` files (what a user gets by dragging a message out of Outlook): a compound
//! file whose property streams hold the transport headers (`PR_TRANSPORT_MESSAGE_HEADERS`,
//! 0x007D), subject (0x0037), sender (0x0C1A name, 0x5D01 / 0x0C1F address) and
//! Internet Message-ID (0x1035). A draft has no transport headers: that is a note on the
//! case, not an error.

use std::io::{Cursor, Read as _};

use super::{Parsed, eml, headers_paste};
use crate::case::{Evidence, HeaderSource, InputKind, MessageHeaders};
use crate::error::InputError;

/// Property streams are this large at most in practice; larger ones are not read.
const MAX_PROPERTY_BYTES: u64 = 32 * 1024 * 1024;

/// Reads a string property: Unicode (`001F`) first, then the 8-bit form (`001E`).
fn string_property<F: std::io::Read + std::io::Seek>(
    file: &mut cfb::CompoundFile<F>,
    tag: &str,
) -> Option<String> {
    for (suffix, unicode) in [("001F", true), ("001E", false)] {
        let path = format!("/__substg1.0_{tag}{suffix}");
        let Ok(stream) = file.open_stream(&path) else {
            continue;
        };
        let mut bytes = Vec::new();
        if stream
            .take(MAX_PROPERTY_BYTES)
            .read_to_end(&mut bytes)
            .is_err()
        {
            continue;
        }
        let text = if unicode {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        } else {
            super::text::decode(&bytes).0
        };
        let text = text.trim_end_matches('\0').trim().to_owned();
        if !text.is_empty() {
            return Some(text);
        }
    }
    None
}

/// Parses a `.msg` compound file.
pub fn parse_bytes(bytes: &[u8], name: &str) -> Result<Parsed, InputError> {
    let mut file =
        cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| InputError::Malformed {
            kind: InputKind::Msg.describe().into(),
            reason: format!("not a readable Outlook file ({e})"),
            name: name.to_owned(),
        })?;
    if !file.exists("/__properties_version1.0") {
        return Err(InputError::Malformed {
            kind: InputKind::Msg.describe().into(),
            reason: "a compound file, but not an Outlook message".into(),
            name: name.to_owned(),
        });
    }
    let transport = string_property(&mut file, "007D");
    let mut headers = match &transport {
        Some(text) => eml::describe(HeaderSource::Msg, headers_paste::split_fields(text)),
        None => MessageHeaders::new(HeaderSource::Msg, crate::case::HeaderBlock::default()),
    };
    if headers.block.is_empty() {
        headers.notes.push(
            "This .msg has no transport headers: it is a draft or was saved before it was sent \
             or received, so there is no routing or anti-spam evidence in it. Ask for the \
             message as received (or its trace)."
                .into(),
        );
    }
    if headers.subject.is_none() {
        headers.subject = string_property(&mut file, "0037");
    }
    if headers.from.is_none() {
        headers.from = string_property(&mut file, "5D01")
            .or_else(|| string_property(&mut file, "0C1F").filter(|a| a.contains('@')));
    }
    if headers.from_name.is_none() {
        headers.from_name = string_property(&mut file, "0C1A");
    }
    if headers.message_id.is_none() {
        headers.message_id = string_property(&mut file, "1035");
    }
    headers.size_bytes = Some(bytes.len() as u64);
    Ok(Parsed {
        kind: InputKind::Msg,
        evidence: vec![Evidence::Headers(headers)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn msg_file(properties: &[(&str, &str)]) -> Vec<u8> {
        let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        file.create_stream("/__properties_version1.0").unwrap();
        for (tag, value) in properties {
            let mut stream = file
                .create_stream(format!("/__substg1.0_{tag}001F"))
                .unwrap();
            let bytes: Vec<u8> = value.encode_utf16().flat_map(u16::to_le_bytes).collect();
            stream.write_all(&bytes).unwrap();
        }
        file.flush().unwrap();
        file.into_inner().into_inner()
    }

    #[test]
    fn transport_headers_and_properties() {
        let bytes = msg_file(&[
            (
                "007D",
                "Received: from a (a [192.0.2.1]) by b; Tue, 14 Jan 2025 15:12:44 +0000\r\nMessage-ID: <m@x>\r\nSubject: From headers\r\n",
            ),
            ("0037", "From properties"),
            ("5D01", "sender@example.com"),
        ]);
        let parsed = parse_bytes(&bytes, "m.msg").unwrap();
        let Some(Evidence::Headers(h)) = parsed.evidence.first() else {
            panic!("headers");
        };
        assert_eq!(h.subject.as_deref(), Some("From headers"));
        assert_eq!(h.from.as_deref(), Some("sender@example.com"));
        assert_eq!(h.message_id.as_deref(), Some("<m@x>"));
        assert!(h.notes.is_empty());
    }

    #[test]
    fn a_draft_without_transport_headers_gets_a_note() {
        let bytes = msg_file(&[("0037", "Draft subject")]);
        let parsed = parse_bytes(&bytes, "d.msg").unwrap();
        let Some(Evidence::Headers(h)) = parsed.evidence.first() else {
            panic!("headers");
        };
        assert_eq!(h.subject.as_deref(), Some("Draft subject"));
        assert_eq!(h.notes.len(), 1);
        assert!(matches!(
            parse_bytes(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1garbage", "x.msg"),
            Err(InputError::Malformed { .. })
        ));
    }
}
