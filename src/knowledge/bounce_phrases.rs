//! How bounces of every mail server are told apart and read
//! (`assets/knowledge/bounce_phrases.toml`): the texts only a bounce carries, the lines that
//! open the returned original, and the reason a failure's reply text or code gives.
//!
//! Parsed on first use, not with the rest of the knowledge: only bounce reading needs it.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

const ASSET: super::Source<'static> = embedded_table!("bounce_phrases");

const NAME: &str = "bounce_phrases.toml";

/// Why a recipient's delivery failed, in the words a help desk uses (the reasons bounce
/// parsers such as sisimai tell apart).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BounceReason {
    /// The address does not exist at the recipient's server.
    UserUnknown,
    /// The recipient's mailbox is full.
    MailboxFull,
    /// The message is larger than the recipient's server accepts.
    MessageTooLarge,
    /// The sending IP or domain is on a blocklist or has a poor reputation.
    Blocklisted,
    /// SPF, DKIM or DMARC failed, or the sender did not authenticate.
    AuthFailure,
    /// A policy or content filter refused it.
    Policy,
    /// Content filters judged it spam.
    SpamDetected,
    /// A virus or malware was found.
    Virus,
    /// Retries ran out.
    Expired,
    /// The recipient's domain or mail host could not be found.
    HostUnknown,
    /// The connection to the recipient's server failed or timed out.
    NetworkError,
    /// The sender or the sending server exceeded a rate limit.
    RateLimited,
    /// The server refused to relay for the sender.
    RelayingDenied,
    /// The mailbox exists but is disabled, suspended or inactive.
    MailboxDisabled,
    /// The message looped between servers.
    MailLoop,
}

impl BounceReason {
    /// The reason in words, for findings and reports.
    pub fn describe(self) -> &'static str {
        match self {
            Self::UserUnknown => "the recipient's address does not exist",
            Self::MailboxFull => "the recipient's mailbox is full",
            Self::MessageTooLarge => "the message is too large for the recipient's server",
            Self::Blocklisted => "the sending server is blocklisted or has a poor reputation",
            Self::AuthFailure => "the sender's SPF, DKIM or DMARC authentication failed",
            Self::Policy => "a policy or content filter refused it",
            Self::SpamDetected => "it was judged to be spam",
            Self::Virus => "a virus or malware was found in it",
            Self::Expired => "delivery was retried until it expired",
            Self::HostUnknown => "the recipient's domain or mail server was not found",
            Self::NetworkError => "the connection to the recipient's server failed",
            Self::RateLimited => "a sending or receiving rate limit was exceeded",
            Self::RelayingDenied => "the server refused to relay it",
            Self::MailboxDisabled => "the recipient's mailbox is disabled or suspended",
            Self::MailLoop => "it looped between mail servers",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[allow(
        dead_code,
        reason = "the table's format version, checked by the asset test"
    )]
    version: u32,
    markers: Vec<String>,
    original: Vec<String>,
    not_recipient: Vec<String>,
    reason: Vec<ReasonEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReasonEntry {
    id: BounceReason,
    advice: String,
    codes: Vec<String>,
    phrases: Vec<String>,
}

/// The table, lower-cased for matching against lower-cased text.
#[derive(Debug)]
pub struct BouncePhrases {
    /// Texts only a bounce's report carries.
    pub markers: Vec<String>,
    /// Lines that open the returned original message.
    pub original: Vec<String>,
    /// Line starts that name no recipient.
    pub not_recipient: Vec<String>,
    reasons: Vec<(BounceReason, Vec<String>, Vec<String>)>,
    advice: Vec<(BounceReason, String)>,
}

static TABLE: LazyLock<BouncePhrases> =
    LazyLock::new(|| BouncePhrases::parse(ASSET).expect("embedded bounce_phrases.toml is valid"));

impl BouncePhrases {
    /// The embedded table, parsed on first use.
    ///
    /// # Panics
    /// Only if the embedded asset is invalid, which the asset test rules out.
    pub fn embedded() -> &'static Self {
        &TABLE
    }

    fn parse(text: super::Source<'_>) -> Result<Self, super::AssetError> {
        let file: File = text.read(NAME)?;
        let lower = |v: Vec<String>| -> Vec<String> {
            v.into_iter().map(|p| p.to_ascii_lowercase()).collect()
        };
        let advice = file
            .reason
            .iter()
            .map(|r| (r.id, r.advice.clone()))
            .collect();
        Ok(Self {
            advice,
            markers: lower(file.markers),
            original: lower(file.original),
            not_recipient: lower(file.not_recipient),
            reasons: file
                .reason
                .into_iter()
                .map(|r| (r.id, r.codes, lower(r.phrases)))
                .collect(),
        })
    }

    /// What to do about a failure for `reason`.
    pub fn advice(&self, reason: BounceReason) -> Option<&str> {
        self.advice
            .iter()
            .find(|(r, _)| *r == reason)
            .map(|(_, a)| a.as_str())
    }

    /// The reason `text` gives (a phrase in the reply), else the one its enhanced `code` is
    /// listed for, else `None`.
    pub fn reason(&self, code: Option<&str>, text: &str) -> Option<BounceReason> {
        let lower = text.to_ascii_lowercase();
        self.reasons
            .iter()
            .find(|(_, _, phrases)| phrases.iter().any(|p| lower.contains(p.as_str())))
            .or_else(|| {
                let code = code?;
                self.reasons
                    .iter()
                    .find(|(_, codes, _)| codes.iter().any(|c| code_matches(c, code)))
            })
            .map(|(id, _, _)| *id)
    }
}

/// True when `code` is `entry` or lies in the range `entry` writes as `low-high`.
fn code_matches(entry: &str, code: &str) -> bool {
    let Some((low, high)) = entry.split_once('-') else {
        return entry == code;
    };
    let parts = |c: &str| -> Option<(u16, u16, u16)> {
        let mut it = c.split('.').map(|p| p.parse::<u16>().ok());
        Some((it.next()??, it.next()??, it.next()??))
    };
    match (parts(low), parts(high), parts(code)) {
        (Some(low), Some(high), Some(code)) => (low..=high).contains(&code),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_parses_and_every_entry_is_lower_case() {
        let table = BouncePhrases::parse(ASSET).unwrap();
        assert!(table.markers.len() > 10);
        assert!(table.original.iter().all(|p| !p.is_empty()));
        for (_, codes, _) in &table.reasons {
            for code in codes {
                let (low, high) = code.split_once('-').unwrap_or((code, code));
                for c in [low, high] {
                    assert_eq!(c.split('.').count(), 3, "{code}");
                    assert!(c.split('.').all(|p| p.parse::<u16>().is_ok()), "{code}");
                }
            }
        }
    }

    #[test]
    fn a_phrase_wins_over_the_code_and_the_code_decides_without_one() {
        let table = BouncePhrases::embedded();
        assert_eq!(
            table.reason(
                Some("5.7.1"),
                "550 5.7.1 IP address blacklisted by recipient"
            ),
            Some(BounceReason::Blocklisted)
        );
        assert_eq!(
            table.reason(Some("5.1.1"), "550 5.1.1 <a@b.example>..."),
            Some(BounceReason::UserUnknown)
        );
        assert_eq!(
            table.reason(Some("4.7.550"), "451 4.7.550"),
            Some(BounceReason::RateLimited)
        );
        assert_eq!(
            table.reason(None, "550 Unknown user kijitora@example.ne.jp"),
            Some(BounceReason::UserUnknown)
        );
        assert_eq!(table.reason(Some("5.9.9"), "nothing known"), None);
    }
}
