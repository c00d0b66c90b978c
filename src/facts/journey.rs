//! One journey's outcome, derived from its events (reference §2.4): the decisive event, the
//! folder it landed in, a hand-off to a gateway or smart host, deferrals.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset};
use regex::Regex;

use super::codes::{self, CodeOrigin, CodeSeen};
use super::location::{
    HandOffTarget, InboxNote, JunkNote, Location, NotDeliveredNote, QuarantineNote, RetryNote,
    SummaryStatus,
};
use crate::case::{EventKind, TraceEvent, TraceRecord};
use crate::diagnosis::Status;
use crate::knowledge::Knowledge;

/// Where a journey that ends with `Send external` handed the message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HandOff {
    /// Destination host.
    pub host: Option<String>,
    /// Destination IP.
    pub ip: Option<String>,
    /// Outbound connector, when the trace names one.
    pub connector: Option<String>,
    /// The mail flow rule that routed it, when the trace names one.
    pub rule: Option<String>,
    /// The vendor profile id the destination matches.
    pub vendor: Option<String>,
    /// True when an organisation connector (smart host) was used, not the recipient's MX.
    pub via_connector: bool,
}

/// What cut a journey short or decided its folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A mail flow rule rejected, deleted or redirected it.
    TransportRule,
    /// A DLP rule blocked it.
    Dlp,
    /// Malware was found.
    Malware,
    /// The spam filter.
    Spam,
    /// The Tenant Allow/Block List or a blocked-senders list.
    BlockList,
    /// The recipient does not exist or the remote side refused.
    Recipient,
    /// Retries expired.
    Expired,
}

/// The derived outcome of one trace record.
#[derive(Clone, Debug)]
pub struct Journey {
    /// Index of the record in the message's `traces`.
    pub record: usize,
    /// Recipients of the journey (lower case).
    pub recipients: Vec<String>,
    /// Event indices into the record's `events`, in processing order.
    pub order: Vec<usize>,
    /// The journey's status.
    pub status: Status,
    /// Where it ended, in words.
    pub location: Option<Location>,
    /// Index (into the record's events) of the decisive event.
    pub decisive: Option<usize>,
    /// Set when the journey ends by handing the message to another host.
    pub hand_off: Option<HandOff>,
    /// What decided, when the events say.
    pub cause: Option<Cause>,
    /// First event time.
    pub start: Option<DateTime<FixedOffset>>,
    /// Last event time.
    pub end: Option<DateTime<FixedOffset>>,
    /// Status codes in Defer events, in order.
    pub defer_codes: Vec<CodeSeen>,
    /// Status codes in Fail/Drop events, in order.
    pub fail_codes: Vec<CodeSeen>,
    /// SCL recorded by a Spam event or its data.
    pub scl: Option<i8>,
    /// True when a Defer was followed by a delivery.
    pub delivered_late: bool,
}

/// Processing phase of an event, to order events that share a timestamp (EAC copy text has
/// minute precision).
fn phase(kind: EventKind) -> u8 {
    match kind {
        EventKind::Receive => 0,
        EventKind::Submit => 1,
        EventKind::Expand | EventKind::Resolve | EventKind::Redirect => 2,
        EventKind::TransportRule
        | EventKind::DlpRule
        | EventKind::Spam
        | EventKind::Malware
        | EventKind::AgentInfo
        | EventKind::Journal => 3,
        EventKind::Transfer | EventKind::Other | EventKind::Dsn => 4,
        EventKind::Send | EventKind::SendExternal => 5,
        EventKind::Defer => 6,
        EventKind::Deliver | EventKind::Fail => 7,
        EventKind::Drop => 8,
    }
}

/// Orders events by time, then phase; events without a time keep the time of the event
/// before them, so input order is kept where the input says nothing.
pub fn processing_order(events: &[TraceEvent]) -> Vec<usize> {
    let mut carried = None;
    let mut keyed: Vec<(Option<i64>, u8, usize)> = events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            if let Some(t) = e.time {
                carried = Some(t.timestamp());
            }
            (carried, phase(e.kind), i)
        })
        .collect();
    keyed.sort_by_key(|&(t, p, i)| (t, p, i));
    keyed.into_iter().map(|(_, _, i)| i).collect()
}

static SENT_TO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)sent to\s+\[?([A-Za-z0-9.\-]+)\]?(?:\s+at\s+\[?([0-9A-Fa-f:.]+)\]?)?")
        .expect("static regex")
});
static SENTENCE_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)<b>\s*(Connector name|Destination smart host|Destination IP|Mail flow rule):\s*</b>\s*([^<]+)")
        .expect("static regex")
});
static FOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)DefaultFolderType:\s*([A-Za-z]+)").expect("static regex"));
static SCL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:Spam confidence level|SCL)\s*[:=]\s*(-?\d)").expect("static regex")
});

/// The folder a Deliver detail names, as (status, words).
fn delivered_to(detail: &str) -> (Status, Location) {
    let lower = detail.to_ascii_lowercase();
    if lower.contains("quarantine") {
        return (
            Status::Quarantined,
            Location::Quarantine(QuarantineNote::Plain),
        );
    }
    if lower.contains("junk") {
        return (Status::Junk, Location::Junk(JunkNote::Plain));
    }
    if let Some(folder) = FOLDER.captures(detail).and_then(|c| c.get(1)) {
        let folder = folder.as_str();
        return match folder.to_ascii_lowercase().as_str() {
            "junkemail" => (Status::Junk, Location::Junk(JunkNote::Plain)),
            "inbox" => (Status::Delivered, Location::Inbox(InboxNote::Plain)),
            "deleteditems" => (Status::Delivered, Location::DeletedItems),
            _ => (Status::Delivered, Location::Folder(folder.to_owned())),
        };
    }
    (Status::Delivered, Location::Inbox(InboxNote::Mailbox))
}

fn hand_off(record: &TraceRecord, event: &TraceEvent, knowledge: &Knowledge) -> HandOff {
    let mut hand_off = HandOff::default();
    if let Some(caps) = SENT_TO.captures(&event.detail) {
        hand_off.host = caps
            .get(1)
            .map(|m| m.as_str().trim_end_matches('.').to_owned());
        hand_off.ip = caps.get(2).map(|m| m.as_str().to_owned());
    }
    for key in ["OutboundProxyTargetHostName", "RcptDomainMailSvr"] {
        if hand_off.host.is_none() {
            hand_off.host = event.data_value(key).map(str::to_owned);
        }
    }
    if hand_off.ip.is_none() {
        hand_off.ip = event
            .data_value("OutboundProxyTargetIPAddress")
            .map(str::to_owned)
            .or_else(|| record.to_ip.clone());
    }
    if let Some(sentence) = &record.status_sentence {
        for caps in SENTENCE_FIELD.captures_iter(sentence) {
            let (Some(key), Some(value)) = (caps.get(1), caps.get(2)) else {
                continue;
            };
            let value = value.as_str().trim().to_owned();
            match key.as_str().to_ascii_lowercase().as_str() {
                "connector name" => hand_off.connector = Some(value),
                "destination smart host" => hand_off.host = Some(value),
                "destination ip" => hand_off.ip = hand_off.ip.clone().or(Some(value)),
                _ => hand_off.rule = Some(value),
            }
        }
        hand_off.via_connector |= sentence.contains("connectors");
    }
    if hand_off.connector.is_none() {
        hand_off.connector = event
            .data_value("TenantOutboundConnectorCustomData")
            .or_else(|| {
                event.data_value("S:Microsoft.Exchange.Hygiene.TenantOutboundConnectorCustomData")
            })
            .map(str::to_owned);
    }
    hand_off.via_connector |= hand_off.connector.is_some();
    let vendors = &knowledge.vendors;
    hand_off.vendor = hand_off
        .host
        .as_deref()
        .and_then(|h| vendors.for_host(h))
        .or_else(|| {
            hand_off
                .connector
                .as_deref()
                .and_then(|c| vendors.for_connector(c))
        })
        .or_else(|| hand_off.rule.as_deref().and_then(|r| vendors.for_rule(r)))
        .map(|p| p.id.clone());
    hand_off
}

/// The status a summary format states, when there are no events to read.
pub fn status_from_summary(raw: &str) -> Option<(Status, Location)> {
    let status = match raw.trim().to_ascii_lowercase().as_str() {
        "delivered" => (
            Status::Delivered,
            Location::Summary(SummaryStatus::Delivered),
        ),
        "failed" => (Status::Failed, Location::Summary(SummaryStatus::Failed)),
        "pending" | "gettingstatus" | "getting status" => {
            (Status::Pending, Location::Summary(SummaryStatus::Pending))
        }
        "expanded" => (Status::Expanded, Location::GroupExpanded),
        "quarantined" => (
            Status::Quarantined,
            Location::Quarantine(QuarantineNote::Plain),
        ),
        "filteredasspam" | "filtered as spam" => (Status::Junk, Location::FilteredAsSpam),
        "none" => (Status::Unknown, Location::NoStatus),
        _ => return None,
    };
    Some(status)
}

fn status_from_events(kinds: &[EventKind]) -> Option<Status> {
    let last = |k: EventKind| kinds.iter().rposition(|&x| x == k);
    if last(EventKind::Fail).is_some() {
        return Some(Status::Failed);
    }
    let final_event = [EventKind::Deliver, EventKind::SendExternal, EventKind::Send]
        .iter()
        .filter_map(|&k| last(k))
        .max();
    if let Some(defer) = last(EventKind::Defer)
        && final_event.is_none_or(|f| f < defer)
    {
        return Some(Status::Pending);
    }
    if last(EventKind::Deliver).is_some() || last(EventKind::SendExternal).is_some() {
        return Some(Status::Delivered);
    }
    if last(EventKind::Expand).is_some() {
        return Some(Status::Expanded);
    }
    if last(EventKind::Send).is_some() {
        return Some(Status::Delivered);
    }
    None
}

/// Derives the journey of `record` (the `index`-th record of its message).
pub fn derive(record: &TraceRecord, index: usize, knowledge: &Knowledge) -> Journey {
    let order = processing_order(&record.events);
    let events: Vec<&TraceEvent> = order.iter().filter_map(|&i| record.events.get(i)).collect();
    let mut journey = Journey {
        record: index,
        recipients: record
            .recipients
            .iter()
            .map(|r| r.to_ascii_lowercase())
            .collect(),
        status: Status::Unknown,
        location: None,
        decisive: None,
        hand_off: None,
        cause: None,
        start: events.iter().find_map(|e| e.time).or(record.received),
        end: events.iter().rev().find_map(|e| e.time),
        defer_codes: Vec::new(),
        fail_codes: Vec::new(),
        scl: None,
        delivered_late: false,
        order: order.clone(),
    };
    let expanded_drop = read_codes(&events, &mut journey);

    let kinds: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
    let last_of = |k: EventKind| {
        events
            .iter()
            .rposition(|e| e.kind == k)
            .and_then(|p| order.get(p).copied())
    };
    match status_from_events(&kinds) {
        Some(Status::Failed) => {
            journey.decisive = last_of(EventKind::Fail);
            journey.status = Status::Failed;
            journey.location = Some(Location::NotDelivered(NotDeliveredNote::ReportToSender));
            journey.cause = failure_cause(&journey.fail_codes, &kinds);
            if matches!(
                journey.cause,
                Some(Cause::TransportRule | Cause::Dlp | Cause::BlockList | Cause::Malware)
            ) {
                journey.status = Status::Blocked;
                journey.location = Some(Location::RejectedByPolicy);
            }
        }
        Some(Status::Pending) => {
            journey.decisive = last_of(EventKind::Defer);
            journey.status = Status::Pending;
            journey.location = Some(Location::Retrying(RetryNote::ExchangeQueue));
        }
        Some(Status::Delivered) => delivered(record, &kinds, &last_of, knowledge, &mut journey),
        Some(Status::Expanded) => {
            journey.decisive = last_of(EventKind::Expand);
            journey.status = Status::Expanded;
            journey.location = Some(Location::GroupExpanded);
        }
        _ => from_summary(record, &kinds, expanded_drop, &mut journey),
    }
    if journey.status == Status::Delivered
        && let Some(quarantined) = record
            .status_raw
            .as_deref()
            .filter(|s| s.eq_ignore_ascii_case("quarantined"))
    {
        journey.status = Status::Quarantined;
        journey.location = Some(Location::Quarantine(QuarantineNote::TraceStatus(
            quarantined.to_owned(),
        )));
    }
    journey
}

/// Collects the journey's defer and fail codes and its SCL from its events; true when a
/// Drop or Fail carried the 2.1.5 of a group expansion (not a failure).
fn read_codes(events: &[&TraceEvent], journey: &mut Journey) -> bool {
    let mut expanded_drop = false;
    for event in events {
        match event.kind {
            EventKind::Defer => journey
                .defer_codes
                .extend(codes::scan(&event.detail, CodeOrigin::Defer)),
            EventKind::Fail | EventKind::Drop => {
                let found = codes::scan(&event.detail, CodeOrigin::Fail);
                expanded_drop |= found.iter().any(|c| c.code == "2.1.5");
                journey
                    .fail_codes
                    .extend(found.into_iter().filter(|c| c.class() != 2));
                if let Some(status) = event.data_value("RecipientStatus") {
                    for code in codes::scan(status, CodeOrigin::Fail) {
                        if code.class() != 2
                            && !journey.fail_codes.iter().any(|c| c.code == code.code)
                        {
                            journey.fail_codes.push(code);
                        }
                    }
                }
            }
            _ => {}
        }
        let remote = event
            .data_value("IsSmtpResponseFromExternalServer")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        if remote {
            for code in journey
                .defer_codes
                .iter_mut()
                .chain(journey.fail_codes.iter_mut())
            {
                code.from_remote = true;
            }
        }
        if journey.scl.is_none() {
            journey.scl = SCL
                .captures(&event.detail)
                .and_then(|c| c.get(1))
                .and_then(|m| m.as_str().parse().ok())
                .or_else(|| event.data_value("SCL").and_then(|v| v.trim().parse().ok()));
        }
    }

    expanded_drop
}

/// A delivered journey: into a mailbox folder, handed to another server, or sent on.
fn delivered(
    record: &TraceRecord,
    kinds: &[EventKind],
    last_of: &dyn Fn(EventKind) -> Option<usize>,
    knowledge: &Knowledge,
    journey: &mut Journey,
) {
    journey.delivered_late = kinds.contains(&EventKind::Defer);
    let deliver = last_of(EventKind::Deliver);
    let send = last_of(EventKind::SendExternal);
    let deliver_pos = kinds.iter().rposition(|&k| k == EventKind::Deliver);
    let send_pos = kinds.iter().rposition(|&k| k == EventKind::SendExternal);
    if let Some(d) = deliver
        && deliver_pos >= send_pos
    {
        journey.decisive = Some(d);
        let detail = record.events.get(d).map_or_else(String::new, |e| {
            let folder = ["MailboxFolder", "FolderName", "DeliveryFolder"]
                .iter()
                .find_map(|k| e.data_value(k));
            match folder {
                Some(folder) => {
                    format!("{} DefaultFolderType:{}", e.detail, folder.replace(' ', ""))
                }
                None => e.detail.clone(),
            }
        });
        let (status, location) = delivered_to(&detail);
        journey.status = status;
        journey.location = Some(location);
        if status == Status::Junk {
            journey.cause = Some(Cause::Spam);
        }
    } else if let Some(s) = send {
        journey.decisive = Some(s);
        journey.status = Status::Delivered;
        let Some(event) = record.events.get(s) else {
            return;
        };
        let hand = hand_off(record, event, knowledge);
        journey.location = Some(Location::HandedTo(match (&hand.host, &hand.ip) {
            (Some(host), ip) => HandOffTarget::Host {
                host: host.clone(),
                ip: ip.clone(),
            },
            (None, Some(ip)) => HandOffTarget::Ip(ip.clone()),
            (None, None) => HandOffTarget::ExternalServer,
        }));
        journey.hand_off = Some(hand);
    } else {
        journey.decisive = last_of(EventKind::Send);
        journey.status = Status::Delivered;
        journey.location = Some(Location::SentOnward);
    }
}

/// No decisive event: read the summary status, the EAC status sentence, a Drop.
fn from_summary(
    record: &TraceRecord,
    kinds: &[EventKind],
    expanded_drop: bool,
    journey: &mut Journey,
) {
    if let Some(sentence) = &record.status_sentence {
        let lower = sentence.to_ascii_lowercase();
        if lower.contains("junk email folder") {
            journey.status = Status::Junk;
            journey.location = Some(Location::Junk(JunkNote::Plain));
            journey.cause = Some(Cause::Spam);
            return;
        }
        if lower.contains("quarantine") {
            journey.status = Status::Quarantined;
            journey.location = Some(Location::Quarantine(QuarantineNote::Plain));
            return;
        }
    }
    if kinds.contains(&EventKind::Drop) {
        if expanded_drop {
            journey.status = Status::Expanded;
            journey.location = Some(Location::GroupExpanded);
            return;
        }
        journey.status = Status::Blocked;
        journey.location = Some(Location::DeletedWithoutNdr);
        journey.cause = if kinds.contains(&EventKind::Malware) {
            Some(Cause::Malware)
        } else if kinds.contains(&EventKind::TransportRule) {
            Some(Cause::TransportRule)
        } else if kinds.contains(&EventKind::Spam) {
            Some(Cause::Spam)
        } else {
            None
        };
        return;
    }
    if kinds.contains(&EventKind::Malware) {
        journey.status = Status::Blocked;
        journey.location = Some(Location::MalwareFilter);
        journey.cause = Some(Cause::Malware);
        return;
    }
    if let Some((status, location)) = record.status_raw.as_deref().and_then(status_from_summary) {
        journey.status = status;
        journey.location = Some(match (&record.to_ip, status) {
            (Some(ip), Status::Delivered) => {
                Location::HandedTo(HandOffTarget::SummaryServer(ip.clone()))
            }
            _ => location,
        });
    }
}

/// What a failure's codes and the journey's events say about who refused it.
fn failure_cause(codes: &[CodeSeen], kinds: &[EventKind]) -> Option<Cause> {
    let code = codes.iter().find(|c| c.class() != 2)?;
    let parts: Vec<u16> = code
        .code
        .split('.')
        .filter_map(|p| p.parse().ok())
        .collect();
    let text = format!("{} {}", code.text, code.source_line).to_ascii_lowercase();
    match parts.as_slice() {
        [5, 7, 900..=999] => Some(Cause::TransportRule),
        [5, 7, 703] => Some(Cause::BlockList),
        _ if text.contains("transport rule") || text.contains("mail flow rule") => {
            Some(Cause::TransportRule)
        }
        _ if text.contains("dlp") || kinds.contains(&EventKind::DlpRule) => Some(Cause::Dlp),
        [5, 7, 1] if kinds.contains(&EventKind::TransportRule) => Some(Cause::TransportRule),
        _ if text.contains("malware") || kinds.contains(&EventKind::Malware) => {
            Some(Cause::Malware)
        }
        _ if text.contains("blocked using") || text.contains("blocklist") => Some(Cause::BlockList),
        [_, 4, 7] | [5, 4, 300] => Some(Cause::Expired),
        [5, 1, _] | [5, 5, 0] | [5, 4, 1] => Some(Cause::Recipient),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::TraceFormat;

    fn event(kind: EventKind, detail: &str) -> TraceEvent {
        TraceEvent::new(None, "", kind, kind.label(), detail)
    }

    fn journey(events: Vec<TraceEvent>) -> Journey {
        let mut record = TraceRecord::new(TraceFormat::EacCopyText, 0);
        record.events = events;
        derive(&record, 0, crate::testing::knowledge())
    }

    #[test]
    fn junk_delivery_after_a_defer() {
        let j = journey(vec![
            event(EventKind::Receive, "Message received by: X"),
            event(
                EventKind::Defer,
                "Reason: 400 4.7.721 Advanced Threat Protection scanning in progress.",
            ),
            event(EventKind::Spam, "No detail information available."),
            event(
                EventKind::Deliver,
                "The message was delivered to the Junk Email folder.",
            ),
        ]);
        assert_eq!(j.status, Status::Junk);
        assert!(j.delivered_late);
        assert_eq!(j.defer_codes[0].code, "4.7.721");
    }

    #[test]
    fn rule_rejection_is_blocked() {
        let j = journey(vec![
            event(EventKind::Receive, ""),
            event(
                EventKind::TransportRule,
                "Transport rule: 'Block exe', ID: ('5E0D6A1C-0000-0000-0000-000000000000')",
            ),
            event(
                EventKind::Fail,
                "Reason: [{LED=550 5.7.901 Executable attachments are not accepted};{MSG=};{FQDN=};{IP=};{LRT=}]",
            ),
        ]);
        assert_eq!(j.status, Status::Blocked);
        assert_eq!(j.cause, Some(Cause::TransportRule));
    }

    #[test]
    fn defer_without_final_event_is_pending() {
        let j = journey(vec![
            event(EventKind::Receive, ""),
            event(EventKind::Defer, "450 4.4.316 Connection refused"),
        ]);
        assert_eq!(j.status, Status::Pending);
    }

    #[test]
    fn send_external_to_a_vendor_is_a_hand_off() {
        let j = journey(vec![
            event(EventKind::Receive, ""),
            event(
                EventKind::SendExternal,
                "Message sent to sample-mx.ipw.inkyphishfence.com at 203.0.113.77 using TLS1.2 with AES256",
            ),
        ]);
        let hand = j.hand_off.expect("hand-off");
        assert_eq!(hand.vendor.as_deref(), Some("inky"));
        assert_eq!(hand.ip.as_deref(), Some("203.0.113.77"));
    }

    #[test]
    fn expansion_drop_is_not_a_failure() {
        let j = journey(vec![
            event(EventKind::Receive, ""),
            event(
                EventKind::Drop,
                "Reason: [{LED=250 2.1.5 RESOLVER.GRP.Expanded; distribution list expanded};{MSG=};{FQDN=};{IP=};{LRT=}]",
            ),
        ]);
        assert_eq!(j.status, Status::Expanded);
        assert!(j.fail_codes.is_empty());
    }
}
