//! Where the message landed, in the words a user understands, with what to tell them.

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity, Status};
use crate::step::Step;

/// Inbox / Junk / Quarantine / Blocked / Failed / Pending, with the next step for the user.
pub struct Landing;

impl Analyzer for Landing {
    fn id(&self) -> &'static str {
        "status-landing"
    }

    fn step(&self) -> Step {
        Step::Status
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let verdict = &cx.decision.verdict;
        let location = verdict.location.clone().unwrap_or_else(|| "unknown".into());
        let (code, severity, title, detail) = match verdict.status {
            Status::Delivered => (
                "landed-in-mailbox",
                Severity::Ok,
                format!("Landed: {location}"),
                "The message reached its destination. If the user cannot find it, an inbox rule, the Focused/Other split, a search problem or another client moved or hid it.",
            ),
            Status::Junk => (
                "landed-in-junk",
                Severity::Warning,
                "Landed in the Junk Email folder".to_owned(),
                "Over 70 % of \"mail not received\" cases end here: the message is in the mailbox, in Junk Email.",
            ),
            Status::Quarantined => (
                "landed-in-quarantine",
                Severity::Warning,
                "Held in quarantine".to_owned(),
                "The message never reached the mailbox; it waits in quarantine until released or until it expires (15–30 days by default).",
            ),
            Status::Blocked => (
                "blocked-by-policy",
                Severity::Problem,
                "Blocked by policy".to_owned(),
                "A deliberate refusal: a mail flow rule, a DLP policy or a block list stopped it. The sender received a non-delivery report.",
            ),
            Status::Failed => (
                "delivery-failed",
                Severity::Problem,
                "Not delivered".to_owned(),
                "The message could not be delivered and the sender received a non-delivery report; Step 5 explains the code.",
            ),
            Status::Pending => (
                "delivery-pending",
                Severity::Warning,
                "Not delivered yet".to_owned(),
                "Exchange Online still holds the message and keeps retrying.",
            ),
            Status::Expanded => (
                "group-expanded-members",
                Severity::Info,
                "Delivered through a group".to_owned(),
                "The group was expanded; each member's copy has its own outcome (Step 1).",
            ),
            Status::Unknown => (
                "landing-unknown",
                Severity::Warning,
                "Where it landed is not known".to_owned(),
                "The evidence does not show a final placement.",
            ),
        };
        out.push(
            Finding::new(code, severity, title)
                .detail(format!("{detail} {}", verdict.headline))
                .evidence(format!("Status: {} — {location}", verdict.status.label()))
                .advice(
                    cx.decision
                        .next_actions
                        .iter()
                        .map(|a| a.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
        );
    }
}
