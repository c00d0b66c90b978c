//! Trace CSV exports: `Get-MessageTrace(V2)` and `Get-MessageTraceDetail(V2) | Export-Csv`
//! (with or without the `#TYPE` line), the historical search enhanced summary and extended
//! reports, and the admin centre's "Export results". The text arrives already decoded
//! (UTF-8 or UTF-16, with or without BOM); the delimiter is read from the header line
//! (`,`, or `;` and tab from regional Excel). Reference §1.2–§1.6.

use super::trace_rows::{self, Formats, Row, normalize_key};
use super::{Parsed, dates};
use crate::case::{EmptyTrace, Evidence, InputKind, TraceFormat};
use crate::error::InputError;

/// Which export a header line belongs to.
fn formats_of(columns: &[String]) -> Option<Formats> {
    let has = |name: &str| columns.iter().any(|c| c == name);
    let same = |format| Formats {
        summary: format,
        detail: format,
        per_message: false,
    };
    if has("eventid") && (has("datetimeutc") || has("datetime")) {
        Some(same(TraceFormat::ExtendedReportCsv))
    } else if (has("origintimestamputc") || has("origintimestamp")) && has("recipientstatus") {
        Some(same(TraceFormat::EnhancedSummaryCsv))
    } else if has("event") && (has("detail") || has("data")) {
        Some(same(TraceFormat::PsDetailCsv))
    } else if has("messagetraceid") || (has("received") && has("status")) {
        Some(same(TraceFormat::PsTraceCsv))
    } else if columns.iter().any(|c| c.starts_with("date"))
        && has("status")
        && (has("recipient") || has("recipientaddress"))
    {
        Some(same(TraceFormat::EacExportCsv))
    } else {
        None
    }
}

/// The header line: the first non-empty line that is not PowerShell's `#TYPE` line.
fn header_line(text: &str) -> Option<(usize, &str)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() && !trimmed.starts_with("#TYPE") {
            return Some((offset, trimmed));
        }
        offset += line.len();
    }
    None
}

fn delimiter(header: &str) -> u8 {
    let count = |d: char| {
        let mut quoted = false;
        header
            .chars()
            .filter(|&c| {
                if c == '"' {
                    quoted = !quoted;
                }
                !quoted && c == d
            })
            .count()
    };
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&d| count(char::from(d)))
        .unwrap_or(b',')
}

fn columns(header: &str, delimiter: u8) -> Vec<String> {
    header
        .split(char::from(delimiter))
        .map(|c| normalize_key(c.trim().trim_matches('"')))
        .collect()
}

/// The headers the exports write, in order, for a file cut inside its header row.
const HEADERS: &[(TraceFormat, &[&str])] = &[
    (
        TraceFormat::PsTraceCsv,
        &[
            "pscomputername",
            "runspaceid",
            "psshowcomputername",
            "organization",
            "messageid",
            "received",
            "senderaddress",
            "recipientaddress",
            "subject",
            "status",
            "toip",
            "fromip",
            "size",
            "messagetraceid",
            "startdate",
            "enddate",
            "index",
        ],
    ),
    (
        TraceFormat::PsTraceCsv,
        &[
            "organization",
            "messageid",
            "received",
            "senderaddress",
            "recipientaddress",
            "subject",
            "status",
            "toip",
            "fromip",
            "size",
            "messagetraceid",
        ],
    ),
    (
        TraceFormat::PsDetailCsv,
        &[
            "pscomputername",
            "runspaceid",
            "psshowcomputername",
            "organization",
            "messageid",
            "messagetraceid",
            "senderaddress",
            "recipientaddress",
            "date",
            "event",
            "action",
            "detail",
            "data",
        ],
    ),
    (
        TraceFormat::PsDetailCsv,
        &[
            "organization",
            "messageid",
            "messagetraceid",
            "senderaddress",
            "recipientaddress",
            "date",
            "event",
            "action",
            "detail",
            "data",
        ],
    ),
    (
        TraceFormat::EnhancedSummaryCsv,
        &[
            "origintimestamputc",
            "senderaddress",
            "recipientstatus",
            "messagesubject",
            "totalbytes",
            "messageid",
            "networkmessageid",
        ],
    ),
    (
        TraceFormat::ExtendedReportCsv,
        &[
            "datetimeutc",
            "clientip",
            "clienthostname",
            "serverip",
            "serverhostname",
            "sourcecontext",
            "connectorid",
            "source",
            "eventid",
        ],
    ),
];

/// The export a header cut short belongs to: its whole columns start a known header, the
/// last (cut) column starts the next one, and at least two of them say more than
/// PowerShell's own (`PSComputerName`, `Organization`).
fn cut_header(columns: &[String]) -> Option<TraceFormat> {
    let (last, whole) = columns.split_last()?;
    HEADERS.iter().find_map(|(format, known)| {
        let telling = whole
            .iter()
            .filter(|c| {
                !c.starts_with("ps") && !matches!(c.as_str(), "runspaceid" | "organization")
            })
            .count();
        let starts = whole.len() < known.len()
            && whole.iter().zip(known.iter()).all(|(c, k)| c == k)
            && known
                .get(whole.len())
                .is_some_and(|next| next.starts_with(last.as_str()));
        (starts && (telling >= 2 || whole.first().is_some_and(|c| c.ends_with("utc"))))
            .then_some(*format)
    })
}

/// The export whose header `text` holds and nothing after it (no rows, or the file ends
/// inside the header row): a search that matched nothing.
fn header_only(text: &str) -> Option<TraceFormat> {
    let (start, header) = header_line(text)?;
    let rest = text.get(start..)?.trim_start().get(header.len()..)?;
    if !rest.trim().is_empty() {
        return None;
    }
    let delimiter = delimiter(header);
    let columns = columns(header, delimiter);
    formats_of(&columns)
        .map(|f| f.summary)
        .or_else(|| cut_header(&columns))
}

/// True when the first line is a header of a known trace export (or such a header cut
/// short, with nothing after it).
pub fn sniff(text: &str) -> bool {
    header_line(text).is_some_and(|(_, header)| {
        let delimiter = delimiter(header);
        header.contains(char::from(delimiter))
            && (formats_of(&columns(header, delimiter)).is_some() || header_only(text).is_some())
    })
}

/// A trace with its header and no rows.
fn empty(format: TraceFormat) -> Parsed {
    Parsed {
        kind: InputKind::TraceCsv,
        evidence: vec![Evidence::EmptyTrace(EmptyTrace::new(format))],
    }
}

/// The date-like values of an export, kept for the day-order inference in one buffer
/// (a 100 000-row export has 100 000 of them; one allocation each was a tenth of a parse).
#[derive(Default)]
struct DateValues {
    text: String,
    ends: Vec<usize>,
}

impl DateValues {
    fn push(&mut self, value: &str) {
        self.text.push_str(value);
        self.ends.push(self.text.len());
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .filter_map(|(start, &end)| self.text.get(start..end))
    }
}

/// Parses the export. A file that ends inside a quoted field is refused, so a partial
/// trace is never diagnosed as if it were whole; rows with missing columns (a last row cut
/// short) are left out, and each record names them, so the good rows are still read and
/// the diagnosis says what is missing.
pub fn parse(text: &str, name: &str) -> Result<Parsed, InputError> {
    let malformed = |reason: String| InputError::Malformed {
        kind: InputKind::TraceCsv.describe().into(),
        reason,
        name: name.to_owned(),
    };
    let Some((start, header)) = header_line(text) else {
        return Err(malformed("no header line".into()));
    };
    if let Some(format) = header_only(text) {
        return Ok(empty(format));
    }
    let delimiter = delimiter(header);
    let Some(formats) = formats_of(&columns(header, delimiter)) else {
        return Err(malformed("unknown columns".into()));
    };
    let body = text.get(start..).unwrap_or("");
    if memchr::memchr_iter(b'"', body.as_bytes()).count() % 2 == 1 {
        return Err(malformed(
            "truncated: the file ends inside a quoted field".into(),
        ));
    }
    let reader = || {
        csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(body.as_bytes())
    };
    // First pass: check every row and collect the dates, whose day order (3/4 is 3 April
    // or 4 March) only the whole file decides; the second pass folds rows into records.
    let mut first_pass = reader();
    let names = trace_rows::columns(
        first_pass
            .headers()
            .map_err(|e| malformed(e.to_string()))?
            .iter(),
    );
    let width = names.len();
    let date_columns = trace_rows::date_columns(&names);
    let mut dates_seen = DateValues::default();
    let mut rows = 0usize;
    let mut short_rows: Vec<(usize, usize)> = Vec::new();
    let mut record = csv::StringRecord::new();
    for row in 2usize.. {
        match first_pass.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(malformed(format!("row {row}: {e}"))),
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() < width {
            short_rows.push((row, record.len()));
            continue;
        }
        rows += 1;
        if rows > super::MAX_TRACE_ROWS {
            return Err(InputError::TooManyRows {
                rows,
                limit: super::MAX_TRACE_ROWS,
                name: name.to_owned(),
            });
        }
        for value in date_columns.iter().filter_map(|&c| record.get(c)) {
            if !value.is_empty() {
                dates_seen.push(value);
            }
        }
    }
    if rows == 0 {
        return match short_rows.first() {
            Some((row, columns)) => Err(malformed(format!(
                "truncated: row {row} has {columns} of {width} columns"
            ))),
            None => Ok(empty(formats.summary)),
        };
    }
    let order = dates::infer_order(dates_seen.iter());
    drop(dates_seen);
    let mut builder = trace_rows::Builder::new(formats, dates::utc(), order);
    if !names.has_events() {
        builder.reserve(rows);
    }
    let mut second_pass = reader();
    while let Ok(true) = second_pass.read_record(&mut record) {
        if record.iter().all(str::is_empty) || record.len() < width {
            continue;
        }
        builder.push(&Row::with_columns(&names, record.iter().collect()));
    }
    let mut records = builder.finish();
    if !short_rows.is_empty() {
        let skipped: Vec<usize> = short_rows.iter().map(|&(row, _)| row).collect();
        for record in &mut records {
            record.skipped_rows.clone_from(&skipped);
        }
    }
    Ok(Parsed {
        kind: InputKind::TraceCsv,
        evidence: records.into_iter().map(Evidence::Trace).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_cut_short_with_no_rows_is_an_empty_search() {
        let v1 = "#TYPE Deserialized.X\r\n\"PSComputerName\",\"RunspaceId\",\"PSShowComputerName\",\"Organization\",\"MessageId\",\"Received\",\"SenderAddress\",\"Recipi";
        let enhanced = "origin_timestamp_utc,sender_address,recip";
        for (text, format) in [
            (v1, TraceFormat::PsTraceCsv),
            (enhanced, TraceFormat::EnhancedSummaryCsv),
        ] {
            assert!(sniff(text), "{text}");
            let parsed = parse(text, "t.csv").unwrap();
            assert!(
                matches!(parsed.evidence.as_slice(), [Evidence::EmptyTrace(e)] if e.format == format),
                "{text}"
            );
        }
        // PowerShell's own columns alone do not make a trace.
        assert!(!sniff(
            "\"PSComputerName\",\"RunspaceId\",\"PSShowComputerName\",\"Organization\",\"Mess"
        ));
    }

    #[test]
    fn semicolon_export_with_type_line() {
        let text = "#TYPE Deserialized.X\r\n\"Received\";\"SenderAddress\";\"RecipientAddress\";\"Subject\";\"Status\";\"MessageTraceId\"\r\n\"15.01.2025 08:02:11\";\"a@x\";\"b@y\";\"Hi; there\";\"Delivered\";\"t1\"\r\n";
        assert!(sniff(text));
        let parsed = parse(text, "t.csv").unwrap();
        let Some(Evidence::Trace(record)) = parsed.evidence.first() else {
            panic!("a trace record");
        };
        assert_eq!(record.subject.as_deref(), Some("Hi; there"));
        assert_eq!(record.status_raw.as_deref(), Some("Delivered"));
        assert_eq!(
            record.received.unwrap().to_rfc3339(),
            "2025-01-15T08:02:11+00:00"
        );
    }

    #[test]
    fn truncated_exports_are_refused() {
        let header =
            "\"Received\",\"SenderAddress\",\"RecipientAddress\",\"Status\",\"MessageTraceId\"\n";
        let cut_in_quote = format!("{header}\"1/1/2025 1:00 AM\",\"a@x\",\"b@");
        assert!(matches!(
            parse(&cut_in_quote, "t.csv"),
            Err(InputError::Malformed { reason, .. }) if reason.contains("quoted")
        ));
        let short_row = format!("{header}\"1/1/2025 1:00 AM\",\"a@x\"\n");
        assert!(matches!(
            parse(&short_row, "t.csv"),
            Err(InputError::Malformed { reason, .. }) if reason.contains("columns")
        ));
        let good_then_short = format!(
            "{header}\"1/1/2025 1:00 AM\",\"a@x\",\"b@y\",\"Delivered\",\"t1\"\n\"1/1/2025 1:00 AM\",\"a@x\"\n"
        );
        let parsed = parse(&good_then_short, "t.csv").unwrap();
        let Some(Evidence::Trace(record)) = parsed.evidence.first() else {
            panic!("the good row is kept");
        };
        assert_eq!(record.status_raw.as_deref(), Some("Delivered"));
        assert_eq!(record.skipped_rows, vec![3]);
        let only_header = parse(header, "t.csv").unwrap();
        assert!(matches!(
            only_header.evidence.as_slice(),
            [Evidence::EmptyTrace(EmptyTrace {
                format: TraceFormat::PsTraceCsv,
                ..
            })]
        ));
    }

    /// Issue 19 item 3: a trace past the row limit is refused, naming the limit, instead of
    /// growing into gigabytes.
    #[test]
    fn a_trace_past_the_row_limit_is_refused() {
        use std::fmt::Write as _;
        let mut text = String::from(
            "\"Received\",\"SenderAddress\",\"RecipientAddress\",\"Subject\",\"Status\",\"MessageId\"\r\n",
        );
        for i in 0..=crate::input::MAX_TRACE_ROWS {
            let _ = write!(
                text,
                "\"11/20/2026 8:00:00 AM\",\"s@c.example\",\"r@f.example\",\"s\",\"Delivered\",\"<{i}@c>\"\r\n"
            );
        }
        let error = parse(&text, "big.csv").expect_err("refused");
        assert_eq!(
            error,
            InputError::TooManyRows {
                rows: crate::input::MAX_TRACE_ROWS + 1,
                limit: crate::input::MAX_TRACE_ROWS,
                name: "big.csv".into(),
            }
        );
        assert!(error.to_string().contains("the limit is 300000 rows"));
    }
}
