//! What the verdict reads from the facts, read once: the anti-spam stamps, a gateway's
//! verdict rule, the decisive code's table entry, the final journey's cause.

use crate::case::CaseMessage;
use crate::diagnosis::Status;
use crate::facts::headers::FilterSkip;
use crate::facts::{Cause, MessageFacts};
use crate::knowledge::Knowledge;
use crate::knowledge::status_codes::CodeEntry;

/// The evidence every question of the verdict asks about.
pub(super) struct Signals<'a> {
    /// The message's status.
    pub status: Status,
    /// `SFV`, upper case ("" when not stamped).
    pub sfv: String,
    /// `CAT`, upper case ("" when not stamped).
    pub cat: String,
    /// The spam confidence level, from the headers or the last journey that has one.
    pub scl: Option<i8>,
    /// Why the spam filter did not judge it.
    pub skip: Option<FilterSkip>,
    /// A gateway's verdict rule that fired in the last journey: (vendor, rule, verdict).
    pub vendor: Option<(String, String, String)>,
    /// The decisive code's table entry.
    pub entry: Option<&'a CodeEntry>,
    /// Why the final journey ended as it did.
    pub cause: Option<Cause>,
    /// A trace summary row alone ("Quarantined", "Failed") names no layer: no event,
    /// header or bounce says who decided.
    pub summary_only: bool,
}

impl<'a> Signals<'a> {
    pub(super) fn read(
        message: &CaseMessage,
        facts: &MessageFacts,
        knowledge: &'a Knowledge,
    ) -> Self {
        let antispam = facts.headers.as_ref().map(|h| &h.antispam);
        let upper = |v: Option<&String>| v.cloned().unwrap_or_default().to_ascii_uppercase();
        let final_journey = facts
            .recipients
            .iter()
            .max_by_key(|r| r.status.weight())
            .and_then(|r| r.journey)
            .and_then(|j| facts.journeys.get(j));
        Self {
            status: facts.status,
            sfv: upper(antispam.and_then(|a| a.sfv.as_ref())),
            cat: upper(antispam.and_then(|a| a.cat.as_ref())),
            scl: antispam
                .and_then(|a| a.scl)
                .or_else(|| facts.journeys.iter().rev().find_map(|j| j.scl)),
            skip: facts.headers.as_ref().and_then(|h| h.spam.filter_skip()),
            vendor: vendor_verdict(facts, knowledge),
            entry: facts.decisive_code.as_ref().and_then(|code| {
                knowledge
                    .status_codes
                    .lookup_in(&code.code, &code.source_line)
            }),
            cause: final_journey.and_then(|j| j.cause),
            summary_only: facts.headers.is_none()
                && message.ndrs.is_empty()
                && final_journey
                    .and_then(|j| message.traces.get(j.record))
                    .is_some_and(|r| r.events.is_empty()),
        }
    }
}

/// A vendor's verdict rule that fired in the deciding journey (`IPW Processed SPAM`).
fn vendor_verdict(facts: &MessageFacts, knowledge: &Knowledge) -> Option<(String, String, String)> {
    let last_journey = facts.journeys.len();
    facts
        .rule_firings
        .iter()
        .filter(|f| f.journey == last_journey)
        .find_map(|f| {
            knowledge.vendors.profiles.iter().find_map(|p| {
                let caps = p.verdict_rule.as_ref()?.captures(&f.name)?;
                let verdict = caps.name("verdict")?.as_str().to_owned();
                Some((p.display_name.clone(), f.name.clone(), verdict))
            })
        })
}

/// True when a gateway's verdict word means it judged the message unwanted.
pub(super) fn is_spam_word(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    [
        "spam",
        "phish",
        "bulk",
        "malicious",
        "junk",
        "suspicious",
        "malware",
    ]
    .iter()
    .any(|s| w.contains(s))
}
