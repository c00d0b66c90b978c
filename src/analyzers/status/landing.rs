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

    fn codes(&self) -> &'static [&'static str] {
        &[
            "blocked-by-policy",
            "delivery-failed",
            "delivery-pending",
            "group-expanded-members",
            "landed-in-junk",
            "landed-in-mailbox",
            "landed-in-quarantine",
            "landing-unknown",
        ]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn junk_is_a_warning_with_the_verdicts_next_actions() {
        let scenario = Scenario::from_sample("02-eac-copytext-junk-multiline-enGB.txt");
        let f = scenario.finding(&Landing, "landed-in-junk");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.evidence, ["Status: Junk — Junk Email folder"]);
        assert!(!f.advice.is_empty());
    }

    #[test]
    fn each_status_has_its_own_code() {
        for (sample, code, severity) in [
            (
                "01-eac-copytext-delivered-singleline-enUS.txt",
                "landed-in-mailbox",
                Severity::Ok,
            ),
            (
                "03-eac-copytext-quarantined-multiline-deDE.txt",
                "landed-in-quarantine",
                Severity::Warning,
            ),
            (
                "05-ps-get-messagetracedetail-v1-list-failed.txt",
                "delivery-failed",
                Severity::Problem,
            ),
            (
                "08-ps-get-messagetracedetailv2-exportcsv-deferred.csv",
                "delivery-pending",
                Severity::Warning,
            ),
            (
                "09-historical-extended-report-transport-rule-block-utf16le-bom.csv",
                "blocked-by-policy",
                Severity::Problem,
            ),
            (
                "10-historical-enhanced-summary-expanded-dl-utf16le-nobom.csv",
                "group-expanded-members",
                Severity::Info,
            ),
        ] {
            let f = Scenario::from_sample(sample).finding(&Landing, code);
            assert_eq!(f.severity, severity, "{sample}");
        }
    }

    /// Landing always says where the message is, so its "silent" case is the one where it
    /// cannot: one finding saying so, and none claiming a place.
    #[test]
    fn without_evidence_it_claims_no_place() {
        let out = Scenario::empty().run(&Landing);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, "landing-unknown");
        assert_eq!(out[0].evidence, ["Status: Unknown — unknown"]);
    }
}
