//! The one summary model every human-readable report is drawn from: what happened, who
//! decided, why (the decision chain and each step's findings with their evidence), the
//! condensed timeline, the hops, authentication and anti-spam results, the NDR, what to do
//! next and what the report was built from.
//!
//! Building it is where report policy lives (which events a condensed timeline keeps, how
//! many evidence lines a finding shows, how times and delays read); Markdown, text and HTML
//! only lay it out. Every input-derived string is already [`sanitize`]d here, so an
//! exporter's only duty is the escaping of its own syntax.

use chrono::{DateTime, FixedOffset};

use super::Options;
use super::sanitize;
use crate::diagnosis::{
    Audience, DecidedBy, Diagnosis, Hop, JourneyOut, RuleHit, Severity, Side, Status,
};

/// Evidence lines a finding shows in a condensed report; the full report shows all.
pub const CONDENSED_EVIDENCE: usize = 6;

/// Received hops shown; a chain longer than this is a loop or an attack, not a route.
pub const MAX_HOPS: usize = 1000;

/// Other messages of the case listed; a trace export of 100 000 rows is a search result,
/// not a report (the JSON keeps them all).
pub const MAX_MESSAGES: usize = 500;

/// Events a condensed timeline drops when they are not first or last: they say the
/// message moved, not what happened to it.
const ROUTINE_EVENTS: &[&str] = &[
    "Receive",
    "Submit",
    "Send",
    "Resolve",
    "Agent info",
    "Transfer",
    "Journal",
];

/// Repeats of one event kept at each end of a run in a condensed timeline (a message
/// deferred 40 times shows the first two and the last two defers).
const RUN_ENDS: usize = 2;

/// A labelled value (message identity, authentication results, anti-spam fields).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// What the value is, in words.
    pub label: &'static str,
    /// The value.
    pub value: String,
}

/// One recipient's outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecipientRow {
    /// Address.
    pub recipient: String,
    /// Status word.
    pub status: Status,
    /// Where it ended.
    pub location: String,
}

/// One finding as a report shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingRow {
    /// Severity.
    pub severity: Severity,
    /// Stable id, for people who search the docs.
    pub code: String,
    /// One line.
    pub title: String,
    /// One paragraph; may hold line breaks.
    pub detail: String,
    /// Evidence lines shown.
    pub evidence: Vec<String>,
    /// Evidence lines left out of a condensed report.
    pub evidence_omitted: usize,
    /// What to do next.
    pub advice: String,
}

/// The findings of one wizard step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepSummary {
    /// 1–5.
    pub number: u8,
    /// Step title.
    pub title: String,
    /// The most serious severity, if anything was found.
    pub worst: Option<Severity>,
    /// Findings, most serious first.
    pub findings: Vec<FindingRow>,
}

/// One trace event as a timeline row.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    /// Time for people, or empty.
    pub time: String,
    /// Seconds since the first timed event of the whole trace, for the timeline chart.
    pub offset_seconds: Option<f64>,
    /// Event name.
    pub event: String,
    /// Detail text (one line).
    pub detail: String,
}

/// A timeline row: an event, or a gap where a condensed timeline left events out.
#[derive(Clone, Debug, PartialEq)]
pub enum TimelineEntry {
    /// An event.
    Event(EventRow),
    /// This many events were left out here.
    Omitted(usize),
}

/// One journey of the trace.
#[derive(Clone, Debug, PartialEq)]
pub struct JourneySummary {
    /// 1-based.
    pub number: usize,
    /// The journey's status.
    pub status: Status,
    /// Recipients, comma-separated.
    pub recipients: String,
    /// First to last event, in words, when known.
    pub duration: Option<String>,
    /// True when the journey ends by handing the message to a gateway or smart host.
    pub hand_off: bool,
    /// The rows, in order.
    pub entries: Vec<TimelineEntry>,
}

/// One Received hop.
#[derive(Clone, Debug, PartialEq)]
pub struct HopRow {
    /// 1-based, oldest first.
    pub index: u32,
    /// Sending host.
    pub from: String,
    /// Receiving host.
    pub by: String,
    /// Protocol.
    pub with: String,
    /// Time for people.
    pub time: String,
    /// Delay since the previous hop, in seconds; `None` when unknown or the clock went
    /// backwards.
    pub delay_seconds: Option<f64>,
    /// The delay in words ("1 min 5 s"), or "—".
    pub delay: String,
    /// TLS version.
    pub tls: String,
}

/// A transport rule that fired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleRow {
    /// Rule name.
    pub name: String,
    /// Rule GUID, or empty.
    pub id: String,
    /// Times it fired.
    pub count: u32,
}

impl RuleRow {
    /// The rule on one line: its name, its GUID when the name does not hold it, and how
    /// often it fired ("Block executables (5E0D…), fired once").
    pub fn line(&self) -> String {
        rule_line(&self.name, Some(self.id.as_str()), self.count)
    }
}

/// A rule on one line, as the Summary screen and every report name it.
pub fn rule_line(name: &str, id: Option<&str>, count: u32) -> String {
    let id = id
        .filter(|id| !id.is_empty() && !name.contains(id))
        .map(|id| format!(" ({id})"))
        .unwrap_or_default();
    format!(
        "{name}{id}, fired {}",
        crate::words::times(u64::from(count))
    )
}

/// The rules that decided the verdict: those that fired when a mail flow rule decided,
/// none otherwise (a rule that only tagged the message is no cause).
pub fn deciding_rules(d: &Diagnosis) -> &[RuleHit] {
    if d.verdict.decided_by == DecidedBy::TransportRule {
        &d.rules
    } else {
        &[]
    }
}

/// The decisive NDR or defer code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NdrSummary {
    /// Enhanced status code.
    pub code: String,
    /// What it means.
    pub meaning: String,
    /// Whose side must act, in words.
    pub side: &'static str,
}

/// Next actions for one audience.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionGroup {
    /// Who ("Support agent", "User", "Administrator").
    pub audience: &'static str,
    /// What to do, in order.
    pub items: Vec<String>,
}

/// One input the report was built from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputRow {
    /// Base name.
    pub name: String,
    /// Kind (`trace-text`, …).
    pub kind: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// SHA-256, hex.
    pub sha256: String,
}

/// Another message of the same case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageRow {
    /// 0-based index, as `--message` takes it.
    pub index: usize,
    /// True for the message this report is about.
    pub selected: bool,
    /// Subject.
    pub subject: String,
    /// Sender.
    pub sender: String,
    /// Recipients, comma-separated.
    pub recipients: String,
    /// Its status.
    pub status: Status,
}

/// Everything a report shows, in reading order.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Final status.
    pub status: Status,
    /// One sentence a tier-one agent can read out.
    pub headline: String,
    /// Where it ended, in words.
    pub location: Option<String>,
    /// Which layer decided, in words.
    pub decided_by: &'static str,
    /// Who must act next, in words ("your Microsoft 365 admins").
    pub who_acts: &'static str,
    /// Subject, sender, recipients, Message-ID, size.
    pub message: Vec<Field>,
    /// Per-recipient outcomes.
    pub recipients: Vec<RecipientRow>,
    /// The decisions that led to the verdict, in order.
    pub decision_chain: Vec<String>,
    /// The five steps.
    pub steps: Vec<StepSummary>,
    /// Journeys with their (condensed) events; empty when no trace was given.
    pub timeline: Vec<JourneySummary>,
    /// True when the timeline holds every event.
    pub full_timeline: bool,
    /// Received hops, oldest first.
    pub hops: Vec<HopRow>,
    /// Hops beyond [`MAX_HOPS`] left out.
    pub hops_omitted: usize,
    /// Authentication results.
    pub authentication: Vec<Field>,
    /// Anti-spam fields.
    pub antispam: Vec<Field>,
    /// Transport rules that fired.
    pub rules: Vec<RuleRow>,
    /// The decisive NDR or defer code.
    pub ndr: Option<NdrSummary>,
    /// The mail flow rules that decided the verdict, named beside the cause.
    pub deciding_rules: Vec<RuleRow>,
    /// Next actions grouped by who acts, the group that acts first on top.
    pub next_actions: Vec<ActionGroup>,
    /// Every message of the case, when there is more than one.
    pub messages: Vec<MessageRow>,
    /// Messages beyond [`MAX_MESSAGES`] left out.
    pub messages_omitted: usize,
    /// The inputs.
    pub inputs: Vec<InputRow>,
    /// "mailflow 0.1.0".
    pub tool: String,
    /// When the report was made, for people; `None` leaves it out.
    pub generated_at: Option<String>,
    /// True when personal data was replaced by pseudonyms.
    pub redacted: bool,
    /// The agent's checklist: (item, done).
    pub agent_checks: Vec<(String, bool)>,
    /// The agent's notes; empty in redacted reports.
    pub notes: String,
}

impl Summary {
    /// Builds the summary of `d`. Redaction, when asked for, has already been applied to
    /// `d` by the caller ([`super::render_with`]); `options.redact` only labels the report.
    pub fn build(d: &Diagnosis, options: &Options) -> Self {
        let hops_shown = d.hops.len().min(MAX_HOPS);
        Self {
            status: d.verdict.status,
            headline: sanitize::value(&d.verdict.headline),
            location: d.verdict.location.as_deref().map(sanitize::value),
            decided_by: d.verdict.decided_by.label(),
            who_acts: d.verdict.who_acts.label(),
            message: message_fields(d),
            recipients: d
                .recipients
                .iter()
                .map(|r| RecipientRow {
                    recipient: sanitize::value(&r.recipient),
                    status: r.status,
                    location: r
                        .location
                        .as_deref()
                        .map(sanitize::value)
                        .unwrap_or_default(),
                })
                .collect(),
            decision_chain: d
                .decision_chain
                .iter()
                .map(|s| sanitize::value(s))
                .collect(),
            steps: d
                .steps
                .iter()
                .map(|s| StepSummary {
                    number: s.step,
                    title: sanitize::value(&s.title),
                    worst: s.worst(),
                    findings: s
                        .findings
                        .iter()
                        .map(|f| {
                            let keep = if options.full_timeline {
                                f.evidence.len()
                            } else {
                                CONDENSED_EVIDENCE
                            };
                            FindingRow {
                                severity: f.severity,
                                code: sanitize::value(&f.code),
                                title: sanitize::value(&f.title),
                                detail: sanitize::paragraph(&f.detail),
                                evidence: f
                                    .evidence
                                    .iter()
                                    .take(keep)
                                    .map(|e| sanitize::value(e))
                                    .collect(),
                                evidence_omitted: f.evidence.len().saturating_sub(keep),
                                advice: sanitize::paragraph(&f.advice),
                            }
                        })
                        .collect(),
                })
                .collect(),
            timeline: timeline(d, options.full_timeline),
            full_timeline: options.full_timeline,
            hops: d.hops.iter().take(hops_shown).map(hop_row).collect(),
            hops_omitted: d.hops.len() - hops_shown,
            authentication: authentication(d),
            antispam: antispam(d),
            rules: d.rules.iter().map(rule_row).collect(),
            ndr: d.ndr.as_ref().map(|n| NdrSummary {
                code: sanitize::value(&n.code),
                meaning: sanitize::value(&n.meaning),
                side: side_label(n.side),
            }),
            deciding_rules: deciding_rules(d).iter().map(rule_row).collect(),
            next_actions: next_actions(d),
            messages: messages(d),
            messages_omitted: d.messages.len().saturating_sub(MAX_MESSAGES),
            inputs: d
                .inputs
                .iter()
                .map(|i| InputRow {
                    name: sanitize::value(&i.name),
                    kind: sanitize::value(&i.kind),
                    size_bytes: i.size_bytes,
                    sha256: sanitize::value(&i.sha256),
                })
                .collect(),
            tool: sanitize::value(&format!("{} {}", d.tool.name, d.tool.version)),
            generated_at: options.generated_at.map(|t| human_time(&t)),
            redacted: options.redact,
            agent_checks: options
                .agent_checks
                .iter()
                .map(|(item, done)| (sanitize::value(item), *done))
                .collect(),
            notes: if options.redact {
                String::new()
            } else {
                sanitize::value(&options.notes)
            },
        }
    }

    /// The heading of the part after the verdict that names the decisive status code and
    /// the mail flow rules that decided; `None` when there is neither.
    pub fn cause_heading(&self) -> Option<&'static str> {
        match (&self.ndr, self.deciding_rules.as_slice()) {
            (Some(_), _) => Some("Status code"),
            (None, []) => None,
            (None, [_]) => Some("Mail flow rule"),
            (None, _) => Some("Mail flow rules"),
        }
    }

    /// Every problem and warning of every step, with its step, in the steps' order: the
    /// lines the Summary screen and a ticket lead with.
    pub fn problems(&self) -> impl Iterator<Item = (&StepSummary, &FindingRow)> {
        self.steps.iter().flat_map(|s| {
            s.findings
                .iter()
                .filter(|f| f.severity >= Severity::Warning)
                .map(move |f| (s, f))
        })
    }
}

/// A severity as a report word.
pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Ok => "OK",
        Severity::Info => "Info",
        Severity::Warning => "Warning",
        Severity::Problem => "Problem",
    }
}

/// Whose side must act, in words.
pub fn side_label(side: Side) -> &'static str {
    match side {
        Side::Sender => "the sender's side",
        Side::Recipient => "the recipient's side",
        Side::Tenant => "this tenant's configuration",
        Side::Microsoft365 => "Microsoft 365",
        Side::Network => "network, DNS or TLS of the destination",
        Side::Unknown => "unknown",
    }
}

/// Who does a group of next actions, as the Summary screen and the reports name them.
pub fn audience_label(audience: Audience) -> &'static str {
    match audience {
        Audience::Agent => "Support agent",
        Audience::User => "User",
        Audience::Admin => "Administrator",
    }
}

/// A duration for a table cell ("45 s", "3 min 5 s", "2 h", "3 d 2 h"), worded as every
/// finding words it ([`crate::words::duration`]); "—" for a value that is not a number.
pub fn duration_words(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "—".into();
    }
    crate::words::duration(seconds.round() as i64, crate::words::Units::Short)
}

/// An RFC 3339 time for people (`2024-12-06 17:31:00 +00:00`); other text as given.
pub fn human_time_text(text: &str) -> String {
    DateTime::parse_from_rfc3339(text.trim())
        .map_or_else(|_| sanitize::value(text), |t| human_time(&t))
}

fn human_time(t: &DateTime<FixedOffset>) -> String {
    t.format("%Y-%m-%d %H:%M:%S %:z").to_string()
}

fn opt(value: Option<&str>) -> String {
    value.map(sanitize::value).unwrap_or_default()
}

fn message_fields(d: &Diagnosis) -> Vec<Field> {
    let Some(m) = &d.message else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    let mut push = |label, value: String| {
        if !value.is_empty() {
            fields.push(Field { label, value });
        }
    };
    push("Subject", opt(m.subject.as_deref()));
    push("Sender", opt(m.sender.as_deref()));
    push("Recipients", sanitize::value(&m.recipients.join(", ")));
    push("Message-ID", opt(m.message_id.as_deref()));
    push("Size", m.size_bytes.map(size_words).unwrap_or_default());
    fields
}

/// "3 more hops", "1 more message": what a condensed report left out.
pub fn more(n: usize, one: &str, many: &str) -> String {
    format!("{n} more {}", crate::words::noun(n as u64, one, many))
}

/// A byte count in words ("58.3 KB (59 709 bytes)").
pub fn size_words(bytes: u64) -> String {
    if bytes < 1024 {
        crate::words::count(bytes, "byte", "bytes")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KB ({bytes} bytes)", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MB ({bytes} bytes)", bytes as f64 / 1024.0 / 1024.0)
    }
}

fn authentication(d: &Diagnosis) -> Vec<Field> {
    let Some(a) = &d.authentication else {
        return Vec::new();
    };
    [
        ("SPF", &a.spf),
        ("DKIM", &a.dkim),
        ("DMARC", &a.dmarc),
        ("ARC", &a.arc),
        ("Composite authentication (compauth)", &a.compauth),
        ("compauth reason", &a.compauth_reason),
    ]
    .into_iter()
    .filter_map(|(label, value)| {
        value.as_deref().map(|v| Field {
            label,
            value: sanitize::value(v),
        })
    })
    .collect()
}

fn antispam(d: &Diagnosis) -> Vec<Field> {
    let Some(a) = &d.antispam else {
        return Vec::new();
    };
    let numbers = [
        ("Spam confidence level (SCL)", a.scl.map(i32::from)),
        ("Bulk complaint level (BCL)", a.bcl.map(i32::from)),
        ("Phishing confidence level (PCL)", a.pcl.map(i32::from)),
    ];
    let words = [
        ("Spam filter verdict (SFV)", &a.sfv),
        ("Category (CAT)", &a.cat),
        ("IP filter verdict (IPV)", &a.ipv),
        ("Country of the connecting IP", &a.country),
        ("Connecting IP (CIP)", &a.client_ip),
    ];
    numbers
        .into_iter()
        .filter_map(|(label, v)| {
            v.map(|v| Field {
                label,
                value: v.to_string(),
            })
        })
        .chain(words.into_iter().filter_map(|(label, v)| {
            v.as_deref().map(|v| Field {
                label,
                value: sanitize::value(v),
            })
        }))
        .collect()
}

fn hop_row(h: &Hop) -> HopRow {
    let delay_seconds = h.delay_seconds.filter(|s| s.is_finite() && *s >= 0.0);
    HopRow {
        index: h.index,
        from: opt(h.from.as_deref()),
        by: opt(h.by.as_deref()),
        with: opt(h.with.as_deref()),
        time: h.time.as_deref().map(human_time_text).unwrap_or_default(),
        delay_seconds,
        delay: delay_seconds.map_or_else(|| "—".into(), duration_words),
        tls: opt(h.tls.as_deref()),
    }
}

fn parse_time(text: Option<&str>) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text?.trim()).ok()
}

fn timeline(d: &Diagnosis, full: bool) -> Vec<JourneySummary> {
    let Some(trace) = &d.trace else {
        return Vec::new();
    };
    let origin = trace
        .journeys
        .iter()
        .flat_map(|j| &j.events)
        .filter_map(|e| parse_time(e.time.as_deref()))
        .min();
    trace
        .journeys
        .iter()
        .enumerate()
        .map(|(i, j)| JourneySummary {
            number: i + 1,
            status: j.status,
            recipients: sanitize::value(&j.recipients.join(", ")),
            duration: j.duration_seconds.map(duration_words),
            hand_off: j.hand_off,
            entries: journey_entries(j, origin, full),
        })
        .collect()
}

/// For each event, the bounds `(start, end)` of the run of equal event names it is in.
fn runs(j: &JourneyOut) -> Vec<(usize, usize)> {
    let mut bounds = Vec::with_capacity(j.events.len());
    let mut start = 0;
    for (i, e) in j.events.iter().enumerate() {
        let next_differs = j.events.get(i + 1).is_none_or(|n| n.event != e.event);
        if next_differs {
            bounds.extend(std::iter::repeat_n((start, i + 1), i + 1 - start));
            start = i + 1;
        }
    }
    bounds
}

/// The events of a journey a report shows: all of them, or the first and last, every
/// event that is not routine, and only the ends of a long run of one event.
fn journey_entries(
    j: &JourneyOut,
    origin: Option<DateTime<FixedOffset>>,
    full: bool,
) -> Vec<TimelineEntry> {
    let last = j.events.len().saturating_sub(1);
    let runs = runs(j);
    let keep = j
        .events
        .iter()
        .zip(&runs)
        .enumerate()
        .map(|(i, (e, &(start, end)))| {
            full || i == 0
                || i == last
                || !ROUTINE_EVENTS
                    .iter()
                    .any(|r| r.eq_ignore_ascii_case(e.event.trim()))
                    && (i < start + RUN_ENDS || i + RUN_ENDS >= end)
        });
    let mut entries = Vec::new();
    let mut omitted = 0;
    for (e, kept) in j.events.iter().zip(keep) {
        if !kept {
            omitted += 1;
            continue;
        }
        if omitted > 0 {
            entries.push(TimelineEntry::Omitted(omitted));
            omitted = 0;
        }
        let time = parse_time(e.time.as_deref());
        entries.push(TimelineEntry::Event(EventRow {
            time: e.time.as_deref().map(human_time_text).unwrap_or_default(),
            offset_seconds: time
                .zip(origin)
                .map(|(t, o)| (t - o).num_milliseconds() as f64 / 1000.0),
            event: sanitize::value(&e.event),
            detail: opt(e.detail.as_deref()),
        }));
    }
    entries
}

fn next_actions(d: &Diagnosis) -> Vec<ActionGroup> {
    d.next_action_groups()
        .into_iter()
        .map(|(who, actions)| ActionGroup {
            audience: audience_label(who),
            items: actions.iter().map(|a| sanitize::value(&a.text)).collect(),
        })
        .collect()
}

fn rule_row(r: &RuleHit) -> RuleRow {
    RuleRow {
        name: sanitize::value(&r.name),
        id: r.id.as_deref().map(sanitize::value).unwrap_or_default(),
        count: r.count,
    }
}

fn messages(d: &Diagnosis) -> Vec<MessageRow> {
    if d.messages.len() < 2 {
        return Vec::new();
    }
    d.messages
        .iter()
        .take(MAX_MESSAGES)
        .enumerate()
        .map(|(index, m)| MessageRow {
            index,
            selected: index == d.selected_message,
            subject: opt(m.subject.as_deref()),
            sender: opt(m.sender.as_deref()),
            recipients: sanitize::value(&m.recipients.join(", ")),
            status: m.verdict.status,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::EventOut;

    fn event(time: &str, name: &str) -> EventOut {
        EventOut {
            time: Some(time.into()),
            event: name.into(),
            detail: Some(format!("{name} detail")),
            original_name: None,
        }
    }

    fn journey(names: &[&str]) -> JourneyOut {
        JourneyOut {
            status: Status::Pending,
            recipients: vec!["a@example.com".into()],
            events: names
                .iter()
                .enumerate()
                .map(|(i, n)| event(&format!("2025-01-15T08:{:02}:00+00:00", i % 60), n))
                .collect(),
            duration_seconds: Some(3600.0),
            hand_off: false,
        }
    }

    fn kept_names(entries: &[TimelineEntry]) -> Vec<String> {
        entries
            .iter()
            .map(|e| match e {
                TimelineEntry::Event(r) => r.event.clone(),
                TimelineEntry::Omitted(n) => format!("…{n}"),
            })
            .collect()
    }

    #[test]
    fn a_condensed_timeline_keeps_ends_and_decisive_events() {
        let mut names = vec!["Receive", "Submit", "Transport rule", "Send"];
        names.extend(std::iter::repeat_n("Defer", 10));
        names.push("Fail");
        let j = journey(&names);
        let kept = kept_names(&journey_entries(&j, None, false));
        assert_eq!(
            kept,
            [
                "Receive",
                "…1",
                "Transport rule",
                "…1",
                "Defer",
                "Defer",
                "…6",
                "Defer",
                "Defer",
                "Fail"
            ]
        );
        assert_eq!(journey_entries(&j, None, true).len(), names.len());
    }

    #[test]
    fn event_offsets_are_measured_from_the_first_event() {
        let j = journey(&["Receive", "Deliver"]);
        let origin = parse_time(Some("2025-01-15T07:59:00+00:00"));
        let entries = journey_entries(&j, origin, false);
        let Some(TimelineEntry::Event(last)) = entries.last() else {
            panic!("an event");
        };
        assert_eq!(last.offset_seconds, Some(120.0));
    }

    #[test]
    fn durations_and_times_read_well() {
        assert_eq!(duration_words(2.0), "2 s");
        assert_eq!(duration_words(65.0), "1 min 5 s");
        assert_eq!(duration_words(3600.0), "1 h");
        assert_eq!(duration_words(90_000.0), "1 d 1 h");
        assert_eq!(duration_words(f64::NAN), "—");
        assert_eq!(
            human_time_text("2022-12-06T12:31:00-05:00"),
            "2022-12-06 12:31:00 -05:00"
        );
        assert_eq!(human_time_text("yesterday\x1b[2J"), "yesterday\\x1b[2J");
    }

    fn rule(name: &str, id: Option<&str>, count: u32) -> RuleHit {
        RuleHit {
            name: name.into(),
            id: id.map(Into::into),
            count,
            journeys: vec![1],
        }
    }

    #[test]
    fn the_rules_are_named_beside_the_cause_only_when_a_rule_decided() {
        let mut d = crate::export::fixture::minimal();
        d.rules = vec![rule("Tag external senders", Some("5B7C"), 2)];
        let options = Options::default();
        assert!(Summary::build(&d, &options).deciding_rules.is_empty());
        assert_eq!(Summary::build(&d, &options).cause_heading(), None);

        d.verdict.decided_by = DecidedBy::TransportRule;
        let s = Summary::build(&d, &options);
        assert_eq!(s.cause_heading(), Some("Mail flow rule"));
        let lines: Vec<String> = s.deciding_rules.iter().map(RuleRow::line).collect();
        assert_eq!(lines, ["Tag external senders (5B7C), fired twice"]);
    }

    #[test]
    fn a_rule_named_after_its_guid_is_not_named_twice() {
        assert_eq!(
            rule_line("rule 5E0D", Some("5E0D"), 1),
            "rule 5E0D, fired once"
        );
        assert_eq!(rule_line("Block", None, 3), "Block, fired 3 times");
        assert_eq!(more(1, "hop", "hops"), "1 more hop");
        assert_eq!(size_words(1), "1 byte");
    }
}
