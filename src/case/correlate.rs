//! Groups evidence into messages: a trace, the `.eml` and the NDR of one message share a
//! Message-ID or a Network Message ID (= MessageTraceId); inputs about different messages
//! stay apart, in input order.

use foldhash::{HashMap, HashMapExt};

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

/// How far apart (in seconds) the received time of a summary row and the start of a detail
/// listing may be for the two to describe one journey: the detail's first event is the
/// receipt the summary row reports, so the two times agree to the second in practice.
const SAME_JOURNEY_SECONDS: i64 = 120;

/// True when a record carries neither a Message-ID nor a trace id: a console table
/// (`Get-MessageTrace` shows Received, sender, recipient, subject and status only).
fn lacks_ids(record: &TraceRecord) -> bool {
    record
        .message_id
        .as_deref()
        .and_then(normalize_message_id)
        .is_none()
        && record
            .trace_id
            .as_deref()
            .and_then(normalize_guid)
            .is_none()
}

/// True when a console table cut the value short (`nestor.wilke@contoso...`).
fn is_cut(value: &str) -> bool {
    let value = value.trim_end();
    value.ends_with("...") || value.ends_with('…')
}

/// An address or subject as a console table may show it: cut short with `...`. A cut
/// value agrees with every full value it is the start of.
fn same_value(a: &str, b: &str) -> bool {
    fn stem(value: &str) -> (&str, bool) {
        let value = value.trim();
        let cut = value
            .strip_suffix("...")
            .or_else(|| value.strip_suffix('…'));
        cut.map_or((value, false), |s| (s, true))
    }
    let ((a, a_cut), (b, b_cut)) = (stem(a), stem(b));
    let starts = |long: &str, short: &str| {
        long.get(..short.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(short))
    };
    match (a_cut, b_cut) {
        (false, false) => a.eq_ignore_ascii_case(b),
        (true, false) => starts(b, a),
        (false, true) => starts(a, b),
        (true, true) => starts(a, b) || starts(b, a),
    }
}

/// True when two records of different formats, one of which carries no id, describe the
/// same journey: the same sender, a common recipient, the same subject where both give one,
/// and times no further apart than [`SAME_JOURNEY_SECONDS`]. A console summary row and the
/// detail piped from it meet here.
fn same_journey(a: &TraceRecord, b: &TraceRecord) -> bool {
    // Two rows of one table are two journeys (a gateway's round trip to the same recipient
    // a minute apart): only records of different formats describe one journey twice.
    if a.format == b.format || (!lacks_ids(a) && !lacks_ids(b)) {
        return false;
    }
    let (Some(sender_a), Some(sender_b)) = (a.sender.as_deref(), b.sender.as_deref()) else {
        return false;
    };
    let (Some(time_a), Some(time_b)) = (when(a), when(b)) else {
        return false;
    };
    let subjects_agree = match (a.subject.as_deref(), b.subject.as_deref()) {
        (Some(x), Some(y)) if !x.trim().is_empty() && !y.trim().is_empty() => same_value(x, y),
        _ => true,
    };
    same_value(sender_a, sender_b)
        && subjects_agree
        && (time_a - time_b).num_seconds().abs() <= SAME_JOURNEY_SECONDS
        && a.recipients
            .iter()
            .any(|x| b.recipients.iter().any(|y| same_value(x, y)))
}

/// When the service received the record's message: the summary's received time, or the
/// first event of a detail.
fn when(record: &TraceRecord) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    record.received.or_else(|| record.start_time())
}

/// The minute a record is filed under for [`same_journey`] look-ups.
fn minute(record: &TraceRecord) -> Option<i64> {
    when(record).map(|t| t.timestamp().div_euclid(60))
}

/// Groups evidence into messages, keeping the indexes that make each addition constant
/// time.
#[derive(Default)]
struct Grouper {
    messages: Vec<CaseMessage>,
    index: HashMap<Key, usize>,
    journeys: HashMap<(usize, String, String), usize>,
    /// Records by minute, as (message slot, record index), for [`same_journey`]; `None`
    /// when every record of the case carries an id, so a large export pays nothing.
    nearby: Option<HashMap<i64, Vec<(usize, usize)>>>,
}

impl Grouper {
    /// The journey an id-less record (or a record meeting an id-less one) continues.
    fn loose_match(&self, record: &TraceRecord) -> Option<(usize, usize)> {
        let nearby = self.nearby.as_ref()?;
        let minute = minute(record)?;
        let reach = SAME_JOURNEY_SECONDS / 60 + 1;
        (minute - reach..=minute + reach)
            .filter_map(|m| nearby.get(&m))
            .flatten()
            .copied()
            .find(|&(slot, at)| {
                self.messages
                    .get(slot)
                    .and_then(|m| m.traces.get(at))
                    .is_some_and(|existing| same_journey(existing, record))
            })
    }

    fn add_trace(&mut self, record: TraceRecord, keys: &[Key], source: &str) {
        let by_key = keys.iter().find_map(|k| self.index.get(k).copied());
        // A journey of the same message that this record continues though the two share no
        // id: a console summary row and its detail (either may come first).
        let loose = self
            .loose_match(&record)
            .filter(|&(slot, _)| by_key.is_none_or(|k| k == slot));
        let slot = by_key.or(loose.map(|(slot, _)| slot)).unwrap_or_else(|| {
            self.messages.push(CaseMessage::default());
            self.messages.len() - 1
        });
        for key in keys {
            self.index.entry(key.clone()).or_insert(slot);
        }
        let record_minute = minute(&record);
        let Some(message) = self.messages.get_mut(slot) else {
            return;
        };
        if !message.sources.iter().any(|s| s == source) {
            message.sources.push(source.to_owned());
        }
        if message.message_id.is_none() {
            message.message_id.clone_from(&record.message_id);
        }
        let merged = loose.and_then(|(_, at)| {
            let existing = message.traces.get_mut(at)?;
            if !existing.events.is_empty() && !record.events.is_empty() {
                return None;
            }
            merge_into(existing, record.clone());
            // The journey may have gained the trace id: a detail of that id joins it.
            if let (Some(id), [recipient]) = (
                existing.trace_id.as_deref().and_then(normalize_guid),
                existing.recipients.as_slice(),
            ) {
                self.journeys
                    .entry((slot, id, recipient.to_ascii_lowercase()))
                    .or_insert(at);
            }
            Some(at)
        });
        let at = merged
            .unwrap_or_else(|| add_record(&mut message.traces, record, slot, &mut self.journeys));
        if let (Some(nearby), Some(minute)) = (self.nearby.as_mut(), record_minute) {
            let entries = nearby.entry(minute).or_default();
            if !entries.contains(&(slot, at)) {
                entries.push((slot, at));
            }
        }
    }

    fn add_other(&mut self, evidence: Evidence, keys: &[Key], source: &str) {
        let slot = keys
            .iter()
            .find_map(|k| self.index.get(k).copied())
            .unwrap_or_else(|| {
                self.messages.push(CaseMessage::default());
                self.messages.len() - 1
            });
        for key in keys {
            self.index.entry(key.clone()).or_insert(slot);
        }
        let Some(message) = self.messages.get_mut(slot) else {
            return;
        };
        if !message.sources.iter().any(|s| s == source) {
            message.sources.push(source.to_owned());
        }
        match evidence {
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
            Evidence::Trace(_) | Evidence::EmptyTrace(_) => {}
        }
    }
}

/// Groups the evidence of all inputs into messages, in order of first appearance. A trace
/// search that found nothing belongs to every message of the case (it was run for the
/// case); when it is all there is, it is the case's one message.
pub fn group(inputs: Vec<ParsedInput>) -> Vec<CaseMessage> {
    let any_without_ids = inputs.iter().any(|input| {
        input
            .evidence
            .iter()
            .any(|e| matches!(e, Evidence::Trace(record) if lacks_ids(record)))
    });
    // A 100 000-row export is mostly one message a record: room for each up front, so the
    // lists and indexes are not grown (and copied) by doubling.
    let records: usize = inputs.iter().map(|i| i.evidence.len()).sum();
    let mut grouper = Grouper {
        messages: Vec::with_capacity(records),
        index: HashMap::with_capacity(2 * records),
        journeys: HashMap::with_capacity(records),
        nearby: any_without_ids.then(HashMap::new),
    };
    let mut empty = Vec::new();
    for input in inputs {
        let source = input.info.name;
        // Taken from the back of the reversed list and given back as it empties, so the
        // records of a 100 000-row export are not held twice (in the list and in their
        // messages) while they are grouped.
        let mut pending = input.evidence;
        pending.reverse();
        while let Some(evidence) = pending.pop() {
            if pending.capacity() > 1024 && pending.len() < pending.capacity() / 2 {
                pending.shrink_to_fit();
            }
            match evidence {
                Evidence::Trace(record) => {
                    let keys = trace_keys(&record);
                    grouper.add_trace(record, &keys, &source);
                }
                Evidence::EmptyTrace(mut search) => {
                    search.input.clone_from(&source);
                    empty.push(search);
                }
                other => {
                    let keys = match &other {
                        Evidence::Headers(headers) => header_keys(headers),
                        Evidence::Ndr(ndr) => ndr_keys(ndr),
                        Evidence::Trace(_) | Evidence::EmptyTrace(_) => Vec::new(),
                    };
                    grouper.add_other(other, &keys, &source);
                }
            }
        }
    }
    let mut messages = grouper.messages;
    messages.shrink_to_fit();
    if !empty.is_empty() {
        if messages.is_empty() {
            messages.push(CaseMessage::default());
        }
        for message in &mut messages {
            for search in &empty {
                if !message.sources.contains(&search.input) {
                    message.sources.push(search.input.clone());
                }
            }
            message.empty_traces.clone_from(&empty);
        }
    }
    messages
}

/// Adds a record, merging a summary row and the detail rows of the same trace id and
/// recipient into one journey (a V2 summary CSV given together with its detail CSV), and
/// returns where the record's journey is. `journeys` indexes the records of every message
/// by (message slot, trace id, recipient), so a message with 100 000 recipient rows is added
/// in linear time.
fn add_record(
    records: &mut Vec<TraceRecord>,
    record: TraceRecord,
    slot: usize,
    journeys: &mut HashMap<(usize, String, String), usize>,
) -> usize {
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
        return at;
    }
    // Most messages have one journey: reserve exactly, not the four a first push reserves
    // (a 100 000-message export would otherwise hold 100 000 × 4 records of space).
    records.reserve_exact(1);
    records.push(record);
    let at = records.len() - 1;
    if let Some(key) = key {
        journeys.entry(key).or_insert(at);
    }
    at
}

fn merge_into(existing: &mut TraceRecord, other: TraceRecord) {
    fn fill<T>(slot: &mut Option<T>, value: Option<T>) {
        if slot.is_none() {
            *slot = value;
        }
    }
    // A console table cuts long values short (`nestor.wilke@contoso...`): the full value
    // of the other record replaces the cut one.
    let cut = |values: &[String]| values.iter().any(|v| is_cut(v));
    if !other.recipients.is_empty()
        && (existing.recipients.is_empty() || cut(&existing.recipients) && !cut(&other.recipients))
    {
        existing.recipients.clone_from(&other.recipients);
        existing
            .truncated_fields
            .retain(|f| f != "recipientaddress");
    }
    if let Some(sender) = &other.sender
        && existing.sender.as_deref().is_some_and(is_cut)
        && !is_cut(sender)
    {
        existing.sender = Some(sender.clone());
        existing.truncated_fields.retain(|f| f != "senderaddress");
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

    fn at(minute: u32, second: u32) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        chrono::DateTime::parse_from_rfc3339(&format!(
            "2025-03-04T09:{minute:02}:{second:02}+00:00"
        ))
        .ok()
    }

    /// A console table row: no ids, the recipient cut short.
    fn console_row(rcpt: &str, minute: u32) -> TraceRecord {
        let mut r = TraceRecord::new(TraceFormat::PsTraceTable, 0);
        r.sender = Some("ana@contoso.com".into());
        r.subject = Some("Plan".into());
        r.recipients = vec![rcpt.into()];
        r.received = at(minute, 5);
        r.status_raw = Some("Failed".into());
        r.truncated_fields = vec!["recipientaddress".into()];
        r
    }

    fn detail(rcpt: &str, minute: u32) -> TraceRecord {
        let mut r = record("<m@contoso.com>", "0a1b", rcpt);
        r.format = TraceFormat::PsDetailList;
        r.sender = Some("ana@contoso.com".into());
        r.events.push(crate::case::TraceEvent::new(
            at(minute, 6),
            "",
            crate::case::EventKind::Fail,
            "Fail",
            "550 5.1.10",
        ));
        r.received = at(minute, 6);
        r
    }

    #[test]
    fn a_console_row_and_its_detail_are_one_journey_in_either_order() {
        for rows in [
            vec![console_row("cy@conto...", 0), detail("cy@contoso.com", 0)],
            vec![detail("cy@contoso.com", 0), console_row("cy@conto...", 0)],
        ] {
            let messages = group(vec![input(rows)]);
            assert_eq!(messages.len(), 1);
            let journey = &messages[0].traces;
            assert_eq!(journey.len(), 1, "{journey:#?}");
            assert_eq!(journey[0].recipients, ["cy@contoso.com"]);
            assert!(journey[0].truncated_fields.is_empty());
            assert_eq!(journey[0].status_raw.as_deref(), Some("Failed"));
            assert_eq!(journey[0].events.len(), 1);
            assert_eq!(messages[0].message_id.as_deref(), Some("<m@contoso.com>"));
        }
    }

    #[test]
    fn rows_far_apart_or_to_another_recipient_stay_apart() {
        let later = group(vec![input(vec![
            console_row("cy@contoso.com", 0),
            detail("cy@contoso.com", 9),
        ])]);
        assert_eq!(later.len(), 2);
        let other = group(vec![input(vec![
            console_row("bo@contoso.com", 0),
            detail("cy@contoso.com", 0),
        ])]);
        assert_eq!(other.len(), 2);
    }

    #[test]
    fn two_rows_of_one_table_stay_two_journeys() {
        let messages = group(vec![input(vec![
            console_row("cy@contoso.com", 0),
            console_row("cy@contoso.com", 0),
        ])]);
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].traces.len(), 2);
    }

    #[test]
    fn an_empty_search_belongs_to_every_message_or_is_the_only_one() {
        let empty = |name: &str| ParsedInput {
            info: InputInfo {
                name: name.into(),
                kind: InputKind::TraceCsv,
                size_bytes: 1,
                sha256: String::new(),
            },
            evidence: vec![Evidence::EmptyTrace(crate::case::EmptyTrace::new(
                TraceFormat::PsTraceCsv,
            ))],
        };
        let alone = group(vec![empty("none.csv")]);
        assert_eq!(alone.len(), 1);
        assert_eq!(alone[0].empty_traces[0].input, "none.csv");
        assert_eq!(alone[0].sources, ["none.csv"]);
        let beside = group(vec![
            empty("none.csv"),
            input(vec![record("<a@x>", "1", "r@x")]),
        ]);
        assert_eq!(beside.len(), 1);
        assert_eq!(beside[0].empty_traces.len(), 1);
        assert_eq!(beside[0].traces.len(), 1);
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
