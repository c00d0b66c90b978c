//! A bounce's MIME structure, read shallowly: the decoded text of each part in the order a
//! reader meets them, and the original message where the bounce returns it.
//!
//! Bounces are small and flat (a text part, a delivery-status part, the returned message),
//! so this walker splits at boundaries itself instead of building `mail-parser`'s full tree:
//! its depth and part count are bounded, it never recurses into the returned message, and
//! it reads encodings (quoted-printable, base64) that hide the status codes from a plain
//! text scan.

use std::borrow::Cow;

use base64::Engine as _;

use crate::input::text;

/// How deep multiparts are followed. Real bounces nest two levels (a `multipart/mixed`
/// forward around a `multipart/report`); deeper trees are read as opaque text.
const MAX_DEPTH: usize = 6;

/// How many parts are read at most; the rest of a message is ignored.
const MAX_PARTS: usize = 64;

/// What a part holds, as far as reading a bounce goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartKind {
    /// Human-readable text (`text/plain`, or a message without a MIME structure).
    Text,
    /// `text/html`, converted to text.
    Html,
    /// `message/delivery-status` (RFC 3464) or its `message/global-delivery-status` form.
    DeliveryStatus,
    /// The returned message or its headers (`message/rfc822`, `text/rfc822-headers`).
    Original,
}

/// One decoded part.
#[derive(Debug)]
pub struct Part<'a> {
    /// What it holds.
    pub kind: PartKind,
    /// Its decoded text.
    pub text: Cow<'a, str>,
}

/// The parts of a message whose header block ends at `body_at` in `text` (the whole text
/// when it has no header block, as a pasted bounce).
pub fn parts(text: &str, body_at: Option<usize>) -> Vec<Part<'_>> {
    let mut out = Vec::new();
    match body_at {
        Some(at) => {
            let (head, body) = text.split_at(at.min(text.len()));
            walk(head, body, 0, &mut out);
        }
        None => out.push(Part {
            kind: PartKind::Text,
            text: Cow::Borrowed(text),
        }),
    }
    out
}

/// Reads one entity: its header block `head` and its `body`.
fn walk<'a>(head: &str, body: &'a str, depth: usize, out: &mut Vec<Part<'a>>) {
    if out.len() >= MAX_PARTS {
        return;
    }
    let content_type = field(head, "content-type").unwrap_or_default();
    let media = media_type(&content_type);
    if media.starts_with("multipart/") {
        if depth >= MAX_DEPTH {
            return;
        }
        if let Some(boundary) = parameter(&content_type, "boundary") {
            let entities = split(body, &boundary);
            // A body whose delimiters do not match its declared boundary (a relay rewrote
            // one of them) is still read, as one text.
            if !entities.is_empty() {
                for (part_head, part_body) in entities {
                    walk(part_head, part_body, depth + 1, out);
                }
                return;
            }
        }
        out.push(Part {
            kind: PartKind::Text,
            text: Cow::Borrowed(body),
        });
        return;
    }
    let kind = match media.as_str() {
        "message/delivery-status" | "message/global-delivery-status" => PartKind::DeliveryStatus,
        "message/rfc822"
        | "message/global"
        | "text/rfc822-headers"
        | "message/rfc822-headers"
        | "message/global-headers" => PartKind::Original,
        "text/html" => PartKind::Html,
        "" | "text/plain" | "text/enriched" => PartKind::Text,
        other if other.starts_with("text/") => PartKind::Text,
        _ => return,
    };
    let encoding = field(head, "content-transfer-encoding")
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let text = match encoding.as_str() {
        "base64" => Cow::Owned(base64_text(body)),
        "quoted-printable" => Cow::Owned(quoted_printable(body)),
        _ => Cow::Borrowed(body),
    };
    let text = if kind == PartKind::Html {
        Cow::Owned(html_text(&text))
    } else {
        text
    };
    out.push(Part { kind, text });
}

/// The entities between `--boundary` delimiter lines: each one's header block and body.
fn split<'a>(body: &'a str, boundary: &str) -> Vec<(&'a str, &'a str)> {
    let delimiter = format!("--{boundary}");
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if let Some(rest) = trimmed.strip_prefix(delimiter.as_str()) {
            starts.push((offset, offset + line.len(), rest.starts_with("--")));
        }
        offset += line.len();
        if starts.len() > MAX_PARTS {
            break;
        }
    }
    let mut entities = Vec::new();
    for (i, &(_, content_at, closing)) in starts.iter().enumerate() {
        if closing {
            break;
        }
        let end = starts.get(i + 1).map_or(body.len(), |&(at, _, _)| at);
        let Some(entity) = body.get(content_at..end) else {
            continue;
        };
        let (head, part_body) = head_and_body(entity);
        entities.push((head, part_body));
    }
    entities
}

/// An entity's header block and body, split at the first empty line (an entity that opens
/// with an empty line has no header fields).
pub fn head_and_body(entity: &str) -> (&str, &str) {
    if entity.starts_with('\n') || entity.starts_with("\r\n") {
        return ("", entity);
    }
    let mut offset = 0;
    for line in entity.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end_matches(['\r', '\n']).is_empty() {
            return entity.split_at(offset);
        }
    }
    (entity, "")
}

/// A header field's unfolded value in `head` (first occurrence, name in any case).
pub fn field(head: &str, name: &str) -> Option<String> {
    let mut value: Option<String> = None;
    for line in head.lines() {
        if let Some(current) = value.as_mut() {
            if line.starts_with([' ', '\t']) {
                current.push(' ');
                current.push_str(line.trim());
                continue;
            }
            break;
        }
        if let Some((n, v)) = line.split_once(':')
            && n.trim_end().eq_ignore_ascii_case(name)
        {
            value = Some(v.trim().to_owned());
        }
    }
    value
}

/// The media type of a `Content-Type` value, in lower case, without parameters, comments or
/// blanks (`message /rfc822` and `message(x)/rfc822` are `message/rfc822`).
fn media_type(content_type: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::new();
    for c in content_type.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ';' if depth == 0 => break,
            c if depth == 0 && !c.is_whitespace() => out.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
    out
}

/// A parameter's value (`boundary="b"`), quotes removed.
fn parameter(content_type: &str, name: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (n, v) = p.split_once('=')?;
        n.trim().eq_ignore_ascii_case(name).then(|| {
            let v = v.trim();
            v.strip_prefix('"')
                .and_then(|v| v.split('"').next())
                .unwrap_or(v)
                .to_owned()
        })
    })
}

/// The most decoded text kept of one part (base64, quoted-printable or HTML): a bounce's
/// report and the returned original's header block come first and are a few kilobytes;
/// decoding a 190 MB part whole would hold it two or three times over.
const MAX_DECODED_BYTES: usize = 16 << 20;

/// `bytes` cut after their last line feed once they pass [`MAX_DECODED_BYTES`], so a cut
/// part still ends on a whole (UTF-8) character.
fn bounded(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.len() > MAX_DECODED_BYTES {
        let end = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        bytes.truncate(end);
    }
    bytes
}

/// A base64 body as text; undecodable input stays as it is. Decoded a few kilobytes at a
/// time (whole four-character groups, so the result is that of one decode), never through a
/// copy of the whole body.
fn base64_text(body: &str) -> String {
    const GROUP: usize = 4096;
    let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
    let mut bytes = Vec::with_capacity((body.len() / 4 * 3).min(MAX_DECODED_BYTES + GROUP));
    let mut group = Vec::with_capacity(GROUP);
    let mut symbols = body
        .bytes()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'));
    while bytes.len() <= MAX_DECODED_BYTES {
        group.clear();
        group.extend(symbols.by_ref().take(GROUP));
        let usable = group.len() - group.len() % 4;
        if engine
            .decode_vec(group.get(..usable).unwrap_or_default(), &mut bytes)
            .is_err()
        {
            return body.to_owned();
        }
        if group.len() < GROUP {
            break;
        }
    }
    text::decode_owned(bounded(bytes)).0
}

/// A quoted-printable body as text: soft line breaks joined, `=XX` decoded.
pub fn quoted_printable(body: &str) -> String {
    let bytes = body.as_bytes();
    let mut out = Vec::with_capacity(bytes.len().min(MAX_DECODED_BYTES + 1));
    let mut i = 0;
    while let Some(&b) = bytes.get(i)
        && out.len() <= MAX_DECODED_BYTES
    {
        if b != b'=' {
            out.push(b);
            i += 1;
            continue;
        }
        match (bytes.get(i + 1), bytes.get(i + 2)) {
            (Some(b'\r'), Some(b'\n')) => i += 3,
            (Some(b'\n'), _) => i += 2,
            (Some(&h), Some(&l)) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => {
                let hex = [h, l];
                let value = std::str::from_utf8(&hex)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .unwrap_or(b'?');
                out.push(value);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    text::decode_owned(bounded(out)).0
}

/// HTML as the text a reader sees: line breaks at block ends, tags dropped, the common
/// entities decoded.
fn html_text(html: &str) -> String {
    // Past the bound, only the first part of the HTML is read, cut before a tag.
    let html = if html.len() > MAX_DECODED_BYTES {
        let at = (0..=MAX_DECODED_BYTES)
            .rev()
            .find(|&i| html.is_char_boundary(i))
            .unwrap_or(0);
        let head = html.get(..at).unwrap_or_default();
        head.get(..head.rfind('<').unwrap_or(head.len()))
            .unwrap_or(head)
    } else {
        html
    };
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(rest.get(..open).unwrap_or_default());
        let after = rest.get(open..).unwrap_or_default();
        let close = after.find('>').map_or(after.len(), |c| c + 1);
        let tag = after.get(..close).unwrap_or_default().to_ascii_lowercase();
        if ["<br", "</p", "<p", "</div", "</tr", "</li", "</h"]
            .iter()
            .any(|t| tag.starts_with(t))
        {
            out.push('\n');
        }
        rest = after.get(close..).unwrap_or_default();
    }
    out.push_str(rest);
    for (entity, c) in [
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&amp;", "&"),
    ] {
        if out.contains(entity) {
            out = out.replace(entity, c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(PartKind, String)> {
        let (head, _) = head_and_body(text);
        parts(text, Some(head.len()))
            .into_iter()
            .map(|p| (p.kind, p.text.trim().to_owned()))
            .collect()
    }

    #[test]
    fn a_report_nested_in_a_forward_is_read_part_by_part() {
        let text = "Subject: Fwd\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n--outer\r\nContent-Type: multipart/report; report-type=delivery-status;\r\n boundary=inner\r\n\r\n--inner\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nWW91ciBtZXNzYWdlIHdhcyBub3QgZGVsaXZlcmVk\r\n--inner\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--inner\r\nContent-Type: message (returned) / rfc822\r\n\r\nSubject: hi\r\n--inner--\r\n--outer--\r\n";
        assert_eq!(
            kinds(text),
            vec![
                (PartKind::Text, "Your message was not delivered".to_owned()),
                (PartKind::DeliveryStatus, "Status: 5.1.1".to_owned()),
                (PartKind::Original, "Subject: hi".to_owned()),
            ]
        );
    }

    /// Decoded in groups, base64 gives what one decode of the whole body gives.
    #[test]
    fn base64_decoded_in_groups_is_decoded_whole() {
        let plain = (0..5000).fold(String::new(), |mut plain, i| {
            plain.push_str("line ");
            plain.push_str(&i.to_string());
            plain.push_str(" é\r\n");
            plain
        });
        let encoded = base64::engine::general_purpose::STANDARD.encode(plain.as_bytes());
        let folded: Vec<&str> = encoded
            .as_bytes()
            .chunks(76)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .collect();
        let body = folded.join("\r\n");
        // The decode of the whole body at once, as this reader always did (an unpadded
        // last group of two or three symbols is left out).
        let compact: Vec<u8> = body
            .bytes()
            .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
            .collect();
        let whole = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(&compact[..compact.len() - compact.len() % 4])
            .expect("valid base64");
        assert_eq!(base64_text(&body), text::decode(&whole).0);
        assert!(plain.starts_with(&base64_text(&body)));
        assert_eq!(base64_text("QUJD\r\nRA"), "ABC");
    }

    /// Issue 19 item 3: a huge encoded or HTML part is decoded only up to the bound, ending
    /// on a whole line.
    #[test]
    fn huge_parts_are_decoded_up_to_the_bound() {
        let line = "550 5.1.1 the recipient is unknown here\r\n";
        let plain = line.repeat(MAX_DECODED_BYTES / line.len() + 1000);
        let encoded = base64::engine::general_purpose::STANDARD.encode(plain.as_bytes());
        let decoded = base64_text(&encoded);
        assert!(
            decoded.len() <= MAX_DECODED_BYTES + 4096,
            "{}",
            decoded.len()
        );
        assert!(decoded.len() > MAX_DECODED_BYTES - line.len());
        assert!(plain.starts_with(&decoded) && decoded.ends_with('\n'));
        let qp = quoted_printable(&plain);
        assert!(qp.len() <= MAX_DECODED_BYTES + 1 && plain.starts_with(&qp) && qp.ends_with('\n'));
        let html = "<p>x</p>".repeat(MAX_DECODED_BYTES / 8 + 10);
        let text = html_text(&html);
        assert!(text.len() <= MAX_DECODED_BYTES && text.starts_with("\nx\n"));
    }

    #[test]
    fn quoted_printable_joins_soft_breaks_and_decodes_bytes() {
        assert_eq!(
            quoted_printable("550 5.7=\r\n.1 denied =3D no=20\r\n"),
            "550 5.7.1 denied = no \r\n"
        );
    }

    #[test]
    fn html_is_read_as_its_text() {
        assert_eq!(
            html_text("<p>Remote&nbsp;Server returned <b>&#39;550 5.1.1&#39;</b></p>x"),
            "\nRemote Server returned '550 5.1.1'\nx"
        );
    }

    #[test]
    fn nesting_deeper_than_the_bound_is_not_followed() {
        use std::fmt::Write as _;
        let mut text = String::from("Content-Type: multipart/mixed; boundary=b0x\r\n\r\n");
        for depth in 1..200 {
            write!(
                text,
                "--b{}x\r\nContent-Type: multipart/mixed; boundary=b{depth}x\r\n\r\n",
                depth - 1
            )
            .ok();
        }
        let (head, _) = head_and_body(&text);
        assert!(parts(&text, Some(head.len())).len() <= 1);
    }
}
