//! Offline DKIM body-hash check: the body is canonicalized as the signature says (simple or
//! relaxed, `l=`), hashed (SHA-256 or SHA-1) and compared with `bh=`. A mismatch proves the
//! body changed after signing — typically a gateway banner, a disclaimer rule or a footer —
//! without any DNS lookup; the header signature itself is not verified.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::dkim_signature::{Canonicalization, DkimSignature};

/// The most signatures whose body hash is computed; a message with thousands of them must
/// not hash its body thousands of times.
pub const MAX_CHECKED: usize = 8;

/// Why the body hash was not compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotChecked {
    /// The input had headers only.
    NoBody,
    /// The signature has no `bh=`.
    NoBodyHash,
    /// `bh=` is not base64.
    BadBodyHash,
    /// An algorithm other than SHA-256 or SHA-1.
    UnknownAlgorithm(String),
    /// A canonicalization other than simple or relaxed.
    UnknownCanonicalization,
    /// More signatures than are checked (each check hashes the whole body).
    TooMany,
}

impl NotChecked {
    /// A phrase for people.
    pub fn describe(&self) -> String {
        match self {
            Self::NoBody => "the input has no message body (headers only)".to_owned(),
            Self::NoBodyHash => "the signature has no body hash (bh=)".to_owned(),
            Self::BadBodyHash => "the body hash (bh=) is not valid base64".to_owned(),
            Self::UnknownAlgorithm(a) => format!("the algorithm {a} is not one DKIM defines"),
            Self::UnknownCanonicalization => {
                "the canonicalization (c=) is not simple or relaxed".to_owned()
            }
            Self::TooMany => format!("only the first {MAX_CHECKED} signatures are checked"),
        }
    }
}

/// The outcome of the body-hash comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyCheck {
    /// The body is the one that was signed. `unsigned_octets` counts canonical body octets
    /// after an `l=` limit, which anyone could have added.
    Matches {
        /// Octets past `l=`.
        unsigned_octets: u64,
    },
    /// The body changed after signing.
    Differs {
        /// The hash of the body as received, base64.
        computed: String,
    },
    /// `l=` is longer than the canonical body: part of the signed body is gone.
    Truncated {
        /// The `l=` value.
        length: u64,
        /// The canonical body's length.
        canonical: u64,
    },
    /// Not compared.
    NotChecked(NotChecked),
}

enum Hasher {
    Sha256(sha2::Sha256),
    Sha1(sha1::Sha1),
}

impl Hasher {
    fn for_algorithm(algorithm: &str) -> Option<Self> {
        use sha1::Digest as _;
        use sha2::Digest as _;
        let hash = algorithm.rsplit('-').next().unwrap_or(algorithm);
        match hash {
            "sha256" => Some(Self::Sha256(sha2::Sha256::new())),
            "sha1" => Some(Self::Sha1(sha1::Sha1::new())),
            _ => None,
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        use sha1::Digest as _;
        use sha2::Digest as _;
        match self {
            Self::Sha256(h) => h.update(bytes),
            Self::Sha1(h) => h.update(bytes),
        }
    }

    fn finish(self) -> Vec<u8> {
        use sha1::Digest as _;
        use sha2::Digest as _;
        match self {
            Self::Sha256(h) => h.finalize().to_vec(),
            Self::Sha1(h) => h.finalize().to_vec(),
        }
    }
}

/// Feeds canonical body octets to the hasher, stopping at `l=`, counting all of them.
struct Sink {
    hasher: Hasher,
    limit: Option<u64>,
    written: u64,
}

impl Sink {
    fn write(&mut self, bytes: &[u8]) {
        let start = self.written;
        self.written += bytes.len() as u64;
        let take = match self.limit {
            Some(limit) if start >= limit => 0,
            Some(limit) => usize::try_from(limit - start)
                .unwrap_or(usize::MAX)
                .min(bytes.len()),
            None => bytes.len(),
        };
        if let Some(part) = bytes.get(..take) {
            self.hasher.update(part);
        }
    }
}

/// How many canonical octets are collected before they are hashed, rather than two hasher
/// calls for every line.
const CHUNK: usize = 32 * 1024;

/// True for the whitespace relaxed canonicalization folds (`WSP`).
fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Appends the relaxed form of `line` (without its line end) to `out`: runs of whitespace
/// become one space, trailing whitespace goes.
fn relaxed_line(mut line: &[u8], out: &mut Vec<u8>) {
    while let Some(at) = memchr::memchr2(b' ', b'\t', line) {
        out.extend_from_slice(line.get(..at).unwrap_or_default());
        let rest = line.get(at..).unwrap_or_default();
        let Some(word) = rest.iter().position(|&b| !is_wsp(b)) else {
            return;
        };
        out.push(b' ');
        line = rest.get(word..).unwrap_or_default();
    }
    out.extend_from_slice(line);
}

/// Writes the canonical form of `body` (RFC 6376 §3.4.3, §3.4.4). Bare LF line ends (a
/// message saved on Unix) count as CRLF, as they were on the wire.
fn canonicalize(body: &[u8], canonicalization: Canonicalization, sink: &mut Sink) {
    if let Some(end) = canonical_as_is(body, canonicalization) {
        sink.write(body.get(..end).unwrap_or_default());
        if end > 0 || canonicalization == Canonicalization::Simple {
            sink.write(b"\r\n");
        }
        return;
    }
    canonicalize_lines(body, canonicalization, sink);
}

/// When the body is already canonical up to its trailing empty lines — CRLF line ends, and
/// for relaxed no tab, no run of spaces and no space before a line end, as most bodies
/// are — where its last non-empty line ends (before that line's CRLF). The canonical body is
/// then those octets and one CRLF (none for an empty relaxed body), hashed without copying.
fn canonical_as_is(body: &[u8], canonicalization: Canonicalization) -> Option<usize> {
    if body.last() == Some(&b'\r')
        || memchr::memchr_iter(b'\n', body).any(|at| at == 0 || body.get(at - 1) != Some(&b'\r'))
    {
        return None;
    }
    if canonicalization == Canonicalization::Relaxed
        && (body.last() == Some(&b' ')
            || memchr::memchr(b'\t', body).is_some()
            || ["  ", " \r"]
                .iter()
                .any(|pair| memchr::memmem::find(body, pair.as_bytes()).is_some()))
    {
        return None;
    }
    let mut end = body.len();
    while end >= 2 && body.get(end - 2..end) == Some(b"\r\n") {
        end -= 2;
    }
    Some(end)
}

/// [`canonicalize`] line by line, for bodies [`canonical_as_is`] does not take.
fn canonicalize_lines(body: &[u8], canonicalization: Canonicalization, sink: &mut Sink) {
    let mut pending_empty = 0u64;
    let mut any = false;
    let mut out: Vec<u8> = Vec::with_capacity(CHUNK.min(body.len()) + 1024);
    let mut lines = memchr::memchr_iter(b'\n', body)
        .chain(std::iter::once(body.len()))
        .scan(0, |start, end| {
            let line = body.get(*start..end).unwrap_or_default();
            *start = end + 1;
            Some(line)
        })
        .peekable();
    while let Some(line) = lines.next() {
        let last = lines.peek().is_none();
        if last && line.is_empty() {
            break;
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let empty = match canonicalization {
            Canonicalization::Simple => line.is_empty(),
            Canonicalization::Relaxed => line.iter().all(|&b| is_wsp(b)),
        };
        if empty {
            pending_empty += 1;
            continue;
        }
        for _ in 0..pending_empty {
            out.extend_from_slice(b"\r\n");
            if out.len() >= CHUNK {
                sink.write(&out);
                out.clear();
            }
        }
        pending_empty = 0;
        match canonicalization {
            Canonicalization::Simple => out.extend_from_slice(line),
            Canonicalization::Relaxed => relaxed_line(line, &mut out),
        }
        out.extend_from_slice(b"\r\n");
        any = true;
        if out.len() >= CHUNK {
            sink.write(&out);
            out.clear();
        }
    }
    if !any && canonicalization == Canonicalization::Simple {
        out.extend_from_slice(b"\r\n");
    }
    sink.write(&out);
}

/// Compares `body` with the signature's `bh=`.
pub fn check(signature: &DkimSignature, body: Option<&[u8]>) -> BodyCheck {
    let Some(body) = body else {
        return BodyCheck::NotChecked(NotChecked::NoBody);
    };
    let Some(expected) = signature.body_hash.as_deref() else {
        return BodyCheck::NotChecked(NotChecked::NoBodyHash);
    };
    let Ok(expected) = STANDARD.decode(expected) else {
        return BodyCheck::NotChecked(NotChecked::BadBodyHash);
    };
    if signature.unknown_canonicalization {
        return BodyCheck::NotChecked(NotChecked::UnknownCanonicalization);
    }
    let algorithm = signature.algorithm.as_deref().unwrap_or("rsa-sha256");
    let Some(hasher) = Hasher::for_algorithm(algorithm) else {
        return BodyCheck::NotChecked(NotChecked::UnknownAlgorithm(algorithm.to_owned()));
    };
    let mut sink = Sink {
        hasher,
        limit: signature.length,
        written: 0,
    };
    canonicalize(body, signature.body_canonicalization, &mut sink);
    let canonical = sink.written;
    let computed = sink.hasher.finish();
    if computed == expected {
        return BodyCheck::Matches {
            unsigned_octets: signature.length.map_or(0, |l| canonical.saturating_sub(l)),
        };
    }
    if let Some(length) = signature.length
        && length > canonical
    {
        return BodyCheck::Truncated { length, canonical };
    }
    BodyCheck::Differs {
        computed: STANDARD.encode(computed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signature(c: &str, a: &str, bh: &str, l: Option<u64>) -> DkimSignature {
        let l = l.map(|l| format!("; l={l}")).unwrap_or_default();
        DkimSignature::parse(
            &format!("v=1; a={a}; c={c}; d=example.org; s=s; bh={bh}{l}"),
            0,
        )
    }

    fn sha256_b64(bytes: &[u8]) -> String {
        use sha2::Digest as _;
        STANDARD.encode(sha2::Sha256::digest(bytes))
    }

    /// The hash and length of the canonical body, from `write`.
    fn canonical(
        body: &[u8],
        c: Canonicalization,
        write: fn(&[u8], Canonicalization, &mut Sink),
    ) -> (Vec<u8>, u64) {
        let mut sink = Sink {
            hasher: Hasher::for_algorithm("rsa-sha256").unwrap(),
            limit: None,
            written: 0,
        };
        write(body, c, &mut sink);
        (sink.hasher.finish(), sink.written)
    }

    #[test]
    fn bodies_hashed_as_they_are_agree_with_line_by_line_canonicalization() {
        const PIECES: [&[u8]; 8] = [b"word", b"x", b" ", b"\r\n", b"\r\n", b"\t", b"\n", b"\r"];
        let mut next = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15_u64);
        let mut as_is = 0;
        for _ in 0..20_000 {
            let len = next() % 24;
            // Mostly words, spaces and CRLFs; tabs, bare LFs and CRs now and then.
            let pieces = if next().is_multiple_of(2) { 5 } else { 8 };
            let body: Vec<u8> = (0..len)
                .flat_map(|_| PIECES[(next() % pieces) as usize].iter().copied())
                .collect();
            for c in [Canonicalization::Simple, Canonicalization::Relaxed] {
                as_is += usize::from(canonical_as_is(&body, c).is_some());
                assert_eq!(
                    canonical(&body, c, canonicalize),
                    canonical(&body, c, canonicalize_lines),
                    "{c:?} {:?}",
                    String::from_utf8_lossy(&body)
                );
            }
        }
        assert!(as_is > 5_000, "the as-is path was taken {as_is} times");
    }

    #[test]
    fn empty_bodies_hash_as_rfc6376_says() {
        // RFC 6376 §3.4.3/§3.4.4: simple → CRLF, relaxed → nothing.
        let simple = signature("simple/simple", "rsa-sha256", &sha256_b64(b"\r\n"), None);
        assert!(matches!(
            check(&simple, Some(b"")),
            BodyCheck::Matches { .. }
        ));
        let relaxed = signature("relaxed/relaxed", "rsa-sha256", &sha256_b64(b""), None);
        assert!(matches!(
            check(&relaxed, Some(b"\r\n\r\n")),
            BodyCheck::Matches { .. }
        ));
    }

    #[test]
    fn relaxed_collapses_white_space_and_trailing_lines() {
        let canonical = b" C\r\nD E\r\n";
        let sig = signature(
            "relaxed/relaxed",
            "rsa-sha256",
            &sha256_b64(canonical),
            None,
        );
        assert!(matches!(
            check(&sig, Some(b" C \r\nD \t E\r\n\r\n\r\n")),
            BodyCheck::Matches { .. }
        ));
        assert!(matches!(
            check(&sig, Some(b" C\nD E\n")),
            BodyCheck::Matches { .. }
        ));
        assert!(matches!(
            check(&sig, Some(b"C\r\nD E\r\n")),
            BodyCheck::Differs { .. }
        ));
    }

    #[test]
    fn simple_keeps_white_space_and_adds_a_final_line_end() {
        let sig = signature("simple/simple", "rsa-sha1", "", None);
        let sig = DkimSignature {
            body_hash: Some({
                use sha1::Digest as _;
                STANDARD.encode(sha1::Sha1::digest(b"Hi  there\r\n"))
            }),
            ..sig
        };
        assert!(matches!(
            check(&sig, Some(b"Hi  there")),
            BodyCheck::Matches { .. }
        ));
        assert!(matches!(
            check(&sig, Some(b"Hi there\r\n")),
            BodyCheck::Differs { .. }
        ));
    }

    #[test]
    fn length_limit_counts_unsigned_and_missing_octets() {
        let sig = signature(
            "simple/simple",
            "rsa-sha256",
            &sha256_b64(b"Hello"),
            Some(5),
        );
        assert_eq!(
            check(&sig, Some(b"Hello\r\nappended footer\r\n")),
            BodyCheck::Matches {
                unsigned_octets: 2 + 17
            }
        );
        let sig = signature("simple/simple", "rsa-sha256", &sha256_b64(b"x"), Some(500));
        assert!(matches!(
            check(&sig, Some(b"short\r\n")),
            BodyCheck::Truncated { length: 500, .. }
        ));
    }

    #[test]
    fn reports_why_it_did_not_check() {
        let sig = signature("simple/simple", "rsa-md5", &sha256_b64(b""), None);
        assert!(matches!(
            check(&sig, Some(b"x")),
            BodyCheck::NotChecked(NotChecked::UnknownAlgorithm(_))
        ));
        assert_eq!(check(&sig, None), BodyCheck::NotChecked(NotChecked::NoBody));
        let sig = signature("simple/simple", "rsa-sha256", "***", None);
        assert_eq!(
            check(&sig, Some(b"x")),
            BodyCheck::NotChecked(NotChecked::BadBodyHash)
        );
    }
}
