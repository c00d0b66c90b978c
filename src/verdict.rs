//! The verdict: the final status, where the message ended, which layer decided, the chain
//! of decisions that proves it, and what to do next. Decided from the facts of every input
//! together: the trace says where it went, the headers say why.

use crate::case::CaseMessage;
use crate::diagnosis::{Audience, DecidedBy, NextAction, Side, Status, Verdict};
use crate::facts::headers::{FilterSkip, JUNK_BY_USER_SETTINGS, SENDERS_COPY};
use crate::facts::{Cause, CodeSeen, HANDED_TO, MessageFacts};
use crate::knowledge::Knowledge;
use crate::knowledge::status_codes::{CodeCategory, rfc3463};

/// The verdict with its reasons.
#[derive(Clone, Debug, Default)]
pub struct Decision {
    /// Status, location, deciding layer, headline.
    pub verdict: Verdict,
    /// Each decision that led to the outcome, in order.
    pub chain: Vec<String>,
    /// Next actions per audience.
    pub next_actions: Vec<NextAction>,
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

fn is_spam_word(word: &str) -> bool {
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

/// Decides the verdict of one message.
pub fn decide(message: &CaseMessage, facts: &MessageFacts, knowledge: &Knowledge) -> Decision {
    let status = facts.status;
    let antispam = facts.headers.as_ref().map(|h| &h.antispam);
    let sfv = antispam
        .and_then(|a| a.sfv.clone())
        .unwrap_or_default()
        .to_ascii_uppercase();
    let cat = antispam
        .and_then(|a| a.cat.clone())
        .unwrap_or_default()
        .to_ascii_uppercase();
    let scl = antispam
        .and_then(|a| a.scl)
        .or_else(|| facts.journeys.iter().rev().find_map(|j| j.scl));
    let skip = facts.headers.as_ref().and_then(|h| h.spam.filter_skip());
    let vendor = vendor_verdict(facts, knowledge);
    // The decisive code's table entry, looked up once for the deciding layer, the headline
    // and the code's own fix.
    let entry = facts.decisive_code.as_ref().and_then(|code| {
        knowledge
            .status_codes
            .lookup_in(&code.code, &code.source_line)
    });
    let final_journey = facts
        .recipients
        .iter()
        .max_by_key(|r| r.status.weight())
        .and_then(|r| r.journey)
        .and_then(|j| facts.journeys.get(j));
    let cause = final_journey.and_then(|j| j.cause);
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
    if let Some((vendor_name, rule, word)) = &vendor {
        chain.push(format!(
            "{vendor_name} judged it {word} and returned it; rule '{rule}' recorded the verdict"
        ));
    }

    let decided_by = match status {
        Status::Junk | Status::Quarantined if sfv == "BLK" => DecidedBy::AllowBlockList,
        Status::Junk if facts.location.as_deref() == Some(JUNK_BY_USER_SETTINGS) => {
            DecidedBy::AllowBlockList
        }
        Status::Junk
            if vendor.as_ref().is_some_and(|(_, _, w)| is_spam_word(w)) || sfv == "SKS" =>
        {
            DecidedBy::TransportRule
        }
        Status::Quarantined if cat == "MALW" => DecidedBy::EopMalwareFilter,
        Status::Junk | Status::Quarantined => DecidedBy::EopSpamFilter,
        Status::Blocked => match cause {
            Some(Cause::TransportRule) => DecidedBy::TransportRule,
            Some(Cause::Dlp) => DecidedBy::Dlp,
            Some(Cause::BlockList) => DecidedBy::AllowBlockList,
            Some(Cause::Malware) => DecidedBy::EopMalwareFilter,
            Some(Cause::Spam) => DecidedBy::EopSpamFilter,
            _ => DecidedBy::Unknown,
        },
        Status::Failed => match facts.decisive_code.as_ref() {
            Some(code) if code.from_remote => DecidedBy::RecipientServer,
            // Exchange Online refusing on our own tenant's settings or limits (the outbound
            // spam policy, a restricted sender, a sending limit): the sending side decided,
            // though its NDR says "Remote Server returned". A loop or a connector that no
            // longer matches is ours to fix, but not a decision of the sending side.
            Some(_)
                if entry.is_some_and(|entry| {
                    entry.side == Side::Tenant
                        && !matches!(entry.category, CodeCategory::Loop | CodeCategory::Routing)
                }) =>
            {
                DecidedBy::SenderSide
            }
            Some(code) if code.code.starts_with("5.1.") || code.code == "5.5.0" => {
                DecidedBy::RecipientServer
            }
            Some(code) if code.code.starts_with("5.7.") => DecidedBy::RecipientServer,
            Some(code) if code.code == "4.4.7" || code.code.starts_with("5.4.") => {
                DecidedBy::RecipientServer
            }
            _ if !message.ndrs.is_empty() => DecidedBy::RecipientServer,
            _ => DecidedBy::Unknown,
        },
        Status::Pending => match facts.decisive_code.as_ref().map(|c| c.code.as_str()) {
            Some("4.7.721") => DecidedBy::EopMalwareFilter,
            Some(c)
                if c.starts_with("4.7.5") || c.starts_with("4.7.6") || c.starts_with("4.7.8") =>
            {
                DecidedBy::RecipientServer
            }
            Some(_) => DecidedBy::RecipientServer,
            None => DecidedBy::Unknown,
        },
        Status::Delivered if skip == Some(FilterSkip::Internal) => DecidedBy::None,
        Status::Delivered
            if matches!(skip, Some(FilterSkip::SafeSender | FilterSkip::AllowList)) =>
        {
            DecidedBy::AllowBlockList
        }
        Status::Delivered if sfv == "SKS" || skip == Some(FilterSkip::Rule) => {
            DecidedBy::TransportRule
        }
        // A trace's SCL -1 with no headers to say why.
        Status::Delivered if skip.is_none() && scl == Some(-1) => DecidedBy::TransportRule,
        Status::Delivered | Status::Expanded => DecidedBy::None,
        Status::Unknown if facts.recipients.iter().any(|r| r.lost_at_gateway.is_some()) => {
            DecidedBy::ThirdPartyGateway
        }
        Status::Unknown => DecidedBy::Unknown,
    };

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
                chain.push(location.clone());
            }
        }
    }

    let meaning = facts
        .decisive_code
        .as_ref()
        .map(|code| entry.map_or_else(|| rfc3463(&code.code).meaning, |e| e.meaning.clone()));
    let headline = headline(status, decided_by, facts, meaning, vendor.as_ref());
    let code = facts.decisive_code.as_ref();
    let handed_off = facts
        .location
        .as_deref()
        .is_some_and(|l| l.starts_with(HANDED_TO));
    // The code's own fix first: the table's actions know the outcome, not the code. A
    // block by a known layer (a rule, DLP, a list) has the table's own advice for it.
    let code_fix = code
        .filter(|_| {
            matches!(status, Status::Failed | Status::Pending)
                || status == Status::Blocked && decided_by == DecidedBy::Unknown
        })
        .and_then(|code| {
            let entry = entry?;
            (!entry.fix.is_empty()).then(|| NextAction {
                who: Audience::Agent,
                text: format!("For {}: {}", code.code, entry.fix),
            })
        });
    let mut next_actions = knowledge.next_actions.for_outcome(
        status,
        decided_by,
        code.map(|c| c.code.as_str()),
        handed_off,
        code_fix.is_some(),
    );
    if let Some(fix) = code_fix {
        next_actions.insert(0, fix);
    }
    Decision {
        verdict: Verdict {
            status,
            location: facts.location.clone(),
            decided_by,
            headline,
        },
        chain,
        next_actions,
    }
}

fn decided_by_actor(by: DecidedBy) -> String {
    let label = by.label();
    let mut chars = label.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

fn code_words(code: &CodeSeen) -> String {
    let reply = code.reply.map(|r| format!("{r} ")).unwrap_or_default();
    let text = if code.text.is_empty() {
        String::new()
    } else {
        format!(" {}", code.text)
    };
    format!("{reply}{}{text}", code.code)
}

/// " for a@x", " for 3 recipients", or " for a@x (1 of 3 recipients)" when only some
/// recipients have the verdict's status.
fn recipients_phrase(facts: &MessageFacts, status: Status) -> String {
    let all = facts.recipients.len();
    let with: Vec<&str> = facts
        .recipients
        .iter()
        .filter(|r| r.status == status && !r.recipient.is_empty())
        .map(|r| r.recipient.as_str())
        .collect();
    let named = facts.recipients.iter().any(|r| !r.recipient.is_empty());
    match (with.as_slice(), all) {
        (_, 0) => String::new(),
        _ if !named => String::new(),
        ([one], 1) => format!(" for {one}"),
        ([one], _) => format!(" for {one} (1 of {all} recipients)"),
        ([], _) => format!(" for {all} recipients"),
        (some, _) if some.len() == all => format!(" for {all} recipients"),
        (some, _) => format!(" for {} of {all} recipients", some.len()),
    }
}

/// A location written to stand alone ("A custom mailbox folder …") as it reads inside a
/// sentence: a leading article in lower case; names ("Inbox", "Junk Email folder") as they
/// are.
fn mid_sentence(location: &str) -> String {
    match location.split_once(' ') {
        Some((article @ ("A" | "An" | "The"), rest)) => {
            format!("{} {rest}", article.to_ascii_lowercase())
        }
        _ => location.to_owned(),
    }
}

fn headline(
    status: Status,
    decided_by: DecidedBy,
    facts: &MessageFacts,
    meaning: Option<String>,
    vendor: Option<&(String, String, String)>,
) -> String {
    let to = recipients_phrase(facts, status);
    let location = facts.location.clone().unwrap_or_default();
    let code = facts.decisive_code.as_ref();
    match status {
        Status::Delivered => {
            if facts.journeys.iter().rev().find_map(|j| j.hand_off.as_ref()).is_some()
                && facts.location.as_deref().is_some_and(|l| l.starts_with(HANDED_TO))
            {
                format!("Delivered{to}: {location} — Microsoft 365 handed it on; what happened after is the receiving side's to check.")
            } else if location.starts_with(HANDED_TO) {
                format!("Delivered{to}: {location} — what happened after is the receiving side's to check.")
            } else if location.contains("summary status") {
                format!("Delivered{to} (summary status only: the trace detail would show which folder).")
            } else {
                format!("Delivered{to} to {}: it reached the mailbox.", mid_sentence(&location))
            }
        }
        Status::Junk => match vendor {
            Some((name, rule, word)) if decided_by == DecidedBy::TransportRule => format!(
                "Delivered to the Junk Email folder{to}: {name} judged it {word} and rule '{rule}' sent it to Junk."
            ),
            _ if decided_by == DecidedBy::AllowBlockList => format!("Delivered to the Junk Email folder{to}: the recipient's own junk email settings put it there (Blocked Senders, or 'Safe Senders only'), not the spam filter."),
            _ => format!("Delivered to the Junk Email folder{to}: {} judged it spam.", decided_by.label()),
        },
        Status::Quarantined => format!("Quarantined{to}: held by {}; it is in quarantine, not in the mailbox.", decided_by.label()),
        Status::Blocked => format!(
            "Blocked{to} by {}{}.",
            decided_by.label(),
            code.map(|c| format!(" ({})", code_words(c))).unwrap_or_default()
        ),
        Status::Failed => format!(
            "Not delivered{to}: {}",
            match (code, meaning) {
                (Some(c), Some(m)) => format!("{} — {m}", c.code),
                _ if location.contains("summary status") => "the summary row gives no reason; the trace detail (Get-MessageTraceDetailV2 or the row's details in the admin centre) has the status code.".into(),
                _ => "the trace shows a failure without a status code.".into(),
            }
        ),
        Status::Pending => {
            let after = code.map(|c| format!(" after {}", code_words(c))).unwrap_or_default();
            // A reply that ends its own sentence (or is cut with "...") gets no second stop.
            let stop = if after.ends_with('.') { "" } else { "." };
            format!("Not delivered yet{to}: Exchange Online is retrying{after}{stop}")
        }
        Status::Expanded => {
            let members = facts.recipients.iter().filter(|r| r.status != Status::Expanded).count();
            let failed = facts.recipients.iter().filter(|r| matches!(r.status, Status::Failed | Status::Blocked)).count();
            if members == 0 {
                "Sent to a group that was expanded; this input does not list the members — trace one member's address to see their outcome.".to_owned()
            } else {
                format!("Sent to a group that was expanded to {members} member(s); {failed} of them not delivered — each member has its own outcome.")
            }
        }
        Status::Unknown if location == SENDERS_COPY => "These are the headers of the sender's own copy: they show the message was sent, not where it went. Trace it by its Message-ID, or get the headers of the copy the recipient received.".to_owned(),
        Status::Unknown => facts.recipients.iter().find(|r| r.lost_at_gateway.is_some()).and_then(|r| r.location.clone()).map_or_else(
            || "Not enough evidence to say where the message went: add the message trace or the headers.".to_owned(),
            |l| format!("{l}: check the gateway's console."),
        ),
    }
}
