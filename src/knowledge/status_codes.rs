//! Enhanced status codes (`assets/knowledge/status_codes.toml`), with the RFC 3463
//! class/subject meaning as the fallback for codes the table does not list.
//!
//! A code is looked up exactly first, then in the narrowest range that holds it; codes whose
//! meaning depends on the reply text (5.2.2 mailbox full vs submission quota, the 5.7.1
//! family) have text variants, and the variant whose pattern matches the reason wins.

use serde::Deserialize;

use super::Pattern;

use crate::diagnosis::{DecidedBy, Side, Status};

const ASSET: super::Source<'static> = embedded_table!("status_codes");

#[derive(Deserialize)]
struct File {
    code: Vec<CodeEntry>,
    #[serde(default)]
    decider: Vec<Decider>,
    #[serde(default)]
    dns_failure_codes: Vec<String>,
}

/// Who decided a failure or a deferral with a code, when the evidence says no more (see
/// the table's `[[decider]]` comment).
#[derive(Clone, Debug, Deserialize)]
pub struct Decider {
    /// The message status the rule is for (`failed`, `pending`).
    pub status: Status,
    /// A code prefix ending in `.`, one code, or `""` for every code.
    pub code: String,
    /// The layer that decided.
    pub decided_by: DecidedBy,
    /// Why, for the reviewer of the table.
    pub why: String,
}

impl Decider {
    fn covers(&self, code: &str) -> bool {
        self.code.is_empty()
            || self.code == code
            || (self.code.ends_with('.') && code.starts_with(self.code.as_str()))
    }
}

/// The family a code belongs to, so the step-5 analyzers can tell throttling from a
/// reputation block or an expiry without matching on code numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CodeCategory {
    /// Success notices (`2.1.5` group expanded): never an NDR.
    Success,
    /// The address is wrong or does not exist.
    Address,
    /// A mailbox or submission quota.
    Quota,
    /// Sending or receiving rate limits (mailbox, tenant).
    RateLimit,
    /// One mailbox receiving too many messages at once (Exchange Online's recipient
    /// thread limit): throttled by design, the retries deliver.
    ThreadLimit,
    /// Exchange Online Protection throttling the sending IP (graylisting).
    Throttling,
    /// Blocklists, bans and reputation blocks of IPs, senders or domains.
    Reputation,
    /// Our own tenant is restricted from sending.
    TenantRestriction,
    /// SPF, DKIM, DMARC or reverse-DNS requirements.
    Authentication,
    /// TLS, DANE or MTA-STS of the destination.
    Tls,
    /// MX, DNS, relay and connector routing.
    Routing,
    /// The destination refused or did not take connections.
    Connection,
    /// Retries ran out.
    Expiry,
    /// A mail loop.
    Loop,
    /// Delivery restrictions on the recipient (groups, public folders, internal-only).
    Restriction,
    /// A mail flow rule, the Tenant Allow/Block List or another policy.
    Policy,
    /// The message's content or format.
    Content,
    /// Held for attachment scanning.
    Scanning,
    /// Not classified.
    #[default]
    Other,
}

/// One code's explanation.
#[derive(Clone, Debug, Deserialize)]
pub struct CodeEntry {
    /// The code (`5.1.10`) or a range (`4.7.500-4.7.699`).
    pub code: String,
    /// A regular expression tried on the reason text: the entry is the variant of its code
    /// for texts it matches.
    #[serde(default)]
    pub match_text: Option<String>,
    /// The typical reply text carrying the code.
    #[serde(default)]
    pub example: String,
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
    /// Whose side it is when our own Exchange Online generated the code (a rule in our
    /// trace is our tenant's).
    #[serde(default)]
    pub side_when_local: Option<Side>,
    /// The code's family.
    #[serde(default)]
    pub category: CodeCategory,
    /// Where the entry comes from.
    #[serde(default)]
    pub source: String,
    /// The source's date.
    #[serde(default)]
    pub date: String,
}

impl CodeEntry {
    /// The side that must act: [`Self::side_when_local`] when our own Exchange Online
    /// generated the code, else [`Self::side`].
    pub fn side_for(&self, generated_locally: bool) -> Side {
        match self.side_when_local {
            Some(side) if generated_locally => side,
            _ => self.side,
        }
    }

    /// True when the entry is the RFC 3463 fallback rather than a row of the table.
    pub fn is_generic(&self) -> bool {
        self.source == RFC3463_SOURCE
    }
}

/// The code table.
#[derive(Debug, Default)]
pub struct StatusCodes {
    entries: Vec<CodeEntry>,
    /// The `match_text` of each entry, same order, compiled when a lookup of a code it
    /// covers first needs it.
    patterns: Vec<Option<Pattern>>,
    /// The code range of each entry, same order: read once, not at every lookup.
    ranges: Vec<(CodeParts, CodeParts)>,
    /// Who decided a failure or a deferral, by code.
    deciders: Vec<Decider>,
    /// Codes whose meaning is a failed DNS lookup.
    dns_failure_codes: Vec<String>,
}

/// An enhanced status code as its three numbers, for range comparison.
type CodeParts = (u16, u16, u16);

fn parts(code: &str) -> Option<CodeParts> {
    let mut it = code.trim().split('.').map(|p| p.parse::<u16>().ok());
    Some((it.next()??, it.next()??, it.next()??))
}

/// The bounds of an entry's code: one code is a range of one.
fn bounds(code: &str) -> Option<(CodeParts, CodeParts)> {
    match code.split_once('-') {
        Some((low, high)) => Some((parts(low)?, parts(high)?)),
        None => parts(code).map(|c| (c, c)),
    }
}

/// How wide a range is, to prefer the narrowest one holding a code.
fn width(low: CodeParts, high: CodeParts) -> u32 {
    let flat =
        |(a, b, c): CodeParts| u32::from(a) * 1_000_000 + u32::from(b) * 1_000 + u32::from(c);
    flat(high).saturating_sub(flat(low))
}

const RFC3463_SOURCE: &str = "RFC 3463 class and subject";

impl StatusCodes {
    /// Parses the embedded table.
    ///
    /// # Panics
    /// Only if the embedded asset is invalid, which the asset test rules out.
    pub fn embedded() -> Self {
        Self::read(ASSET, false).expect("embedded status_codes.toml is valid")
    }

    /// Parses a table and checks every pattern in it.
    #[cfg(test)]
    fn parse(text: super::Source<'_>) -> Result<Self, super::AssetError> {
        Self::read(text, true)
    }

    /// Parses a table; `check` compiles every pattern now (the tests of the embedded one),
    /// otherwise each compiles at its first use.
    fn read(text: super::Source<'_>, check: bool) -> Result<Self, super::AssetError> {
        let name = "status_codes.toml";
        let file: File = text.read(name)?;
        let mut patterns = Vec::with_capacity(file.code.len());
        let mut ranges = Vec::with_capacity(file.code.len());
        for entry in &file.code {
            let Some(range) = bounds(&entry.code) else {
                return Err(super::AssetError::Invalid {
                    reason: format!("{:?} is not a code or a code range", entry.code),
                    name: name.into(),
                });
            };
            ranges.push(range);
            let pattern = entry
                .match_text
                .clone()
                .map(|p| {
                    if check {
                        Pattern::checked(p, name)
                    } else {
                        Ok(Pattern::new(p))
                    }
                })
                .transpose()?;
            patterns.push(pattern);
        }
        Ok(Self {
            entries: file.code,
            patterns,
            ranges,
            deciders: file.decider,
            dns_failure_codes: file.dns_failure_codes,
        })
    }

    /// The layer that decided a message of `status` whose decisive code is `code`, when
    /// the evidence says no more: the longest matching `[[decider]]` rule's.
    pub fn decider(&self, status: Status, code: &str) -> Option<DecidedBy> {
        self.deciders
            .iter()
            .filter(|d| d.status == status && d.covers(code))
            .max_by_key(|d| d.code.len())
            .map(|d| d.decided_by)
    }

    /// True when `code` means a DNS lookup failed (the table's `dns_failure_codes`).
    pub fn is_dns_failure(&self, code: &str) -> bool {
        self.dns_failure_codes.iter().any(|c| c == code)
    }

    /// The table's category of `code` (its entry without reply text), if it has one.
    pub fn category(&self, code: &str) -> Option<CodeCategory> {
        self.lookup(code).map(|e| e.category)
    }

    /// Every entry, in table order.
    pub fn entries(&self) -> &[CodeEntry] {
        &self.entries
    }

    /// The table's entry for `code` without reply text: the variant without a pattern.
    pub fn lookup(&self, code: &str) -> Option<&CodeEntry> {
        self.lookup_in(code, "")
    }

    /// The table's entry for `code` as it appeared with the reply `text`: the exact code
    /// first, then the narrowest range holding it; among an entry's text variants, the one
    /// whose pattern matches `text` wins over the one without a pattern.
    pub fn lookup_in(&self, code: &str, text: &str) -> Option<&CodeEntry> {
        let target = parts(code)?;
        let mut best: Option<(u32, bool, usize)> = None;
        for (i, &(low, high)) in self.ranges.iter().enumerate() {
            if target < low || high < target {
                continue;
            }
            let matched = match self.patterns.get(i).and_then(Option::as_ref) {
                Some(pattern) if pattern.is_match(text) => true,
                Some(_) => continue,
                None => false,
            };
            let rank = (width(low, high), !matched, i);
            if best.is_none_or(|b| rank < b) {
                best = Some(rank);
            }
        }
        best.and_then(|(_, _, i)| self.entries.get(i))
    }

    /// The entry for `code`, or the RFC 3463 class/subject meaning when the table has none:
    /// never nothing.
    pub fn explain(&self, code: &str) -> CodeEntry {
        self.explain_in(code, "")
    }

    /// As [`Self::explain`], choosing the text variant that matches the reply `text`.
    pub fn explain_in(&self, code: &str, text: &str) -> CodeEntry {
        self.lookup_in(code, text)
            .cloned()
            .unwrap_or_else(|| rfc3463(code))
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
        match_text: None,
        example: String::new(),
        meaning: format!("{class_words}; {subject_words} (RFC 3463 meaning of {code})."),
        cause: String::new(),
        fix: String::new(),
        side,
        side_when_local: None,
        category: CodeCategory::Other,
        source: RFC3463_SOURCE.into(),
        date: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_asset_parses() {
        assert!(StatusCodes::parse(ASSET).is_ok());
        let codes = StatusCodes::embedded();
        assert_eq!(codes.explain("5.1.10").side, Side::Recipient);
    }

    #[test]
    fn unknown_codes_fall_back_to_rfc3463() {
        let entry = StatusCodes::embedded().explain("5.3.999");
        assert!(entry.meaning.contains("mail system"));
        assert!(entry.is_generic());
    }

    #[test]
    fn every_entry_has_text_a_source_and_a_date() {
        for entry in StatusCodes::embedded().entries() {
            assert!(!entry.meaning.is_empty(), "{}", entry.code);
            assert!(!entry.example.is_empty(), "{}", entry.code);
            assert!(!entry.fix.is_empty(), "{}", entry.code);
            assert!(!entry.source.is_empty(), "{}", entry.code);
            assert!(entry.date.len() >= 4, "{}", entry.code);
        }
    }

    #[test]
    fn exact_codes_win_over_ranges_and_narrow_ranges_over_wide_ones() {
        let codes = StatusCodes::embedded();
        assert_eq!(codes.explain("5.7.705").code, "5.7.705");
        assert_eq!(codes.explain("5.7.720").code, "5.7.700-5.7.749");
        assert_eq!(codes.explain("5.7.650").code, "5.7.0-5.7.999");
        assert_eq!(codes.explain("4.7.650").code, "4.7.500-4.7.699");
        assert_eq!(codes.explain("4.7.5").code, "4.7.5");
    }

    #[test]
    fn text_variants_choose_the_meaning() {
        let codes = StatusCodes::embedded();
        let full = codes.explain_in(
            "5.2.2",
            "mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException",
        );
        assert_eq!(full.side, Side::Recipient);
        let quota = codes.explain_in("5.2.2", "Submission quota exceeded");
        assert_eq!(quota.side, Side::Sender);
        assert_eq!(codes.explain("5.2.2").side, Side::Unknown);
        let blocklist = codes.explain_in(
            "5.7.1",
            "Service unavailable; Client host [192.0.2.1] blocked using Blocklist 1",
        );
        assert_eq!(blocklist.category, CodeCategory::Reputation);
        let relay = codes.explain_in("5.7.1", "Unable to relay");
        assert_eq!(relay.category, CodeCategory::Routing);
    }

    #[test]
    fn a_local_rule_code_is_the_tenants() {
        let entry = StatusCodes::embedded().explain("5.7.901");
        assert_eq!(entry.side_for(true), Side::Tenant);
        assert_eq!(entry.side_for(false), Side::Recipient);
    }

    #[test]
    fn a_broken_pattern_is_an_asset_error() {
        let text =
            "[[code]]\ncode = \"5.0.0\"\nmatch_text = \"(\"\nmeaning = \"m\"\nside = \"sender\"\n";
        assert!(matches!(
            StatusCodes::parse(crate::knowledge::Source::Toml(text)),
            Err(crate::knowledge::AssetError::Pattern { .. })
        ));
    }

    #[test]
    fn the_longest_decider_rule_of_the_status_wins() {
        let table = StatusCodes::parse(ASSET).expect("parses");
        assert_eq!(
            table.decider(Status::Pending, "4.7.721"),
            Some(DecidedBy::EopMalwareFilter)
        );
        assert_eq!(
            table.decider(Status::Pending, "4.4.316"),
            Some(DecidedBy::RecipientServer)
        );
        assert_eq!(
            table.decider(Status::Failed, "5.1.10"),
            Some(DecidedBy::RecipientServer)
        );
        // "5.5.0" is one code, not a prefix of 5.5.0x; 5.2.2 has no rule.
        assert_eq!(table.decider(Status::Failed, "5.5.01"), None);
        assert_eq!(table.decider(Status::Failed, "5.2.2"), None);
        assert_eq!(table.decider(Status::Delivered, "5.1.1"), None);
    }

    #[test]
    fn code_families_the_analyzers_ask_about_are_data() {
        let table = StatusCodes::parse(ASSET).expect("parses");
        assert!(table.is_dns_failure("5.4.310") && table.is_dns_failure("4.4.3"));
        assert!(!table.is_dns_failure("5.1.1"));
        assert_eq!(table.category("4.3.2"), Some(CodeCategory::ThreadLimit));
        assert_eq!(table.category("4.7.721"), Some(CodeCategory::Scanning));
        assert_eq!(table.category("5.4.14"), Some(CodeCategory::Loop));
    }
}
