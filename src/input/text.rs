//! Bytes → text: BOMs, UTF-16 with or without BOM, Windows-1252 fallback, and repair of the
//! mojibake that U+200E and friends become when a page is re-encoded (`โ€Ž`, `â€Ž`).

use std::borrow::Cow;

/// What the bytes turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without BOM).
    Utf8,
    /// UTF-16 little endian.
    Utf16Le,
    /// UTF-16 big endian.
    Utf16Be,
    /// Not valid UTF-8: read as Windows-1252.
    Windows1252,
}

/// Decodes `bytes`, detecting the encoding from BOMs and zero-byte patterns.
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    let (text, encoding) = decode_borrowed(bytes);
    (text.into_owned(), encoding)
}

/// As [`decode`], taking the bytes over: UTF-8 without a BOM (nearly every decoded part of
/// a message) becomes the string in place instead of being copied.
pub fn decode_owned(bytes: Vec<u8>) -> (String, Encoding) {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) || is_utf16(&bytes) {
        return decode(&bytes);
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, Encoding::Utf8),
        Err(error) => (windows_1252(error.as_bytes()), Encoding::Windows1252),
    }
}

/// True when `bytes` are UTF-16 (by BOM or zero-byte pattern): their text is a new string
/// of about half their size, after which the bytes themselves are no longer needed.
pub fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE])
        || bytes.starts_with(&[0xFE, 0xFF])
        || utf16_without_bom(bytes).is_some()
}

/// As [`decode`], borrowing the bytes when they are UTF-8 already: a 150 MB message is
/// held once, not twice.
fn decode_borrowed(bytes: &[u8]) -> (Cow<'_, str>, Encoding) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (String::from_utf8_lossy(rest), Encoding::Utf8);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return (utf16(rest, u16::from_le_bytes).into(), Encoding::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return (utf16(rest, u16::from_be_bytes).into(), Encoding::Utf16Be);
    }
    match utf16_without_bom(bytes) {
        Some(Encoding::Utf16Le) => {
            return (utf16(bytes, u16::from_le_bytes).into(), Encoding::Utf16Le);
        }
        Some(Encoding::Utf16Be) => {
            return (utf16(bytes, u16::from_be_bytes).into(), Encoding::Utf16Be);
        }
        _ => {}
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.into(), Encoding::Utf8),
        Err(_) => (windows_1252(bytes).into(), Encoding::Windows1252),
    }
}

/// UTF-16 without BOM shows as zero bytes in every other position of ASCII text.
fn utf16_without_bom(bytes: &[u8]) -> Option<Encoding> {
    let sample = bytes.get(..bytes.len().min(512))?;
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let odd_zero = sample
        .chunks_exact(2)
        .filter(|p| p[1] == 0 && p[0] != 0)
        .count();
    let even_zero = sample
        .chunks_exact(2)
        .filter(|p| p[0] == 0 && p[1] != 0)
        .count();
    if odd_zero * 10 >= pairs * 7 {
        Some(Encoding::Utf16Le)
    } else if even_zero * 10 >= pairs * 7 {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// Decodes UTF-16 in chunks: a run of ASCII units (all of a trace export but its
/// subjects) is copied as bytes, the rest goes through the surrogate-aware decoder. The
/// output is sized once (an ASCII export of N bytes is N/2 bytes of UTF-8).
fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    const CHUNK: usize = 4096;
    let mut out = String::with_capacity(bytes.len() / 2);
    let mut units: Vec<u16> = Vec::with_capacity(CHUNK);
    let mut narrow: Vec<u8> = Vec::with_capacity(CHUNK);
    let mut pending: Option<u16> = None;
    for chunk in bytes.chunks(CHUNK * 2) {
        units.clear();
        units.extend(chunk.chunks_exact(2).map(|p| unit([p[0], p[1]])));
        if pending.is_none() && units.iter().all(|&u| u < 0x80) {
            narrow.clear();
            narrow.extend(units.iter().map(|&u| u as u8));
            if let Ok(text) = std::str::from_utf8(&narrow) {
                out.push_str(text);
                continue;
            }
        }
        let units = pending.take().into_iter().chain(units.iter().copied());
        let mut decoded = char::decode_utf16(units).peekable();
        while let Some(c) = decoded.next() {
            match c {
                Ok(c) => out.push(c),
                // A high surrogate at the chunk's end pairs with the next chunk's first unit.
                Err(e)
                    if decoded.peek().is_none()
                        && (0xD800..0xDC00).contains(&e.unpaired_surrogate()) =>
                {
                    pending = Some(e.unpaired_surrogate());
                }
                Err(_) => out.push(char::REPLACEMENT_CHARACTER),
            }
        }
    }
    if pending.is_some() {
        out.push(char::REPLACEMENT_CHARACTER);
    }
    out
}

/// Windows-1252's characters for bytes 0x80–0x9F (0 where the code page has none).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

fn windows_1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// The byte a Windows-1252 / Latin-1 character stands for, for mojibake repair.
fn cp1252_byte(c: char) -> Option<u8> {
    if let Some(i) = CP1252_HIGH.iter().position(|&x| x == c) {
        return u8::try_from(i).ok().map(|i| i + 0x80);
    }
    let code = u32::from(c);
    (0xA0..=0xFF)
        .contains(&code)
        .then(|| u8::try_from(code).ok())
        .flatten()
}

/// Repairs UTF-8 punctuation (`E2 80 xx`: LRM, quotes, dashes) that was decoded as
/// Windows-1252 (`â€Ž`) or Windows-874 (`โ€Ž`) and re-encoded.
pub fn repair_mojibake(text: &str) -> String {
    if !text.contains("€") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if (c == 'â' || c == 'โ') && chars.peek() == Some(&'€') {
            let mut look = chars.clone();
            look.next();
            if let Some(third) = look.next().and_then(cp1252_byte)
                && let Ok(fixed) = std::str::from_utf8(&[0xE2, 0x80, third])
            {
                out.push_str(fixed);
                chars = look;
                continue;
            }
            // The third byte was one the code page has no character for (0x9D, the right
            // double quote, in the real seed paste): it is lost, the quote is the best guess.
            out.push('\u{201D}');
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

/// Removes bidirectional marks and other invisible characters that trace pages wrap values
/// in, and turns no-break spaces into spaces.
pub fn strip_invisible(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\0')
        })
        .map(|c| if matches!(c, '\u{00A0}' | '\u{202F}') { ' ' } else { c })
        .collect()
}

/// True for the characters [`strip_invisible`] removes or replaces.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\0' | '\u{00A0}' | '\u{202F}')
}

/// True when a CR ends a line on its own (classic Mac line ends), not as half of a CRLF.
fn has_lone_cr(text: &str) -> bool {
    text.match_indices('\r')
        .any(|(i, _)| text.as_bytes().get(i + 1) != Some(&b'\n'))
}

/// Lone CRs as LFs, so every parser can split lines on LF; CRLF pairs are kept.
fn lone_cr_to_lf(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(if c == '\r' && chars.peek() != Some(&'\n') {
            '\n'
        } else {
            c
        });
    }
    out
}

/// Decodes, repairs and cleans: what every text parser starts from. Lone CR line ends
/// become LF. Text that needs no repair or cleaning is not copied again (a 100 MB export
/// is decoded once).
pub fn normalize(bytes: &[u8]) -> Cow<'_, str> {
    let (mut text, _) = decode_borrowed(bytes);
    if has_lone_cr(&text) {
        text = lone_cr_to_lf(&text).into();
    }
    if text.is_ascii() {
        // Nothing to repair, and NUL is the only invisible character ASCII has.
        if text.as_bytes().contains(&0) {
            text = strip_invisible(&text).into();
        }
        return text;
    }
    if text.contains('€') {
        text = repair_mojibake(&text).into();
    }
    if text.chars().any(is_invisible) {
        text = strip_invisible(&text).into();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_owned_reads_as_decode_does() {
        let samples: [&[u8]; 6] = [
            "plain ascii".as_bytes(),
            "Grüße".as_bytes(),
            b"\xEF\xBB\xBFbom",
            b"\xFF\xFEa\x00b\x00",
            b"a\x00b\x00c\x00d\x00",
            b"caf\xE9 \x80",
        ];
        for bytes in samples {
            assert_eq!(decode_owned(bytes.to_vec()), decode(bytes), "{bytes:?}");
        }
    }

    #[test]
    fn thai_and_western_mojibake_of_lrm_is_removed() {
        let fixed = strip_invisible(&repair_mojibake("โ€Ž226.16โ€Ž KB and â€Ž1â€Ž"));
        assert_eq!(fixed, "226.16 KB and 1");
        assert_eq!(repair_mojibake("โ€œMessageโ€"), "\u{201C}Message\u{201D}");
    }

    #[test]
    fn utf16_chunks_keep_pairs_split_across_them() {
        // 4095 ASCII units, then a pair whose high half ends the first 4096-unit chunk.
        let text = format!("{}\u{1F600}b\u{E9}", "a".repeat(4095));
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(utf16(&le, u16::from_le_bytes), text);
        let lone: Vec<u8> = [0x61, 0xD800, 0x62, 0xDC00]
            .into_iter()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(utf16(&lone, u16::from_le_bytes), "a\u{FFFD}b\u{FFFD}");
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let text = "a,b\r\nc,d";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&le), (text.to_owned(), Encoding::Utf16Le));
        let mut bom = vec![0xFF, 0xFE];
        bom.extend(&le);
        assert_eq!(decode(&bom).0, text);
    }

    #[test]
    fn lone_cr_line_ends_become_lf_and_crlf_stays() {
        assert_eq!(normalize(b"a\rb\r\nc\r"), "a\nb\r\nc\n");
        assert_eq!(normalize(b"a\r\nb"), "a\r\nb");
    }

    #[test]
    fn invalid_utf8_reads_as_windows_1252() {
        assert_eq!(decode(&[b'a', 0x93, b'b', 0x94]).0, "a“b”");
    }
}
