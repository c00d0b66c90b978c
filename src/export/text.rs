//! Plain text for email and terminals: no markup, no control characters (the summary has
//! made every input-derived string printable), lines wrapped at [`WIDTH`] columns so a
//! mail client does not break them at random.

use std::fmt::Write as _;

use super::summary::{self, Field, Summary, TimelineEntry, more};

/// The column lines are wrapped at.
pub const WIDTH: usize = 76;

/// Appends `text` wrapped at [`WIDTH`]: the first line after `first`, the following lines
/// after `rest` (both prefixes count towards the width). A word longer than a line (a URL,
/// a long host name) stands alone on its line rather than being cut.
fn wrap(out: &mut String, first: &str, rest: &str, text: &str) {
    let mut line = String::from(first);
    let mut line_len = first.chars().count();
    let mut empty = true;
    for word in text.split_whitespace() {
        let word_len = word.chars().count();
        if !empty && line_len + 1 + word_len > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(rest);
            line_len = rest.chars().count();
            empty = true;
        }
        if !empty {
            line.push(' ');
            line_len += 1;
        }
        line.push_str(word);
        line_len += word_len;
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// A paragraph that may hold line breaks: each line wrapped on its own.
fn wrap_paragraph(out: &mut String, first: &str, rest: &str, text: &str) {
    let mut prefix = first;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        wrap(out, prefix, rest, line);
        prefix = rest;
    }
}

fn heading(out: &mut String, title: &str, underline: char) {
    out.push('\n');
    out.push_str(title);
    out.push('\n');
    out.extend(std::iter::repeat_n(
        underline,
        title.chars().count().min(WIDTH),
    ));
    out.push('\n');
}

fn fields(out: &mut String, fields: &[Field]) {
    let width = fields
        .iter()
        .map(|f| f.label.chars().count())
        .max()
        .unwrap_or(0);
    for f in fields {
        let first = format!("{:<width$}  ", f.label);
        let rest = " ".repeat(width + 2);
        wrap(out, &first, &rest, &f.value);
    }
}

/// Renders the summary as plain text, in the Summary screen's order: the headline, who
/// acts, the cause, every problem and warning on one line, the next actions by who does
/// them, the agent's checks and notes; then the evidence.
pub fn render(s: &Summary) -> String {
    let mut out = String::new();
    verdict(&mut out, s);
    cause(&mut out, s);
    problems(&mut out, s);
    next_actions(&mut out, s);
    agent_checks(&mut out, s);
    decision_chain(&mut out, s);
    steps(&mut out, s);
    timeline(&mut out, s);
    hops(&mut out, s);
    evidence_tables(&mut out, s);
    messages(&mut out, s);
    footer(&mut out, s);
    out
}

/// The title, the headline, who acts, the verdict fields and, with several, the
/// recipients.
fn verdict(out: &mut String, s: &Summary) {
    let title = format!("Mailflow diagnosis: {}", s.status.label());
    out.push_str(&title);
    out.push('\n');
    out.extend(std::iter::repeat_n('=', title.chars().count()));
    out.push_str("\n\n");
    wrap(out, "", "", &s.headline);
    out.push('\n');
    wrap(out, "", "", &format!("Who acts: {}", s.who_acts));
    out.push('\n');
    let mut verdict = vec![
        Field {
            label: "Where",
            value: s.location.clone().unwrap_or_else(|| "not known".into()),
        },
        Field {
            label: "Decided by",
            value: s.decided_by.to_owned(),
        },
    ];
    verdict.extend(s.message.iter().cloned());
    fields(out, &verdict);

    if s.recipients.len() > 1 {
        heading(out, "Recipients", '-');
        for r in &s.recipients {
            let text = format!("{}: {} {}", r.recipient, r.status.label(), r.location);
            wrap(out, "  ", "    ", &text);
        }
    }
}

/// The decisive status code and the mail flow rules that decided, when there are any.
fn cause(out: &mut String, s: &Summary) {
    if let Some(title) = s.cause_heading() {
        heading(out, title, '-');
        if let Some(ndr) = &s.ndr {
            let text = format!(
                "{}: {} (to be fixed on {})",
                ndr.code, ndr.meaning, ndr.side
            );
            wrap(out, "", "", &text);
        }
        for rule in &s.deciding_rules {
            let text = format!("Mail flow rule: {}", rule.line());
            wrap(out, "  * ", "    ", &text);
        }
    }
}

/// Every problem and warning on one line, with its step.
fn problems(out: &mut String, s: &Summary) {
    let problems: Vec<_> = s.problems().collect();
    if !problems.is_empty() {
        heading(out, "Problems and warnings", '-');
        for (step, f) in problems {
            let text = format!(
                "[{}] {} (Step {}: {})",
                summary::severity_label(f.severity),
                f.title,
                step.number,
                step.title
            );
            wrap(out, "  * ", "    ", &text);
        }
    }
}

/// The next actions, grouped by who does them.
fn next_actions(out: &mut String, s: &Summary) {
    if !s.next_actions.is_empty() {
        heading(out, "Next actions", '-');
        for group in &s.next_actions {
            writeln!(out, "{}:", group.audience).ok();
            for item in &group.items {
                wrap(out, "  * ", "    ", item);
            }
        }
    }
}

/// The agent's ticked checks and notes.
fn agent_checks(out: &mut String, s: &Summary) {
    if !s.agent_checks.is_empty() || !s.notes.is_empty() {
        heading(out, "Checked by the agent", '-');
        for (item, done) in &s.agent_checks {
            wrap(
                out,
                "  * ",
                "    ",
                &format!("{item}: {}", if *done { "yes" } else { "no" }),
            );
        }
        if !s.notes.is_empty() {
            wrap(out, "", "", &format!("Notes: {}", s.notes));
        }
    }
}

/// The decisions that led to the verdict, in order.
fn decision_chain(out: &mut String, s: &Summary) {
    if !s.decision_chain.is_empty() {
        heading(out, "How it was decided", '-');
        for (i, step) in s.decision_chain.iter().enumerate() {
            wrap(out, &format!("{:>2}. ", i + 1), "    ", step);
        }
    }
}

/// Authentication, the anti-spam fields and the rules that fired.
fn evidence_tables(out: &mut String, s: &Summary) {
    if !s.authentication.is_empty() {
        heading(out, "Authentication", '-');
        fields(out, &s.authentication);
    }
    if !s.antispam.is_empty() {
        heading(out, "Anti-spam verdict", '-');
        fields(out, &s.antispam);
    }
    if !s.rules.is_empty() {
        heading(out, "Transport rules that fired", '-');
        for r in &s.rules {
            let text = r.line();
            wrap(out, "  * ", "    ", &text);
        }
    }
}

/// Every message of the case, when there is more than one.
fn messages(out: &mut String, s: &Summary) {
    if !s.messages.is_empty() {
        heading(out, "Messages in this case", '-');
        for m in &s.messages {
            let marker = if m.selected { " (this report)" } else { "" };
            let text = format!(
                "{}{marker}: {}, {} -> {}, {}",
                m.index,
                m.subject,
                m.sender,
                m.recipients,
                m.status.label()
            );
            wrap(out, "  ", "    ", &text);
        }
        if s.messages_omitted > 0 {
            writeln!(
                out,
                "  {} not shown.",
                more(s.messages_omitted, "message", "messages")
            )
            .ok();
        }
    }
}

fn steps(out: &mut String, s: &Summary) {
    heading(out, "Findings by step", '-');
    for step in &s.steps {
        let worst = step
            .worst
            .map(|w| format!(" ({})", summary::severity_label(w)))
            .unwrap_or_default();
        writeln!(out, "\n{}. {}{worst}", step.number, step.title).ok();
        if step.findings.is_empty() {
            out.push_str("   Nothing to report.\n");
        }
        for f in &step.findings {
            let title = format!("[{}] {}", summary::severity_label(f.severity), f.title);
            wrap(out, "   ", "     ", &title);
            wrap_paragraph(out, "     ", "     ", &f.detail);
            for line in &f.evidence {
                wrap(out, "     > ", "       ", line);
            }
            if f.evidence_omitted > 0 {
                writeln!(
                    out,
                    "     > … {}",
                    more(f.evidence_omitted, "evidence line", "evidence lines")
                )
                .ok();
            }
            if !f.advice.is_empty() {
                wrap_paragraph(out, "     Advice: ", "     ", &f.advice);
            }
        }
    }
}

fn timeline(out: &mut String, s: &Summary) {
    if s.timeline.is_empty() {
        return;
    }
    heading(out, "Trace timeline", '-');
    if !s.full_timeline {
        out.push_str("Condensed: first and last events and the events that decided.\n");
    }
    for j in &s.timeline {
        let mut title = format!("Journey {}: {}", j.number, j.status.label());
        if !j.recipients.is_empty() {
            write!(title, ", {}", j.recipients).ok();
        }
        if let Some(d) = &j.duration {
            write!(title, " ({d})").ok();
        }
        if j.hand_off {
            title.push_str(", handed off to a gateway or smart host");
        }
        out.push('\n');
        wrap(out, "", "  ", &title);
        for entry in &j.entries {
            match entry {
                TimelineEntry::Event(e) => {
                    let text = format!("{}  {}: {}", e.time, e.event, e.detail);
                    wrap(out, "  ", "      ", text.trim_end_matches([':', ' ']));
                }
                TimelineEntry::Omitted(n) => {
                    writeln!(
                        out,
                        "  … {} left out",
                        crate::words::count(*n as u64, "event", "events")
                    )
                    .ok();
                }
            }
        }
    }
}

fn hops(out: &mut String, s: &Summary) {
    if s.hops.is_empty() {
        return;
    }
    heading(out, "Received hops (oldest first)", '-');
    for h in &s.hops {
        let mut text = format!("{} -> {}", or_unknown(&h.from), or_unknown(&h.by));
        let how: Vec<&str> = [h.with.as_str(), h.tls.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        if !how.is_empty() {
            write!(text, " ({})", how.join(", ")).ok();
        }
        if !h.time.is_empty() {
            write!(text, " at {}", h.time).ok();
        }
        write!(text, ", delay {}", h.delay).ok();
        wrap(out, &format!("{:>3}. ", h.index), "     ", &text);
    }
    if s.hops_omitted > 0 {
        writeln!(
            out,
            "     {} not shown.",
            more(s.hops_omitted, "hop", "hops")
        )
        .ok();
    }
}

fn or_unknown(s: &str) -> &str {
    if s.is_empty() { "?" } else { s }
}

fn footer(out: &mut String, s: &Summary) {
    if !s.inputs.is_empty() {
        heading(out, "Built from", '-');
        for i in &s.inputs {
            let text = format!(
                "{} ({}, {}) SHA-256 {}",
                i.name,
                i.kind,
                summary::size_words(i.size_bytes),
                i.sha256
            );
            wrap(out, "  * ", "    ", &text);
        }
    }
    out.push_str("\n--\n");
    let mut line = format!("Generated by {}", s.tool);
    if let Some(at) = &s.generated_at {
        write!(line, " on {at}").ok();
    }
    line.push('.');
    if s.redacted {
        line.push_str(" Personal data is replaced by pseudonyms.");
    } else {
        line.push_str(" This report contains personal data (addresses, subjects).");
    }
    wrap(out, "", "", &line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_at_the_width_with_indents() {
        let mut out = String::new();
        let text = "word ".repeat(40);
        wrap(&mut out, "  * ", "    ", &text);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH));
        assert!(lines[0].starts_with("  * word"));
        assert!(lines[1].starts_with("    word"));
    }

    #[test]
    fn a_word_longer_than_a_line_stands_alone() {
        let mut out = String::new();
        let url = format!("https://example.com/{}", "x".repeat(100));
        wrap(&mut out, "", "", &format!("see {url} now"));
        assert_eq!(out, format!("see\n{url}\nnow\n"));
    }
}
