//! Facts derived from one message's evidence: journeys and per-recipient outcomes, rules
//! that fired, status codes, and what the headers prove. Analyzers explain these facts;
//! the verdict decides from them.

pub mod codes;
pub mod gateway;
pub mod headers;
pub mod journey;
pub mod location;
pub mod online;
pub mod rules;

use std::collections::BTreeMap;

use crate::case::{CaseMessage, EventKind};
use crate::diagnosis::{RuleHit, Status};
use crate::knowledge::Knowledge;

pub use codes::{CodeOrigin, CodeSeen};
pub use headers::HeaderFacts;
pub use journey::{Cause, HandOff, Journey};
pub use location::Location;
pub use rules::RuleFiring;

/// The final outcome for one recipient: the last journey's, unless that journey only
/// handed the message to a re-injecting gateway that never returned it.
#[derive(Clone, Debug)]
pub struct RecipientFacts {
    /// Address, lower case.
    pub recipient: String,
    /// Final status.
    pub status: Status,
    /// Where it ended.
    pub location: Option<Location>,
    /// Index into [`MessageFacts::journeys`] of the deciding journey.
    pub journey: Option<usize>,
    /// True when the message went to a re-injecting gateway and no later journey shows it
    /// coming back.
    pub lost_at_gateway: Option<String>,
}

/// Everything derived from one message's evidence.
#[derive(Clone, Debug, Default)]
pub struct MessageFacts {
    /// Journeys in the order they happened.
    pub journeys: Vec<Journey>,
    /// Final outcome per recipient.
    pub recipients: Vec<RecipientFacts>,
    /// The message's status: an expanded group stays `expanded`; otherwise the recipient
    /// that fared worst decides.
    pub status: Status,
    /// Where it ended.
    pub location: Option<Location>,
    /// Every rule firing, in journey order.
    pub rule_firings: Vec<RuleFiring>,
    /// Rules with counts, in first-fired order.
    pub rules: Vec<RuleHit>,
    /// The decisive NDR or defer code, if any.
    pub decisive_code: Option<CodeSeen>,
    /// Every status code seen (traces and NDRs).
    pub codes: Vec<CodeSeen>,
    /// What the first header set proves (hops, authentication, anti-spam).
    pub headers: Option<HeaderFacts>,
    /// Third-party gateways the evidence shows.
    pub gateways: Vec<gateway::GatewayFacts>,
    /// A trace search was given and matched nothing, and no other trace says more.
    pub trace_found_nothing: bool,
    /// What the headers of a bounce prove about the bounce's own way to the sender.
    pub bounce: Option<HeaderFacts>,
}

impl MessageFacts {
    /// Derives the facts of `message`.
    pub fn derive(message: &CaseMessage, knowledge: &Knowledge) -> Self {
        let mut journeys: Vec<Journey> = message
            .traces
            .iter()
            .enumerate()
            .map(|(i, r)| journey::derive(r, i, knowledge))
            .collect();
        journeys.sort_by_key(|j| (j.start, j.hand_off.is_none(), j.end, j.record));

        let mut facts = Self {
            headers: message
                .headers
                .first()
                .map(|h| headers::derive(h, knowledge)),
            bounce: message
                .ndrs
                .iter()
                .find_map(|n| n.bounce_headers.as_deref())
                .map(|h| headers::derive(h, knowledge)),
            ..Self::default()
        };
        for (n, journey) in journeys.iter().enumerate() {
            if let Some(record) = message.traces.get(journey.record) {
                facts.rule_firings.extend(rules::firings(record, n + 1));
            }
        }
        facts.rules = count_rules(&facts.rule_firings);
        facts.journeys = journeys;
        facts.recipients = recipient_outcomes(message, &facts.journeys, knowledge);
        facts.codes = collect_codes(message, &facts.journeys);
        facts.decisive_code = decisive_code(&facts);
        let (status, location) = if facts.journeys.is_empty() {
            without_trace(message, &facts)
        } else {
            overall(&facts.recipients, &facts.journeys)
        };
        facts.status = status;
        facts.location = location;
        facts.trace_found_nothing = message.traces.is_empty() && !message.empty_traces.is_empty();
        facts.gateways = gateway::detect(message, &facts, knowledge);
        facts
    }
}

fn count_rules(firings: &[RuleFiring]) -> Vec<RuleHit> {
    let mut hits: Vec<RuleHit> = Vec::new();
    for firing in firings {
        let same = |h: &&mut RuleHit| match (&h.id, &firing.id) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => h.name == firing.name,
        };
        if let Some(hit) = hits.iter_mut().find(same) {
            hit.count += 1;
            if !hit.journeys.contains(&firing.journey) {
                hit.journeys.push(firing.journey);
            }
        } else {
            hits.push(RuleHit {
                name: firing.name.clone(),
                id: firing.id.clone(),
                count: 1,
                journeys: vec![firing.journey],
            });
        }
    }
    hits
}

/// Groups journeys by recipient; a recipient's outcome is its last journey's. Summary
/// formats that list per-recipient events (group members) add one outcome per member.
fn recipient_outcomes(
    message: &CaseMessage,
    journeys: &[Journey],
    knowledge: &Knowledge,
) -> Vec<RecipientFacts> {
    let mut by_recipient: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for (n, journey) in journeys.iter().enumerate() {
        let key = journey.recipients.join(", ");
        if !by_recipient.contains_key(&key) {
            order.push(key.clone());
        }
        by_recipient.entry(key).or_default().push(n);
    }
    let mut outcomes = Vec::new();
    for key in order {
        let Some(list) = by_recipient.get(&key) else {
            continue;
        };
        let Some(&last) = list.last() else {
            continue;
        };
        let Some(journey) = journeys.get(last) else {
            continue;
        };
        let reinjecting = journey
            .hand_off
            .as_ref()
            .and_then(|h| h.vendor.as_deref())
            .and_then(|id| knowledge.vendors.profiles.iter().find(|p| p.id == id))
            .filter(|p| p.expected_journeys > 1);
        let (status, location, lost) = match reinjecting {
            Some(profile) => (
                Status::Unknown,
                Some(Location::HandedTo(location::HandOffTarget::GatewayNotBack(
                    profile.display_name.clone(),
                ))),
                Some(profile.id.clone()),
            ),
            None => (journey.status, journey.location.clone(), None),
        };
        outcomes.push(RecipientFacts {
            recipient: key,
            status,
            location,
            journey: Some(last),
            lost_at_gateway: lost,
        });
        let Some(record) = message.traces.get(journey.record) else {
            continue;
        };
        for member in &record.recipient_events {
            let kinds = &member.events;
            let (status, location) = member_outcome(kinds, member.status_text.as_deref());
            let recipient = member.recipient.to_ascii_lowercase();
            outcomes.retain(|o: &RecipientFacts| o.recipient != recipient);
            outcomes.push(RecipientFacts {
                recipient,
                status,
                location,
                journey: Some(last),
                lost_at_gateway: None,
            });
        }
    }
    outcomes
}

fn member_outcome(kinds: &[EventKind], status_text: Option<&str>) -> (Status, Option<Location>) {
    let has = |k| kinds.contains(&k);
    let (status, location) = if has(EventKind::Fail) {
        (
            Status::Failed,
            Location::NotDelivered(location::NotDeliveredNote::Plain),
        )
    } else if has(EventKind::Expand) {
        (Status::Expanded, Location::GroupExpanded)
    } else if has(EventKind::Deliver) {
        (Status::Delivered, Location::Mailbox)
    } else if has(EventKind::SendExternal) || has(EventKind::Send) {
        (
            Status::Delivered,
            Location::HandedTo(location::HandOffTarget::NextServer),
        )
    } else if has(EventKind::Defer) {
        (
            Status::Pending,
            Location::Retrying(location::RetryNote::Plain),
        )
    } else if let Some(summary) = status_text.and_then(journey::status_from_summary) {
        summary
    } else {
        (Status::Unknown, Location::NoOutcome)
    };
    (status, Some(location))
}

fn overall(recipients: &[RecipientFacts], journeys: &[Journey]) -> (Status, Option<Location>) {
    if let Some(group) = recipients.iter().find(|r| r.status == Status::Expanded) {
        return (Status::Expanded, group.location.clone());
    }
    if let Some(worst) = recipients.iter().max_by_key(|r| r.status.weight()) {
        return (worst.status, worst.location.clone());
    }
    journeys
        .last()
        .map_or((Status::Unknown, None), |j| (j.status, j.location.clone()))
}

/// No trace: what the NDRs and headers prove.
fn without_trace(message: &CaseMessage, facts: &MessageFacts) -> (Status, Option<Location>) {
    if let Some(ndr) = message.ndrs.first() {
        return if ndr.is_delay_notice() {
            (
                Status::Pending,
                Some(Location::Retrying(location::RetryNote::DelayNotice)),
            )
        } else {
            (
                Status::Failed,
                Some(Location::NotDelivered(
                    location::NotDeliveredNote::SenderGotReport,
                )),
            )
        };
    }
    let found_nothing = (!message.empty_traces.is_empty()).then_some(Location::TraceFoundNothing);
    facts
        .headers
        .as_ref()
        .and_then(|h| h.placement.clone())
        .map_or((Status::Unknown, found_nothing), |(s, l)| (s, Some(l)))
}

fn collect_codes(message: &CaseMessage, journeys: &[Journey]) -> Vec<CodeSeen> {
    let mut codes: Vec<CodeSeen> = journeys
        .iter()
        .flat_map(|j| j.fail_codes.iter().chain(j.defer_codes.iter()).cloned())
        .collect();
    for ndr in &message.ndrs {
        // The status code after the diagnostic only when the diagnostic lacks it, or the
        // code's text would end with the code again.
        let diagnostic = ndr.diagnostic.as_deref().unwrap_or_default();
        let text = match ndr.status_code.as_deref() {
            Some(code) if diagnostic.is_empty() => code.to_owned(),
            Some(code) if !diagnostic.contains(code) => format!("{diagnostic} {code}"),
            _ => diagnostic.to_owned(),
        };
        // A delay notice is decided by its last attempt's error, as a trace by its last
        // Defer; an expiry report by its own code, with the last attempt's after it.
        let attempt = ndr.last_attempt.as_deref().unwrap_or_default();
        let texts = if ndr.is_delay_notice() {
            [attempt, text.as_str()]
        } else {
            [text.as_str(), attempt]
        };
        let mut seen: Vec<CodeSeen> = texts
            .into_iter()
            .flat_map(|text| codes::scan(text, CodeOrigin::Ndr))
            .collect();
        // The report decided which of its codes is the failure's (a specific reply over a
        // summary status, the cause over an expiry): that one comes first.
        if let Some(at) = seen
            .iter()
            .position(|c| Some(c.code.as_str()) == ndr.status_code.as_deref())
        {
            let decisive = seen.remove(at);
            seen.insert(0, decisive);
        }
        for mut code in seen {
            code.from_remote |= ndr.remote_server.is_some();
            if code.reply.is_none() && Some(code.code.as_str()) == ndr.status_code.as_deref() {
                code.reply = ndr.smtp_reply;
            }
            codes.push(code);
        }
    }
    codes
}

/// The contract's `ndr`: the primary Fail code of the final journeys, else the NDR's code,
/// else the last Defer code — even when the message was delivered later.
fn decisive_code(facts: &MessageFacts) -> Option<CodeSeen> {
    let final_journeys: Vec<&Journey> = facts
        .recipients
        .iter()
        .filter_map(|r| r.journey.and_then(|j| facts.journeys.get(j)))
        .collect();
    final_journeys
        .iter()
        .find_map(|j| j.fail_codes.first())
        .or_else(|| {
            facts
                .codes
                .iter()
                .find(|c| c.origin == CodeOrigin::Ndr && c.class() != 2)
        })
        .or_else(|| facts.journeys.iter().find_map(|j| j.fail_codes.first()))
        .or_else(|| {
            final_journeys
                .iter()
                .find_map(|j| last_primary(&j.defer_codes))
        })
        .or_else(|| {
            facts
                .journeys
                .iter()
                .rev()
                .find_map(|j| last_primary(&j.defer_codes))
        })
        .cloned()
}

/// The primary code of the last reason: a code nested in `[Message=…]` only when the reason
/// had no other.
fn last_primary(codes: &[CodeSeen]) -> Option<&CodeSeen> {
    codes
        .iter()
        .rev()
        .find(|c| !c.nested)
        .or_else(|| codes.last())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_sent_on_is_handed_to_another_server() {
        for kind in [EventKind::Send, EventKind::SendExternal] {
            let (status, location) = member_outcome(&[kind], None);
            assert_eq!(status, Status::Delivered);
            assert!(location.is_some_and(|l| l.is_hand_off()));
        }
    }
}
