//! Exchange Server message tracking: `MSGTRK*.log` files (`#Fields:` header, CSV rows with
//! quoted `source-context`) and `Get-MessageTrackingLog` console output (list or table).
//! Each message becomes one record; its recipients' events (an `EXPAND` of a group, then
//! `DELIVER` to the members) are kept per recipient. Reference §1.9.

use super::console::{self, Record};
use super::trace_rows::{self, Formats, Row, key_is};
use super::{Parsed, dates};
use crate::case::{Evidence, InputKind, TraceFormat};
use crate::error::InputError;

fn fields_line(text: &str) -> Option<&str> {
    text.lines()
        .take(20)
        .find_map(|l| l.trim().strip_prefix("#Fields:"))
}

fn is_tracking(keys: &[&str]) -> bool {
    let has = |name: &str| keys.iter().any(|k| key_is(k, name));
    has("eventid") && has("timestamp") && (has("source") || has("internalmessageid"))
}

/// [`is_tracking`] of a parsed record.
fn record_is_tracking(record: &Record) -> bool {
    is_tracking(&record.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>())
}

/// True for a tracking log file or `Get-MessageTrackingLog` output.
pub fn sniff(text: &str, console: &console::Sniffed<'_>) -> bool {
    fields_line(text).is_some_and(|f| f.contains("event-id"))
        || console.lists.iter().any(|keys| is_tracking(keys))
        || console
            .tables
            .iter()
            .any(|t| t.first().is_some_and(record_is_tracking))
}

/// Parses the log or the console output.
pub fn parse(text: &str, name: &str) -> Result<Parsed, InputError> {
    let malformed = |reason: String| InputError::Malformed {
        kind: InputKind::TrackingLog.describe().into(),
        reason,
        name: name.to_owned(),
    };
    let (rows, format) = if let Some(fields) = fields_line(text) {
        let names = trace_rows::columns(fields.split(',').map(str::trim));
        let body: String = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body.as_bytes());
        let mut rows = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let record = record.map_err(|e| malformed(format!("row {}: {e}", i + 1)))?;
            rows.push(Row::with_columns(
                &names,
                record.iter().map(str::to_owned).collect(),
            ));
        }
        (rows, TraceFormat::TrackingLogFile)
    } else {
        let mut rows: Vec<Row> = console::list_records(text)
            .into_iter()
            .filter(record_is_tracking)
            .map(Row::new)
            .collect();
        for table in console::table_records(text) {
            if table.first().is_some_and(record_is_tracking) {
                rows.extend(table.into_iter().map(Row::new));
            }
        }
        (rows, TraceFormat::TrackingLogCmdlet)
    };
    if rows.is_empty() {
        return Err(malformed("no tracking events".into()));
    }
    let formats = Formats {
        summary: format,
        detail: format,
        per_message: true,
    };
    let records = trace_rows::records(&rows, formats, dates::utc());
    Ok(Parsed {
        kind: InputKind::TrackingLog,
        evidence: records.into_iter().map(Evidence::Trace).collect(),
    })
}
