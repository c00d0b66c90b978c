//! The chain of decisions that proves the verdict, one sentence a step, in order.

use super::headline::code_words;
use super::signals::Signals;
use crate::diagnosis::{DecidedBy, Status};
use crate::facts::MessageFacts;
use crate::knowledge::Knowledge;

/// Each decision that led to the outcome, in order.
pub(super) fn build(
    s: &Signals<'_>,
    decided_by: DecidedBy,
    facts: &MessageFacts,
    knowledge: &Knowledge,
) -> Vec<String> {
    let mut chain = Vec::new();
    if let Some(first) = facts.journeys.first()
        && let Some(time) = first.start
    {
        chain.push(format!(
            "Received by Exchange Online at {}",
            time.to_rfc3339()
        ));
    }
    for journey in &facts.journeys {
        if let Some(hand) = &journey.hand_off
            && let Some(vendor) = hand.vendor.as_deref()
        {
            let name = knowledge
                .vendors
                .profiles
                .iter()
                .find(|p| p.id == vendor)
                .map_or(vendor, |p| p.display_name.as_str());
            chain.push(format!(
                "A mail flow rule{} sent it to {name} for scanning",
                hand.rule
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ));
        }
    }
    if let Some((vendor_name, rule, word)) = &s.vendor {
        chain.push(format!(
            "{vendor_name} judged it {word} and returned it; rule '{rule}' recorded the verdict"
        ));
    }

    let (status, scl, sfv, cat) = (s.status, s.scl, &s.sfv, &s.cat);
    match status {
        Status::Junk | Status::Quarantined => {
            let mut words = Vec::new();
            if let Some(scl) = scl {
                words.push(format!("SCL {scl}"));
            }
            if !sfv.is_empty() {
                words.push(format!("SFV:{sfv}"));
            }
            if !cat.is_empty() {
                words.push(format!("CAT:{cat}"));
            }
            let basis = if words.is_empty() {
                String::new()
            } else {
                format!(" ({})", words.join(", "))
            };
            chain.push(format!(
                "{} sent it to {}{basis}",
                decided_by_actor(decided_by),
                if status == Status::Junk {
                    "the Junk Email folder"
                } else {
                    "quarantine"
                }
            ));
        }
        Status::Blocked | Status::Failed | Status::Pending => {
            if let Some(code) = &facts.decisive_code {
                // The sending side refuses before any server answers.
                let verb = if decided_by == DecidedBy::SenderSide {
                    "refused it with"
                } else {
                    "answered"
                };
                chain.push(format!(
                    "{} {verb} {}",
                    decided_by_actor(decided_by),
                    code_words(code)
                ));
            }
        }
        Status::Delivered => {
            if let Some(location) = &facts.location {
                chain.push(format!("Final event: {location}"));
            }
        }
        Status::Expanded | Status::Unknown => {
            if let Some(location) = &facts.location {
                chain.push(location.to_string());
            }
        }
    }

    chain
}

/// The deciding layer as a sentence's subject.
fn decided_by_actor(by: DecidedBy) -> String {
    let label = by.label();
    let mut chars = label.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}
