//! Named rows → trace records, shared by every tabular trace format (CSV exports, the
//! PowerShell list and table, Graph JSON, tracking logs).
//!
//! Each format only has to produce rows of `column → value`; this module knows the column
//! names of every format (normalised: lower case, no punctuation, so `date_time_utc`,
//! `date-time` and `DateTime` are one name) and whether a row is a summary (one journey)
//! or an event of a detail listing.

use foldhash::{HashMap, HashMapExt};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use super::{dates, event_data, fields};
use crate::case::{EventKind, RecipientEvents, TraceEvent, TraceFormat, TraceRecord};
use crate::knowledge::Knowledge;

/// A column of a tabular input: its normalised name and the name as the input wrote it
/// (the EAC export's `Date (UTC-05:00)` carries the offset in its name).
#[derive(Clone, Debug)]
pub struct Column {
    key: String,
    raw: String,
}

/// The columns of a table, shared by all its rows (a 100 000-row export normalises its
/// header and indexes its names once).
#[derive(Debug)]
pub struct Table {
    columns: Vec<Column>,
    /// Normalised name → the columns with that name, in order.
    index: HashMap<String, Vec<usize>>,
}

/// Shared columns.
pub type Columns = Arc<Table>;

/// Builds the shared columns of a table from its raw names.
pub fn columns<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Columns {
    let columns: Vec<Column> = names
        .into_iter()
        .map(|n| Column {
            key: normalize_key(n.as_ref()),
            raw: n.as_ref().to_owned(),
        })
        .collect();
    let mut index: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, c) in columns.iter().enumerate() {
        index.entry(c.key.clone()).or_default().push(i);
    }
    Arc::new(Table { columns, index })
}

impl Table {
    /// How many columns.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// True when the table has an event column: its rows are events, several to a record.
    pub fn has_events(&self) -> bool {
        EVENT.iter().any(|name| self.index.contains_key(*name))
    }

    /// True for a table without columns.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }
}

/// One row: column names with their values, in column order. The values are owned
/// (`String`, rows of console output or JSON) or borrowed from the reader's buffer (`&str`,
/// CSV exports: a 100 000-row export copies no value it does not keep).
#[derive(Clone, Debug)]
pub struct Row<V = String> {
    columns: Columns,
    values: Vec<V>,
}

/// Column names per meaning, normalised.
const MESSAGE_ID: &[&str] = &["messageid", "internetmessageid"];
const TRACE_ID: &[&str] = &["messagetraceid", "networkmessageid"];
const SENDER: &[&str] = &["senderaddress", "sender", "from", "returnpath"];
const RECIPIENT: &[&str] = &["recipientaddress", "recipient", "recipients", "to"];
const SUBJECT: &[&str] = &["subject", "messagesubject"];
const RECEIVED: &[&str] = &[
    "received",
    "receiveddatetime",
    "origintimestamputc",
    "origintimestamp",
    "receivedutc",
];
const EVENT_TIME: &[&str] = &["date", "datetime", "datetimeutc", "timestamp", "time"];
const EVENT: &[&str] = &["event", "eventid"];
const STATUS: &[&str] = &["status", "deliverystatus"];
const FROM_IP: &[&str] = &["fromip", "originalclientip", "clientip"];
const TO_IP: &[&str] = &["toip", "serverip"];
const SIZE: &[&str] = &["size", "totalbytes", "messagesize"];
const CONNECTOR: &[&str] = &["connectorid", "connector"];
const DIRECTION: &[&str] = &["directionality", "direction"];
const DETAIL: &[&str] = &["detail", "description"];
const ACTION: &[&str] = &["action"];
const DATA: &[&str] = &["data"];
const CUSTOM_DATA: &[&str] = &["customdata", "sourcecontext"];
const RECIPIENT_STATUS: &[&str] = &["recipientstatus"];

/// Columns that say nothing about the message (PowerShell remoting, query bounds).
const NOISE: &[&str] = &[
    "pscomputername",
    "runspaceid",
    "psshowcomputername",
    "organization",
    "startdate",
    "enddate",
    "index",
];

/// Normalises a column name: lower case ASCII letters and digits only.
pub fn normalize_key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// True when `name` normalises to `key` (see [`normalize_key`]), without allocating: the
/// sniffers ask this of every line of every input.
pub fn key_is(name: &str, key: &str) -> bool {
    name.bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
        .eq(key.bytes())
}

impl Row {
    /// A row from raw column names and values (list records, JSON objects: each row has
    /// its own names).
    pub fn new<K: AsRef<str>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        let (names, values): (Vec<K>, Vec<String>) =
            pairs.into_iter().map(|(k, v)| (k, v.into())).unzip();
        Self {
            columns: columns(names),
            values,
        }
    }
}

impl<V: AsRef<str>> Row<V> {
    /// A row of a table whose columns are shared.
    pub fn with_columns(columns: &Columns, values: Vec<V>) -> Self {
        Self {
            columns: Arc::clone(columns),
            values,
        }
    }

    /// Normalised names and values.
    fn fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.columns
            .columns
            .iter()
            .zip(&self.values)
            .map(|(c, v)| (c.key.as_str(), v.as_ref()))
    }

    /// The first non-empty value under any of `names`.
    fn get(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|name| {
            self.columns
                .index
                .get(*name)?
                .iter()
                .filter_map(|&i| self.values.get(i))
                .map(AsRef::as_ref)
                .find(|v| !fields::is_empty(v))
                .map(str::trim)
        })
    }

    /// The value of a column whose normalised name starts with `prefix` (the EAC export's
    /// `Date (UTC-05:00)`), with the column's raw name.
    fn get_prefixed(&self, prefix: &str) -> Option<(&str, &str)> {
        self.columns
            .columns
            .iter()
            .zip(&self.values)
            .map(|(c, v)| (c, v.as_ref()))
            .find(|(c, v)| c.key.starts_with(prefix) && !fields::is_empty(v))
            .map(|(c, v)| (c.raw.as_str(), v.trim()))
    }

    fn is_event(&self) -> bool {
        self.get(EVENT).is_some()
    }

    /// Every time-like value of the row, for the day-order inference.
    fn dates(&self) -> impl Iterator<Item = &str> {
        self.fields()
            .filter(|(k, _)| {
                RECEIVED.contains(k) || EVENT_TIME.contains(k) || k.starts_with("date")
            })
            .map(|(_, v)| v)
    }
}

/// The formats a source produces: for summary rows and for event rows.
#[derive(Clone, Copy, Debug)]
pub struct Formats {
    /// Format of rows without an event column.
    pub summary: TraceFormat,
    /// Format of rows with an event column.
    pub detail: TraceFormat,
    /// Tracking logs: one record per message, whatever the recipients of each event (an
    /// `EXPAND` row lists the members, a `DELIVER` row some of them); each recipient's
    /// events are kept as [`RecipientEvents`].
    pub per_message: bool,
}

/// The indices of a table's date-like columns, for the day-order inference.
pub fn date_columns(columns: &Columns) -> Vec<usize> {
    columns
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            RECEIVED.contains(&c.key.as_str())
                || EVENT_TIME.contains(&c.key.as_str())
                || c.key.starts_with("date")
        })
        .map(|(i, _)| i)
        .collect()
}

/// Builds records from rows, one row at a time (a 100 000-row export never holds all its
/// rows at once): summary rows are one record each; event rows are grouped into one record
/// per message trace ID (or Message-ID) and recipient, in first-seen order.
pub struct Builder {
    formats: Formats,
    offset: FixedOffset,
    order: dates::DayOrder,
    records: Vec<TraceRecord>,
    groups: HashMap<String, usize>,
}

impl Builder {
    /// A builder for rows whose dates have day order `order`; `offset` is what times
    /// without their own offset are in (UTC for every export).
    pub fn new(formats: Formats, offset: FixedOffset, order: dates::DayOrder) -> Self {
        Self {
            formats,
            offset,
            order,
            records: Vec::new(),
            groups: HashMap::new(),
        }
    }

    /// Room for `records` more records: a CSV export counts its rows in its first pass,
    /// and a vector grown by doubling would hold up to twice the records' memory (and both
    /// copies while it moves).
    pub fn reserve(&mut self, records: usize) {
        self.records.reserve_exact(records);
    }

    /// Adds one row.
    pub fn push<V: AsRef<str>>(&mut self, row: &Row<V>) {
        let (order, offset, formats) = (self.order, self.offset, self.formats);
        let time = |s: &str| dates::parse(s, order, offset);
        let records = &mut self.records;
        if row.is_event() {
            let recipient = if formats.per_message {
                String::new()
            } else {
                row.get(RECIPIENT).unwrap_or("").to_ascii_lowercase()
            };
            let key = format!(
                "{}|{recipient}",
                row.get(TRACE_ID)
                    .or_else(|| row.get(MESSAGE_ID))
                    .unwrap_or("")
            );
            let at = *self.groups.entry(key).or_insert_with(|| {
                let mut record = TraceRecord::new(formats.detail, records.len());
                fill_identity(row, &mut record, &time);
                records.push(record);
                records.len() - 1
            });
            if let Some(record) = records.get_mut(at) {
                fill_missing(row, record, &time);
                let event = event(row, &time);
                if formats.per_message {
                    track_recipients(row, &event, record);
                }
                record.events.push(event);
                if record.received.is_none() {
                    record.received = record.start_time();
                }
            }
        } else {
            let mut record = TraceRecord::new(formats.summary, records.len());
            fill_identity(row, &mut record, &time);
            fill_summary(row, &mut record, offset, order);
            records.push(record);
        }
    }

    /// The records built.
    pub fn finish(self) -> Vec<TraceRecord> {
        self.records
    }
}

/// Builds records from rows held in memory (console output, JSON), inferring the day
/// order from all of them.
pub fn records(rows: &[Row], formats: Formats, offset: FixedOffset) -> Vec<TraceRecord> {
    let order = dates::infer_order(rows.iter().flat_map(Row::dates));
    let mut builder = Builder::new(formats, offset, order);
    for row in rows {
        builder.push(row);
    }
    builder.finish()
}

fn fill_identity<V: AsRef<str>>(
    row: &Row<V>,
    record: &mut TraceRecord,
    time: &impl Fn(&str) -> Option<DateTime<FixedOffset>>,
) {
    record.message_id = row.get(MESSAGE_ID).map(str::to_owned);
    record.trace_id = row.get(TRACE_ID).map(str::to_owned);
    record.sender = row.get(SENDER).map(str::to_owned);
    record.subject = row.get(SUBJECT).map(str::to_owned);
    record.received = row.get(RECEIVED).and_then(time);
    if let Some(recipients) = row.get(RECIPIENT) {
        record.recipients = fields::address_list(recipients);
    }
    for (key, value) in row.fields() {
        if fields::is_truncated(value) {
            record.truncated_fields.push(key.to_owned());
        }
    }
}

/// Record-level columns a detail row may repeat (extended report, tracking log).
fn fill_missing<V: AsRef<str>>(
    row: &Row<V>,
    record: &mut TraceRecord,
    time: &impl Fn(&str) -> Option<DateTime<FixedOffset>>,
) {
    let set = |slot: &mut Option<String>, names: &[&str]| {
        if slot.is_none() {
            *slot = row.get(names).map(str::to_owned);
        }
    };
    set(&mut record.message_id, MESSAGE_ID);
    set(&mut record.trace_id, TRACE_ID);
    set(&mut record.sender, SENDER);
    set(&mut record.subject, SUBJECT);
    set(&mut record.connector, CONNECTOR);
    set(&mut record.directionality, DIRECTION);
    if record.from_ip.is_none() {
        record.from_ip = row
            .get(&["originalclientip", "clientip"])
            .map(str::to_owned);
    }
    if record.size_bytes.is_none() {
        record.size_bytes = row.get(SIZE).and_then(fields::size_bytes);
    }
    if record.received.is_none() {
        record.received = row.get(RECEIVED).and_then(time);
    }
}

fn fill_summary<V: AsRef<str>>(
    row: &Row<V>,
    record: &mut TraceRecord,
    offset: FixedOffset,
    order: dates::DayOrder,
) {
    record.status_raw = row.get(STATUS).map(str::to_owned);
    record.from_ip = row.get(FROM_IP).map(str::to_owned);
    record.to_ip = row.get(TO_IP).map(str::to_owned);
    record.size_bytes = row.get(SIZE).and_then(fields::size_bytes);
    record.connector = row.get(CONNECTOR).map(str::to_owned);
    record.directionality = row.get(DIRECTION).map(str::to_owned);
    if record.received.is_none()
        && let Some((name, value)) = row.get_prefixed("date")
    {
        let label_offset = name
            .split_once('(')
            .and_then(|(_, label)| dates::parse_offset(label))
            .unwrap_or(offset);
        record.received = dates::parse(value, order, label_offset);
    }
    if let Some(status) = row.get(RECIPIENT_STATUS)
        && status.contains("##")
    {
        record.recipient_events = recipient_events(status);
        let expanded: Vec<String> = record
            .recipient_events
            .iter()
            .filter(|r| r.events.contains(&EventKind::Expand))
            .map(|r| r.recipient.clone())
            .collect();
        record.recipients = if expanded.is_empty() {
            record
                .recipient_events
                .iter()
                .map(|r| r.recipient.clone())
                .collect()
        } else {
            expanded
        };
    }
}

/// Adds a tracking-log event to each recipient it concerns: an `EXPAND` row expands the
/// related (group) address into the listed members; other rows concern the listed ones.
fn track_recipients<V: AsRef<str>>(row: &Row<V>, event: &TraceEvent, record: &mut TraceRecord) {
    let listed = row
        .get(RECIPIENT)
        .map(fields::address_list)
        .unwrap_or_default();
    let concerned = if event.kind == EventKind::Expand {
        row.get(&["relatedrecipientaddress"])
            .map(fields::address_list)
            .unwrap_or_default()
    } else {
        listed
    };
    let status = row
        .get(RECIPIENT_STATUS)
        .filter(|s| s.chars().any(|c| c.is_ascii_digit()));
    for address in concerned {
        if !record
            .recipient_events
            .iter()
            .any(|r| r.recipient.eq_ignore_ascii_case(&address))
        {
            record.recipient_events.push(RecipientEvents {
                recipient: address.clone(),
                events: Vec::new(),
                status_text: None,
            });
        }
        if let Some(entry) = record
            .recipient_events
            .iter_mut()
            .find(|r| r.recipient.eq_ignore_ascii_case(&address))
        {
            entry.events.push(event.kind);
            if let Some(status) = status {
                entry.status_text = Some(status.to_owned());
            }
        }
    }
}

/// Parses `addr##Receive, Deliver;addr2##Receive, Fail` (enhanced summary report). Several
/// addresses joined before one event list (`a@x, b@x##Receive, Deliver`, or `a@x;b@x##…`)
/// are several recipients with those events, never one recipient called `a@x, b@x`.
fn recipient_events(text: &str) -> Vec<RecipientEvents> {
    let names = &Knowledge::embedded().event_names;
    let addresses = |text: &str| -> Vec<String> {
        fields::address_list(text)
            .into_iter()
            .map(|a| a.trim_matches(|c| c == '<' || c == '>').to_owned())
            .filter(|a| a.contains('@'))
            .collect()
    };
    let mut waiting: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for item in text.split(';') {
        let Some((joined, events)) = item.split_once("##") else {
            waiting.extend(addresses(item));
            continue;
        };
        let events: Vec<EventKind> = events
            .trim_matches(|c| c == '{' || c == '}' || c == ' ')
            .split(',')
            .filter_map(fields::value)
            .map(|name| names.kind(&name))
            .collect();
        let mut listed = addresses(joined);
        if listed.is_empty() {
            listed.extend(fields::value(joined));
        }
        for recipient in waiting.drain(..).chain(listed) {
            out.push(RecipientEvents {
                recipient,
                events: events.clone(),
                status_text: None,
            });
        }
    }
    out
}

fn event<V: AsRef<str>>(
    row: &Row<V>,
    time: &impl Fn(&str) -> Option<DateTime<FixedOffset>>,
) -> TraceEvent {
    let names = &Knowledge::embedded().event_names;
    let name = row.get(EVENT).unwrap_or("");
    let raw_time = row.get(EVENT_TIME).unwrap_or("");
    let mut detail = row.get(DETAIL).unwrap_or("").to_owned();
    if detail.is_empty()
        && let Some(status) = row.get(RECIPIENT_STATUS)
        && status.chars().any(|c| c.is_ascii_digit())
    {
        status.clone_into(&mut detail);
    }
    let mut event = TraceEvent::new(time(raw_time), raw_time, names.kind(name), name, detail);
    event.action = row.get(ACTION).map(str::to_owned);
    if let Some(data) = row.get(DATA) {
        event.data = event_data::mep_pairs(data);
    }
    for key in CUSTOM_DATA {
        if let Some(data) = row.get(&[key]) {
            if *key == "customdata" {
                event.data.extend(event_data::custom_data_pairs(data));
            }
            event.data.push(((*key).to_owned(), data.to_owned()));
        }
    }
    for (key, value) in row.fields() {
        let known = [
            MESSAGE_ID,
            TRACE_ID,
            SENDER,
            RECIPIENT,
            SUBJECT,
            EVENT_TIME,
            EVENT,
            DETAIL,
            ACTION,
            DATA,
            CUSTOM_DATA,
            NOISE,
        ]
        .iter()
        .any(|names| names.contains(&key));
        if !known && let Some(value) = fields::value(value) {
            event.data.push((key.to_owned(), value));
        }
    }
    if event.kind == EventKind::Other && name.eq_ignore_ascii_case("agentinfo") {
        event.kind = EventKind::AgentInfo;
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORMATS: Formats = Formats {
        summary: TraceFormat::PsTraceCsv,
        detail: TraceFormat::PsDetailCsv,
        per_message: false,
    };

    #[test]
    fn event_rows_group_by_trace_id_and_recipient() {
        let row = |event: &str, rcpt: &str| {
            Row::new([
                ("MessageTraceId", "t1"),
                ("RecipientAddress", rcpt),
                ("Date", "15/1/2025 08:02:11"),
                ("Event", event),
                ("Detail", "d"),
            ])
        };
        let rows = [
            row("Receive", "a@x"),
            row("Deliver", "a@x"),
            row("Receive", "b@x"),
        ];
        let records = records(&rows, FORMATS, dates::utc());
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].events.len(), 2);
        assert_eq!(records[0].events[1].kind, EventKind::Deliver);
        assert_eq!(
            records[0].received.unwrap().to_rfc3339(),
            "2025-01-15T08:02:11+00:00"
        );
    }

    #[test]
    fn joined_recipients_of_one_event_list_are_several_recipients() {
        let events = recipient_events(
            "a@x.example, b@x.example##Receive, Deliver;c@x.example;d@x.example##Receive, Fail",
        );
        let recipients: Vec<&str> = events.iter().map(|r| r.recipient.as_str()).collect();
        assert_eq!(
            recipients,
            ["a@x.example", "b@x.example", "c@x.example", "d@x.example"]
        );
        assert_eq!(
            events[1].events,
            vec![EventKind::Receive, EventKind::Deliver]
        );
        assert_eq!(events[2].events, vec![EventKind::Receive, EventKind::Fail]);
    }

    #[test]
    fn enhanced_summary_recipient_status() {
        let rows = [Row::new([
            ("origin_timestamp_utc", "2025-01-17T13:45:02.118Z"),
            (
                "recipient_status",
                "dl@x##Receive, Expand;a@x##Receive, Deliver",
            ),
        ])];
        let records = records(&rows, FORMATS, dates::utc());
        assert_eq!(records[0].recipients, vec!["dl@x"]);
        assert_eq!(
            records[0].recipient_events[0].events,
            vec![EventKind::Receive, EventKind::Expand]
        );
    }
}
