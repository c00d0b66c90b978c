//! A self-contained HTML report: one file, inline CSS, inline SVG charts, no script and no
//! remote load (a Content-Security-Policy `<meta>` forbids both, so even an escaping bug
//! could not run code or fetch a tracking pixel), readable on screen and printable to PDF
//! from a browser. All markup goes through [`Markup`], which escapes every value.

use std::fmt::Write as _;

use super::markup::Markup;
use super::summary::{self, Field, Summary, TimelineEntry, more};
use super::svg;
use crate::diagnosis::{Severity, Status};

/// The policy: nothing but inline style and `data:` images, written out literally (an
/// attribute built through [`Markup`] would have its quotes escaped).
const CSP_META: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n";

const STYLE: &str = r#"<style>
:root { color-scheme: light; --ok: #1a7f37; --info: #0969da; --warn: #9a6700; --bad: #cf222e; --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #fff; max-width: 62rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.35rem; margin: .4rem 0 .8rem; }
.who-acts { font-size: 1.15rem; font-weight: 600; margin: 0 0 .8rem; }
h2 { font-size: 1.1rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; margin-top: 1.8rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f6f8fa; font-weight: 600; }
table.kv th { width: 14rem; }
td.nowrap { white-space: nowrap; overflow-wrap: normal; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Consolas, monospace; font-size: .86rem; overflow-wrap: anywhere; }
.verdict { border: 2px solid var(--line); border-left-width: .5rem; border-radius: .4rem; padding: .8rem 1rem; }
.status-delivered { border-color: var(--ok); } .status-junk, .status-quarantined, .status-pending { border-color: var(--warn); }
.status-blocked, .status-failed { border-color: var(--bad); } .status-expanded, .status-unknown { border-color: var(--muted); }
.badge { display: inline-block; font-weight: 600; font-size: .8rem; padding: .05rem .5rem; border-radius: 1rem; color: #fff; background: var(--muted); }
.sev-ok .badge, .badge.delivered { background: var(--ok); } .sev-info .badge { background: var(--info); }
.sev-warning .badge, .badge.junk, .badge.quarantined, .badge.pending { background: var(--warn); }
.sev-problem .badge, .badge.blocked, .badge.failed { background: var(--bad); }
ul.findings { list-style: none; padding-left: 0; }
ul.findings > li { border-left: 3px solid var(--line); padding: .2rem 0 .2rem .7rem; margin: .5rem 0; break-inside: avoid; }
ul.findings > li.sev-problem { border-color: var(--bad); } ul.findings > li.sev-warning { border-color: var(--warn); }
ul.evidence { margin: .2rem 0; padding-left: 1.2rem; color: var(--muted); }
.detail { white-space: pre-line; margin: .2rem 0; }
.advice { margin: .2rem 0; }
.omitted td { color: var(--muted); font-style: italic; }
.muted, footer { color: var(--muted); font-size: .85rem; }
svg.chart { width: 100%; height: auto; max-width: 48rem; display: block; margin: .4rem 0; font: 12px system-ui, sans-serif; }
svg .label, svg .value, svg .tick { fill: #1f2328; } svg .tick { fill: var(--muted); }
svg .label { text-anchor: end; }
svg .bar { fill: var(--info); } svg .bar.slow { fill: var(--warn); } svg .bar.unknown { fill: var(--line); }
svg .lane, svg .axis { fill: var(--line); }
svg .ev { fill: var(--muted); } svg .ev.bad { fill: var(--bad); } svg .ev.warn { fill: var(--warn); } svg .ev.good { fill: var(--ok); }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2, h3 { break-after: avoid; }
  table, svg.chart, .verdict { break-inside: avoid; }
  tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  a[href]::after { content: " (" attr(href) ")"; font-size: .8em; color: var(--muted); }
  .badge { border: 1px solid #000; color: #000; background: none !important; }
}
</style>
"#;

fn status_class(status: Status) -> &'static str {
    match status {
        Status::Delivered => "verdict status-delivered",
        Status::Junk => "verdict status-junk",
        Status::Quarantined => "verdict status-quarantined",
        Status::Blocked => "verdict status-blocked",
        Status::Failed => "verdict status-failed",
        Status::Pending => "verdict status-pending",
        Status::Expanded => "verdict status-expanded",
        Status::Unknown => "verdict status-unknown",
    }
}

fn badge_class(status: Status) -> &'static str {
    match status {
        Status::Delivered => "badge delivered",
        Status::Junk => "badge junk",
        Status::Quarantined => "badge quarantined",
        Status::Blocked => "badge blocked",
        Status::Failed => "badge failed",
        Status::Pending => "badge pending",
        Status::Expanded | Status::Unknown => "badge",
    }
}

fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Ok => "sev-ok",
        Severity::Info => "sev-info",
        Severity::Warning => "sev-warning",
        Severity::Problem => "sev-problem",
    }
}

/// Columns whose short values must not wrap (a time, a delay, a TLS version).
const NARROW: &[&str] = &[
    "#", "Time", "Delay", "TLS", "Times", "Status", "Size", "Kind", "Event",
];

/// A table with `N` static column titles and rows of escaped cells.
fn table<const N: usize>(m: &mut Markup, headers: [&str; N], rows: &[[&str; N]]) {
    m.open("table", &[]).open("thead", &[]).open("tr", &[]);
    for h in headers {
        m.element("th", &[], h);
    }
    m.close("tr").close("thead").open("tbody", &[]);
    for row in rows {
        m.open("tr", &[]);
        for (cell, header) in row.iter().zip(headers) {
            let attrs: &[(&'static str, &str)] = if NARROW.contains(&header) {
                &[("class", "nowrap")]
            } else {
                &[]
            };
            m.open("td", attrs).linked_text(cell).close("td");
        }
        m.close("tr");
    }
    m.close("tbody").close("table");
}

fn fields(m: &mut Markup, fields: &[Field]) {
    m.open("table", &[("class", "kv")]).open("tbody", &[]);
    for f in fields {
        m.open("tr", &[])
            .element("th", &[("scope", "row")], f.label)
            .open("td", &[])
            .linked_text(&f.value)
            .close("td")
            .close("tr");
    }
    m.close("tbody").close("table");
}

/// Renders the summary as one HTML document.
pub fn render(s: &Summary) -> String {
    let mut m = Markup::new();
    m.trusted("<!DOCTYPE html>\n")
        .open("html", &[("lang", "en")])
        .trusted("\n<head>\n")
        .trusted("<meta charset=\"utf-8\">\n")
        .trusted(CSP_META)
        .trusted("<meta name=\"referrer\" content=\"no-referrer\">\n")
        .trusted("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let subject = s
        .message
        .iter()
        .find(|f| f.label == "Subject")
        .map(|f| format!(" — {}", f.value))
        .unwrap_or_default();
    m.element(
        "title",
        &[],
        &format!("Mailflow diagnosis: {}{subject}", s.status.label()),
    );
    m.trusted("\n").trusted(STYLE).trusted("</head>\n<body>\n");

    verdict(&mut m, s);
    if s.recipients.len() > 1 {
        section(&mut m, "recipients", "Recipients");
        let rows: Vec<[&str; 3]> = s
            .recipients
            .iter()
            .map(|r| [r.recipient.as_str(), r.status.label(), r.location.as_str()])
            .collect();
        table(&mut m, ["Recipient", "Status", "Where"], &rows);
        m.close("section");
    }
    cause(&mut m, s);
    problems(&mut m, s);
    next_actions(&mut m, s);
    agent_checks(&mut m, s);
    if !s.decision_chain.is_empty() {
        section(&mut m, "decision", "How it was decided");
        m.open("ol", &[]);
        for step in &s.decision_chain {
            m.open("li", &[]).linked_text(step).close("li");
        }
        m.close("ol").close("section");
    }
    steps(&mut m, s);
    timeline(&mut m, s);
    hops(&mut m, s);
    if !s.authentication.is_empty() {
        section(&mut m, "authentication", "Authentication");
        fields(&mut m, &s.authentication);
        m.close("section");
    }
    if !s.antispam.is_empty() {
        section(&mut m, "antispam", "Anti-spam verdict");
        fields(&mut m, &s.antispam);
        m.close("section");
    }
    if !s.rules.is_empty() {
        section(&mut m, "rules", "Transport rules that fired");
        let counts: Vec<String> = s.rules.iter().map(|r| r.count.to_string()).collect();
        let rows: Vec<[&str; 3]> = s
            .rules
            .iter()
            .zip(&counts)
            .map(|(r, c)| [r.name.as_str(), r.id.as_str(), c.as_str()])
            .collect();
        table(&mut m, ["Rule", "ID", "Times"], &rows);
        m.close("section");
    }
    messages(&mut m, s);
    inputs(&mut m, s);
    footer(&mut m, s);
    m.trusted("</body>\n</html>\n");
    m.finish()
}

fn section(m: &mut Markup, id: &'static str, title: &str) {
    m.trusted("\n")
        .open("section", &[("id", id)])
        .element("h2", &[], title);
}

fn verdict(m: &mut Markup, s: &Summary) {
    m.open("header", &[("class", status_class(s.status))])
        .element(
            "span",
            &[("class", badge_class(s.status))],
            s.status.label(),
        )
        .element("h1", &[], &s.headline)
        .element(
            "p",
            &[("class", "who-acts")],
            &format!("Who acts: {}", s.who_acts),
        );
    let mut rows = vec![
        Field {
            label: "Where",
            value: s.location.clone().unwrap_or_else(|| "not known".into()),
        },
        Field {
            label: "Decided by",
            value: s.decided_by.to_owned(),
        },
    ];
    rows.extend(s.message.iter().cloned());
    fields(m, &rows);
    m.close("header");
}

/// The decisive status code and the mail flow rules that decided, when there are any.
fn cause(m: &mut Markup, s: &Summary) {
    let Some(heading) = s.cause_heading() else {
        return;
    };
    section(m, "cause", heading);
    if let Some(ndr) = &s.ndr {
        m.open("p", &[])
            .element("code", &[], &ndr.code)
            .text(": ")
            .linked_text(&ndr.meaning)
            .text(&format!(" (to be fixed on {})", ndr.side))
            .close("p");
    }
    if !s.deciding_rules.is_empty() {
        m.open("ul", &[]);
        for rule in &s.deciding_rules {
            m.element("li", &[], &format!("Mail flow rule: {}", rule.line()));
        }
        m.close("ul");
    }
    m.close("section");
}

/// Every problem and warning on one line, with its step.
fn problems(m: &mut Markup, s: &Summary) {
    let mut problems = s.problems().peekable();
    if problems.peek().is_none() {
        return;
    }
    section(m, "problems", "Problems and warnings");
    m.open("ul", &[("class", "findings")]);
    for (step, f) in problems {
        m.open("li", &[("class", severity_class(f.severity))])
            .element(
                "span",
                &[("class", "badge")],
                summary::severity_label(f.severity),
            )
            .text(" ")
            .element("strong", &[], &f.title)
            .element(
                "span",
                &[("class", "muted")],
                &format!(" (Step {}: {})", step.number, step.title),
            )
            .close("li");
    }
    m.close("ul").close("section");
}

fn next_actions(m: &mut Markup, s: &Summary) {
    if s.next_actions.is_empty() {
        return;
    }
    section(m, "next", "Next actions");
    for group in &s.next_actions {
        m.element("h3", &[], group.audience).open("ul", &[]);
        for item in &group.items {
            m.open("li", &[]).linked_text(item).close("li");
        }
        m.close("ul");
    }
    m.close("section");
}

fn agent_checks(m: &mut Markup, s: &Summary) {
    if s.agent_checks.is_empty() && s.notes.is_empty() {
        return;
    }
    section(m, "checks", "Checked by the agent");
    m.open("ul", &[]);
    for (item, done) in &s.agent_checks {
        m.open("li", &[])
            .text(&format!("{item}: {}", if *done { "yes" } else { "no" }))
            .close("li");
    }
    m.close("ul");
    if !s.notes.is_empty() {
        m.element("p", &[], &format!("Notes: {}", s.notes));
    }
    m.close("section");
}

fn steps(m: &mut Markup, s: &Summary) {
    section(m, "steps", "Findings by step");
    for step in &s.steps {
        match step.worst {
            Some(worst) => {
                m.open("h3", &[("class", severity_class(worst))])
                    .text(&format!("{}. {} ", step.number, step.title))
                    .element(
                        "span",
                        &[("class", "badge")],
                        summary::severity_label(worst),
                    );
            }
            None => {
                m.open("h3", &[])
                    .text(&format!("{}. {}", step.number, step.title));
            }
        }
        m.close("h3");
        if step.findings.is_empty() {
            m.element("p", &[("class", "muted")], "Nothing to report.");
            continue;
        }
        m.open("ul", &[("class", "findings")]);
        for f in &step.findings {
            m.open("li", &[("class", severity_class(f.severity))])
                .open("p", &[])
                .element(
                    "span",
                    &[("class", "badge")],
                    summary::severity_label(f.severity),
                )
                .text(" ")
                .element("strong", &[], &f.title)
                .close("p");
            if !f.detail.is_empty() {
                m.open("p", &[("class", "detail")])
                    .linked_text(&f.detail)
                    .close("p");
            }
            if !f.evidence.is_empty() || f.evidence_omitted > 0 {
                m.open("ul", &[("class", "evidence")]);
                for line in &f.evidence {
                    m.open("li", &[]).element("code", &[], line).close("li");
                }
                if f.evidence_omitted > 0 {
                    m.element(
                        "li",
                        &[],
                        &format!(
                            "… {}",
                            more(f.evidence_omitted, "evidence line", "evidence lines")
                        ),
                    );
                }
                m.close("ul");
            }
            if !f.advice.is_empty() {
                m.open("p", &[("class", "advice")])
                    .element("em", &[], "Advice: ")
                    .linked_text(&f.advice)
                    .close("p");
            }
            m.close("li");
        }
        m.close("ul");
    }
    m.close("section");
}

fn timeline(m: &mut Markup, s: &Summary) {
    if s.timeline.is_empty() {
        return;
    }
    section(m, "timeline", "Trace timeline");
    svg::timeline(m, &s.timeline);
    if !s.full_timeline {
        m.element(
            "p",
            &[("class", "muted")],
            "Condensed: first and last events and the events that decided.",
        );
    }
    for j in &s.timeline {
        let mut title = format!("Journey {}: {}", j.number, j.status.label());
        if !j.recipients.is_empty() {
            title.push_str(", ");
            title.push_str(&j.recipients);
        }
        if let Some(d) = &j.duration {
            write!(title, " ({d})").ok();
        }
        if j.hand_off {
            title.push_str(", handed off to a gateway or smart host");
        }
        m.element("h3", &[], &title);
        m.open("table", &[]).open("thead", &[]).open("tr", &[]);
        for h in ["Time", "Event", "Detail"] {
            m.element("th", &[], h);
        }
        m.close("tr").close("thead").open("tbody", &[]);
        for entry in &j.entries {
            match entry {
                TimelineEntry::Event(e) => {
                    m.open("tr", &[])
                        .element("td", &[("class", "mono nowrap")], &e.time)
                        .element("td", &[("class", "nowrap")], &e.event)
                        .open("td", &[])
                        .linked_text(&e.detail)
                        .close("td")
                        .close("tr");
                }
                TimelineEntry::Omitted(n) => {
                    m.open("tr", &[("class", "omitted")])
                        .element(
                            "td",
                            &[("colspan", "3")],
                            &format!(
                                "… {} left out",
                                crate::words::count(*n as u64, "event", "events")
                            ),
                        )
                        .close("tr");
                }
            }
        }
        m.close("tbody").close("table");
    }
    m.close("section");
}

fn hops(m: &mut Markup, s: &Summary) {
    if s.hops.is_empty() {
        return;
    }
    section(m, "hops", "Received hops (oldest first)");
    svg::hop_delays(m, &s.hops);
    let indexes: Vec<String> = s.hops.iter().map(|h| h.index.to_string()).collect();
    let rows: Vec<[&str; 7]> = s
        .hops
        .iter()
        .zip(&indexes)
        .map(|(h, i)| {
            [
                i.as_str(),
                h.from.as_str(),
                h.by.as_str(),
                h.with.as_str(),
                h.time.as_str(),
                h.delay.as_str(),
                h.tls.as_str(),
            ]
        })
        .collect();
    table(
        m,
        ["#", "From", "By", "With", "Time", "Delay", "TLS"],
        &rows,
    );
    if s.hops_omitted > 0 {
        m.element(
            "p",
            &[("class", "muted")],
            &format!("{} not shown.", more(s.hops_omitted, "hop", "hops")),
        );
    }
    m.close("section");
}

fn messages(m: &mut Markup, s: &Summary) {
    if s.messages.is_empty() {
        return;
    }
    section(m, "messages", "Messages in this case");
    let indexes: Vec<String> = s
        .messages
        .iter()
        .map(|r| {
            let marker = if r.selected { " (this report)" } else { "" };
            format!("{}{marker}", r.index)
        })
        .collect();
    let rows: Vec<[&str; 5]> = s
        .messages
        .iter()
        .zip(&indexes)
        .map(|(r, i)| {
            [
                i.as_str(),
                r.subject.as_str(),
                r.sender.as_str(),
                r.recipients.as_str(),
                r.status.label(),
            ]
        })
        .collect();
    table(m, ["#", "Subject", "Sender", "Recipients", "Status"], &rows);
    if s.messages_omitted > 0 {
        m.element(
            "p",
            &[("class", "muted")],
            &format!(
                "{} not shown.",
                more(s.messages_omitted, "message", "messages")
            ),
        );
    }
    m.close("section");
}

fn inputs(m: &mut Markup, s: &Summary) {
    if s.inputs.is_empty() {
        return;
    }
    section(m, "inputs", "Built from");
    m.open("table", &[]).open("thead", &[]).open("tr", &[]);
    for h in ["Input", "Kind", "Size", "SHA-256"] {
        m.element("th", &[], h);
    }
    m.close("tr").close("thead").open("tbody", &[]);
    for i in &s.inputs {
        m.open("tr", &[])
            .element("td", &[], &i.name)
            .element("td", &[("class", "nowrap")], &i.kind)
            .element(
                "td",
                &[("class", "nowrap")],
                &summary::size_words(i.size_bytes),
            )
            .element("td", &[("class", "mono")], &i.sha256)
            .close("tr");
    }
    m.close("tbody").close("table").close("section");
}

fn footer(m: &mut Markup, s: &Summary) {
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
    m.trusted("\n").element("footer", &[], &line).trusted("\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_style_sheet_has_a_print_layout_and_the_policy_forbids_scripts() {
        assert!(STYLE.contains("@media print"));
        assert!(CSP_META.contains("content=\"default-src 'none'; "));
        assert!(!CSP_META.contains("script-src"));
    }
}
