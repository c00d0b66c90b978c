//! Deferrals: each Defer with its code and reason, how long it has been retried, and what
//! happens next.

use crate::analyzers::trace::journeys::human_duration;
use crate::analyzers::{Analyzer, Context, event_line};
use crate::case::EventKind;
use crate::diagnosis::{Finding, Severity, Status};
use crate::step::Step;

/// Lists deferrals and the retry window.
pub struct Deferrals;

/// Exchange Online gives up on a deferred message after about a day of retries.
pub(crate) const EXPIRY_HOURS: i64 = 24;

impl Analyzer for Deferrals {
    fn id(&self) -> &'static str {
        "trace-deferrals"
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
                    format!(" over {}", human_duration((b - a).num_seconds()))
                }
                _ => String::new(),
            };
            let only_scanning = !codes.is_empty() && codes.iter().all(|c| c == "4.7.721");
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
