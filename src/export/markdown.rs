//! Markdown for tickets (ServiceNow, Jira, GitHub): pastes cleanly, renders as text.
//!
//! Input-derived text is inert: Markdown and HTML metacharacters are backslash-escaped
//! (CommonMark lets any ASCII punctuation be escaped, so `\<script>` shows as text and
//! `\[x\](javascript:…)` is no link), a value never starts a block (`1.`, `#`, `-` at the
//! start of a list item are escaped), and every table row is built from a fixed list of
//! one-line cells with `|` escaped, so a table keeps its column count whatever the input.

use std::fmt::Write as _;

use super::summary::{self, Field, JourneySummary, Summary, TimelineEntry, more};

/// Characters escaped wherever input text appears inline.
const ESCAPED: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '&', '|', '~'];

/// Escapes input-derived text for inline use (paragraphs, list items, table cells).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut at_start = true;
    let mut leading_digits = true;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let block_marker = at_start && matches!(c, '#' | '+' | '-' | '=');
        let list_number = leading_digits
            && !at_start
            && matches!(c, '.' | ')')
            && chars.peek().is_none_or(|n| n.is_whitespace());
        if ESCAPED.contains(&c) || block_marker || list_number {
            out.push('\\');
        }
        if c.is_control() {
            out.push(' ');
        } else {
            out.push(c);
        }
        leading_digits = leading_digits && c.is_ascii_digit();
        at_start = false;
    }
    out
}

/// A code span holding `s` verbatim: the fence is one backtick longer than the longest
/// run inside. In a table cell `|` must still be escaped (GFM splits cells first).
fn code(s: &str, in_table: bool) -> String {
    let mut run = 0;
    let mut longest_run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest_run = longest_run.max(run);
    }
    let fence = "`".repeat(longest_run + 1);
    let body: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let body = if in_table {
        body.replace('|', "\\|")
    } else {
        body
    };
    let pad = if body.starts_with('`') || body.ends_with('`') || body.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// One table row from exactly `N` cells.
fn row<const N: usize>(out: &mut String, cells: [&str; N]) {
    out.push('|');
    for cell in cells {
        let cell = cell.trim();
        out.push(' ');
        out.push_str(if cell.is_empty() { " " } else { cell });
        out.push_str(" |");
    }
    out.push('\n');
}

/// A table: a header row of `N` static titles, a delimiter row, then one row per item.
fn table<const N: usize>(out: &mut String, headers: [&str; N], rows: Vec<[String; N]>) {
    row(out, headers);
    row(out, [":--"; N]);
    for cells in rows {
        row(out, cells.each_ref().map(String::as_str));
    }
    out.push('\n');
}

fn fields_table(out: &mut String, first: &str, fields: &[Field]) {
    table(
        out,
        [first, "Value"],
        fields
            .iter()
            .map(|f| [f.label.to_owned(), escape(&f.value)])
            .collect(),
    );
}

/// A multi-line paragraph as one escaped line (line breaks become spaces).
fn paragraph(s: &str) -> String {
    escape(&super::sanitize::one_line(s))
}

/// Renders the summary as Markdown, in the Summary screen's order: the headline, who
/// acts, the cause, every problem and warning on one line, the next actions by who does
/// them, the agent's checks and notes; then the evidence.
pub fn render(s: &Summary) -> String {
    let mut out = String::new();
    verdict(&mut out, s);
    cause(&mut out, s);
    problems(&mut out, s);
    next_actions(&mut out, s);
    agent_checks(&mut out, s);
    if !s.decision_chain.is_empty() {
        out.push_str("## How it was decided\n\n");
        for (i, step) in s.decision_chain.iter().enumerate() {
            writeln!(out, "{}. {}", i + 1, escape(step)).ok();
        }
        out.push('\n');
    }
    steps(&mut out, s);
    timeline(&mut out, s);
    hops(&mut out, s);
    evidence_tables(&mut out, s);
    messages(&mut out, s);
    footer(&mut out, s);
    out
}

/// The title, the headline, who acts, the verdict table and, with several, the recipients.
fn verdict(out: &mut String, s: &Summary) {
    writeln!(out, "# Mailflow diagnosis: {}\n", s.status.label()).ok();
    writeln!(out, "**{}**\n", escape(&s.headline)).ok();
    writeln!(out, "**Who acts:** {}\n", escape(s.who_acts)).ok();
    let mut verdict = vec![
        ["Status".to_owned(), s.status.label().to_owned()],
        [
            "Where".to_owned(),
            escape(s.location.as_deref().unwrap_or("not known")),
        ],
        ["Decided by".to_owned(), escape(s.decided_by)],
    ];
    verdict.extend(
        s.message
            .iter()
            .map(|f| [f.label.to_owned(), escape(&f.value)]),
    );
    table(out, ["Verdict", "Value"], verdict);
    if s.recipients.len() > 1 {
        out.push_str("## Recipients\n\n");
        table(
            out,
            ["Recipient", "Status", "Where"],
            s.recipients
                .iter()
                .map(|r| {
                    [
                        escape(&r.recipient),
                        r.status.label().to_owned(),
                        escape(&r.location),
                    ]
                })
                .collect(),
        );
    }
}

/// Every problem and warning on one line, with its step.
fn problems(out: &mut String, s: &Summary) {
    let problems: Vec<_> = s.problems().collect();
    if problems.is_empty() {
        return;
    }
    out.push_str("## Problems and warnings\n\n");
    for (step, f) in problems {
        writeln!(
            out,
            "- **{}**: {} (Step {}: {})",
            summary::severity_label(f.severity),
            escape(&f.title),
            step.number,
            escape(&step.title)
        )
        .ok();
    }
    out.push('\n');
}

/// The next actions, grouped by who does them.
fn next_actions(out: &mut String, s: &Summary) {
    if s.next_actions.is_empty() {
        return;
    }
    out.push_str("## Next actions\n\n");
    for group in &s.next_actions {
        writeln!(out, "**{}**\n", group.audience).ok();
        for item in &group.items {
            writeln!(out, "- {}", escape(item)).ok();
        }
        out.push('\n');
    }
}

/// Authentication, the anti-spam fields and the rules that fired.
fn evidence_tables(out: &mut String, s: &Summary) {
    if !s.authentication.is_empty() {
        out.push_str("## Authentication\n\n");
        fields_table(out, "Check", &s.authentication);
    }
    if !s.antispam.is_empty() {
        out.push_str("## Anti-spam verdict\n\n");
        fields_table(out, "Field", &s.antispam);
    }
    if !s.rules.is_empty() {
        out.push_str("## Transport rules that fired\n\n");
        table(
            out,
            ["Rule", "ID", "Times"],
            s.rules
                .iter()
                .map(|r| [escape(&r.name), escape(&r.id), r.count.to_string()])
                .collect(),
        );
    }
}

/// Every message of the case, when there is more than one.
fn messages(out: &mut String, s: &Summary) {
    if !s.messages.is_empty() {
        out.push_str("## Messages in this case\n\n");
        table(
            out,
            ["#", "Subject", "Sender", "Recipients", "Status"],
            s.messages
                .iter()
                .map(|m| {
                    let marker = if m.selected { " (this report)" } else { "" };
                    [
                        format!("{}{marker}", m.index),
                        escape(&m.subject),
                        escape(&m.sender),
                        escape(&m.recipients),
                        m.status.label().to_owned(),
                    ]
                })
                .collect(),
        );
        if s.messages_omitted > 0 {
            writeln!(
                out,
                "{} not shown.\n",
                more(s.messages_omitted, "message", "messages")
            )
            .ok();
        }
    }
}

/// The decisive status code and the mail flow rules that decided, when there are any.
fn cause(out: &mut String, s: &Summary) {
    let Some(heading) = s.cause_heading() else {
        return;
    };
    writeln!(out, "## {heading}\n").ok();
    if let Some(ndr) = &s.ndr {
        writeln!(
            out,
            "**{}**: {} (to be fixed on {})\n",
            escape(&ndr.code),
            escape(&ndr.meaning),
            ndr.side
        )
        .ok();
    }
    for rule in &s.deciding_rules {
        writeln!(out, "- Mail flow rule: {}", escape(&rule.line())).ok();
    }
    if !s.deciding_rules.is_empty() {
        out.push('\n');
    }
}

fn agent_checks(out: &mut String, s: &Summary) {
    if s.agent_checks.is_empty() && s.notes.is_empty() {
        return;
    }
    out.push_str("## Checked by the agent\n\n");
    for (item, done) in &s.agent_checks {
        writeln!(
            out,
            "- {}: {}",
            escape(item),
            if *done { "yes" } else { "no" }
        )
        .ok();
    }
    if !s.notes.is_empty() {
        writeln!(out, "\n**Notes:** {}", escape(&s.notes)).ok();
    }
    out.push('\n');
}

fn steps(out: &mut String, s: &Summary) {
    out.push_str("## Findings by step\n\n");
    for step in &s.steps {
        let worst = step
            .worst
            .map(|w| format!(" ({})", summary::severity_label(w)))
            .unwrap_or_default();
        writeln!(out, "### {}. {}{worst}\n", step.number, escape(&step.title)).ok();
        if step.findings.is_empty() {
            out.push_str("Nothing to report.\n\n");
            continue;
        }
        for f in &step.findings {
            writeln!(
                out,
                "- **{}**: {}",
                summary::severity_label(f.severity),
                escape(&f.title)
            )
            .ok();
            if !f.detail.is_empty() {
                writeln!(out, "  {}", paragraph(&f.detail)).ok();
            }
            for line in &f.evidence {
                writeln!(out, "  - {}", code(line, false)).ok();
            }
            if f.evidence_omitted > 0 {
                writeln!(
                    out,
                    "  - … {}",
                    more(f.evidence_omitted, "evidence line", "evidence lines")
                )
                .ok();
            }
            if !f.advice.is_empty() {
                writeln!(out, "  - *Advice:* {}", paragraph(&f.advice)).ok();
            }
        }
        out.push('\n');
    }
}

fn journey_heading(j: &JourneySummary) -> String {
    let mut heading = format!("### Journey {}: {}", j.number, j.status.label());
    if !j.recipients.is_empty() {
        write!(heading, ", {}", escape(&j.recipients)).ok();
    }
    if let Some(d) = &j.duration {
        write!(heading, " ({d})").ok();
    }
    if j.hand_off {
        heading.push_str(", handed off to a gateway or smart host");
    }
    heading
}

fn timeline(out: &mut String, s: &Summary) {
    if s.timeline.is_empty() {
        return;
    }
    out.push_str("## Trace timeline\n\n");
    if !s.full_timeline {
        out.push_str("Condensed: first and last events and the events that decided.\n\n");
    }
    for j in &s.timeline {
        writeln!(out, "{}\n", journey_heading(j)).ok();
        table(
            out,
            ["Time", "Event", "Detail"],
            j.entries
                .iter()
                .map(|e| match e {
                    TimelineEntry::Event(e) => {
                        [escape(&e.time), escape(&e.event), escape(&e.detail)]
                    }
                    TimelineEntry::Omitted(n) => [
                        "…".to_owned(),
                        format!(
                            "{} left out",
                            crate::words::count(*n as u64, "event", "events")
                        ),
                        String::new(),
                    ],
                })
                .collect(),
        );
    }
}

fn hops(out: &mut String, s: &Summary) {
    if s.hops.is_empty() {
        return;
    }
    out.push_str("## Received hops (oldest first)\n\n");
    table(
        out,
        ["#", "From", "By", "With", "Time", "Delay", "TLS"],
        s.hops
            .iter()
            .map(|h| {
                [
                    h.index.to_string(),
                    escape(&h.from),
                    escape(&h.by),
                    escape(&h.with),
                    escape(&h.time),
                    escape(&h.delay),
                    escape(&h.tls),
                ]
            })
            .collect(),
    );
    if s.hops_omitted > 0 {
        writeln!(out, "{} not shown.\n", more(s.hops_omitted, "hop", "hops")).ok();
    }
}

fn footer(out: &mut String, s: &Summary) {
    if !s.inputs.is_empty() {
        out.push_str("## Built from\n\n");
        table(
            out,
            ["Input", "Kind", "Size", "SHA-256"],
            s.inputs
                .iter()
                .map(|i| {
                    [
                        escape(&i.name),
                        escape(&i.kind),
                        summary::size_words(i.size_bytes),
                        code(&i.sha256, true),
                    ]
                })
                .collect(),
        );
    }
    out.push_str("---\n\n");
    let mut line = format!("Generated by {}", escape(&s.tool));
    if let Some(at) = &s.generated_at {
        write!(line, " on {}", escape(at)).ok();
    }
    line.push('.');
    if s.redacted {
        line.push_str(" Personal data is replaced by pseudonyms.");
    } else {
        line.push_str(" This report contains personal data (addresses, subjects).");
    }
    writeln!(out, "*{line}*").ok();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cells of a GFM table row: unescaped pipes minus the outer two.
    fn cells(line: &str) -> usize {
        let mut pipes = 0;
        let mut escaped = false;
        for c in line.chars() {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '|') => pipes += 1,
                _ => {}
            }
        }
        pipes - 1
    }

    #[test]
    fn metacharacters_are_escaped() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("<script>"), "\\<script\\>");
        assert_eq!(
            escape("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
        assert_eq!(escape("`rm -rf`"), "\\`rm -rf\\`");
        assert_eq!(escape("&lt;b&gt;"), "\\&lt;b\\&gt;");
    }

    #[test]
    fn a_value_never_starts_a_block() {
        assert_eq!(escape("# title"), "\\# title");
        assert_eq!(escape("- item"), "\\- item");
        assert_eq!(escape("12. item"), "12\\. item");
        assert_eq!(escape("12 items. ok"), "12 items. ok");
        assert_eq!(escape("112.4 KB"), "112.4 KB");
        assert_eq!(escape("3)"), "3\\)");
        assert_eq!(escape("a-b # c"), "a-b # c");
    }

    #[test]
    fn code_spans_outgrow_the_backticks_inside() {
        assert_eq!(code("a`b", false), "``a`b``");
        assert_eq!(code("`x`", false), "`` `x` ``");
        assert_eq!(code("a|b", true), "`a\\|b`");
    }

    #[test]
    fn rows_keep_their_column_count() {
        let mut out = String::new();
        table(
            &mut out,
            ["A", "B"],
            vec![
                [escape("x | y"), String::new()],
                [escape("\\"), escape("z")],
            ],
        );
        for line in out.lines().filter(|l| !l.is_empty()) {
            assert_eq!(cells(line), 2, "{line}");
        }
    }

    #[test]
    fn agent_checks_and_notes_are_recorded_and_notes_left_out_when_redacted() {
        let d = crate::export::fixture::minimal();
        let mut options = crate::export::Options {
            agent_checks: vec![(
                "Mail status: Asked the user to check Junk Email".into(),
                true,
            )],
            notes: "User found it in Junk | marked Not junk".into(),
            ..crate::export::Options::default()
        };
        let out = crate::export::render_with(&d, crate::export::Format::Markdown, &options);
        assert!(out.contains("## Checked by the agent"), "{out}");
        assert!(out.contains("- Mail status: Asked the user to check Junk Email: yes"));
        assert!(out.contains("**Notes:** User found it in Junk"), "{out}");
        options.redact = true;
        let out = crate::export::render_with(&d, crate::export::Format::Markdown, &options);
        assert!(out.contains("Asked the user to check Junk Email: yes"));
        assert!(!out.contains("User found it"));
        let json = crate::export::render_with(&d, crate::export::Format::Json, &options);
        assert!(
            !json.contains("Asked the user"),
            "the JSON contract is unchanged"
        );
    }
}
