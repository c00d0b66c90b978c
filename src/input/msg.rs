//! Outlook `.msg` files (what a user gets by dragging a message out of Outlook): a compound
//! file whose property streams hold the transport headers (`PR_TRANSPORT_MESSAGE_HEADERS`,
//! 0x007D), subject (0x0037), sender (0x0C1A name, 0x5D01 / 0x0C1F address) and
//! Internet Message-ID (0x1035). A draft has no transport headers: that is a note on the
//! case, not an error. A non-delivery report, as Outlook keeps it or forwarded, is read as
//! one ([`msg_ndr`]).

use std::io::{Cursor, Read as _};

use super::msg_property::string_property;
use super::{Parsed, eml, header_block, msg_ndr};
use crate::case::{Evidence, HeaderSource, InputKind, MessageHeaders};
use crate::error::InputError;

/// Reads every stream of the compound file through once, so damage anywhere (a cyclic or
/// out-of-range sector chain, a stream claiming more bytes than the file holds, a chain
/// starting on the directory) refuses the file rather than making its properties look
/// absent: a damaged `.msg` read as "a message without headers" would mislead.
fn check_streams<F: std::io::Read + std::io::Seek>(
    file: &mut cfb::CompoundFile<F>,
    file_len: u64,
) -> Result<(), String> {
    let streams: Vec<(std::path::PathBuf, u64)> = file
        .walk()
        .filter(cfb::Entry::is_stream)
        .map(|e| (e.path().to_path_buf(), e.len()))
        .collect();
    for (path, len) in streams {
        let shown = path.display();
        if len > file_len {
            return Err(format!(
                "stream {shown} claims {len} bytes, more than the whole file"
            ));
        }
        let stream = file
            .open_stream(&path)
            .map_err(|e| format!("stream {shown}: {e}"))?;
        let read = std::io::copy(&mut stream.take(len), &mut std::io::sink())
            .map_err(|e| format!("stream {shown}: {e}"))?;
        if read < len {
            return Err(format!("stream {shown} ends after {read} of {len} bytes"));
        }
    }
    Ok(())
}

/// Parses a `.msg` compound file.
pub fn parse_bytes(bytes: &[u8], name: &str) -> Result<Parsed, InputError> {
    let mut file =
        cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| InputError::Malformed {
            kind: InputKind::Msg.describe().into(),
            reason: format!("not a readable Outlook file ({e})"),
            name: name.to_owned(),
        })?;
    if let Err(reason) = check_streams(&mut file, bytes.len() as u64) {
        return Err(InputError::Malformed {
            kind: InputKind::Msg.describe().into(),
            reason: format!("a damaged Outlook file: {reason}"),
            name: name.to_owned(),
        });
    }
    if !file.exists("/__properties_version1.0") {
        return Err(InputError::Malformed {
            kind: InputKind::Msg.describe().into(),
            reason: "a compound file, but not an Outlook message".into(),
            name: name.to_owned(),
        });
    }
    if let Some(report) = msg_ndr::read(&mut file) {
        return Ok(Parsed {
            kind: InputKind::Msg,
            evidence: vec![Evidence::Ndr(report)],
        });
    }
    let transport = string_property(&mut file, "", "007D");
    let mut headers = match &transport {
        Some(text) => eml::describe(HeaderSource::Msg, header_block::split_fields(text)),
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
        headers.subject = string_property(&mut file, "", "0037");
    }
    if headers.from.is_none() {
        headers.from = string_property(&mut file, "", "5D01")
            .or_else(|| string_property(&mut file, "", "0C1F").filter(|a| a.contains('@')));
    }
    if headers.from_name.is_none() {
        headers.from_name = string_property(&mut file, "", "0C1A");
    }
    if headers.message_id.is_none() {
        headers.message_id = string_property(&mut file, "", "1035");
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

    /// A `.msg` with the message's own string properties (`(tag, value)`).
    fn msg_file(properties: &[(&str, &str)]) -> Vec<u8> {
        let rows: Vec<(&str, &str, &str)> = properties.iter().map(|&(t, v)| ("", t, v)).collect();
        msg_with(&rows)
    }

    /// A `.msg` with string properties of any object: `(storage, tag, value)`, the storage
    /// `""` for the message, else a recipient's, an attachment's or an embedded message's.
    fn msg_with(properties: &[(&str, &str, &str)]) -> Vec<u8> {
        let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        file.create_stream("/__properties_version1.0").unwrap();
        for (storage, tag, value) in properties {
            let storage = if storage.is_empty() {
                String::new()
            } else {
                let path = format!("/{storage}");
                file.create_storage_all(&path).unwrap();
                path
            };
            let mut stream = file
                .create_stream(format!("{storage}/__substg1.0_{tag}001F"))
                .unwrap();
            let bytes: Vec<u8> = value.encode_utf16().flat_map(u16::to_le_bytes).collect();
            stream.write_all(&bytes).unwrap();
        }
        file.flush().unwrap();
        file.into_inner().into_inner()
    }

    /// The NDR evidence of a parsed `.msg`.
    fn report(bytes: &[u8]) -> crate::case::NdrReport {
        let parsed = parse_bytes(bytes, "bounce.msg").unwrap();
        assert_eq!(parsed.kind, InputKind::Msg);
        match parsed.evidence.first() {
            Some(Evidence::Ndr(report)) => report.clone(),
            other => panic!("not an NDR: {other:?}"),
        }
    }

    const ORIGINAL_HEADERS: &str = "Received: from AM6PR04MB5638.eurprd04.prod.outlook.com ([fe80::1]) by AM6PR04MB5638.eurprd04.prod.outlook.com ([fe80::1%7]) with mapi id 15.20.9298.010; Wed, 5 Nov 2025 10:41:12 +0000\r\nFrom: Alex Wilber <alex.wilber@contoso.com>\r\nTo: lee.gu@fabrikam.example\r\nSubject: Angebot\r\nMessage-ID: <orig@contoso.com>\r\n";

    const NDR_BODY: &str = "Your message to lee.gu@fabrikam.example couldn't be delivered.\r\n\r\nDiagnostic information for administrators:\r\n\r\nGenerating server: AM6PR04MB5638.eurprd04.prod.outlook.com\r\n\r\nlee.gu@fabrikam.example\r\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient lee.gu@fabrikam.example not found by SMTP address lookup'\r\n";

    /// A bounce dragged out of Outlook: a report item whose recipient row holds the DSN
    /// fields ([MS-OXCMAIL] supplementary information) and whose attachment is the original.
    #[test]
    fn an_outlook_report_item_reads_its_recipient_rows_and_attached_original() {
        let recipient = "__recip_version1.0_#00000000";
        let original = "__attach_version1.0_#00000000/__substg1.0_3701000D";
        let bytes = msg_with(&[
            ("", "001A", "REPORT.IPM.Note.NDR"),
            ("", "0037", "Undeliverable: Angebot"),
            (
                "",
                "007D",
                "Received: from a.example by b.example; Wed, 5 Nov 2025 10:41:13 +0000\r\nFrom: postmaster@contoso.com\r\n",
            ),
            (recipient, "39FE", "lee.gu@fabrikam.example"),
            (
                recipient,
                "0C1B",
                "<mx.fabrikam.example #5.1.10 smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup>",
            ),
            (original, "007D", ORIGINAL_HEADERS),
        ]);
        let report = report(&bytes);
        assert_eq!(report.status_code.as_deref(), Some("5.1.10"));
        assert_eq!(report.smtp_reply, Some(550));
        assert_eq!(
            report.diagnostic.as_deref(),
            Some(
                "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"
            )
        );
        assert_eq!(report.remote_server.as_deref(), Some("mx.fabrikam.example"));
        assert_eq!(report.recipients, ["lee.gu@fabrikam.example"]);
        assert_eq!(
            report.original_message_id.as_deref(),
            Some("<orig@contoso.com>")
        );
        assert_eq!(report.original_subject.as_deref(), Some("Angebot"));
        assert_eq!(
            report.original_sender.as_deref(),
            Some("alex.wilber@contoso.com")
        );
    }

    /// A bounce forwarded to the help desk inline (its body) or as an attached item: the
    /// forward's own recipient (the help desk) is not a failed recipient.
    #[test]
    fn a_forwarded_bounce_reads_from_the_body_or_the_attached_item() {
        let inline = msg_with(&[
            ("", "001A", "IPM.Note"),
            ("", "0037", "FW: Undeliverable: Angebot"),
            ("", "1000", NDR_BODY),
            (
                "__recip_version1.0_#00000000",
                "39FE",
                "helpdesk@contoso.com",
            ),
        ]);
        let attached_item = "__attach_version1.0_#00000000/__substg1.0_3701000D";
        let attached = msg_with(&[
            ("", "001A", "IPM.Note"),
            ("", "0037", "FW: see the bounce"),
            ("", "1000", "Why did this bounce?"),
            (attached_item, "001A", "REPORT.IPM.Note.NDR"),
            (attached_item, "0037", "Undeliverable: Angebot"),
            (attached_item, "1000", NDR_BODY),
        ]);
        for bytes in [inline, attached] {
            let report = report(&bytes);
            assert_eq!(report.status_code.as_deref(), Some("5.1.10"));
            assert_eq!(
                report.generating_server.as_deref(),
                Some("AM6PR04MB5638.eurprd04.prod.outlook.com")
            );
            assert_eq!(report.recipients, ["lee.gu@fabrikam.example"]);
            assert_eq!(report.original_subject.as_deref(), Some("Angebot"));
        }
        let plain = msg_with(&[("", "001A", "IPM.Note"), ("", "1000", "Lunch at noon?")]);
        assert!(matches!(
            parse_bytes(&plain, "m.msg").unwrap().evidence.first(),
            Some(Evidence::Headers(_))
        ));
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
