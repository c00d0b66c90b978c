//! Throttling and deferral: EOP throttling of the sending IP (4.7.5xx/6xx with their
//! `AS(nnn)` tags), recipient thread limits (4.3.2), refused connections (4.4.316/317),
//! attachment scanning (4.7.721) and expiry after retries (4.4.7, 5.4.300): how long the
//! message has been retried, from the trace's first Receive and its Defer times, and what
//! happens next.

use chrono::{DateTime, Duration, FixedOffset};

use crate::analyzers::trace::deferrals::EXPIRY_HOURS;
use crate::analyzers::{Analyzer, Context, event_line};
use crate::case::{EventKind, TraceEvent};
use crate::diagnosis::{Finding, Severity, Status};
use crate::facts::{CodeOrigin, CodeSeen, Journey};
use crate::knowledge::status_codes::{CodeCategory, rfc3463};
use crate::step::Step;
use crate::words::{Units, duration};

/// Explains throttling, deferrals and expiry.
pub struct Throttling;

impl Analyzer for Throttling {
    fn id(&self) -> &'static str {
        "external-throttling"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "attachment-scan-hold",
            "destination-refused-connection",
            "ip-throttled",
            "recipient-thread-limit",
            "retries-expired",
        ]
    }

    fn step(&self) -> Step {
        Step::External
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for journey in &cx.facts.journeys {
            journey_findings(cx, journey, out);
        }
        if cx.facts.journeys.is_empty() {
            for code in cx
                .facts
                .codes
                .iter()
                .filter(|c| c.origin == CodeOrigin::Ndr)
            {
                let category = category(cx, code);
                let Some(kind) = Kind::of(category) else {
                    continue;
                };
                // A delay notice has not expired, whatever its generic code says.
                if kind == Kind::Expired && cx.facts.status == Status::Pending {
                    continue;
                }
                let last = cx
                    .message
                    .ndrs
                    .iter()
                    .find_map(|n| n.last_attempt.as_deref())
                    .filter(|_| kind == Kind::Expired);
                let mut finding = kind
                    .finding(code)
                    .detail(format!(
                        "{} The report does not say how long the sending server has been retrying; Exchange Online gives up about {EXPIRY_HOURS} hours after the first attempt.{}",
                        kind.meaning(),
                        last.map(|l| format!(" The last error before it gave up: {l}"))
                            .unwrap_or_default()
                    ))
                    .evidence(code.source_line.clone());
                if let Some(last) = last {
                    finding = finding.evidence(last);
                }
                out.push(finding);
                break;
            }
        }
    }
}

fn category(cx: &Context<'_>, code: &CodeSeen) -> CodeCategory {
    cx.knowledge
        .status_codes
        .lookup_in(&code.code, &code.source_line)
        .map_or_else(|| rfc3463(&code.code).category, |entry| entry.category)
}

/// The kinds of delay this analyzer explains.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    IpThrottled,
    ThreadLimit,
    ConnectionRefused,
    Scanning,
    Expired,
}

impl Kind {
    fn of(category: CodeCategory) -> Option<Self> {
        match category {
            CodeCategory::Throttling => Some(Self::IpThrottled),
            CodeCategory::ThreadLimit => Some(Self::ThreadLimit),
            CodeCategory::Connection => Some(Self::ConnectionRefused),
            CodeCategory::Scanning => Some(Self::Scanning),
            CodeCategory::Expiry => Some(Self::Expired),
            _ => None,
        }
    }

    fn meaning(self) -> &'static str {
        match self {
            Self::IpThrottled => {
                "Exchange Online Protection is throttling (graylisting) the sending IP: it is new or changed its sending pattern, so EOP accepts its mail slowly."
            }
            Self::ThreadLimit => {
                "The recipient's mailbox receives too many messages at once; Exchange Online delays delivery to it by design."
            }
            Self::ConnectionRefused => {
                "The destination server refused or did not take the connection."
            }
            Self::Scanning => {
                "Defender for Office 365 Safe Attachments held the message while it scanned the attachments."
            }
            Self::Expired => {
                "Exchange Online gave up: the message could not be delivered before its retry period ran out."
            }
        }
    }

    fn finding(self, code: &CodeSeen) -> Finding {
        let tag = code
            .antispam_tag
            .as_deref()
            .map(|t| format!(", {t}"))
            .unwrap_or_default();
        let (id, severity, title) = match self {
            Self::IpThrottled => (
                "ip-throttled",
                Severity::Warning,
                format!(
                    "Exchange Online Protection is throttling the sending IP ({}{tag})",
                    code.code
                ),
            ),
            Self::ThreadLimit => (
                "recipient-thread-limit",
                Severity::Info,
                format!("The recipient's mailbox is throttled ({})", code.code),
            ),
            Self::ConnectionRefused => (
                "destination-refused-connection",
                Severity::Warning,
                format!("The destination refused the connection ({})", code.code),
            ),
            Self::Scanning => (
                "attachment-scan-hold",
                Severity::Info,
                format!("Held for Safe Attachments scanning ({})", code.code),
            ),
            Self::Expired => (
                "retries-expired",
                Severity::Problem,
                format!("Retries expired: Exchange Online gave up ({})", code.code),
            ),
        };
        Finding::new(id, severity, title).advice(self.advice())
    }

    fn advice(self) -> &'static str {
        match self {
            Self::IpThrottled => {
                "Wait: throttling eases as the IP builds a sending history. If the sending IP is your own on-premises server or a gateway in front of Exchange Online, create an inbound connector for it; don't send production volume from a *.onmicrosoft.com address."
            }
            Self::ThreadLimit => {
                "Nothing: the retries succeed. If it keeps happening, the recipient's admin finds the source of the mail storm."
            }
            Self::ConnectionRefused => {
                "Give the recipient's admin the server name and IP from the reason (LastAttemptedServerName / LastAttemptedIP): their server or firewall refuses connections from Exchange Online."
            }
            Self::Scanning => "Nothing: minutes of delay are normal while attachments are scanned.",
            Self::Expired => {
                "Read the last error before the expiry (below): it says why every attempt failed. Check the recipient domain's MX and whether its server is reachable, then resend."
            }
        }
    }
}

fn journey_findings(cx: &Context<'_>, journey: &Journey, out: &mut Vec<Finding>) {
    let Some(record) = cx.message.traces.get(journey.record) else {
        return;
    };
    let events: Vec<&TraceEvent> = journey
        .order
        .iter()
        .filter_map(|&i| record.events.get(i))
        .collect();
    let received = events
        .iter()
        .find(|e| e.kind == EventKind::Receive)
        .and_then(|e| e.time)
        .or(journey.start);
    let defers: Vec<&&TraceEvent> = events
        .iter()
        .filter(|e| e.kind == EventKind::Defer)
        .collect();
    let mut seen: Vec<Kind> = Vec::new();
    let codes = journey.defer_codes.iter().chain(journey.fail_codes.iter());
    for code in codes {
        let Some(kind) = Kind::of(category(cx, code)) else {
            continue;
        };
        if seen.contains(&kind) {
            continue;
        }
        seen.push(kind);
        let timing = timing(journey, kind, received, &defers, &events);
        let mut detail = vec![kind.meaning().to_owned(), timing];
        if kind == Kind::Expired
            && let Some(last) = journey.defer_codes.last()
        {
            detail.push(format!(
                "The last error before it gave up: {} {}.",
                last.code,
                last.text.trim_end_matches('.')
            ));
        }
        if kind == Kind::IpThrottled && code.antispam_tag.is_some() {
            detail.push("The AS tag is Microsoft's internal anti-spam rule id: quote it to Microsoft support if the throttling lasts for days.".into());
        }
        let mut evidence: Vec<String> = Vec::new();
        if let Some(receive) = events.iter().find(|e| e.kind == EventKind::Receive) {
            evidence.push(event_line(receive));
        }
        evidence.extend(defers.iter().take(6).map(|e| event_line(e)));
        if let Some(last) = events.last().filter(|e| e.kind != EventKind::Defer) {
            evidence.push(event_line(last));
        }
        if evidence.is_empty() {
            evidence.push(code.source_line.clone());
        }
        out.push(
            kind.finding(code)
                .detail(detail.join(" "))
                .evidence_lines(evidence),
        );
    }
}

/// How long it has been retried and what happens next.
fn timing(
    journey: &Journey,
    kind: Kind,
    received: Option<DateTime<FixedOffset>>,
    defers: &[&&TraceEvent],
    events: &[&TraceEvent],
) -> String {
    let first_defer = defers.first().and_then(|e| e.time);
    let last_defer = defers.last().and_then(|e| e.time);
    let start = received.or(first_defer);
    let count = defers.len();
    let deferrals = if count == 1 {
        "1 deferral".to_owned()
    } else {
        format!("{count} deferrals")
    };
    let end = events.last().and_then(|e| e.time);
    match (kind, journey.status, start) {
        (Kind::Expired, _, Some(start)) => match end {
            Some(end) if end > start => format!(
                "It was retried for {} after it was received ({deferrals} recorded) before Exchange Online gave up and sent the sender a non-delivery report.",
                duration((end - start).num_seconds(), Units::Words)
            ),
            _ => "Exchange Online retried it until the retry period (about a day) ran out and sent the sender a non-delivery report.".to_owned(),
        },
        (_, Status::Pending, Some(start)) => {
            let so_far = last_defer.filter(|l| *l > start).map_or_else(
                || "less than a minute".into(),
                |l| duration((l - start).num_seconds(), Units::Words),
            );
            let give_up = start + Duration::hours(EXPIRY_HOURS);
            format!(
                "Retried for {so_far} so far ({deferrals} since it was received at {}). Exchange Online keeps retrying at growing intervals; if it still fails it gives up about {EXPIRY_HOURS} hours after the first attempt, around {}, fails it with 4.4.7 (message expired) and sends the sender a non-delivery report.",
                start.to_rfc3339(),
                give_up.to_rfc3339()
            )
        }
        (_, _, Some(start)) => match end {
            Some(end) if end > start => format!(
                "It was delayed {} in all ({deferrals}) and then reached its final event; nothing more will happen.",
                duration((end - start).num_seconds(), Units::Words)
            ),
            _ => format!("It was deferred ({deferrals}) and then reached its final event."),
        },
        (_, _, None) => format!(
            "The trace gives no times, so how long it was retried is unknown ({deferrals}); Exchange Online gives up about {EXPIRY_HOURS} hours after the first attempt."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn eop_throttling_names_the_code_and_its_tag() {
        let scenario =
            Scenario::from_sample_at("13-onprem-msgtrk-log-expand-and-eop-throttle.log", 1);
        let f = scenario.finding(&Throttling, "ip-throttled");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.title,
            "Exchange Online Protection is throttling the sending IP (4.7.500, AS761)"
        );
        assert!(!f.advice.is_empty());
    }

    #[test]
    fn each_kind_of_wait_has_its_code() {
        for (scenario, code, severity) in [
            (
                Scenario::from_sample("08-ps-get-messagetracedetailv2-exportcsv-deferred.csv"),
                "destination-refused-connection",
                Severity::Warning,
            ),
            (
                Scenario::from_sample("02-eac-copytext-junk-multiline-enGB.txt"),
                "attachment-scan-hold",
                Severity::Info,
            ),
            (
                Scenario::from_fixture("ndr/expired-en.txt"),
                "retries-expired",
                Severity::Problem,
            ),
            (
                Scenario::from_fixture("trace/eac-recipient-thread-limit.txt"),
                "recipient-thread-limit",
                Severity::Info,
            ),
        ] {
            let f = scenario.finding(&Throttling, code);
            assert_eq!(f.severity, severity, "{code}");
        }
    }

    #[test]
    fn silent_when_nothing_waited() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&Throttling).is_empty());
    }
}
