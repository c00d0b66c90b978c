//! The final status of the message as the trace shows it, with the decisive event.

use crate::analyzers::{Analyzer, Context, event_line};
use crate::diagnosis::{Finding, Severity, Status};
use crate::step::Step;

/// Final status from the trace: delivered, junk, quarantined, blocked, failed, pending,
/// expanded.
pub struct Outcome;

impl Analyzer for Outcome {
    fn id(&self) -> &'static str {
        "trace-outcome"
    }

    fn step(&self) -> Step {
        Step::Trace
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let facts = cx.facts;
        if cx.message.traces.is_empty() {
            out.push(
                Finding::new("no-trace", Severity::Info, "No message trace was given")
                    .detail("Step 1 reads a message trace: it shows whether the message reached Microsoft 365 and what happened to it there.")
                    .advice("In the Exchange admin center: Mail flow → Message trace → run the trace → select the message → Copy report text, and paste it here. Or export Get-MessageTraceV2 / Get-MessageTraceDetailV2 to CSV."),
            );
            return;
        }
        let (code, severity, title) = match facts.status {
            Status::Delivered => (
                "trace-delivered",
                Severity::Ok,
                "The trace shows the message delivered",
            ),
            Status::Junk => (
                "trace-delivered-to-junk",
                Severity::Warning,
                "Delivered to the Junk Email folder",
            ),
            Status::Quarantined => (
                "trace-quarantined",
                Severity::Warning,
                "The message was quarantined",
            ),
            Status::Blocked => (
                "trace-blocked",
                Severity::Problem,
                "The message was blocked by policy",
            ),
            Status::Failed => ("trace-failed", Severity::Problem, "Delivery failed"),
            Status::Pending => (
                "trace-pending",
                Severity::Warning,
                "Not delivered yet: delivery is being retried",
            ),
            Status::Expanded => (
                "trace-expanded",
                Severity::Info,
                "Sent to a group that was expanded",
            ),
            Status::Unknown => (
                "trace-outcome-unknown",
                Severity::Warning,
                "The trace does not show a final outcome",
            ),
        };
        let mut finding = Finding::new(code, severity, title)
            .detail(facts.location.clone().map_or_else(
                || cx.decision.verdict.headline.clone(),
                |l| format!("{l}. {}", cx.decision.verdict.headline),
            ))
            .advice(
                cx.decision
                    .next_actions
                    .first()
                    .map(|a| a.text.clone())
                    .unwrap_or_default(),
            );
        for recipient in &facts.recipients {
            let Some(journey) = recipient.journey.and_then(|j| facts.journeys.get(j)) else {
                continue;
            };
            let Some(record) = cx.message.traces.get(journey.record) else {
                continue;
            };
            if let Some(event) = journey.decisive.and_then(|d| record.events.get(d)) {
                let line = event_line(event);
                if !finding.evidence.contains(&line) {
                    finding = finding.evidence(line);
                }
            } else if let Some(status) = &record.status_raw {
                finding = finding.evidence(format!(
                    "{} → status {status}",
                    record.recipients.join(", ")
                ));
            }
        }
        out.push(finding);
        if facts.recipients.len() > 1 {
            let lines = facts.recipients.iter().map(|r| {
                format!(
                    "{}: {}{}",
                    if r.recipient.is_empty() {
                        "(no recipient)"
                    } else {
                        &r.recipient
                    },
                    r.status.label(),
                    r.location
                        .as_deref()
                        .map(|l| format!(" — {l}"))
                        .unwrap_or_default()
                )
            });
            out.push(
                Finding::new("trace-recipient-outcomes", Severity::Info, format!("{} recipients, each with its own outcome", facts.recipients.len()))
                    .detail("A message to several recipients is traced per recipient; the verdict follows the recipient that fared worst.")
                    .evidence_lines(lines),
            );
        }
    }
}
