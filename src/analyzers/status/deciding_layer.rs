//! Which layer made the final placement decision, and the chain of decisions that proves it.

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{DecidedBy, Finding, Severity};
use crate::step::Step;

/// Names the deciding layer (EOP spam filter, a transport rule, a gateway, …).
pub struct DecidingLayer;

impl Analyzer for DecidingLayer {
    fn id(&self) -> &'static str {
        "status-deciding-layer"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["deciding-layer"]
    }

    fn step(&self) -> Step {
        Step::Status
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let by = cx.decision.verdict.decided_by;
        if by == DecidedBy::Unknown && cx.decision.chain.is_empty() {
            return;
        }
        let severity = match by {
            DecidedBy::None => Severity::Ok,
            _ => Severity::Info,
        };
        let title = match by {
            DecidedBy::None => "No filter or mail flow rule intervened".to_owned(),
            DecidedBy::Unknown => "The deciding layer is not known".to_owned(),
            other => format!("Decided by {}", other.label()),
        };
        out.push(
            Finding::new("deciding-layer", severity, title)
                .detail("The chain of decisions, in order, as the evidence shows it.")
                .evidence_lines(cx.decision.chain.iter().cloned()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn a_junked_message_names_the_spam_filter_and_the_chain() {
        let scenario = Scenario::from_sample("02-eac-copytext-junk-multiline-enGB.txt");
        let f = scenario.finding(&DecidingLayer, "deciding-layer");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.title.starts_with("Decided by "), "{}", f.title);
        assert_eq!(f.evidence, scenario.decision.chain);
        assert!(!f.evidence.is_empty());
    }

    #[test]
    fn a_plain_delivery_says_nothing_intervened() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        let f = scenario.finding(&DecidingLayer, "deciding-layer");
        assert_eq!(f.severity, Severity::Ok);
        assert_eq!(f.title, "No filter or mail flow rule intervened");
    }

    #[test]
    fn silent_when_nothing_is_known() {
        assert!(Scenario::empty().run(&DecidingLayer).is_empty());
    }
}
