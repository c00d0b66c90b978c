//! Expanded distribution groups and each member's outcome.

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity, Status};
use crate::step::Step;

/// Explains group expansion and lists member outcomes.
pub struct Expansion;

impl Analyzer for Expansion {
    fn id(&self) -> &'static str {
        "trace-expansion"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["group-expanded", "group-member-failed"]
    }

    fn step(&self) -> Step {
        Step::Trace
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let facts = cx.facts;
        let Some(group) = facts
            .recipients
            .iter()
            .find(|r| r.status == Status::Expanded)
        else {
            return;
        };
        let members: Vec<_> = facts
            .recipients
            .iter()
            .filter(|r| r.status != Status::Expanded)
            .collect();
        let failed: Vec<_> = members
            .iter()
            .filter(|m| matches!(m.status, Status::Failed | Status::Blocked))
            .collect();
        let lines = members
            .iter()
            .map(|m| format!("{}: {}", m.recipient, m.status.label()));
        out.push(
            Finding::new("group-expanded", Severity::Info, format!("Group {} was expanded to {}", group.recipient, crate::words::count(members.len() as u64, "member", "members")))
                .detail("A group is never delivered itself; each member gets a copy with its own outcome. A Drop with 250 2.1.5 RESOLVER.GRP.Expanded on the group is normal.")
                .evidence_lines(lines),
        );
        for member in failed {
            out.push(
                Finding::new("group-member-failed", Severity::Problem, format!("Not delivered to group member {}", member.recipient))
                    .detail("The summary lists a failure for this member but gives no reason.")
                    .evidence(format!("{}: {}", member.recipient, member.status.label()))
                    .advice(format!("Run Get-MessageTraceDetailV2 -MessageTraceId <id> -RecipientAddress {} (or the extended report) to see why.", member.recipient)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::Severity;
    use crate::testing::Scenario;

    const EXPANDED: &str = "10-historical-enhanced-summary-expanded-dl-utf16le-nobom.csv";

    #[test]
    fn a_group_is_expanded_to_its_members() {
        let f = Scenario::from_sample(EXPANDED).finding(&Expansion, "group-expanded");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.title.contains("allstaff@contoso.com"), "{}", f.title);
        assert!(f.title.ends_with("3 members"), "{}", f.title);
    }

    #[test]
    fn a_member_that_failed_is_a_problem_of_its_own() {
        let f = Scenario::from_sample(EXPANDED).finding(&Expansion, "group-member-failed");
        assert_eq!(f.severity, Severity::Problem);
        assert!(f.title.contains("chris.ng@contoso.com"), "{}", f.title);
        assert!(f.advice.contains("-RecipientAddress chris.ng@contoso.com"));
    }

    #[test]
    fn silent_without_a_group() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&Expansion).is_empty());
    }
}
