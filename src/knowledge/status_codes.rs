//! Enhanced status codes (`assets/knowledge/status_codes.toml`), with the RFC 3463
//! class/subject meaning as the fallback for codes the table does not list.

use serde::Deserialize;

use crate::diagnosis::Side;

const ASSET: &str = include_str!("../../assets/knowledge/status_codes.toml");

#[derive(Deserialize)]
struct File {
    code: Vec<CodeEntry>,
}

/// One code's explanation.
#[derive(Clone, Debug, Deserialize)]
pub struct CodeEntry {
    /// The code (`5.1.10`) or a range (`4.7.500-4.7.699`).
    pub code: String,
    /// What it means.
    pub meaning: String,
    /// The likely cause.
    #[serde(default)]
    pub cause: String,
    /// The fix.
    #[serde(default)]
    pub fix: String,
    /// Whose side must fix it.
    pub side: Side,
    /// Where the entry comes from.
    #[serde(default)]
    pub source: String,
}

/// The code table.
#[derive(Debug, Default)]
pub struct StatusCodes {
    entries: Vec<CodeEntry>,
}

fn parts(code: &str) -> Option<(u16, u16, u16)> {
    let mut it = code.trim().split('.').map(|p| p.parse::<u16>().ok());
    Some((it.next()??, it.next()??, it.next()??))
}

impl StatusCodes {
    /// Parses the embedded table.
    ///
    /// # Panics
    /// Only if the embedded asset is invalid, which the asset test rules out.
    pub fn embedded() -> Self {
        let file: File = toml::from_str(ASSET).expect("embedded status_codes.toml is valid");
        Self { entries: file.code }
    }

    /// The table's entry for `code` (exact code first, then a range containing it).
    pub fn lookup(&self, code: &str) -> Option<&CodeEntry> {
        let target = parts(code)?;
        self.entries
            .iter()
            .find(|e| parts(&e.code) == Some(target))
            .or_else(|| {
                self.entries.iter().find(|e| {
                    let Some((low, high)) = e.code.split_once('-') else {
                        return false;
                    };
                    match (parts(low), parts(high)) {
                        (Some(l), Some(h)) => l <= target && target <= h,
                        _ => false,
                    }
                })
            })
    }

    /// The entry for `code`, or the RFC 3463 class/subject meaning when the table has none:
    /// never nothing.
    pub fn explain(&self, code: &str) -> CodeEntry {
        if let Some(entry) = self.lookup(code) {
            return entry.clone();
        }
        rfc3463(code)
    }
}

/// RFC 3463's generic meaning of a code's class and subject.
pub fn rfc3463(code: &str) -> CodeEntry {
    let (class, subject) = parts(code).map_or((0, 0), |(c, s, _)| (c, s));
    let class_words = match class {
        2 => "Success",
        4 => "Temporary failure (the sending server retries)",
        5 => "Permanent failure (a non-delivery report is sent)",
        _ => "Unknown class",
    };
    let (subject_words, side) = match subject {
        0 => ("other or undefined status", Side::Unknown),
        1 => (
            "addressing status: the address is wrong or unknown",
            Side::Sender,
        ),
        2 => (
            "mailbox status: the recipient's mailbox is full, disabled or over a limit",
            Side::Recipient,
        ),
        3 => (
            "mail system status: the receiving system cannot accept it",
            Side::Recipient,
        ),
        4 => (
            "network and routing status: the destination could not be reached",
            Side::Network,
        ),
        5 => ("mail delivery protocol status", Side::Unknown),
        6 => ("message content or media status", Side::Sender),
        7 => (
            "security or policy status: refused by policy",
            Side::Unknown,
        ),
        _ => ("unknown subject", Side::Unknown),
    };
    CodeEntry {
        code: code.to_owned(),
        meaning: format!("{class_words}; {subject_words} (RFC 3463 meaning of {code})."),
        cause: String::new(),
        fix: String::new(),
        side,
        source: "RFC 3463 class and subject".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_asset_parses() {
        let codes = StatusCodes::embedded();
        assert_eq!(codes.explain("5.1.10").side, Side::Recipient);
    }

    #[test]
    fn unknown_codes_fall_back_to_rfc3463() {
        let entry = StatusCodes::embedded().explain("5.3.999");
        assert!(entry.meaning.contains("mail system"));
    }
}
