//! DKIM-Signature (RFC 6376 §3.5) and the ARC headers built on the same tag-list syntax
//! (`i=1; a=rsa-sha256; cv=none; d=…`): tags are read, never verified against DNS.

/// A DKIM canonicalization algorithm.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Canonicalization {
    /// `simple`: the body as sent, trailing empty lines removed.
    #[default]
    Simple,
    /// `relaxed`: white-space runs collapsed, trailing white space removed.
    Relaxed,
}

impl Canonicalization {
    fn parse(word: &str) -> Option<Self> {
        match word.trim().to_ascii_lowercase().as_str() {
            "simple" | "" => Some(Self::Simple),
            "relaxed" => Some(Self::Relaxed),
            _ => None,
        }
    }

    /// The tag word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Simple => "simple",
            Self::Relaxed => "relaxed",
        }
    }
}

/// A tag=value list, tags lower case, white space removed from values (FWS is not part of
/// a tag value, RFC 6376 §3.2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagList {
    /// Tags in order.
    pub tags: Vec<(String, String)>,
}

impl TagList {
    /// Reads a tag list.
    pub fn parse(value: &str) -> Self {
        let tags = value
            .split(';')
            .filter_map(|part| {
                let (tag, value) = part.split_once('=')?;
                let tag = tag.trim().to_ascii_lowercase();
                if tag.is_empty() {
                    return None;
                }
                let value: String = value.chars().filter(|c| !c.is_whitespace()).collect();
                Some((tag, value))
            })
            .collect();
        Self { tags }
    }

    /// The value of `tag`, first occurrence.
    pub fn get(&self, tag: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(t, _)| t == tag)
            .map(|(_, v)| v.as_str())
    }
}

/// One DKIM-Signature (or ARC-Message-Signature) header's tags.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DkimSignature {
    /// The field's position in the header block.
    pub position: usize,
    /// `a=` (`rsa-sha256`, `ed25519-sha256`, `rsa-sha1`), lower case.
    pub algorithm: Option<String>,
    /// Header canonicalization (`c=` first half).
    pub header_canonicalization: Canonicalization,
    /// Body canonicalization (`c=` second half).
    pub body_canonicalization: Canonicalization,
    /// `c=` named an algorithm that does not exist.
    pub unknown_canonicalization: bool,
    /// `d=`, lower case.
    pub domain: Option<String>,
    /// `s=`.
    pub selector: Option<String>,
    /// `h=`: the signed header names, lower case.
    pub signed_headers: Vec<String>,
    /// `bh=`: the body hash, base64.
    pub body_hash: Option<String>,
    /// `l=`: only this many body octets are signed.
    pub length: Option<u64>,
    /// `l=` was present but not a number.
    pub bad_length: bool,
    /// `i=`: the agent or user identifier (for ARC, the instance).
    pub identity: Option<String>,
    /// `t=`: signing time, seconds since 1970.
    pub timestamp: Option<i64>,
    /// `x=`: expiry, seconds since 1970.
    pub expiry: Option<i64>,
    /// The unfolded value.
    pub value: String,
}

impl DkimSignature {
    /// Reads a DKIM-Signature value.
    pub fn parse(value: &str, position: usize) -> Self {
        let tags = TagList::parse(value);
        let (header_canonicalization, body_canonicalization, unknown) = match tags.get("c") {
            None => (Canonicalization::Simple, Canonicalization::Simple, false),
            Some(c) => {
                let (h, b) = c.split_once('/').unwrap_or((c, "simple"));
                match (Canonicalization::parse(h), Canonicalization::parse(b)) {
                    (Some(h), Some(b)) => (h, b, false),
                    (h, b) => (h.unwrap_or_default(), b.unwrap_or_default(), true),
                }
            }
        };
        let length = tags.get("l");
        Self {
            position,
            algorithm: tags.get("a").map(str::to_ascii_lowercase),
            header_canonicalization,
            body_canonicalization,
            unknown_canonicalization: unknown,
            domain: tags.get("d").map(str::to_ascii_lowercase),
            selector: tags.get("s").map(str::to_owned),
            signed_headers: tags
                .get("h")
                .map(|h| {
                    h.split(':')
                        .filter(|n| !n.is_empty())
                        .map(str::to_ascii_lowercase)
                        .collect()
                })
                .unwrap_or_default(),
            body_hash: tags.get("bh").map(str::to_owned),
            length: length.and_then(|l| l.parse().ok()),
            bad_length: length.is_some_and(|l| l.parse::<u64>().is_err()),
            identity: tags.get("i").map(str::to_owned),
            timestamp: tags.get("t").and_then(|t| t.parse().ok()),
            expiry: tags.get("x").and_then(|t| t.parse().ok()),
            value: value.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tags_with_folding_white_space() {
        let sig = DkimSignature::parse(
            "v=1; a=rsa-sha256; c=relaxed/simple; d=Example.org;\r\n s=s2025; h=from:to:\r\n subject; bh=47DEQpj8HBSa+/TImW+5J\r\n CeuQeRkm5NMpJWZG3hSuFU=; l=120; b=abc",
            4,
        );
        assert_eq!(sig.algorithm.as_deref(), Some("rsa-sha256"));
        assert_eq!(sig.header_canonicalization, Canonicalization::Relaxed);
        assert_eq!(sig.body_canonicalization, Canonicalization::Simple);
        assert_eq!(sig.domain.as_deref(), Some("example.org"));
        assert_eq!(sig.signed_headers, ["from", "to", "subject"]);
        assert_eq!(
            sig.body_hash.as_deref(),
            Some("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        );
        assert_eq!(sig.length, Some(120));
    }

    #[test]
    fn defaults_and_bad_values() {
        let sig = DkimSignature::parse("d=a.example; c=relaxed; l=abc", 0);
        assert_eq!(sig.body_canonicalization, Canonicalization::Simple);
        assert_eq!(sig.header_canonicalization, Canonicalization::Relaxed);
        assert!(sig.bad_length);
        let sig = DkimSignature::parse("c=fancy/relaxed", 0);
        assert!(sig.unknown_canonicalization);
    }
}
