//! The TLS version and cipher a Received header names, wherever the MTA wrote them:
//! `version=TLS1_2, cipher=…` (Exchange), `using TLSv1.3 with cipher …` (Postfix),
//! `TLSv1.2:ECDHE-RSA-AES128-GCM-SHA256:128` (Exim), `TLS1.2, 128 bits, ECDHE…` and
//! `ECDHE-RSA-AES256-SHA encrypted` (Sendmail, Courier).
//!
//! Byte scans rather than regular expressions: every hop of every message goes through
//! here, and two regex searches a hop were a tenth of a whole diagnosis. The tests check
//! the scans against the regular expressions they replace.

use std::sync::LazyLock;

use memchr::memmem;

/// A word character for `\b`, as the regex crate reads it (Unicode letters, digits, `_`).
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// True when a word boundary lies before byte `at` of `value` (false inside a character).
fn boundary_before(value: &str, at: usize) -> bool {
    match at.checked_sub(1).map(|i| value.as_bytes().get(i)) {
        None => true,
        Some(Some(&b)) if b.is_ascii() => !is_word(char::from(b)),
        Some(_) => value
            .get(..at)
            .is_some_and(|head| head.chars().next_back().is_none_or(|c| !is_word(c))),
    }
}

/// True when a word boundary lies at byte `at`, after a word character.
fn boundary_after(value: &str, at: usize) -> bool {
    value
        .get(at..)
        .is_some_and(|tail| tail.chars().next().is_none_or(|c| !is_word(c)))
}

/// The bytes of whitespace (`\s`, Unicode) at `at`.
fn spaces(value: &str, at: usize) -> usize {
    value.get(at..).map_or(0, |tail| {
        tail.chars()
            .take_while(|c| c.is_whitespace())
            .map(char::len_utf8)
            .sum()
    })
}

/// Where `needle` (ASCII, lower case) first occurs in `text`, in any ASCII case: only
/// where its first letter occurs is the rest compared.
pub fn find_ascii_ci(text: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    let first = *needle.first()?;
    let bytes = text.as_bytes();
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), bytes).find(|&i| {
        bytes
            .get(i..i + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

/// True when `text` holds `encrypted` in any case: found from its `y`, a byte hosts and
/// ciphers rarely hold, rather than by comparing at every byte.
fn has_encrypted(text: &[u8]) -> bool {
    memchr::memchr2_iter(b'y', b'Y', text).any(|y| y >= 4 && word_at(text, y - 4, b"encrypted"))
}

/// True when `text` holds `word` (ASCII, lower case) at `at`, in any case.
fn word_at(text: &[u8], at: usize, word: &[u8]) -> bool {
    text.get(at..at + word.len())
        .is_some_and(|t| t.eq_ignore_ascii_case(word))
}

/// A version after `TLS`/`SSL` at `at`: `v1.2`, `1_2`, ` 1.3`, `-1`: where it ends, the
/// major digit and the minor digit. With `tail_boundary` the version must end on a word
/// boundary (a minor digit that would break it is left out, as a regex would backtrack).
fn version_after(value: &str, at: usize, tail_boundary: bool) -> Option<(usize, u8, Option<u8>)> {
    let text = value.as_bytes();
    let mut i = at;
    if text.get(i).is_some_and(|b| b.eq_ignore_ascii_case(&b'v')) {
        i += 1;
    }
    if text.get(i).is_some_and(|b| matches!(b, b' ' | b'_' | b'-'))
        && text.get(i + 1).is_some_and(u8::is_ascii_digit)
    {
        i += 1;
    }
    let major = *text.get(i).filter(|b| b.is_ascii_digit())?;
    i += 1;
    if text.get(i).is_some_and(|b| matches!(b, b'.' | b'_'))
        && let Some(&minor) = text.get(i + 1).filter(|b| b.is_ascii_digit())
        && (!tail_boundary || boundary_after(value, i + 2))
    {
        return Some((i + 2, major, Some(minor)));
    }
    (!tail_boundary || boundary_after(value, i)).then_some((i, major, None))
}

/// Where `tls`, `ssl` and `cipher` (any ASCII case) start a word in `value`, in order:
/// every shape but `NAME encrypted` starts at one of them. Found with SIMD substring
/// searches over an ASCII-lower-cased copy, so the bytes between them are never visited
/// one by one.
fn keyword_starts(value: &str) -> Vec<usize> {
    static NEEDLES: LazyLock<[memmem::Finder<'static>; 3]> = LazyLock::new(|| {
        [
            memmem::Finder::new("tls"),
            memmem::Finder::new("ssl"),
            memmem::Finder::new("cipher"),
        ]
    });
    let folded = value.as_bytes().to_ascii_lowercase();
    let mut starts: Vec<usize> = NEEDLES
        .iter()
        .flat_map(|needle| needle.find_iter(&folded))
        .filter(|&i| boundary_before(value, i))
        .collect();
    starts.sort_unstable();
    starts
}

/// The TLS version and cipher of one Received value, read from one candidate list.
pub fn read(value: &str) -> (Option<String>, Option<String>) {
    let starts = keyword_starts(value);
    (version_at(value, &starts), cipher_at(value, &starts))
}

/// The first `TLS`/`SSL` version among `starts`, as `TLS1.2` or `SSL3`.
fn version_at(value: &str, starts: &[usize]) -> Option<String> {
    let text = value.as_bytes();
    starts.iter().find_map(|&i| {
        let family = if word_at(text, i, b"tls") {
            "TLS"
        } else if word_at(text, i, b"ssl") {
            "SSL"
        } else {
            return None;
        };
        let (_, major, minor) = version_after(value, i + 3, true)?;
        let major = char::from(major);
        Some(if family == "SSL" {
            format!("SSL{major}")
        } else {
            format!("TLS{major}.{}", char::from(minor.unwrap_or(b'0')))
        })
    })
}

/// The length of the cipher-name run (`[A-Za-z0-9_-]+`) at `at`.
fn cipher_run(text: &[u8], at: usize) -> usize {
    text.get(at..).map_or(0, |t| {
        t.iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
            .count()
    })
}

/// The run of ASCII digits at `at`.
fn digits(text: &[u8], at: usize) -> usize {
    text.get(at..)
        .map_or(0, |t| t.iter().take_while(|b| b.is_ascii_digit()).count())
}

/// `cipher=NAME`, `cipher NAME`: the name's span.
fn cipher_keyword(text: &[u8], at: usize) -> Option<(usize, usize)> {
    let mut i = at + b"cipher".len();
    let separators = text
        .get(i..)?
        .iter()
        .take_while(|b| matches!(b, b'=' | b' '))
        .count();
    if separators == 0 {
        return None;
    }
    i += separators;
    let len = cipher_run(text, i);
    (len > 0).then_some((i, i + len))
}

/// `TLSv1.2:NAME:128`: the name's span.
fn colon_triple(value: &str, at: usize) -> Option<(usize, usize)> {
    let text = value.as_bytes();
    let (end, _, _) = version_after(value, at + 3, false)?;
    let start = end + 1;
    if text.get(end) != Some(&b':') {
        return None;
    }
    let len = cipher_run(text, start);
    let after = start + len;
    (len > 0 && text.get(after) == Some(&b':') && digits(text, after + 1) > 0)
        .then_some((start, after))
}

/// `TLS1.2, 128 bits, NAME`: the name's span (the family must be TLS).
fn bits_clause(value: &str, at: usize) -> Option<(usize, usize)> {
    let text = value.as_bytes();
    if !word_at(text, at, b"tls") {
        return None;
    }
    let mut i = at + 3;
    if !text.get(i).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    i += 1;
    if text.get(i) == Some(&b'.') && text.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 2;
    }
    if text.get(i) != Some(&b',') {
        return None;
    }
    i += 1;
    i += spaces(value, i);
    let number = digits(text, i);
    if number == 0 {
        return None;
    }
    i += number;
    i += spaces(value, i);
    if !word_at(text, i, b"bits") || text.get(i + 4) != Some(&b',') {
        return None;
    }
    i += 5;
    i += spaces(value, i);
    let len = cipher_run(text, i);
    (len > 0).then_some((i, i + len))
}

/// `NAME encrypted` with a name of three or more dash-joined parts: the name's span,
/// starting at `at`.
fn encrypted_suffix(value: &str, at: usize) -> Option<(usize, usize)> {
    let text = value.as_bytes();
    let mut i = at;
    let mut parts = 0;
    loop {
        let len = text
            .get(i..)?
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if len == 0 {
            return None;
        }
        i += len;
        parts += 1;
        if text.get(i) == Some(&b'-') && text.get(i + 1).is_some_and(u8::is_ascii_alphanumeric) {
            i += 1;
        } else {
            break;
        }
    }
    let gap = spaces(value, i);
    (parts >= 3
        && gap > 0
        && word_at(text, i + gap, b"encrypted")
        && boundary_after(value, i + gap + b"encrypted".len()))
    .then_some((at, i))
}

/// The first cipher name in `value`, in whichever of the shapes above comes first.
/// `starts` are the keyword starts of [`keyword_starts`]; only when `encrypted` occurs can
/// a name start elsewhere, and then every word start is tried.
fn cipher_at(value: &str, starts: &[usize]) -> Option<String> {
    let text = value.as_bytes();
    let shape_at = |i: usize, encrypted: bool| {
        let tls = word_at(text, i, b"tls") || word_at(text, i, b"ssl");
        let span = if word_at(text, i, b"cipher") {
            cipher_keyword(text, i)
        } else {
            None
        };
        span.or_else(|| tls.then(|| colon_triple(value, i)).flatten())
            .or_else(|| bits_clause(value, i))
            .or_else(|| encrypted.then(|| encrypted_suffix(value, i)).flatten())
    };
    let span = if has_encrypted(text) {
        (0..text.len())
            .filter(|&i| {
                text.get(i).is_some_and(u8::is_ascii_alphanumeric) && boundary_before(value, i)
            })
            .find_map(|i| shape_at(i, true))
    } else {
        starts.iter().find_map(|&i| shape_at(i, false))
    };
    span.and_then(|(start, end)| value.get(start..end))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    /// The regular expressions these scans replaced, kept as the oracle.
    static VERSION: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\b(TLS|SSL)v?[ _-]?(\d)(?:[._](\d))?\b").unwrap());
    static CIPHER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?ix)
            \bcipher[=\ ]+([A-Z0-9_-]+)
            | \b(?:TLS|SSL)v?[\ _-]?\d(?:[._]\d)?:([A-Z0-9_-]+):\d+
            | \bTLS\d(?:\.\d)?,\s*\d+\s*bits,\s*([A-Z0-9_-]+)
            | \b([A-Z0-9]+(?:-[A-Z0-9]+){2,})\s+encrypted\b",
        )
        .unwrap()
    });

    fn oracle_version(value: &str) -> Option<String> {
        let caps = VERSION.captures(value)?;
        let family = caps[1].to_ascii_uppercase();
        let major = &caps[2];
        let minor = caps.get(3).map_or("0", |m| m.as_str());
        Some(if family == "SSL" {
            format!("SSL{major}")
        } else {
            format!("TLS{major}.{minor}")
        })
    }

    fn oracle_cipher(value: &str) -> Option<String> {
        let caps = CIPHER.captures(value)?;
        (1..=4)
            .find_map(|i| caps.get(i))
            .map(|m| m.as_str().to_owned())
    }

    const SHAPES: &[&str] = &[
        "from a (a [192.0.2.1]) by b with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8511.19; Wed, 5 Mar 2025 09:14:06 +0000",
        "from out.example.com (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) by mx with ESMTPS id 4",
        "from a by b with esmtps (TLSv1.2:ECDHE-RSA-AES128-GCM-SHA256:128) (Exim 4.92)",
        "from a by b (TLS1.2, 128 bits, ECDHE-RSA-AES128-GCM-SHA256) id x",
        "from a by b (ECDHE-RSA-AES256-SHA encrypted) SMTP; Tue, 1 Jan 2019",
        "from a by b with ESMTP (SSLv3 cipher:RC4) id 1",
        "from a by b with ESMTPS (version=TLS1.3x) (TLS_1_2) id 1",
        "from a by b (tls1.2, 256 bits, AES) (aes-128-gcm-sha Encrypted)",
        "from a by mytls1.2 (TLSv1.2:x:) (TLS-1:ECDHE:12) cipher= =AES_128",
        "from a by b (Über-RSA-AES encrypted) (A-B-C encryptedx) (A--B-C-D encrypted)",
        "from a (ciphertext TLSv12 ssl_3 SSL 3.0 TLS1.2.3 TLS13_1) by b",
        "héllo TLS1.2 ÄTLS1.3 cipher=é (x_A-B-C encrypted)",
        "",
        "TLS",
        "cipher",
    ];

    fn agree(value: &str) {
        let (version, cipher) = read(value);
        assert_eq!(version, oracle_version(value), "version of {value}");
        assert_eq!(cipher, oracle_cipher(value), "cipher of {value}");
    }

    #[test]
    fn scans_agree_with_the_regular_expressions_they_replace() {
        let corpus = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/badinput/mail-parser/fields/received.json"
        ))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok());
        let values: Vec<String> = corpus
            .iter()
            .filter_map(|v| v.as_array())
            .flatten()
            .map(ToString::to_string)
            .collect();
        assert!(values.len() > 100, "the shared Received corpus is read");
        for value in &values {
            agree(value);
        }
        // Every prefix of the shapes: each scan stopping at each byte of its pattern.
        for value in SHAPES {
            for cut in (0..=value.len()).filter(|&c| value.is_char_boundary(c)) {
                agree(&value[..cut]);
            }
        }
    }

    /// The pieces generated values are made of: keywords in several cases, the bytes
    /// that end or continue them, and words around them.
    const PIECES: &[&str] = &[
        "TLS",
        "tls",
        "Tls",
        "SSL",
        "ssl",
        "v",
        "V",
        "1",
        "2",
        "13",
        ".",
        "_",
        "-",
        ":",
        " ",
        "=",
        ",",
        "(",
        ")",
        "cipher",
        "CIPHER",
        "ciphers",
        "bits",
        "128",
        "AES",
        "ECDHE-RSA",
        "-GCM",
        "encrypted",
        "ENCRYPTED",
        "x",
        "é",
        "\u{a0}",
        "my",
        "sslv",
    ];

    #[test]
    fn scans_agree_with_the_regular_expressions_on_generated_values() {
        let mut next = crate::testing::xorshift(0x5851_f42d_4c95_7f2d_u64);
        for _ in 0..20_000 {
            let pieces = next() % 14;
            let value: String = (0..pieces)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            agree(&value);
        }
    }
}
