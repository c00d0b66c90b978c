//! RFC 3464 delivery-status fields: the per-recipient groups of a `message/delivery-status`
//! part (or of a pasted report), each with its recipient, action, status, diagnostic,
//! remote server and retry deadline.

/// One per-recipient group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Group {
    /// `Final-Recipient` (else `Original-Recipient`), without its address type.
    pub recipient: Option<String>,
    /// `Action` (failed, delayed, delivered, relayed, expanded), lower case.
    pub action: Option<String>,
    /// `Status`, the enhanced code as written.
    pub status: Option<String>,
    /// `Diagnostic-Code` without its type, continuation lines joined.
    pub diagnostic: Option<String>,
    /// `Remote-MTA` without its type.
    pub remote_mta: Option<String>,
    /// `Will-Retry-Until`: a delay notice says until when it retries.
    pub retry_until: Option<String>,
}

/// The per-message fields and the recipient groups of a delivery-status text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// `Reporting-MTA` without its type.
    pub reporting_mta: Option<String>,
    /// The recipient groups, in order; a group without a recipient or a status is dropped.
    pub groups: Vec<Group>,
}

/// Reads the fields of `text`. A new group starts at a blank line after a group's fields or
/// at a second recipient field, so reports written without blank lines split too.
pub fn read(text: &str) -> Report {
    let mut report = Report::default();
    let mut current = Group::default();
    let mut has_final = false;
    for (name, value) in unfolded(text) {
        let Some(name) = name else {
            // A blank line ends a group.
            flush(&mut report, &mut current);
            has_final = false;
            continue;
        };
        let typed = || after_type(&value);
        match name {
            "final-recipient" | "original-recipient" => {
                let is_final = name == "final-recipient";
                let past_recipient = current.status.is_some() || current.action.is_some();
                if current.recipient.is_some() && (past_recipient || (is_final && has_final)) {
                    flush(&mut report, &mut current);
                    has_final = false;
                }
                // The final recipient is the address the report is about.
                if is_final || current.recipient.is_none() {
                    current.recipient = Some(address(&typed()));
                }
                has_final |= is_final;
            }
            "action" => current.action = Some(value.trim().to_ascii_lowercase()),
            "status" => current.status = Some(value.trim().to_owned()),
            "diagnostic-code" => current.diagnostic = Some(typed()),
            "remote-mta" => current.remote_mta = Some(typed()),
            "will-retry-until" => current.retry_until = Some(value.trim().to_owned()),
            "reporting-mta" if report.reporting_mta.is_none() => {
                report.reporting_mta = Some(typed());
            }
            _ => {}
        }
    }
    flush(&mut report, &mut current);
    report
}

/// Keeps `group` when it names a recipient or a status, and starts a new one.
fn flush(report: &mut Report, group: &mut Group) {
    let done = std::mem::take(group);
    if done.status.is_some() || (done.recipient.is_some() && done.action.is_some()) {
        report.groups.push(done);
    }
}

/// The field names read here, in lower case.
const NAMES: [&str; 8] = [
    "final-recipient",
    "original-recipient",
    "action",
    "status",
    "diagnostic-code",
    "remote-mta",
    "will-retry-until",
    "reporting-mta",
];

/// The known fields of `text` with continuation lines joined, and `None` for each blank
/// line. Other lines are skipped.
fn unfolded(text: &str) -> Vec<(Option<&'static str>, String)> {
    let mut out: Vec<(Option<&'static str>, String)> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            out.push((None, String::new()));
            open = false;
            continue;
        }
        if open && line.starts_with([' ', '\t']) {
            if let Some((_, value)) = out.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        open = false;
        let Some((name, value)) = line.trim_start().split_once(':') else {
            continue;
        };
        if let Some(known) = NAMES
            .into_iter()
            .find(|n| name.trim_end().eq_ignore_ascii_case(n))
        {
            out.push((Some(known), value.trim().to_owned()));
            open = true;
        }
    }
    out
}

/// A typed value after its type (`rfc822; a@b` → `a@b`, `smtp; 550 …` → `550 …`).
fn after_type(value: &str) -> String {
    value
        .split_once(';')
        .map_or(value, |(_, v)| v)
        .trim()
        .to_owned()
}

/// An address without angle brackets or quotes.
fn address(value: &str) -> String {
    value
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_matches('"')
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_recipient_group_keeps_its_own_fields() {
        let text = "Reporting-MTA: dns; mx.example.net\r\nArrival-Date: Mon, 1 Jan 2024\r\n\r\nFinal-Recipient: rfc822; <a@example.org>\r\nAction: failed\r\nStatus: 5.2.1\r\nDiagnostic-Code: smtp; 550 5.2.1 Mailbox\r\n  disabled\r\n\r\nOriginal-Recipient: rfc822;b@example.org\r\nFinal-Recipient: RFC822; b@example.org\r\nAction: delayed\r\nStatus: 4.2.2\r\nWill-Retry-Until: Tue, 2 Jan 2024\r\n";
        let report = read(text);
        assert_eq!(report.reporting_mta.as_deref(), Some("mx.example.net"));
        assert_eq!(report.groups.len(), 2, "{report:?}");
        let first = &report.groups[0];
        assert_eq!(first.recipient.as_deref(), Some("a@example.org"));
        assert_eq!(first.status.as_deref(), Some("5.2.1"));
        assert_eq!(
            first.diagnostic.as_deref(),
            Some("550 5.2.1 Mailbox disabled")
        );
        let second = &report.groups[1];
        assert_eq!(second.recipient.as_deref(), Some("b@example.org"));
        assert_eq!(second.action.as_deref(), Some("delayed"));
        assert_eq!(second.retry_until.as_deref(), Some("Tue, 2 Jan 2024"));
    }

    #[test]
    fn groups_written_without_blank_lines_split_at_the_next_recipient() {
        let text = "Final-Recipient: rfc822; a@example.org\nAction: failed\nStatus: 5.1.1\nFinal-Recipient: rfc822; b@example.org\nAction: failed\nStatus: 5.2.2\n";
        let report = read(text);
        let statuses: Vec<_> = report
            .groups
            .iter()
            .map(|g| (g.recipient.clone().unwrap(), g.status.clone().unwrap()))
            .collect();
        assert_eq!(
            statuses,
            vec![
                ("a@example.org".to_owned(), "5.1.1".to_owned()),
                ("b@example.org".to_owned(), "5.2.2".to_owned())
            ]
        );
    }
}
