//! Input detection and parsing: bytes → evidence. Never panics; every failure is an
//! [`InputError`] naming the input.
//!
//! The kind is detected from content, never from the file name: binary signatures first
//! (an Outlook `.msg` is a compound file; a PNG is refused), then each text format's
//! `sniff` in an order where the more specific formats come first (a DSN is also an RFC
//! 5322 message; an EAC report embedded in an email thread is still a trace).

pub mod bounce;
pub mod console;
pub mod csv_trace;
pub mod dates;
pub mod eac_text;
pub mod eml;
mod encoded_ndr;
mod event_data;
mod fields;
pub mod graph;
pub mod header_block;
pub mod headers_paste;
pub mod msg;
mod msg_ndr;
mod msg_property;
pub mod ndr;
pub mod powershell;
pub mod text;
pub mod trace_rows;
pub mod tracking_log;

use std::io::Read as _;
use std::path::Path;

use sha2::{Digest as _, Sha256};

use crate::case::{Evidence, HeaderBlock, HeaderSource, InputInfo, InputKind, ParsedInput};
use crate::error::InputError;

/// The largest input Mailflow reads; larger files are refused before they are read.
pub const MAX_INPUT_BYTES: u64 = 200 * 1024 * 1024;

/// The most rows a message-trace CSV may have: three of the largest single export Exchange
/// Online writes (100 000 rows by cmdlet; the admin center stops at 50 000), for a script
/// that pages `Get-MessageTraceV2` into one file. Every row becomes evidence and every
/// message an entry of the diagnosis, about 2.2 KB of memory and 5 µs a row (300 000 rows:
/// 0.7 GB), so a bigger file is refused with a clear error rather than read into
/// gigabytes.
pub const MAX_TRACE_ROWS: usize = 300_000;

/// What a format parser returns: the kind it recognised and the evidence.
#[derive(Debug)]
pub struct Parsed {
    /// The detected kind.
    pub kind: InputKind,
    /// Evidence, in input order.
    pub evidence: Vec<Evidence>,
}

/// Reads and parses a file. Refuses files over [`MAX_INPUT_BYTES`] before reading them.
pub fn load_path(path: &Path) -> Result<ParsedInput, InputError> {
    let name = file_name(path);
    let bytes = read_path(path, &name, &|_, _| {})?;
    load_bytes(&name, &bytes)
}

/// The name error lines and reports use for a file: its file name, else the path.
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Size of one read, small enough that a 150 MB file reports progress often.
const CHUNK: usize = 1 << 20;

/// Reads a file in chunks, calling `on_read(done, total)` after each; refuses a file over
/// [`MAX_INPUT_BYTES`] before reading it, and one that grows past it while being read.
pub fn read_path(
    path: &Path,
    name: &str,
    on_read: &dyn Fn(u64, u64),
) -> Result<Vec<u8>, InputError> {
    let io = |e: std::io::Error| InputError::Io {
        reason: e.kind().to_string(),
        name: path.display().to_string(),
    };
    let too_large = |size: u64| InputError::TooLarge {
        size,
        limit: MAX_INPUT_BYTES,
        name: name.to_owned(),
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > MAX_INPUT_BYTES {
        return Err(too_large(size));
    }
    on_read(0, size);
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let mut chunk = vec![0; CHUNK];
    loop {
        let n = file.read(&mut chunk).map_err(io)?;
        let Some(read) = chunk.get(..n).filter(|c| !c.is_empty()) else {
            break;
        };
        bytes.extend_from_slice(read);
        if bytes.len() as u64 > MAX_INPUT_BYTES {
            return Err(too_large(bytes.len() as u64));
        }
        on_read(bytes.len() as u64, size);
    }
    Ok(bytes)
}

/// Parses bytes that came from `name` (a file, a drop, a paste).
pub fn load_bytes(name: &str, bytes: &[u8]) -> Result<ParsedInput, InputError> {
    let size = bytes.len() as u64;
    if size > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            size,
            limit: MAX_INPUT_BYTES,
            name: name.to_owned(),
        });
    }
    let parsed = parse(name, bytes)?;
    Ok(parsed_input(name, size, sha256_hex(bytes), parsed))
}

/// What the case is told of an input: its name, size, hash and what it says.
fn parsed_input(name: &str, size_bytes: u64, sha256: String, parsed: Parsed) -> ParsedInput {
    ParsedInput {
        info: InputInfo {
            name: name.to_owned(),
            kind: parsed.kind,
            size_bytes,
            sha256,
        },
        evidence: parsed.evidence,
    }
}

/// The SHA-256 of `bytes` in lower-case hex, as the report names each input.
fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, b| {
            use std::fmt::Write as _;
            write!(hex, "{b:02x}").ok();
            hex
        })
}

/// As [`load_bytes`], taking the bytes over: UTF-16 that is no message (the admin
/// center's reports, saved trace text) is decoded and its bytes freed before it is parsed,
/// so a 70 MB report is not held as its bytes, its text and its evidence at once. Other
/// bytes are read where they are, as [`load_bytes`] does, with the same result.
///
/// # Errors
/// As [`load_bytes`].
pub fn load_owned(name: &str, bytes: Vec<u8>) -> Result<ParsedInput, InputError> {
    if !text::is_utf16(&bytes) || bytes.len() as u64 > MAX_INPUT_BYTES {
        return load_bytes(name, &bytes);
    }
    let text = text::normalize(&bytes).into_owned();
    // A message is parsed from its bytes as they are (the window keeps them for a bundle
    // and must read the same thing); only text that is no message gives its bytes up.
    if eml::sniff(&text).is_some() {
        return load_bytes(name, &bytes);
    }
    let (size_bytes, sha256) = (bytes.len() as u64, sha256_hex(&bytes));
    drop(bytes);
    let parsed = parse(name, text.as_bytes())?;
    Ok(parsed_input(name, size_bytes, sha256, parsed))
}

/// Binary signatures of files people drop by mistake.
const MAGIC: &[(&[u8], &str)] = &[
    (b"\x89PNG", "PNG image"),
    (b"\xFF\xD8\xFF", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"\x1F\x8B", "gzip archive"),
    (b"\x7FELF", "executable"),
    (b"MZ", "Windows executable"),
    (b"Rar!", "RAR archive"),
    (b"7z\xBC\xAF", "7-Zip archive"),
    (b"BM", "bitmap image"),
    (b"RIFF", "media file"),
];

/// The compound-file signature of Outlook `.msg` files.
const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

fn parse(name: &str, bytes: &[u8]) -> Result<Parsed, InputError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError::Empty {
            name: name.to_owned(),
        });
    }
    if bytes.starts_with(CFB_MAGIC) {
        return msg::parse_bytes(bytes, name);
    }
    if let Some((_, what)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        // "MZ"/"BM" are two ASCII letters: only call it binary when the rest agrees.
        if looks_binary(bytes) || what.contains("image") && bytes.len() > 4 && bytes[2] > 0x7F {
            return Err(InputError::Binary {
                what: (*what).to_owned(),
                name: name.to_owned(),
            });
        }
    }
    let text = text::normalize(bytes);
    let text = without_mbox_line(&text);
    if looks_binary_text(text) {
        return Err(InputError::Binary {
            what: "not text".into(),
            name: name.to_owned(),
        });
    }
    if text.trim().is_empty() {
        return Err(InputError::Empty {
            name: name.to_owned(),
        });
    }
    // A text that opens with a message's header block is a message or an NDR: the trace
    // sniffers, which would read its whole body, are skipped.
    let opens_with_field = header_block::opens_with_field(text);
    // Only a header block that looks like a server's is taken before the trace sniffers: a
    // ticket thread (From, To, Subject and a pasted trace) is a trace.
    if opens_with_field
        && let Some(block) = eml::sniff(text).filter(header_block::looks_like_headers)
    {
        return Ok(message(bytes, text, block));
    }
    let console = console::Sniffed::read(text);
    if tracking_log::sniff(text, &console) {
        return tracking_log::parse(text, name);
    }
    if graph::sniff(text) {
        return graph::parse(text, name);
    }
    if csv_trace::sniff(text) {
        return csv_trace::parse(text, name);
    }
    if eac_text::sniff(text) {
        return eac_text::parse(text, name);
    }
    if powershell::sniff(&console) {
        return powershell::parse(text, name);
    }
    if ndr::sniff(text) || bounce::sniff(text) {
        return bounce::parse(text, name);
    }
    if let Some(block) = eml::sniff(text) {
        return Ok(message(bytes, text, block));
    }
    if let Some(block) = headers_paste::sniff(text) {
        return Ok(headers_paste::parse(text, block));
    }
    Err(InputError::UnknownKind {
        name: name.to_owned(),
    })
}

/// A message, or the bounce it is or carries. A message that its own headers or text mark
/// as a bounce (a delivery-status report, a sender like `MAILER-DAEMON`, a bounce's subject,
/// `X-Failed-Recipients`, a bounce's wording) is read as one, part by part; a bounce
/// forwarded with the report attached as a message is decoded by [`encoded_ndr`]. Either way
/// the file is a message (`eml`).
pub fn message(bytes: &[u8], text: &str, block: HeaderBlock) -> Parsed {
    let body_at = bounce::mime::head_and_body(text).0.len();
    if is_bounce(&block, text, body_at) {
        let own = own_addresses(&block);
        if let Some(mut report) = bounce::read(text, Some(body_at), &own) {
            let mut headers = eml::describe(HeaderSource::Eml, block);
            headers.size_bytes = Some(bytes.len() as u64);
            report.bounce_headers = Some(Box::new(headers));
            return Parsed {
                kind: InputKind::Eml,
                evidence: vec![Evidence::Ndr(report)],
            };
        }
    }
    let mut parsed = eml::parse(bytes, block);
    if text
        .get(body_at..)
        .is_none_or(|body| body.trim().is_empty())
    {
        // A header block without a body is what Outlook's "Internet headers" box shows.
        parsed.kind = InputKind::Headers;
    }
    let carried = parsed.evidence.iter().find_map(|evidence| match evidence {
        Evidence::Headers(headers) => encoded_ndr::read(headers, bytes),
        _ => None,
    });
    if let Some(report) = carried {
        return Parsed {
            kind: InputKind::Eml,
            evidence: vec![Evidence::Ndr(report)],
        };
    }
    parsed
}

/// True when a message's header block or text marks it as a bounce.
fn is_bounce(block: &HeaderBlock, text: &str, body_at: usize) -> bool {
    let lower = |name: &str| block.get(name).map(str::to_ascii_lowercase);
    // A feedback report (ARF) or a read receipt is a report too, but no bounce.
    let report = lower("content-type").is_some_and(|t| {
        t.trim_start().starts_with("multipart/report")
            && !t.contains("feedback-report")
            && !t.contains("disposition-notification")
    });
    let daemon = ["from", "return-path", "sender"].into_iter().any(|field| {
        lower(field).is_some_and(|v| {
            v.contains("mailer-daemon") || v.contains("postmaster") || v.trim() == "<>"
        })
    });
    let subject = block.get("subject").and_then(ndr::bounce_subject).is_some();
    let failed = block.get("x-failed-recipients").is_some();
    let body = text.get(body_at..).unwrap_or_default();
    report || daemon || subject || failed || ndr::sniff(text) || bounce::sniff(body)
}

/// The bounce's own sender and recipient addresses: never the recipient that failed.
fn own_addresses(block: &HeaderBlock) -> Vec<String> {
    ["from", "to", "return-path", "delivered-to"]
        .into_iter()
        .filter_map(|field| block.get(field))
        .flat_map(|value| {
            value
                .split([',', '<', '>', ' ', '"'])
                .filter(|w| w.contains('@'))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The text without the `From sender date` line an mbox file opens each message with (a
/// bounce saved from a Unix mailbox): it is no header field, and would hide the header
/// block below it.
fn without_mbox_line(text: &str) -> &str {
    match text.strip_prefix("From ") {
        Some(rest) if !rest.split('\n').next().unwrap_or_default().contains(": ") => {
            rest.split_once('\n').map_or("", |(_, after)| after)
        }
        _ => text,
    }
}

/// Raw bytes with NULs or many control characters (UTF-16 is decoded before this check
/// is applied to text).
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    control * 10 > sample.len()
}

fn looks_binary_text(text: &str) -> bool {
    let (seen, bad) = text
        .chars()
        .take(4096)
        .fold((0usize, 0usize), |(seen, bad), c| {
            let control = (c < ' ' && !matches!(c, '\t' | '\n' | '\r' | '\u{0C}'))
                || c == char::REPLACEMENT_CHARACTER;
            (seen + 1, bad + usize::from(control))
        });
    bad * 20 > seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_taken_over_read_as_bytes_lent() {
        let csv = "\"Received\",\"SenderAddress\",\"RecipientAddress\",\"Subject\",\"Status\",\"MessageId\"\r\n\"11/20/2026 8:00:00 AM\",\"s@c.example\",\"r@f.example\",\"Grüße\",\"Failed\",\"<1@c>\"\r\n";
        let utf16_le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(csv.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let utf16_be_no_bom: Vec<u8> = csv.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let message = "From: a@example.net\r\nTo: b@contoso.example\r\nSubject: Grüße\r\nMessage-ID: <1@example.net>\r\n\r\nbody\r\n";
        let utf16_message: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(message.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert!(text::is_utf16(&utf16_message));
        let lent = load_bytes("m.eml", &utf16_message);
        let taken = load_owned("m.eml", utf16_message);
        assert_eq!(format!("{taken:?}"), format!("{lent:?}"));
        for bytes in [utf16_le, utf16_be_no_bom, csv.as_bytes().to_vec()] {
            assert_eq!(text::is_utf16(&bytes), bytes.len() != csv.len());
            let lent = load_bytes("t.csv", &bytes).expect("a trace");
            let taken = load_owned("t.csv", bytes).expect("a trace");
            assert_eq!(format!("{taken:?}"), format!("{lent:?}"));
            assert!(format!("{taken:?}").contains("Grüße"));
        }
    }

    #[test]
    fn a_message_with_cr_line_ends_is_a_message() {
        let bytes = b"Received: from a (a [192.0.2.1]) by b.example with SMTP; Tue, 14 Jan 2025 15:12:44 +0000\rFrom: a@example.com\rTo: b@contoso.com\rSubject: hi\rMessage-ID: <x@example.com>\rMIME-Version: 1.0\r\rBody\r";
        let parsed = load_bytes("cr.eml", bytes).unwrap();
        assert_eq!(parsed.info.kind, InputKind::Eml);
        let Some(Evidence::Headers(headers)) = parsed.evidence.first() else {
            panic!("headers");
        };
        assert_eq!(headers.subject.as_deref(), Some("hi"));
        assert_eq!(headers.block.fields.len(), 6);
        assert_eq!(headers.body.as_deref(), Some(&b"Body\r"[..]));
    }

    #[test]
    fn a_message_quoting_trace_output_in_its_body_is_a_message() {
        let text = "Received: from a (a [192.0.2.1]) by b.example with SMTP; Tue, 14 Jan 2025 15:12:44 +0000\r\nFrom: a@example.com\r\nTo: b@contoso.com\r\nSubject: the trace you asked for\r\nMessage-ID: <x@example.com>\r\n\r\nReceived             Sender Address   Recipient Address   Status\r\n--------             --------------   -----------------   ------\r\n1/14/2025 3:12:44 PM a@example.com    b@contoso.com       Failed\r\n\r\nMessageTraceId : 4b9e2c71-0d3a-4f6e-fe21-08dd34a1c9f2\r\nStatus         : Failed\r\n";
        let parsed = load_bytes("fwd.eml", text.as_bytes()).unwrap();
        assert_eq!(parsed.info.kind, InputKind::Eml);
        let Some(Evidence::Headers(headers)) = parsed.evidence.first() else {
            panic!("headers");
        };
        assert_eq!(headers.subject.as_deref(), Some("the trace you asked for"));
    }

    #[test]
    fn empty_and_binary_inputs_are_refused_with_their_name() {
        assert_eq!(
            load_bytes("empty.txt", b"  \n").unwrap_err(),
            InputError::Empty {
                name: "empty.txt".into()
            }
        );
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
        assert!(matches!(
            load_bytes("pic.txt", png),
            Err(InputError::Binary { .. })
        ));
        assert!(matches!(
            load_bytes("x.txt", b"hello world, nothing to see"),
            Err(InputError::UnknownKind { .. })
        ));
    }
}
