//! Non-delivery reports: an RFC 3464 DSN (`multipart/report;
//! report-type=delivery-status`) as an `.eml`, or an Exchange NDR body pasted as text
//! ("Diagnostic information for administrators", "Remote Server returned '…'"). The
//! delivery-status fields are read from the text wherever they stand, so a DSN, a paste of
//! its text, and a forwarded NDR read alike; the original message's headers (the
//! `text/rfc822-headers` part, or "Original message headers:") are kept to tie the NDR to
//! its message. Reference §1.10.

use std::sync::LazyLock;

use regex::Regex;

use super::{Parsed, fields, headers_paste};
use crate::case::{Evidence, InputKind, NdrReport};
use crate::error::InputError;

/// Text that only NDRs and DSNs carry (ASCII case-insensitive, as [`MARKER_WORDS`]).
static MARKERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?im-u)(Diagnostic information for administrators|^\s*Generating server:|Remote Server returned|report-type=\x22?delivery-status|^Content-Type:\s*message/delivery-status|Delivery has failed to these recipients|^\s*Final-Recipient:\s*rfc822;|couldn't be delivered|could not be delivered|Delivery Status Notification \(Failure\))",
    )
    .expect("static regex")
});

static FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?im)^\s*(?P<name>Status|Action|Diagnostic-Code|Remote-MTA|Reporting-MTA|Final-Recipient|Original-Recipient|Generating server|X-Display-Name):[ \t]*(?P<value>[^\r\n]*)",
    )
    .expect("static regex")
});

static REMOTE_RETURNED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)Remote Server returned\s*'(?P<text>[^'\r\n]{1,2000})'").expect("static regex")
});

/// An enhanced status code that is not part of a longer dotted number (an IP, a version).
static CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d.])(?P<code>[245]\.\d{1,3}\.\d{1,3})(?:$|[^\d.]|\.\D|\.$)")
        .expect("static regex")
});

static REPLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d.])(?P<reply>[245]\d\d)[ -]+[245]\.\d{1,3}\.\d{1,3}")
        .expect("static regex")
});

static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[a-z0-9._%+'-]{1,64}@[a-z0-9.-]{1,253}\.[a-z]{2,63}").expect("static regex")
});

/// Where the original message's headers start.
static ORIGINAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?im)^(?:Original message headers:|Content-Type:\s*(?:text/rfc822-headers|message/rfc822)[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*(?:\r?\n[A-Za-z-]+:[^\r\n]*)*\r?\n)[ \t]*\r?\n?",
    )
    .expect("static regex")
});

/// A literal every [`MARKERS`] alternative holds, in lower case: one pass over the
/// lower-cased head (the regex engine searches a literal alternation with SIMD) rules most
/// inputs out before the line-anchored expression runs. Case-insensitive automata were
/// slower: their prefilter keys on `:` and `(`, which every header line has.
static MARKER_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    let words = [
        "diagnostic information for administrators",
        "generating server:",
        "remote server returned",
        "delivery-status",
        "final-recipient:",
        "delivery has failed to these recipients",
        "couldn't be delivered",
        "could not be delivered",
        "delivery status notification (failure)",
    ];
    Regex::new(&words.map(regex::escape).join("|")).expect("static regex")
});

/// True for an NDR or DSN.
pub fn sniff(text: &str) -> bool {
    let head = super::console::head(text);
    MARKER_WORDS.is_match(&head.to_ascii_lowercase())
        && MARKERS.is_match(head)
        && CODE.is_match(head)
}

/// Parses the report.
pub fn parse(text: &str, name: &str) -> Result<Parsed, InputError> {
    let mut report = NdrReport::default();
    for caps in FIELD.captures_iter(text) {
        let (Some(field), Some(value)) = (caps.name("name"), caps.name("value")) else {
            continue;
        };
        let value = value.as_str().trim();
        let after_type = || {
            value
                .split_once(';')
                .map_or(value, |(_, v)| v)
                .trim()
                .to_owned()
        };
        match field.as_str().to_ascii_lowercase().as_str() {
            "status" if report.status_code.is_none() => {
                report.status_code = CODE
                    .captures(value)
                    .and_then(|c| c.name("code"))
                    .map(|m| m.as_str().to_owned());
            }
            "action" if report.action.is_none() => report.action = fields::value(value),
            "diagnostic-code" if report.diagnostic.is_none() => {
                report.diagnostic = fields::value(&after_type());
            }
            "remote-mta" if report.remote_server.is_none() => {
                report.remote_server = fields::value(&after_type());
            }
            "reporting-mta" | "generating server" if report.generating_server.is_none() => {
                report.generating_server = fields::value(&after_type());
            }
            "final-recipient" | "original-recipient" => {
                let address = after_type();
                if !address.is_empty()
                    && !report
                        .recipients
                        .iter()
                        .any(|r| r.eq_ignore_ascii_case(&address))
                {
                    report.recipients.push(address);
                }
            }
            _ => {}
        }
    }
    let original_at = ORIGINAL.find(text);
    let report_text = text
        .get(..original_at.map_or(text.len(), |m| m.start()))
        .unwrap_or(text);
    if report.diagnostic.is_none() {
        report.diagnostic = REMOTE_RETURNED
            .captures(report_text)
            .and_then(|c| c.name("text"))
            .map(|m| m.as_str().trim().to_owned());
    }
    let code_source = report.diagnostic.clone().unwrap_or_default();
    if report.status_code.is_none() {
        report.status_code = CODE
            .captures(&code_source)
            .or_else(|| CODE.captures(report_text))
            .and_then(|c| c.name("code"))
            .map(|m| m.as_str().to_owned());
    }
    report.smtp_reply = REPLY
        .captures(&code_source)
        .or_else(|| REPLY.captures(report_text))
        .and_then(|c| c.name("reply"))
        .and_then(|m| m.as_str().parse().ok());
    if report.recipients.is_empty() {
        report.recipients = admin_section_recipients(report_text);
    }
    report.summary = summary(report_text);
    if let Some(at) = original_at {
        let block = headers_paste::split_fields(text.get(at.end()..).unwrap_or(""));
        if !block.is_empty() {
            report.original_message_id = block
                .get("message-id")
                .and_then(|v| v.split_whitespace().next())
                .map(str::to_owned);
            report.original_network_id = block
                .get("x-ms-exchange-organization-network-message-id")
                .map(str::to_owned);
            report.original_headers = Some(block);
        }
    }
    if report.status_code.is_none() && report.diagnostic.is_none() {
        return Err(InputError::Malformed {
            kind: InputKind::NdrText.describe().into(),
            reason: "a non-delivery report without a status code or diagnostic".into(),
            name: name.to_owned(),
        });
    }
    Ok(Parsed {
        kind: InputKind::NdrText,
        evidence: vec![Evidence::Ndr(report)],
    })
}

/// Recipients listed in an Exchange NDR's administrator section (the address lines after
/// "Generating server:"), else those named in "Your message to … couldn't be delivered".
fn admin_section_recipients(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let section = lower
        .find("generating server:")
        .and_then(|at| text.get(at..))
        .unwrap_or(text);
    let mut found: Vec<String> = Vec::new();
    for line in section.lines().skip(1).take(40) {
        let line = line.trim();
        if let Some(m) = ADDRESS.find(line)
            && m.start() == 0
            && !found.iter().any(|f| f.eq_ignore_ascii_case(m.as_str()))
        {
            found.push(m.as_str().to_owned());
        }
    }
    if found.is_empty()
        && let Some(at) = lower.find("your message to ")
        && let Some(m) = text.get(at..).and_then(|t| ADDRESS.find(t))
    {
        found.push(m.as_str().to_owned());
    }
    found
}

/// The first sentences a user sees ("Your message to … couldn't be delivered. … wasn't
/// found at …"), without the e-mail headers of the NDR itself.
fn summary(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let start = [
        "your message to",
        "delivery has failed",
        "couldn't be delivered",
    ]
    .iter()
    .filter_map(|m| lower.find(m))
    .min()?;
    let line_start = text
        .get(..start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let rest = text.get(line_start..)?;
    let mut lines = Vec::new();
    for line in rest.lines().take(4) {
        if line.trim().is_empty() {
            if lines.is_empty() {
                continue;
            }
            break;
        }
        lines.push(line.trim());
    }
    let joined = lines.join(" ");
    (!joined.is_empty()).then(|| joined.chars().take(400).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(text: &str) -> NdrReport {
        let Ok(Parsed { evidence, .. }) = parse(text, "n.txt") else {
            panic!("parses");
        };
        match evidence.into_iter().next() {
            Some(Evidence::Ndr(r)) => r,
            _ => panic!("an NDR"),
        }
    }

    #[test]
    fn rfc3464_dsn_fields_and_original_headers() {
        let text = "From: MAILER-DAEMON@mx.example.net\r\nSubject: Undelivered Mail Returned to Sender\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be delivered.\r\n\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\nFinal-Recipient: rfc822; user@example.org\r\nAction: failed\r\nStatus: 5.7.1\r\nRemote-MTA: dns; mail.example.org\r\nDiagnostic-Code: smtp; 550 5.7.1 Relaying denied from 192.0.2.4\r\n\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <orig@example.com>\r\nSubject: Hello\r\nFrom: a@example.com\r\n\r\n--b--\r\n";
        assert!(sniff(text));
        let r = report(text);
        assert_eq!(r.status_code.as_deref(), Some("5.7.1"));
        assert_eq!(r.smtp_reply, Some(550));
        assert_eq!(r.action.as_deref(), Some("failed"));
        assert_eq!(r.remote_server.as_deref(), Some("mail.example.org"));
        assert_eq!(r.generating_server.as_deref(), Some("mx.example.net"));
        assert_eq!(r.recipients, vec!["user@example.org".to_owned()]);
        assert_eq!(r.original_message_id.as_deref(), Some("<orig@example.com>"));
    }

    #[test]
    fn exchange_ndr_text_and_ip_addresses_are_not_codes() {
        let text = "Delivery has failed to these recipients or groups:\n\nbob@example.org\nThe server at 10.2.3.4 refused it.\n\nDiagnostic information for administrators:\n\nGenerating server: AM0PR00MB1.eurprd00.prod.outlook.com\n\nbob@example.org\nRemote Server returned '554 5.4.14 Hop count exceeded - possible mail loop ATTR34'\n";
        let r = report(text);
        assert_eq!(r.status_code.as_deref(), Some("5.4.14"));
        assert_eq!(r.smtp_reply, Some(554));
        assert_eq!(r.recipients, vec!["bob@example.org".to_owned()]);
        assert!(r.summary.unwrap().starts_with("Delivery has failed"));
    }
}
