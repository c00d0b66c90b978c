//! Trace cmdlet output pasted from a PowerShell console: `Format-List` records and the
//! default `Format-Table` view of `Get-MessageTrace(V2)` / `Get-MessageTraceDetail(V2)`,
//! with columns the console cut short (`nestor.wilke@contoso...`) kept and flagged.
//! Localised event names are mapped by the event-name table. Reference §1.5–§1.6.
//!
//! The usual paste is a summary table followed by the detail piped from it. The detail's
//! default table (`Date`, `Event`, `Detail`) names no message: it takes its identity from
//! the command that printed it (`-MessageTraceId`, `-RecipientAddress`) and from the
//! summary row it was piped from, so the two read as one journey.
//!
//! A search that matched nothing prints nothing, or (when only the header was copied) a
//! table header without rows: that is an [`EmptyTrace`], not an error.

use super::console::{self, Invocation, Record};
use super::trace_rows::{self, Formats, Row, key_is};
use super::{Parsed, dates};
use crate::case::{EmptyTrace, EventKind, Evidence, InputKind, TraceFormat, TraceRecord};
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

/// [`is_trace`] of column names.
fn names_are_trace(names: &[String]) -> bool {
    is_trace(&names.iter().map(String::as_str).collect::<Vec<_>>())
}

/// True for the message-trace cmdlets (V1 and V2, summary and detail).
fn is_trace_cmdlet(cmdlet: &str) -> bool {
    cmdlet
        .get(..15)
        .is_some_and(|head| head.eq_ignore_ascii_case("Get-MessageTrac"))
}

/// True for the detail cmdlets.
fn is_detail_cmdlet(cmdlet: &str) -> bool {
    is_trace_cmdlet(cmdlet) && cmdlet.to_ascii_lowercase().contains("detail")
}

/// True when the text holds a trace cmdlet's list or table output, a trace table's header
/// with no rows, or only prompts that ran a trace cmdlet (a search that printed nothing).
pub fn sniff(console: &console::Sniffed<'_>) -> bool {
    console.lists.iter().any(|keys| is_trace(keys))
        || console
            .tables
            .iter()
            .any(|t| t.first().is_some_and(record_is_trace))
        || console.headers_only.iter().any(|n| names_are_trace(n))
        || console.only_prompts
            && console.commands.iter().any(|c| {
                console::invocations(c)
                    .iter()
                    .any(|i| is_trace_cmdlet(&i.cmdlet))
            })
}

/// The invocations of the last command typed before `line`.
fn command_before(commands: &[(usize, &str)], line: usize) -> Vec<Invocation> {
    commands
        .iter()
        .rev()
        .find(|(at, _)| *at < line)
        .map(|(_, c)| console::invocations(c))
        .unwrap_or_default()
}

/// The value of parameter `name` in `invocation`, when it is one plain value (not a list,
/// not an expression).
fn single_value<'a>(invocation: &'a Invocation, name: &str) -> Option<&'a str> {
    invocation
        .parameters
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty() && !v.contains([',', '(', '$']))
}

/// Gives an id-less detail record what the command that printed it says: the detail
/// cmdlet's own `-MessageTraceId`, `-RecipientAddress`, `-MessageId`, and the search's
/// `-SenderAddress` / `-RecipientAddress` / `-MessageId` when it filtered on one value.
fn identity_from_command(record: &mut TraceRecord, invocations: &[Invocation]) {
    for invocation in invocations.iter().rev() {
        if !is_trace_cmdlet(&invocation.cmdlet) {
            continue;
        }
        let detail = is_detail_cmdlet(&invocation.cmdlet);
        if detail && record.trace_id.is_none() {
            record.trace_id = single_value(invocation, "MessageTraceId").map(str::to_owned);
        }
        if record.message_id.is_none() {
            record.message_id = single_value(invocation, "MessageId").map(str::to_owned);
        }
        if record.recipients.is_empty()
            && let Some(recipient) = single_value(invocation, "RecipientAddress")
        {
            record.recipients = vec![recipient.to_owned()];
        }
        if record.sender.is_none() {
            record.sender = single_value(invocation, "SenderAddress").map(str::to_owned);
        }
    }
}

/// True when a summary status does not contradict what a detail's events show.
fn status_agrees(status: Option<&str>, record: &TraceRecord) -> bool {
    let Some(status) = status.map(trace_rows::normalize_key) else {
        return true;
    };
    let has = |kind: EventKind| record.events.iter().any(|e| e.kind == kind);
    if has(EventKind::Fail) {
        !matches!(status.as_str(), "delivered" | "pending" | "expanded")
    } else if has(EventKind::Deliver) {
        !matches!(status.as_str(), "failed" | "pending")
    } else if has(EventKind::Defer) {
        !matches!(status.as_str(), "delivered" | "failed")
    } else {
        true
    }
}

/// Splits the events of an id-less detail table into journeys: piped from several summary
/// rows, `Get-MessageTraceDetail` prints one table in which each journey starts again with
/// its receipt.
fn split_journeys(record: TraceRecord) -> Vec<TraceRecord> {
    let starts = |kind: EventKind| matches!(kind, EventKind::Receive | EventKind::Submit);
    let mut parts: Vec<TraceRecord> = Vec::new();
    let mut seen_other = false;
    let template = TraceRecord {
        events: Vec::new(),
        ..record.clone()
    };
    for event in record.events {
        if (starts(event.kind) && seen_other) || parts.is_empty() {
            parts.push(template.clone());
            seen_other = false;
        }
        seen_other |= !starts(event.kind);
        if let Some(part) = parts.last_mut() {
            part.events.push(event);
        }
    }
    for part in &mut parts {
        part.received = part.start_time();
    }
    parts
}

/// Gives each id-less detail record the identity of the summary row of this paste it was
/// piped from: the first unused row received at the detail's start (within two minutes)
/// whose status its events do not contradict and whose addresses agree with what the
/// record already knows.
fn identity_from_summaries(records: Vec<TraceRecord>) -> Vec<TraceRecord> {
    let summaries: Vec<usize> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.events.is_empty())
        .map(|(i, _)| i)
        .collect();
    let mut used = vec![false; records.len()];
    let mut out = Vec::with_capacity(records.len());
    let snapshot = records.clone();
    for record in records {
        if record.events.is_empty()
            || record.message_id.is_some()
            || (record.sender.is_some() && !record.recipients.is_empty())
        {
            out.push(record);
            continue;
        }
        let parts = if record.trace_id.is_none() {
            split_journeys(record)
        } else {
            vec![record]
        };
        for mut part in parts {
            let found = summaries.iter().copied().find(|&i| {
                let (Some(summary), Some(false)) = (snapshot.get(i), used.get(i).copied()) else {
                    return false;
                };
                let close = match (summary.received, part.start_time()) {
                    (Some(a), Some(b)) => (a - b).num_seconds().abs() <= 120,
                    _ => false,
                };
                let agrees_with = |mine: Option<&str>, theirs: Option<&str>| match (mine, theirs) {
                    (Some(a), Some(b)) => same_start(a, b),
                    _ => true,
                };
                close
                    && status_agrees(summary.status_raw.as_deref(), &part)
                    && agrees_with(part.sender.as_deref(), summary.sender.as_deref())
                    && agrees_with(
                        part.recipients.first().map(String::as_str),
                        summary.recipients.first().map(String::as_str),
                    )
            });
            if let Some(i) = found
                && let Some(summary) = snapshot.get(i)
            {
                if let Some(flag) = used.get_mut(i) {
                    *flag = true;
                }
                if part.sender.is_none() {
                    part.sender.clone_from(&summary.sender);
                }
                if part.recipients.is_empty() {
                    part.recipients.clone_from(&summary.recipients);
                }
                if part.subject.is_none() {
                    part.subject.clone_from(&summary.subject);
                }
            }
            out.push(part);
        }
    }
    out
}

/// True when two addresses agree, one perhaps cut short by the console.
fn same_start(a: &str, b: &str) -> bool {
    let stem = |v: &str| {
        let v = v.trim();
        v.strip_suffix("...").unwrap_or(v).to_ascii_lowercase()
    };
    let (a, b) = (stem(a), stem(b));
    a.starts_with(&b) || b.starts_with(&a)
}

/// The search a paste with no rows ran: the last trace cmdlet typed, with its parameters.
fn empty_search(format: TraceFormat, invocations: &[Invocation]) -> EmptyTrace {
    let mut search = EmptyTrace::new(format);
    if let Some(invocation) = invocations.iter().find(|i| is_trace_cmdlet(&i.cmdlet)) {
        search.cmdlet = Some(invocation.cmdlet.clone());
        search.parameters.clone_from(&invocation.parameters);
    }
    search
}

/// Parses every list record and table row of trace cmdlets in the text.
pub fn parse(text: &str, name: &str) -> Result<Parsed, InputError> {
    let commands = console::commands(text);
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
    let mut records = trace_rows::records(&lists, list_formats, dates::utc());
    let table_formats = Formats {
        summary: TraceFormat::PsTraceTable,
        detail: TraceFormat::PsDetailTable,
        per_message: false,
    };
    let mut headers_only = Vec::new();
    for table in console::tables(text) {
        if !names_are_trace(&table.names) {
            continue;
        }
        if table.rows.is_empty() {
            headers_only.push(table);
            continue;
        }
        let invocations = command_before(&commands, table.line);
        let rows: Vec<Row> = table.rows.into_iter().map(Row::new).collect();
        for mut record in trace_rows::records(&rows, table_formats, dates::utc()) {
            if !record.events.is_empty() {
                identity_from_command(&mut record, &invocations);
            }
            records.push(record);
        }
    }
    if records.is_empty() {
        let search = if let Some(table) = headers_only.first() {
            let detail = table.names.iter().any(|n| key_is(n, "event"));
            let format = if detail {
                TraceFormat::PsDetailTable
            } else {
                TraceFormat::PsTraceTable
            };
            empty_search(format, &command_before(&commands, table.line))
        } else if let Some(invocations) = commands
            .iter()
            .map(|(_, c)| console::invocations(c))
            .rfind(|i| i.iter().any(|i| is_trace_cmdlet(&i.cmdlet)))
            && text
                .lines()
                .all(|l| l.trim().is_empty() || console::prompt_command(l).is_some())
        {
            let detail = invocations.iter().any(|i| is_detail_cmdlet(&i.cmdlet));
            let format = if detail {
                TraceFormat::PsDetailTable
            } else {
                TraceFormat::PsTraceTable
            };
            empty_search(format, &invocations)
        } else {
            return Err(InputError::Malformed {
                kind: InputKind::TracePowershell.describe().into(),
                reason: "no trace records in the console output".into(),
                name: name.to_owned(),
            });
        };
        return Ok(Parsed {
            kind: InputKind::TracePowershell,
            evidence: vec![Evidence::EmptyTrace(search)],
        });
    }
    let mut records = identity_from_summaries(records);
    for (index, record) in records.iter_mut().enumerate() {
        record.index = index;
    }
    Ok(Parsed {
        kind: InputKind::TracePowershell,
        evidence: records.into_iter().map(Evidence::Trace).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::EventKind;

    fn traces(parsed: &Parsed) -> Vec<&TraceRecord> {
        parsed
            .evidence
            .iter()
            .filter_map(|e| match e {
                Evidence::Trace(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn german_detail_list_and_a_cut_table() {
        let text = "MessageTraceId : t1\nRecipientAddress : a@contoso.com\nDate : 14.01.2025 15:12:44\nEvent : Zustellen\nDetail : Die Nachricht wurde zugestellt.\n\nReceived             Sender Address          Recipient Address       Status\n--------             --------------          -----------------       ------\n1/14/2025 3:12:44 PM alex.wilber@contoso.com nestor.wilke@contoso... Delivered\n";
        assert!(sniff(&console::Sniffed::read(text)));
        let parsed = parse(text, "ps.txt").unwrap();
        let records = traces(&parsed);
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].events[0].kind, EventKind::Deliver);
        assert_eq!(records[1].status_raw.as_deref(), Some("Delivered"));
        assert_eq!(
            records[1].truncated_fields,
            vec!["recipientaddress".to_owned()]
        );
    }

    const PIPED: &str = "PS C:\\> Get-MessageTrace -SenderAddress ana@contoso.com\n\nReceived             Sender Address  Recipient Address   Subject Status\n--------             --------------  -----------------   ------- ------\n3/4/2025 9:00:05 AM  ana@contoso.com bo@fabrikam.example Plan    Delivered\n3/4/2025 9:00:05 AM  ana@contoso.com cy@contoso.com      Plan    Failed\n\nPS C:\\> Get-MessageTrace -SenderAddress ana@contoso.com | Get-MessageTraceDetail\n\nDate                Event            Detail\n----                -----            ------\n3/4/2025 9:00:05 AM Receive          Message received by: X\n3/4/2025 9:00:07 AM Send external    Message sent to mx.fabrikam.example\n3/4/2025 9:00:05 AM Receive          Message received by: X\n3/4/2025 9:00:06 AM Fail             Reason: [{LED=550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found};{MSG=};{FQDN=};{IP=};{LRT=}]\n";

    #[test]
    fn a_detail_table_piped_from_a_summary_takes_each_rows_identity() {
        let parsed = parse(PIPED, "ps.txt").unwrap();
        let records = traces(&parsed);
        let details: Vec<_> = records.iter().filter(|r| !r.events.is_empty()).collect();
        assert_eq!(details.len(), 2, "{records:#?}");
        assert_eq!(details[0].recipients, ["bo@fabrikam.example"]);
        assert_eq!(details[1].recipients, ["cy@contoso.com"]);
        assert_eq!(details[1].sender.as_deref(), Some("ana@contoso.com"));
        assert_eq!(details[1].subject.as_deref(), Some("Plan"));
        assert_eq!(details[1].events[1].kind, EventKind::Fail);
    }

    #[test]
    fn the_detail_cmdlets_parameters_name_its_journey() {
        let text = "PS C:\\> Get-MessageTraceDetailV2 -MessageTraceId 0a1b -RecipientAddress cy@contoso.com\n\nDate                Event   Detail\n----                -----   ------\n3/4/2025 9:00:05 AM Receive Message received by: X\n";
        let parsed = parse(text, "ps.txt").unwrap();
        let records = traces(&parsed);
        assert_eq!(records[0].trace_id.as_deref(), Some("0a1b"));
        assert_eq!(records[0].recipients, ["cy@contoso.com"]);
    }

    #[test]
    fn a_header_without_rows_or_a_silent_cmdlet_is_an_empty_search() {
        let header = "PS C:\\> Get-MessageTrace -RecipientAddress cy@contoso.com -StartDate 2/1/2025 -EndDate 2/3/2025\n\nReceived Sender Address Recipient Address Subject Status\n-------- -------------- ----------------- ------- ------\n\nPS C:\\>\n";
        let silent = "PS C:\\> Get-MessageTraceV2 -SenderAddress \"ana@contoso.com\" -StartDate (Get-Date).AddDays(-3)\nPS C:\\>\n";
        for (text, cmdlet, start) in [
            (header, "Get-MessageTrace", "2/1/2025"),
            (silent, "Get-MessageTraceV2", "(Get-Date).AddDays(-3)"),
        ] {
            assert!(sniff(&console::Sniffed::read(text)), "{text}");
            let parsed = parse(text, "ps.txt").unwrap();
            let [Evidence::EmptyTrace(search)] = parsed.evidence.as_slice() else {
                panic!("{:?}", parsed.evidence);
            };
            assert_eq!(search.cmdlet.as_deref(), Some(cmdlet));
            assert_eq!(search.parameter("StartDate"), Some(start));
        }
        assert!(!sniff(&console::Sniffed::read("PS C:\\> Get-Mailbox\n")));
    }
}
