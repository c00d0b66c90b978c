//! One reader for every kind of bounce: RFC 3464 delivery-status reports, Exchange's NDRs
//! in any language, and the text bounces of the servers that send no delivery-status part
//! (qmail, Exim, Sendmail, Postfix, Gmail, Yahoo, DragonFly, OpenSMTPD, Amazon SES, …).
//!
//! The message is read part by part ([`mime`]), decoded where its transfer encoding hides
//! the codes; the report ends where the returned original begins. Each failed recipient is
//! read from its delivery-status group ([`dsn`]) or its paragraph of text ([`blocks`]), with
//! its own code ([`codes`]), reply and reason; the first failure is the decisive one. What
//! a server writes differs; the phrases that tell them apart are data
//! (`assets/knowledge/bounce_phrases.toml`).

mod blocks;
mod codes;
pub mod dsn;
pub mod mime;
mod ses_json;

use super::{Parsed, ndr};
use crate::case::{Evidence, HeaderBlock, InputKind, NdrReport, RecipientFailure};
use crate::error::InputError;
use crate::knowledge::bounce_phrases::BouncePhrases;

/// Reads the bounce in `text`, whose own header block ends at `body_at` (`None` for a pasted
/// report without one). `own` lists the bounce's own addresses (its sender and recipient),
/// which are never the failed recipient. `None` when the text names neither a status code
/// nor a reply to diagnose from.
pub fn read(text: &str, body_at: Option<usize>, own: &[String]) -> Option<NdrReport> {
    let parts = mime::parts(text, body_at);
    let mut report_text = String::new();
    let mut status_text = String::new();
    // The returned original's header block, split where it is found: its text is never
    // copied (a 190 MB returned message is read in place, its long fields cut as split).
    let mut original: Option<HeaderBlock> = None;
    let readable_html = !parts.iter().any(|p| p.kind == mime::PartKind::Text);
    for part in &parts {
        match part.kind {
            mime::PartKind::Text | mime::PartKind::Html
                if original.is_none() && (part.kind == mime::PartKind::Text || readable_html) =>
            {
                let (report, rest) = split_original(&part.text);
                push_bounded(&mut report_text, report);
                if let Some(rest) = rest {
                    original = Some(original_block(rest));
                }
            }
            mime::PartKind::DeliveryStatus => push_bounded(&mut status_text, &part.text),
            mime::PartKind::Original if original.is_none() => {
                original = Some(original_block(&part.text));
            }
            _ => {}
        }
    }
    let (mut report, exchange_original) = ndr::exchange_report(&report_text);
    if let Some(at) = exchange_original {
        // An Exchange label in another language introduced the original's headers.
        if original.is_none() {
            original = report_text.get(at..).map(original_block);
        }
        let label = report_text
            .get(..at)
            .map_or(0, |t| t.rfind('\n').unwrap_or(0));
        report_text.truncate(label);
    }
    let status = if !status_text.is_empty() {
        dsn::read(&status_text)
    } else if let Some(notification) = ses_json::read(&report_text) {
        notification
    } else {
        dsn::read(&report_text)
    };
    report.failures = failures(&status, &report_text, own);
    decide(&mut report, status.reporting_mta);
    if let Some(block) = original {
        ndr::attach_original(&mut report, block);
    }
    report.names_a_reason().then_some(report)
}

/// The most report text (and delivery-status text) read from one bounce. A real report is a
/// few kilobytes, its quoted headers included; every pass over it (codes, recipients'
/// paragraphs, the summary) would copy a 190 MB text part again.
const MAX_REPORT_BYTES: usize = 4 << 20;

/// Appends `text` and a line break to `out`, cut at a character boundary where `out` would
/// pass [`MAX_REPORT_BYTES`].
fn push_bounded(out: &mut String, text: &str) {
    let room = MAX_REPORT_BYTES.saturating_sub(out.len());
    let end = (0..=room.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    out.push_str(text.get(..end).unwrap_or_default());
    out.push('\n');
}

/// The header block of a returned original that starts in `text`.
fn original_block(text: &str) -> HeaderBlock {
    super::header_block::split_fields(text.trim_start_matches(['\r', '\n']))
}

/// Parses a report pasted or saved without a header block of its own.
pub fn parse(text: &str, name: &str) -> Result<Parsed, InputError> {
    let report = read(text, None, &[]).ok_or_else(|| InputError::Malformed {
        kind: InputKind::NdrText.describe().into(),
        reason: "a non-delivery report without a status code or diagnostic".into(),
        name: name.to_owned(),
    })?;
    Ok(Parsed {
        kind: InputKind::NdrText,
        evidence: vec![Evidence::Ndr(report)],
    })
}

/// True for a pasted bounce of a server other than Exchange: a text only bounces carry and
/// a reply or status code, or an Amazon SES bounce notification.
pub fn sniff(text: &str) -> bool {
    let head = super::console::head(text);
    if head.contains("\"bouncedRecipients\"") && ses_json::read(text).is_some() {
        return true;
    }
    if !codes::may_hold_code(head) {
        return false;
    }
    let lower = head.to_ascii_lowercase();
    BouncePhrases::embedded()
        .markers
        .iter()
        .any(|m| lower.contains(m.as_str()))
        && (!codes::failure_codes(head).is_empty() || codes::reply_code(head).is_some())
}

/// The report's text before the line that opens the returned original, and the text after
/// that line.
fn split_original(text: &str) -> (&str, Option<&str>) {
    let phrases = BouncePhrases::embedded();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let lower = line.trim().to_ascii_lowercase();
        if !lower.is_empty()
            && phrases
                .original
                .iter()
                .any(|p| lower.starts_with(p.as_str()))
        {
            return (
                text.get(..offset).unwrap_or(text),
                text.get(offset + line.len()..),
            );
        }
        offset += line.len();
    }
    (text, None)
}

/// Every failed recipient: the delivery-status groups when the report has them (each with
/// its paragraph of text, which may name the reply the group leaves out), else the text's
/// paragraphs. Recipients the report says were delivered, relayed or expanded are left out.
fn failures(status: &dsn::Report, report_text: &str, own: &[String]) -> Vec<RecipientFailure> {
    let blocks = blocks::read(report_text, own);
    let paragraph = |address: &str| {
        blocks
            .iter()
            .find(|b| b.address.eq_ignore_ascii_case(address))
            .map(|b| b.text.as_str())
    };
    let succeeded = |action: Option<&str>| {
        action.is_some_and(|a| {
            ["delivered", "relayed", "expanded"]
                .iter()
                .any(|ok| a.starts_with(ok))
        })
    };
    let groups: Vec<&dsn::Group> = status
        .groups
        .iter()
        .filter(|g| !succeeded(g.action.as_deref()))
        .collect();
    if !groups.is_empty() {
        return groups
            .into_iter()
            .map(|group| {
                let address = group.recipient.clone().unwrap_or_default();
                let text = paragraph(&address).unwrap_or(if status.groups.len() == 1 {
                    report_text
                } else {
                    ""
                });
                failure(
                    address,
                    group.status.as_deref(),
                    group.diagnostic.as_deref(),
                    text,
                    group.action.clone(),
                    group.remote_mta.clone(),
                )
            })
            .collect();
    }
    let mut out: Vec<RecipientFailure> = blocks
        .iter()
        .map(|b| failure(b.address.clone(), None, None, &b.text, None, None))
        .filter(|f| f.status_code.is_some() || f.smtp_reply.is_some())
        .collect();
    if out.is_empty() {
        // No recipient is named where its reply stands: the report's first reply is its
        // failure, for the recipients it names anywhere.
        let whole = failure(String::new(), None, None, report_text, None, None);
        if whole.status_code.is_some() || whole.smtp_reply.is_some() {
            out.push(whole);
        }
    }
    out
}

/// One failure from what the report says of it.
fn failure(
    address: String,
    status: Option<&str>,
    diagnostic: Option<&str>,
    text: &str,
    action: Option<String>,
    remote_server: Option<String>,
) -> RecipientFailure {
    let reply_text = diagnostic
        .map(str::to_owned)
        .or_else(|| ndr::quoted_reply(text))
        .unwrap_or_else(|| reply_lines(text));
    let status_code = codes::decide(status, &reply_text, text);
    let smtp_reply = codes::reply_code(&reply_text).or_else(|| codes::reply_code(text));
    // A phrase of the reply first, else the code's reason: `reason` falls back itself.
    let reason = BouncePhrases::embedded().reason(status_code.as_deref(), &reply_text);
    RecipientFailure {
        address,
        status_code,
        smtp_reply,
        diagnostic: (!reply_text.trim().is_empty()).then(|| reply_text.trim().to_owned()),
        action,
        remote_server,
        reason,
    }
}

/// The reply in a paragraph of text: from its first line with a reply or status code to the
/// paragraph's end, joined into one line (multi-line replies, `550-5.7.26 …` continuations
/// and wrapped text included).
fn reply_lines(text: &str) -> String {
    let mut lines = text.lines().skip_while(|line| {
        codes::failure_codes(line).is_empty() && codes::reply_code(line).is_none()
    });
    let mut out = String::new();
    for line in lines.by_ref().take(12) {
        let line = line.trim();
        if line.is_empty() {
            if out.is_empty() {
                continue;
            }
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out.chars().take(1000).collect()
}

/// The decisive failure's fields become the report's: the first recipient whose delivery
/// failed (a delay only when nothing failed outright).
fn decide(report: &mut NdrReport, reporting_mta: Option<String>) {
    let decisive = report
        .failures
        .iter()
        .find(|f| f.action.as_deref() != Some("delayed") && f.status_code.is_some())
        .or_else(|| report.failures.iter().find(|f| f.status_code.is_some()))
        .or_else(|| report.failures.first())
        .cloned();
    if let Some(decisive) = decisive {
        // The failure's own codes, even when it has none: a code elsewhere in the text
        // belongs to something else (an earlier attempt, a transcript line).
        report.status_code = decisive.status_code;
        report.smtp_reply = decisive.smtp_reply.or(report.smtp_reply);
        if decisive.diagnostic.is_some() {
            report.diagnostic = decisive.diagnostic;
        }
        report.action = decisive.action.or(report.action.take());
        report.remote_server = decisive.remote_server.or(report.remote_server.take());
        report.reason = decisive.reason;
    }
    if report.generating_server.is_none() {
        report.generating_server = reporting_mta;
    }
    let named: Vec<String> = report
        .failures
        .iter()
        .map(|f| f.address.clone())
        .filter(|a| !a.is_empty())
        .collect();
    if !named.is_empty() {
        report.recipients.clear();
        for address in named {
            ndr::add_recipient(report, &address);
        }
    }
    report.failures.retain(|f| !f.address.is_empty());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_text_is_bounded_at_a_character_boundary() {
        let mut out = String::new();
        push_bounded(&mut out, "short");
        assert_eq!(out, "short\n");
        let long = "é".repeat(MAX_REPORT_BYTES);
        push_bounded(&mut out, &long);
        assert!(out.len() <= MAX_REPORT_BYTES + 1, "{}", out.len());
        assert!(out.ends_with("é\n"));
        push_bounded(&mut out, "more");
        assert!(out.ends_with("\n\n"));
    }

    /// Issue 19 item 3: a huge report and a huge returned original are read without being
    /// copied whole; the failure at the report's start and the original's headers are kept.
    #[test]
    fn a_bounce_with_a_huge_report_and_original_is_still_read() {
        let cap = crate::diagnosis::cap::MAX_TEXT_BYTES;
        let text = format!(
            "From: MAILER-DAEMON@example.net\r\nSubject: Undelivered Mail Returned to Sender\r\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n\
             --B\r\nContent-Type: text/plain\r\n\r\n<bob@example.net>: host mx.example.net said: \
             550 5.1.1 user unknown\r\n{}\r\n--B\r\nContent-Type: message/rfc822\r\n\r\n\
             Message-ID: <orig@example.com>\r\nSubject: {}\r\n\r\nbody\r\n--B--\r\n",
            "filler line\r\n".repeat(MAX_REPORT_BYTES / 10),
            "S".repeat(3 * cap)
        );
        let body_at = mime::head_and_body(&text).0.len();
        let report = read(&text, Some(body_at), &[]).expect("a bounce");
        assert_eq!(report.status_code.as_deref(), Some("5.1.1"));
        assert_eq!(
            report.original_message_id.as_deref(),
            Some("<orig@example.com>")
        );
        let subject = report.original_subject.unwrap_or_default();
        assert!(
            subject.starts_with("SSS") && subject.len() <= cap,
            "{}",
            subject.len()
        );
    }
}
