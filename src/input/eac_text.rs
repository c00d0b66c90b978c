//! The Exchange admin centre's message-trace details, "Copy report text".
//!
//! The copy is often pasted as one line (newlines collapsed), sometimes embedded in a
//! ticket or an article, sometimes several reports one after another. So the text is
//! tokenised, not read line by line: each report is anchored on its `Date (UTC±hh:mm) |
//! Event | Detail |` table header; the subject, sender and recipient are read backwards
//! from it; rows start at a date followed by a known event name; the footer (`Message ID:`,
//! size, IPs) closes the report. Reference §1.1.

use std::ops::Range;
use std::sync::LazyLock;

use chrono::FixedOffset;
use regex::Regex;

use super::{Parsed, dates, fields};
use crate::case::{Evidence, InputKind, TraceEvent, TraceFormat, TraceRecord};
use crate::error::InputError;
use crate::knowledge::Knowledge;

/// The events table header; its offset label sets every row's offset.
static ANCHOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:Date|Datum|Fecha|Data|Date/heure)\s*\(\s*UTC\s*(?P<off>[+\-\u{2212}]\s*\d{1,2}(?::?\d{2})?)?\s*\)\s*\|\s*[^|]{1,40}\|\s*[^|]{1,40}\|?\s*(?:-{3,}\s*)?",
    )
    .expect("static regex")
});

/// A row start: a date-time, a separator, a known event name, a separator.
static ROW: LazyLock<Regex> = LazyLock::new(|| {
    let names: Vec<String> = Knowledge::embedded()
        .event_names
        .names_longest_first()
        .into_iter()
        .map(regex::escape)
        .collect();
    Regex::new(&format!(
        r"(?i)(?P<dt>\b\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}},?\s*\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\s?[AP]\.?M\.?)?)\s*\|\s*(?P<ev>{})\s*\|",
        names.join("|")
    ))
    .expect("event names make a valid pattern")
});

static RECIPIENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:Recipient|Empfänger|Destinataire|Destinatario|Geadresseerde|Ontvanger):\s*",
    )
    .expect("static regex")
});

static MESSAGE_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:Message ID|Nachrichten-ID|ID du message|ID de mensaje|Bericht-id):\s*(?P<id>\S+)")
            .expect("static regex")
});

static FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*Message size\s*\|\s*From IP\s*\|\s*To IP\s*\|?\s*(?:(?P<size>[\d.,]+\s*[KMG]?B)\s*\|\s*(?P<from>[0-9A-Fa-f.:]+|null)?\s*(?:\|\s*(?P<to>[0-9A-Fa-f.:]+|null))?)?",
    )
    .expect("static regex")
});

/// True when the text holds at least one report's events table with a row in it.
pub fn sniff(text: &str) -> bool {
    may_hold_anchor(text)
        && ANCHOR
            .find(text)
            .is_some_and(|m| ROW.is_match(text.get(m.end()..).unwrap_or("")))
}

/// False when [`ANCHOR`] cannot match: it needs a `|` and the letters `UTC` (in any ASCII
/// case; no other character folds to them). Compiling the two expressions was 8 % of a
/// run that diagnoses a 12-byte unknown file; these two scans cost microseconds.
fn may_hold_anchor(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr(b'|', bytes).is_some()
        && memchr::memchr2_iter(b'u', b'U', bytes).any(|at| {
            bytes
                .get(at..at + 3)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"utc"))
        })
}

/// Parses every report in `text`.
pub fn parse(text: &str, name: &str) -> Result<Parsed, InputError> {
    let flat = collapse_whitespace(text);
    let anchors: Vec<(Range<usize>, FixedOffset)> = ANCHOR
        .captures_iter(&flat)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let offset = c
                .name("off")
                .map_or_else(|| Some(dates::utc()), |m| dates::parse_offset(m.as_str()))?;
            Some((whole.range(), offset))
        })
        .collect();
    let order = dates::infer_order(
        ROW.captures_iter(&flat)
            .filter_map(|c| c.name("dt").map(|m| m.as_str())),
    );
    let mut records = Vec::new();
    let mut previous_end = 0;
    for (i, (anchor, offset)) in anchors.iter().enumerate() {
        let next = anchors.get(i + 1).map_or(flat.len(), |(r, _)| r.start);
        let header = flat.get(previous_end..anchor.start).unwrap_or("");
        let body = flat.get(anchor.end..next).unwrap_or("");
        let mut record = TraceRecord::new(TraceFormat::EacCopyText, records.len());
        read_header(header, &mut record);
        let consumed = read_body(body, *offset, order, &mut record);
        previous_end = anchor.end + consumed;
        if !record.events.is_empty() || record.message_id.is_some() {
            records.push(record);
        }
    }
    if records.is_empty() {
        return Err(InputError::Malformed {
            kind: InputKind::TraceText.describe().into(),
            reason: "the report has a table header but no event rows".into(),
            name: name.to_owned(),
        });
    }
    Ok(Parsed {
        kind: InputKind::TraceText,
        evidence: records.into_iter().map(Evidence::Trace).collect(),
    })
}

/// One space for every whitespace run: a one-line paste and a multi-line one read alike.
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// Reads subject, sender, recipient, journey, status and "More information" from the text
/// before the events table (which may start with unrelated text).
fn read_header(header: &str, record: &mut TraceRecord) {
    let Some(recipient) = RECIPIENT.find_iter(header).last() else {
        return;
    };
    let after = header.get(recipient.end()..).unwrap_or("");
    let (address, rest) = after.split_once(' ').unwrap_or((after, ""));
    if let Some(address) = fields::value(address) {
        record.recipients.push(address);
    }
    let before = header.get(..recipient.start()).unwrap_or("");
    if let Some((sender_at, sender_label)) = rfind_any(before, SENDER_LABELS) {
        let sender = before.get(sender_at + sender_label.len()..).unwrap_or("");
        record.sender = fields::value(sender);
        let before_sender = before.get(..sender_at).unwrap_or("");
        if let Some((subject_at, subject_label)) = rfind_any(before_sender, SUBJECT_LABELS) {
            let subject = before_sender
                .get(subject_at + subject_label.len()..)
                .unwrap_or("");
            record.subject = Some(subject.trim().to_owned());
        }
    }
    read_status(rest, record);
}

/// Header labels of the copy text in the admin centre's display languages.
const SENDER_LABELS: &[&str] = &[
    "Sender:",
    "Absender:",
    "Expéditeur:",
    "Remitente:",
    "Afzender:",
];
const SUBJECT_LABELS: &[&str] = &["Subject:", "Betreff:", "Objet:", "Asunto:", "Onderwerp:"];

/// The position and text of the last of `labels` (case-insensitive) in `text`.
fn rfind_any<'a>(text: &str, labels: &[&'a str]) -> Option<(usize, &'a str)> {
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        return labels
            .iter()
            .filter_map(|l| text.rfind(l).map(|at| (at, *l)))
            .max_by_key(|(at, l)| (at + l.len(), l.len()));
    }
    labels
        .iter()
        .filter_map(|l| lower.rfind(&l.to_lowercase()).map(|at| (at, *l)))
        .max_by_key(|(at, l)| (at + l.len(), l.len()))
}

fn read_status(rest: &str, record: &mut TraceRecord) {
    let lower = rest.to_ascii_lowercase();
    let status_at = lower.find("status:");
    let info_at = lower.find("more information:");
    let journey_end = status_at.or(info_at).unwrap_or(rest.len());
    let journey = rest.get(..journey_end).unwrap_or("").trim();
    if journey.contains("->") {
        record.journey_line = Some(journey.to_owned());
    }
    if let Some(at) = status_at {
        let end = info_at.filter(|&i| i > at).unwrap_or(rest.len());
        let sentence = rest.get(at + "status:".len()..end).unwrap_or("").trim();
        if !sentence.is_empty() {
            record.status_sentence = Some(sentence.to_owned());
        }
    }
    if let Some(at) = info_at {
        let info = rest.get(at + "more information:".len()..).unwrap_or("");
        if !info.trim().is_empty() {
            record.more_info = Some(info.trim().to_owned());
        }
    }
}

/// Reads the rows and the footer; returns how many bytes of `body` the report used.
fn read_body(
    body: &str,
    offset: FixedOffset,
    order: dates::DayOrder,
    record: &mut TraceRecord,
) -> usize {
    let footer_at = MESSAGE_ID.find(body).map_or(body.len(), |m| m.start());
    let rows_text = body.get(..footer_at).unwrap_or("");
    let names = &Knowledge::embedded().event_names;
    let starts: Vec<_> = ROW.captures_iter(rows_text).collect();
    for (i, caps) in starts.iter().enumerate() {
        let (Some(whole), Some(dt), Some(event)) = (caps.get(0), caps.name("dt"), caps.name("ev"))
        else {
            continue;
        };
        let end = starts
            .get(i + 1)
            .and_then(|c| c.get(0))
            .map_or(rows_text.len(), |m| m.start());
        let detail = rows_text
            .get(whole.end()..end)
            .unwrap_or("")
            .trim()
            .trim_end_matches('|')
            .trim();
        let raw = dt.as_str().trim();
        record.events.push(TraceEvent::new(
            dates::parse(raw, order, offset),
            raw,
            names.kind(event.as_str()),
            event.as_str().trim(),
            detail,
        ));
    }
    record.received = record.start_time();
    let Some(caps) = MESSAGE_ID.captures(body.get(footer_at..).unwrap_or("")) else {
        return body.len();
    };
    let id_end = footer_at + caps.get(0).map_or(0, |m| m.end());
    record.message_id = caps.name("id").and_then(|m| fields::value(m.as_str()));
    let rest = body.get(id_end..).unwrap_or("");
    let Some(footer) = FOOTER.captures(rest) else {
        return id_end;
    };
    record.size_bytes = footer
        .name("size")
        .and_then(|m| fields::size_bytes(m.as_str()));
    record.from_ip = footer.name("from").and_then(|m| fields::value(m.as_str()));
    record.to_ip = footer.name("to").and_then(|m| fields::value(m.as_str()));
    id_end + footer.get(0).map_or(0, |m| m.end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::EventKind;

    #[test]
    fn the_anchor_pre_check_only_rules_out_texts_the_anchor_cannot_match() {
        // Only ASCII letters fold to u, t and c, so an ASCII-case-insensitive scan is exact.
        let folds = Regex::new("(?i)^[utc]$").unwrap();
        let folding: Vec<char> = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter(|c| folds.is_match(c.encode_utf8(&mut [0; 4])))
            .collect();
        assert_eq!(folding, ['C', 'T', 'U', 'c', 't', 'u']);
        let anchor = "Date (UTC+01:00) | Event | Detail |";
        assert!(may_hold_anchor(anchor) && ANCHOR.is_match(anchor));
        let lower = "datum (utc) | ereignis | detail";
        assert!(may_hold_anchor(lower) && ANCHOR.is_match(lower));
        for text in [
            "hello world\n",
            "Date (UTC) Event Detail",
            "Date | Event | Detail |",
        ] {
            assert!(!may_hold_anchor(text) && !ANCHOR.is_match(text), "{text}");
        }
    }

    fn records(text: &str) -> Vec<TraceRecord> {
        parse(text, "t.txt")
            .unwrap()
            .evidence
            .into_iter()
            .filter_map(|e| match e {
                Evidence::Trace(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    const ONE_LINE: &str = "Subject: Re: Sender: question Sender: a@example.net Recipient: b@contoso.com Received -> Processed -> Delivered Date (UTC+02:00) | Event | Detail | ---------- 13/3/2025, 14:05 | Receive | Message received by: X | 13/3/2025, 14:06 | Deliver | The message was successfully delivered. Message ID: <id@x> Message size | From IP | To IP 1.5 MB | 2001:db8::5 | null";

    #[test]
    fn one_line_report_with_day_first_dates_and_ipv6() {
        let r = records(ONE_LINE);
        assert_eq!(r.len(), 1);
        let r = &r[0];
        assert_eq!(r.subject.as_deref(), Some("Re: Sender: question"));
        assert_eq!(r.sender.as_deref(), Some("a@example.net"));
        assert_eq!(r.recipients, vec!["b@contoso.com".to_owned()]);
        assert_eq!(r.events.len(), 2);
        assert_eq!(r.events[0].detail, "Message received by: X");
        assert_eq!(
            r.events[1].time.unwrap().to_rfc3339(),
            "2025-03-13T14:06:00+02:00"
        );
        assert_eq!(r.events[1].kind, EventKind::Deliver);
        assert_eq!(r.message_id.as_deref(), Some("<id@x>"));
        assert_eq!(r.from_ip.as_deref(), Some("2001:db8::5"));
        assert_eq!(r.to_ip, None);
        assert_eq!(r.size_bytes, Some(1_572_864));
    }

    #[test]
    fn report_embedded_in_a_ticket_and_localised_events() {
        let text = format!(
            "Hi team, see below.\n\nSubject: Rechnung\nSender: x@example.org\nRecipient: y@contoso.com\nDate (UTC) | Event | Detail |\n---\n2025-05-16 15:43 | Empfangen | ok\n2025-05-16 15:44 | Zustellen | ok\nMessage ID: <m@x>\n\nThanks\n\n{ONE_LINE}"
        );
        let r = records(&text);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].subject.as_deref(), Some("Rechnung"));
        assert_eq!(r[0].events[1].kind, EventKind::Deliver);
        assert_eq!(r[0].events[1].name, "Zustellen");
        assert_eq!(r[1].sender.as_deref(), Some("a@example.net"));
    }

    #[test]
    fn german_admin_centre_labels() {
        let r = records(
            "Betreff: Rechnung 7 Absender: x@example.org Empfänger: y@contoso.com Datum (UTC+01:00) | Ereignis | Details | --- 16.5.2025, 15:43 | Empfangen | ok 16.5.2025, 15:44 | Zustellen | ok Nachrichten-ID: <m@x>",
        );
        assert_eq!(r[0].subject.as_deref(), Some("Rechnung 7"));
        assert_eq!(r[0].sender.as_deref(), Some("x@example.org"));
        assert_eq!(r[0].recipients, vec!["y@contoso.com".to_owned()]);
        assert_eq!(r[0].message_id.as_deref(), Some("<m@x>"));
        assert_eq!(
            r[0].events[1].time.unwrap().to_rfc3339(),
            "2025-05-16T15:44:00+01:00"
        );
    }

    #[test]
    fn table_header_without_rows_is_not_a_report() {
        assert!(!sniff("Date (UTC) | Event | Detail | nothing here"));
    }
}
