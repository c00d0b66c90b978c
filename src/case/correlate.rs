//! Groups evidence into messages: a trace, the `.eml` and the NDR of one message share a
//! Message-ID or a Network Message ID (= MessageTraceId); inputs about different messages
//! stay apart, in input order.

use std::collections::HashMap;

use super::{CaseMessage, Evidence, MessageHeaders, NdrReport, ParsedInput, TraceRecord};

/// A key that identifies one message across inputs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    MessageId(String),
    NetworkId(String),
    /// Formats that carry no id (a console table): sender, subject and received time.
    Loose(String),
}

/// Normalises a Message-ID: no angle brackets, no white space, lower case. Message-IDs are
/// case-sensitive in theory, but trace tools lower-case the domain part and users retype
/// them; collisions that differ only in case do not occur in practice.
pub fn normalize_message_id(id: &str) -> Option<String> {
    let id = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    (!id.is_empty()).then(|| id.to_ascii_lowercase())
}

fn normalize_guid(id: &str) -> Option<String> {
    let id = id
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim();
    (!id.is_empty()).then(|| id.to_ascii_lowercase())
}

fn trace_keys(record: &TraceRecord) -> Vec<Key> {
    let mut keys = Vec::new();
    if let Some(id) = record.message_id.as_deref().and_then(normalize_message_id) {
        keys.push(Key::MessageId(id));
    }
    if let Some(id) = record.trace_id.as_deref().and_then(normalize_guid) {
        keys.push(Key::NetworkId(id));
    }
    if keys.is_empty() {
        let time = record
            .received
            .or_else(|| record.start_time())
            .map(|t| t.timestamp() / 60)
            .unwrap_or_default();
        keys.push(Key::Loose(format!(
            "{}\u{1}{}\u{1}{time}",
            record.sender.as_deref().unwrap_or("").to_ascii_lowercase(),
            record.subject.as_deref().unwrap_or("").trim()
        )));
    }
    keys
}

fn header_keys(headers: &MessageHeaders) -> Vec<Key> {
    let mut keys = Vec::new();
    let id = headers
        .message_id
        .as_deref()
        .or_else(|| headers.block.get("Message-ID"));
    if let Some(id) = id.and_then(normalize_message_id) {
        keys.push(Key::MessageId(id));
    }
    for name in [
        "X-MS-Exchange-Organization-Network-Message-Id",
        "X-MS-Office365-Filtering-Correlation-Id",
    ] {
        if let Some(id) = headers.block.get(name).and_then(normalize_guid) {
            keys.push(Key::NetworkId(id));
        }
    }
    keys
}

fn ndr_keys(ndr: &NdrReport) -> Vec<Key> {
    let mut keys = Vec::new();
    let id = ndr.original_message_id.as_deref().or_else(|| {
        ndr.original_headers
            .as_ref()
            .and_then(|h| h.get("Message-ID"))
    });
    if let Some(id) = id.and_then(normalize_message_id) {
        keys.push(Key::MessageId(id));
    }
    let network = ndr.original_network_id.as_deref().or_else(|| {
        ndr.original_headers
            .as_ref()
            .and_then(|h| h.get("X-MS-Exchange-Organization-Network-Message-Id"))
    });
    if let Some(id) = network.and_then(normalize_guid) {
        keys.push(Key::NetworkId(id));
    }
    keys
}

/// Groups the evidence of all inputs into messages, in order of first appearance.
pub fn group(inputs: Vec<ParsedInput>) -> Vec<CaseMessage> {
    let mut messages: Vec<CaseMessage> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut journeys: HashMap<(usize, String, String), usize> = HashMap::new();
    for input in inputs {
        let source = input.info.name;
        for evidence in input.evidence {
            let keys = match &evidence {
                Evidence::Trace(record) => trace_keys(record),
                Evidence::Headers(headers) => header_keys(headers),
                Evidence::Ndr(ndr) => ndr_keys(ndr),
            };
            let slot = keys.iter().find_map(|k| index.get(k).copied());
            let slot = slot.unwrap_or_else(|| {
                messages.push(CaseMessage::default());
                messages.len() - 1
            });
            for key in keys {
                index.entry(key).or_insert(slot);
            }
            let Some(message) = messages.get_mut(slot) else {
                continue;
            };
            if !message.sources.contains(&source) {
                message.sources.push(source.clone());
            }
            match evidence {
                Evidence::Trace(record) => {
                    if message.message_id.is_none() {
                        message.message_id.clone_from(&record.message_id);
                    }
                    add_record(&mut message.traces, record, slot, &mut journeys);
                }
                Evidence::Headers(headers) => {
                    if message.message_id.is_none() {
                        message.message_id = headers
                            .message_id
                            .clone()
                            .or_else(|| headers.block.get("Message-ID").map(str::to_owned));
                    }
                    message.headers.push(headers);
                }
                Evidence::Ndr(ndr) => {
                    if message.message_id.is_none() {
                        message.message_id.clone_from(&ndr.original_message_id);
                    }
                    message.ndrs.push(ndr);
                }
            }
        }
    }
    messages
}

/// Adds a record, merging a summary row and the detail rows of the same trace id and
/// recipient into one journey (a V2 summary CSV given together with its detail CSV).
/// `journeys` indexes the records of every message by (message slot, trace id, recipient),
/// so a message with 100 000 recipient rows is added in linear time.
fn add_record(
    records: &mut Vec<TraceRecord>,
    record: TraceRecord,
    slot: usize,
    journeys: &mut HashMap<(usize, String, String), usize>,
) {
    let key = match (
        record.trace_id.as_deref().and_then(normalize_guid),
        record.recipients.as_slice(),
    ) {
        (Some(id), [recipient]) => Some((slot, id, recipient.to_ascii_lowercase())),
        _ => None,
    };
    if let Some(key) = &key
        && let Some(&at) = journeys.get(key)
        && let Some(existing) = records.get_mut(at)
        && (existing.events.is_empty() || record.events.is_empty())
    {
        merge_into(existing, record);
        return;
    }
    // Most messages have one journey: reserve exactly, not the four a first push reserves
    // (a 100 000-message export would otherwise hold 100 000 × 4 records of space).
    records.reserve_exact(1);
    records.push(record);
    if let Some(key) = key {
        journeys.entry(key).or_insert(records.len() - 1);
    }
}

fn merge_into(existing: &mut TraceRecord, other: TraceRecord) {
    fn fill<T>(slot: &mut Option<T>, value: Option<T>) {
        if slot.is_none() {
            *slot = value;
        }
    }
    fill(&mut existing.message_id, other.message_id);
    fill(&mut existing.sender, other.sender);
    fill(&mut existing.subject, other.subject);
    fill(&mut existing.received, other.received);
    fill(&mut existing.status_raw, other.status_raw);
    fill(&mut existing.journey_line, other.journey_line);
    fill(&mut existing.status_sentence, other.status_sentence);
    fill(&mut existing.more_info, other.more_info);
    fill(&mut existing.from_ip, other.from_ip);
    fill(&mut existing.to_ip, other.to_ip);
    fill(&mut existing.size_bytes, other.size_bytes);
    fill(&mut existing.connector, other.connector);
    fill(&mut existing.directionality, other.directionality);
    if existing.events.is_empty() {
        existing.events = other.events;
    }
    if existing.recipient_events.is_empty() {
        existing.recipient_events = other.recipient_events;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{InputInfo, InputKind, TraceFormat};

    fn input(records: Vec<TraceRecord>) -> ParsedInput {
        ParsedInput {
            info: InputInfo {
                name: "t.csv".into(),
                kind: InputKind::TraceCsv,
                size_bytes: 1,
                sha256: String::new(),
            },
            evidence: records.into_iter().map(Evidence::Trace).collect(),
        }
    }

    fn record(id: &str, trace: &str, rcpt: &str) -> TraceRecord {
        let mut r = TraceRecord::new(TraceFormat::PsTraceCsv, 0);
        r.message_id = Some(id.into());
        r.trace_id = Some(trace.into());
        r.recipients = vec![rcpt.into()];
        r
    }

    #[test]
    fn same_message_id_is_one_message_with_two_journeys() {
        let messages = group(vec![input(vec![
            record("<a@x>", "1", "r@x"),
            record("<A@X>", "2", "r@x"),
            record("<b@x>", "3", "r@x"),
        ])]);
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].traces.len(), 2);
    }

    #[test]
    fn summary_and_detail_of_one_journey_merge() {
        let mut detail = record("<a@x>", "1", "r@x");
        detail.events.push(crate::case::TraceEvent::new(
            None,
            "",
            crate::case::EventKind::Deliver,
            "Deliver",
            "",
        ));
        let mut summary = record("<a@x>", "1", "r@x");
        summary.status_raw = Some("Delivered".into());
        let messages = group(vec![input(vec![summary, detail])]);
        assert_eq!(messages[0].traces.len(), 1);
        assert_eq!(messages[0].traces[0].events.len(), 1);
        assert_eq!(
            messages[0].traces[0].status_raw.as_deref(),
            Some("Delivered")
        );
    }
}
