//! Trace cmdlet output pasted from a PowerShell console: `Format-List` records and the
//! default `Format-Table` view of `Get-MessageTrace(V2)` / `Get-MessageTraceDetail(V2)`,
//! with columns the console cut short (`nestor.wilke@contoso...`) kept and flagged.
//! Localised event names are mapped by the event-name table. Reference §1.5–§1.6.

use super::console::{self, Record};
use super::trace_rows::{self, Formats, Row, key_is};
use super::{Parsed, dates};
use crate::case::{Evidence, InputKind, TraceFormat};
use crate::error::InputError;

/// True when the names are those of a trace cmdlet's objects.
fn is_trace(keys: &[&str]) -> bool {
    let has = |name: &str| keys.iter().any(|k| key_is(k, name));
    has("messagetraceid")
        || (has("event") && (has("detail") || has("date")))
        || (has("received") && (has("status") || has("senderaddress")))
}

/// [`is_trace`] of a parsed record.
fn record_is_trace(record: &Record) -> bool {
    is_trace(&record.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>())
}

/// True when the text holds a trace cmdlet's list or table output.
pub fn sniff(console: &console::Sniffed<'_>) -> bool {
    console.lists.iter().any(|keys| is_trace(keys))
        || console
            .tables
            .iter()
            .any(|t| t.first().is_some_and(record_is_trace))
}

/// Parses every list record and table row of trace cmdlets in the text.
pub fn parse(text: &str, name: &str) -> Result<Parsed, InputError> {
    let mut evidence = Vec::new();
    let lists: Vec<Row> = console::list_records(text)
        .into_iter()
        .filter(record_is_trace)
        .map(Row::new)
        .collect();
    let list_formats = Formats {
        summary: TraceFormat::PsTraceList,
        detail: TraceFormat::PsDetailList,
        per_message: false,
    };
    evidence.extend(trace_rows::records(&lists, list_formats, dates::utc()));
    let table_formats = Formats {
        summary: TraceFormat::PsTraceTable,
        detail: TraceFormat::PsDetailTable,
        per_message: false,
    };
    for table in console::table_records(text) {
        if table.first().is_some_and(record_is_trace) {
            let rows: Vec<Row> = table.into_iter().map(Row::new).collect();
            evidence.extend(trace_rows::records(&rows, table_formats, dates::utc()));
        }
    }
    if evidence.is_empty() {
        return Err(InputError::Malformed {
            kind: InputKind::TracePowershell.describe().into(),
            reason: "no trace records in the console output".into(),
            name: name.to_owned(),
        });
    }
    for (index, record) in evidence.iter_mut().enumerate() {
        record.index = index;
    }
    Ok(Parsed {
        kind: InputKind::TracePowershell,
        evidence: evidence.into_iter().map(Evidence::Trace).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::EventKind;

    #[test]
    fn german_detail_list_and_a_cut_table() {
        let text = "MessageTraceId : t1\nRecipientAddress : a@contoso.com\nDate : 14.01.2025 15:12:44\nEvent : Zustellen\nDetail : Die Nachricht wurde zugestellt.\n\nReceived             Sender Address          Recipient Address       Status\n--------             --------------          -----------------       ------\n1/14/2025 3:12:44 PM alex.wilber@contoso.com nestor.wilke@contoso... Delivered\n";
        assert!(sniff(&console::Sniffed::read(text)));
        let parsed = parse(text, "ps.txt").unwrap();
        let records: Vec<_> = parsed
            .evidence
            .iter()
            .filter_map(|e| match e {
                Evidence::Trace(t) => Some(t),
                _ => None,
            })
            .collect();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].events[0].kind, EventKind::Deliver);
        assert_eq!(records[1].status_raw.as_deref(), Some("Delivered"));
        assert_eq!(
            records[1].truncated_fields,
            vec!["recipientaddress".to_owned()]
        );
    }
}
