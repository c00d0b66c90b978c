//! Every mail flow rule and DLP policy that fired: name, GUID, how many times, in which
//! journeys, in order; a rule firing again and again in one journey is a loop warning.

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::step::Step;

/// Lists rules that fired.
pub struct FiredRules;

/// Firings of one rule in one journey above which a loop is likely.
const LOOP_FIRINGS: usize = 5;

impl Analyzer for FiredRules {
    fn id(&self) -> &'static str {
        "rules-fired"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["rule-fired-repeatedly", "transport-rules-fired"]
    }

    fn step(&self) -> Step {
        Step::Rules
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let firings = &cx.facts.rule_firings;
        if firings.is_empty() {
            return;
        }
        let lines = cx.facts.rules.iter().map(|hit| {
            let journeys: Vec<String> = {
                let mut js: Vec<usize> = firings
                    .iter()
                    .filter(|f| f.name == hit.name)
                    .map(|f| f.journey)
                    .collect();
                js.dedup();
                js.iter().map(usize::to_string).collect()
            };
            format!(
                "'{}'{} — fired {}, {} {}",
                hit.name,
                hit.id
                    .as_ref()
                    .map(|id| format!(" ({id})"))
                    .unwrap_or_default(),
                crate::words::times(u64::from(hit.count)),
                crate::words::noun(journeys.len() as u64, "journey", "journeys"),
                journeys.join(", ")
            )
        });
        let dlp: Vec<&str> = firings
            .iter()
            .filter_map(|f| f.dlp_policy.as_deref())
            .collect();
        let mut finding = Finding::new(
            "transport-rules-fired",
            Severity::Info,
            format!(
                "{} fired{}",
                crate::words::count(
                    cx.facts.rules.len() as u64,
                    "mail flow rule",
                    "mail flow rules"
                ),
                if dlp.is_empty() {
                    String::new()
                } else {
                    format!(", including DLP policy '{}'", dlp.join("', '"))
                }
            ),
        )
        .detail("Mail flow (transport) rules run on every journey through Exchange Online; each line is one rule with its GUID, how often it fired and in which journey. The order is the order in the trace.")
        .evidence_lines(lines)
        .advice("A new or recently changed rule is the usual suspect when mail that used to arrive stops: an admin can look the rule up by its GUID (Get-TransportRule -Identity <GUID>) and check its conditions and exceptions.");
        if firings.len() > cx.facts.rules.len() {
            finding = finding.evidence_lines(firings.iter().take(50).map(|f| f.evidence.clone()));
        }
        out.push(finding);
        for hit in &cx.facts.rules {
            let worst = (1..=cx.facts.journeys.len())
                .map(|j| {
                    firings
                        .iter()
                        .filter(|f| f.name == hit.name && f.journey == j)
                        .count()
                })
                .max()
                .unwrap_or(0);
            if worst >= LOOP_FIRINGS {
                out.push(
                    Finding::new(
                        "rule-fired-repeatedly",
                        Severity::Problem,
                        format!("Rule '{}' fired {worst} times in one journey", hit.name),
                    )
                    .detail("A rule that fires again and again on the same journey usually re-processes the message it just changed or re-routed — a rule loop, which ends in 5.4.14 (hop count exceeded).")
                    .evidence_lines(firings.iter().filter(|f| f.name == hit.name).take(10).map(|f| f.evidence.clone()))
                    .advice("An admin adds an exception to the rule for messages it already processed (a header it stamps, or mail arriving on the gateway's connector)."),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn each_rule_is_listed_with_its_guid_and_journeys() {
        let scenario = Scenario::from_sample("11-eac-copytext-inky-two-journeys.txt");
        let f = scenario.finding(&FiredRules, "transport-rules-fired");
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(f.title, "2 mail flow rules fired");
        assert_eq!(f.evidence.len(), 2, "{:?}", f.evidence);
        assert!(
            f.evidence[0]
                .starts_with("'IPW Mail for Processing' (8C1F4E2A-3B5D-4C6E-9F7A-0B1C2D3E4F5A)"),
            "{:?}",
            f.evidence
        );
        assert!(f.evidence[1].ends_with("journey 2"), "{:?}", f.evidence);
    }

    #[test]
    fn a_rule_firing_again_and_again_in_one_journey_is_a_loop() {
        let scenario = Scenario::from_fixture("trace/eac-inky-routing-loop.txt");
        let f = scenario.finding(&FiredRules, "rule-fired-repeatedly");
        assert_eq!(f.severity, Severity::Problem);
        assert!(
            f.title.contains("'IPW Mail for Processing' fired 5 times"),
            "{}",
            f.title
        );
        assert!(f.detail.contains("5.4.14"));
    }

    #[test]
    fn silent_when_no_rule_fired() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&FiredRules).is_empty());
    }
}
