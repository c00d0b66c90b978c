//! Deferrals: each Defer with its code and reason, how long it has been retried, and what
//! happens next.

use crate::analyzers::{Analyzer, Context, event_line};
use crate::case::EventKind;
use crate::diagnosis::{Finding, Severity, Status};
use crate::knowledge::status_codes::CodeCategory;
use crate::step::Step;
use crate::words::{Units, duration};

/// Lists deferrals and the retry window.
pub struct Deferrals;

/// Exchange Online gives up on a deferred message after about a day of retries.
pub(crate) const EXPIRY_HOURS: i64 = 24;

impl Analyzer for Deferrals {
    fn id(&self) -> &'static str {
        "trace-deferrals"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "attachment-scan-delay",
            "deferred-then-delivered",
            "delivery-deferred",
        ]
    }

    fn step(&self) -> Step {
        Step::Trace
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for journey in &cx.facts.journeys {
            let Some(record) = cx.message.traces.get(journey.record) else {
                continue;
            };
            let defers: Vec<_> = journey
                .order
                .iter()
                .filter_map(|&i| record.events.get(i))
                .filter(|e| e.kind == EventKind::Defer)
                .collect();
            let Some(first) = defers.first() else {
                continue;
            };
            let codes: Vec<String> = journey.defer_codes.iter().map(|c| c.code.clone()).collect();
            let codes_text = if codes.is_empty() {
                "no status code".to_owned()
            } else {
                codes.join(", ")
            };
            let span = match (first.time, defers.last().and_then(|d| d.time)) {
                (Some(a), Some(b)) if b > a => {
                    format!(" over {}", duration((b - a).num_seconds(), Units::Words))
                }
                _ => String::new(),
            };
            let only_scanning = !codes.is_empty()
                && codes
                    .iter()
                    .all(|c| cx.knowledge.status_codes.category(c) == Some(CodeCategory::Scanning));
            let (code, severity, title, next) = if journey.status == Status::Pending {
                let give_up = first.time.map(|t| {
                    let at = t + chrono::Duration::hours(EXPIRY_HOURS);
                    format!(" If it still fails, Exchange Online gives up around {} and sends the sender an NDR (4.4.7, message expired).", at.to_rfc3339())
                }).unwrap_or_default();
                (
                    "delivery-deferred",
                    Severity::Warning,
                    format!(
                        "Deferred {}{span}, still retrying ({codes_text})",
                        crate::words::times(defers.len() as u64)
                    ),
                    give_up,
                )
            } else if only_scanning {
                ("attachment-scan-delay", Severity::Info, "Held briefly for Safe Attachments scanning (4.7.721)".to_owned(), " This is informational: Defender for Office 365 scanned the attachments and then released the message.".to_owned())
            } else {
                (
                    "deferred-then-delivered",
                    Severity::Info,
                    format!(
                        "Deferred {}{span} before the final event ({codes_text})",
                        crate::words::times(defers.len() as u64)
                    ),
                    String::new(),
                )
            };
            out.push(
                Finding::new(code, severity, title)
                    .detail(format!("A Defer means the delivery attempt failed temporarily and will be retried.{next}"))
                    .evidence_lines(defers.iter().map(|e| event_line(e)))
                    .advice(if journey.status == Status::Pending { "Step 5 explains the code and whose side it is on; tell the sender it is still being retried." } else { "" }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::Severity;
    use crate::testing::Scenario;

    #[test]
    fn a_message_still_retrying_is_deferred_with_its_codes_and_expiry() {
        let scenario =
            Scenario::from_sample("08-ps-get-messagetracedetailv2-exportcsv-deferred.csv");
        let f = scenario.finding(&Deferrals, "delivery-deferred");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.title.contains("4.4.316"), "{}", f.title);
        assert!(f.detail.contains("4.4.7, message expired"), "{}", f.detail);
        assert_eq!(f.evidence.len(), 3, "{:?}", f.evidence);
    }

    #[test]
    fn a_safe_attachments_hold_is_informational() {
        let f = Scenario::from_sample("02-eac-copytext-junk-multiline-enGB.txt")
            .finding(&Deferrals, "attachment-scan-delay");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.evidence[0].contains("4.7.721"), "{:?}", f.evidence);
    }

    #[test]
    fn deferrals_before_a_send_are_history_not_a_problem() {
        let f = Scenario::from_fixture("trace/eac-outbound-deferred-then-sent.txt")
            .finding(&Deferrals, "deferred-then-delivered");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.title.contains("(4.4.316, 4.4.316)"), "{}", f.title);
        assert!(f.advice.is_empty(), "{}", f.advice);
    }

    #[test]
    fn silent_without_a_defer() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&Deferrals).is_empty());
    }
}
