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

    fn codes(&self) -> &'static [&'static str] {
        &["trace-and-headers-agree", "trace-and-headers-disagree"]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn a_junk_trace_and_a_spam_verdict_agree() {
        let scenario = Scenario::from_fixtures(&[
            "cases/junk-trace-and-headers-agree/trace.txt",
            "cases/junk-trace-and-headers-agree/headers.txt",
        ]);
        let f = scenario.finding(&EvidenceAgreement, "trace-and-headers-agree");
        assert_eq!(f.severity, Severity::Ok);
        assert_eq!(f.title, "Trace and headers agree: Junk");
        assert!(
            f.evidence[0].starts_with("SFV:SPM SCL:6"),
            "{:?}",
            f.evidence
        );
    }

    #[test]
    fn an_inbox_trace_with_a_spam_verdict_disagrees() {
        let scenario = Scenario::from_fixtures(&[
            "cases/inbox-trace-spam-headers-disagree/trace.txt",
            "cases/inbox-trace-spam-headers-disagree/headers.txt",
        ]);
        let f = scenario.finding(&EvidenceAgreement, "trace-and-headers-disagree");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.detail.contains("SCL -1 / SKN"), "{}", f.detail);
    }

    #[test]
    fn silent_with_only_one_kind_of_evidence() {
        let trace = Scenario::from_fixture("cases/junk-trace-and-headers-agree/trace.txt");
        assert!(trace.run(&EvidenceAgreement).is_empty());
        let headers = Scenario::from_fixture("cases/junk-trace-and-headers-agree/headers.txt");
        assert!(headers.run(&EvidenceAgreement).is_empty());
    }
}
