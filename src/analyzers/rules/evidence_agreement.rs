//! Trace and headers of one message read together: where the trace says it went and what
//! the headers say the filter decided. When they disagree, that is the finding.

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity, Status};
use crate::step::Step;

/// Compares the trace's outcome with the headers' verdict.
pub struct EvidenceAgreement;

impl Analyzer for EvidenceAgreement {
    fn id(&self) -> &'static str {
        "rules-evidence-agreement"
    }

    fn step(&self) -> Step {
        Step::Rules
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let (Some(headers), false) = (&cx.facts.headers, cx.facts.journeys.is_empty()) else {
            return;
        };
        let trace_status = cx.facts.status;
        let scl = headers.antispam.scl;
        let sfv = headers
            .antispam
            .sfv
            .as_deref()
            .unwrap_or("")
            .to_ascii_uppercase();
        let header_spam =
            scl.is_some_and(|s| s >= 5) || sfv == "SPM" || sfv == "SKS" || sfv == "SKB";
        let placement = headers.placement.as_ref().map(|(s, _)| *s);
        let stamp = format!(
            "SFV:{} SCL:{}{}",
            if sfv.is_empty() { "-" } else { &sfv },
            scl.map_or_else(|| "-".to_owned(), |s| s.to_string()),
            headers
                .placement
                .as_ref()
                .map(|(_, words)| format!(" — headers: {words}"))
                .unwrap_or_default()
        );
        let disagreement = match (trace_status, placement) {
            (Status::Delivered, _) if header_spam => Some(
                "The trace says the message reached the mailbox normally, but the headers carry a spam verdict. Either a rule or allow list overrode the verdict (look for SCL -1 / SKN in step 3), the user's own rule moved it, or the headers belong to another copy of the message.",
            ),
            (Status::Junk | Status::Quarantined, Some(Status::Delivered)) if !header_spam => Some(
                "The trace says Junk or quarantine, but the headers show a clean verdict delivered to the inbox: the headers may be from a copy released from quarantine or moved back by the user.",
            ),
            (t, Some(p))
                if t != p
                    && matches!(t, Status::Junk | Status::Quarantined)
                    && matches!(p, Status::Junk | Status::Quarantined) =>
            {
                Some(
                    "The trace and the headers name different places (Junk vs quarantine): a release from quarantine or a later policy change explains it.",
                )
            }
            _ => None,
        };
        match disagreement {
            Some(detail) => out.push(
                Finding::new(
                    "trace-and-headers-disagree",
                    Severity::Warning,
                    format!("The trace says {}, the headers say otherwise", trace_status.label()),
                )
                .detail(detail)
                .evidence(stamp),
            ),
            None if placement.is_some() || scl.is_some() => out.push(
                Finding::new(
                    "trace-and-headers-agree",
                    Severity::Ok,
                    format!("Trace and headers agree: {}", trace_status.label()),
                )
                .detail("The trace says where the message went and the headers say why; both tell the same story.")
                .evidence(stamp),
            ),
            None => {}
        }
    }
}
