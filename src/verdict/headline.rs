//! The headline: the outcome, for whom, and why, in words an agent can read out.

use super::RootCause;
use crate::diagnosis::{DecidedBy, Status};
use crate::facts::{CodeSeen, Location, MessageFacts};

/// A code as the chain and the headline quote it: reply, code, text.
pub(super) fn code_words(code: &CodeSeen) -> String {
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

/// The one sentence the agent reads out.
pub(super) fn write(
    status: Status,
    decided_by: DecidedBy,
    facts: &MessageFacts,
    meaning: Option<String>,
    vendor: Option<&(String, String, String)>,
    cause: Option<&RootCause>,
) -> String {
    let to = recipients_phrase(facts, status);
    if let Some(reason) = cause.and_then(|c| cause_headline(status, decided_by, c, &to)) {
        return reason;
    }
    let place = facts.location.as_ref();
    let hand_off = place.is_some_and(Location::is_hand_off);
    let summary_only = place.is_some_and(Location::is_summary_only);
    let location = place.map(ToString::to_string).unwrap_or_default();
    let code = facts.decisive_code.as_ref();
    match status {
        Status::Delivered => {
            if facts.journeys.iter().rev().find_map(|j| j.hand_off.as_ref()).is_some()
                && hand_off
            {
                format!("Delivered{to}: {location} — Microsoft 365 handed it on; what happened after is the receiving side's to check.")
            } else if hand_off {
                format!("Delivered{to}: {location} — what happened after is the receiving side's to check.")
            } else if summary_only {
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
                _ if summary_only => "the summary row gives no reason; the trace detail (Get-MessageTraceDetailV2 or the row's details in the admin centre) has the status code.".into(),
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
                format!("Sent to a group that was expanded to {}; {failed} of them not delivered — each member has its own outcome.", crate::words::count(members as u64, "member", "members"))
            }
        }
        Status::Unknown if place == Some(&Location::SendersCopy) => "These are the headers of the sender's own copy: they show the message was sent, not where it went. Trace it by its Message-ID, or get the headers of the copy the recipient received.".to_owned(),
        Status::Unknown if facts.trace_found_nothing => "The message trace found no message: widen its dates or check the address, then trace again.".to_owned(),
        Status::Unknown => facts.recipients.iter().find(|r| r.lost_at_gateway.is_some()).and_then(|r| r.location.as_ref()).map_or_else(
            || "Not enough evidence to say where the message went: add the message trace or the headers.".to_owned(),
            |l| format!("{l}: check the gateway's console."),
        ),
    }
}

/// The headline when the root cause is the reason: the outcome, then why, in words the
/// agent can read out.
fn cause_headline(
    status: Status,
    decided_by: DecidedBy,
    cause: &RootCause,
    to: &str,
) -> Option<String> {
    let outcome = match status {
        Status::Junk => format!("Delivered to the Junk Email folder{to}"),
        Status::Quarantined => format!("Quarantined{to}"),
        Status::Blocked => format!("Blocked{to}"),
        Status::Failed => format!("Not delivered{to}"),
        _ => return None,
    };
    Some(match cause {
        RootCause::EnhancedFilteringOff { gateway } => format!(
            "{outcome}: Enhanced Filtering for Connectors is off for {gateway}, so Exchange Online checked SPF against {gateway}'s IP instead of the sender's and failed it — ours to fix on the inbound connector."
        ),
        RootCause::GatewayRewroteBody { gateway } => format!(
            "{outcome}: our {gateway} gateway changed the body after the sender signed it, so DKIM failed at Exchange Online — ours to fix on the gateway."
        ),
        RootCause::Threat { category, name } => format!(
            "{outcome}: {} classified it as {} (CAT:{category}); only an admin review may release it.",
            decided_by.label(),
            name.to_lowercase()
        ),
        RootCause::SenderAuthentication { failed } => format!(
            "{outcome}: the sender's authentication failed ({}), so {} judged it spam — the sender's mail admins fix it.",
            failed.join(", "),
            decided_by.label()
        ),
        RootCause::SummaryOnly => format!(
            "{outcome} (summary status only): the trace detail (Get-MessageTraceDetailV2, or the row's details in the admin centre) would tell which layer decided{}.",
            if status == Status::Quarantined {
                ", and the quarantine reason in Microsoft Defender why"
            } else {
                " and the status code"
            }
        ),
    })
}
