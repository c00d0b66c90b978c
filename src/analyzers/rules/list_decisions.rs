//! Allow and block lists that decided: Safe/Blocked Senders (SFV:SFE/BLK), the anti-spam
//! policy lists (SKA/SKB), rule verdicts before filtering (SKN/SKS), quarantine release
//! (SKQ), the connection filter's IP Allow List (IPV:CAL) and the Tenant Allow/Block List
//! or Microsoft's own block lists (status codes). Each says which list and what to change.

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::knowledge::list_decisions::ListDecision;
use crate::step::Step;

/// Names the list that decided.
pub struct ListDecisions;

fn finding(decision: &ListDecision, stamp: String) -> Finding {
    let blocked = decision.effect == "blocked";
    Finding::new(
        if blocked { "blocked-by-list" } else { "allowed-by-list" },
        if blocked { Severity::Warning } else { Severity::Info },
        format!(
            "{} by {}",
            if blocked { "Blocked or marked spam" } else { "Allowed" },
            decision.list
        ),
    )
    .detail(format!("The stamp {stamp} means the decision came from a list, not from the content filter's judgement."))
    .evidence(stamp)
    .advice(decision.change.clone())
}

impl Analyzer for ListDecisions {
    fn id(&self) -> &'static str {
        "rules-list-decisions"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["allowed-by-list", "blocked-by-list"]
    }

    fn step(&self) -> Step {
        Step::Rules
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let table = &cx.knowledge.list_decisions;
        if let Some(a) = cx.facts.headers.as_ref().map(|h| &h.antispam) {
            for (field, value) in [("SFV", &a.sfv), ("IPV", &a.ipv)] {
                let Some(value) = value else {
                    continue;
                };
                // SKN is explained with the rule that set it (spam bypass analyzer).
                if field == "SFV" && value.eq_ignore_ascii_case("SKN") {
                    continue;
                }
                if let Some(decision) = table.for_field(field, value) {
                    out.push(finding(decision, format!("{field}:{value}")));
                }
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        for code in &cx.facts.codes {
            if seen.contains(&code.code.as_str()) {
                continue;
            }
            seen.push(&code.code);
            if let Some(decision) = table.for_code(&code.code) {
                out.push(finding(
                    decision,
                    code.source_line.chars().take(300).collect(),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn safe_senders_allowed_it() {
        let scenario = Scenario::from_fixture("headers/verdicts/sfv-sfe-safe-senders.txt");
        let f = scenario.finding(&ListDecisions, "allowed-by-list");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.title.contains("Safe Senders"), "{}", f.title);
    }

    #[test]
    fn a_policy_block_list_blocked_it() {
        let scenario = Scenario::from_fixture("headers/verdicts/sfv-skb-policy-block.txt");
        let f = scenario.finding(&ListDecisions, "blocked-by-list");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.title.contains("anti-spam policy"), "{}", f.title);
    }

    #[test]
    fn silent_when_no_list_decided() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&ListDecisions).is_empty());
        let filtered = Scenario::from_sample("15-headers-junk-spam-verdict.txt");
        assert!(filtered.run(&ListDecisions).is_empty());
    }
}
