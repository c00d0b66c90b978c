//! What rules did to the message: rejected, deleted, redirected, quarantined or routed it,
//! from the decisive failure and the rule agent's recorded actions.

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::Cause;
use crate::step::Step;

/// Explains rule actions that changed where the message went.
pub struct RuleActions;

/// Actions that stop or divert a message, with what they mean.
const ACTIONS: &[(&str, &str)] = &[
    ("RejectMessage", "rejected it with an NDR to the sender"),
    ("DeleteMessage", "deleted it silently (no NDR)"),
    ("RedirectMessage", "redirected it to another recipient"),
    ("Quarantine", "sent it to quarantine"),
    (
        "ModerateMessageByUser",
        "held it for a moderator's approval",
    ),
    (
        "ModerateMessageByManager",
        "held it for the sender's manager's approval",
    ),
    (
        "RouteMessageOutboundConnector",
        "routed it out through an outbound connector",
    ),
    ("SetSCL", "set its spam confidence level"),
    ("BlindCopyTo", "copied it to another mailbox"),
];

impl Analyzer for RuleActions {
    fn id(&self) -> &'static str {
        "rules-actions"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "blocked-by-dlp-policy",
            "blocked-by-transport-rule",
            "rule-action",
        ]
    }

    fn step(&self) -> Step {
        Step::Rules
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let blocked_by = cx
            .facts
            .journeys
            .iter()
            .find(|j| matches!(j.cause, Some(Cause::TransportRule | Cause::Dlp)));
        if let Some(journey) = blocked_by {
            let dlp = journey.cause == Some(Cause::Dlp);
            let code = journey.fail_codes.first();
            let rule = cx
                .facts
                .rule_firings
                .iter()
                .rev()
                .find(|f| {
                    f.action
                        .as_deref()
                        .is_some_and(|a| a.contains("Reject") || a.contains("Delete"))
                })
                .or_else(|| cx.facts.rule_firings.last());
            let rule_words = rule.map_or_else(
                || "a mail flow rule".to_owned(),
                |r| format!("the rule '{}'", r.name),
            );
            out.push(
                Finding::new(
                    if dlp { "blocked-by-dlp-policy" } else { "blocked-by-transport-rule" },
                    Severity::Problem,
                    format!(
                        "{} stopped the message{}",
                        if dlp { "A DLP policy" } else { "A mail flow rule of this organisation" },
                        code.map(|c| format!(" ({} {})", c.code, c.text.chars().take(120).collect::<String>())).unwrap_or_default()
                    ),
                )
                .detail(format!(
                    "The failure came from {rule_words}, not from the recipient's server or the spam filter: the organisation's own policy refused the message. Custom codes 5.7.900–5.7.999 are the rule's own reject text."
                ))
                .evidence_lines(code.map(|c| c.source_line.clone()))
                .evidence_lines(rule.map(|r| r.evidence.clone()))
                .advice("Working as configured: explain the rule to the user (the NDR text is the rule's message). If the mail is legitimate, the sender sends it another way; only an admin, with the rule owner's approval, adds an exception."),
            );
        }
        for firing in &cx.facts.rule_firings {
            let Some(action) = firing.action.as_deref() else {
                continue;
            };
            let Some((_, meaning)) = ACTIONS
                .iter()
                .find(|(name, _)| action.eq_ignore_ascii_case(name))
            else {
                continue;
            };
            out.push(
                Finding::new(
                    "rule-action",
                    Severity::Info,
                    format!("Rule '{}' {meaning} (action {action})", firing.name),
                )
                .detail(format!(
                    "The rule agent recorded this action in journey {}.",
                    firing.journey
                ))
                .evidence(firing.evidence.clone()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    const RULE_BLOCK: &str = "09-historical-extended-report-transport-rule-block-utf16le-bom.csv";

    #[test]
    fn a_rule_that_rejected_the_message_is_named_with_its_code() {
        let scenario = Scenario::from_sample(RULE_BLOCK);
        let f = scenario.finding(&RuleActions, "blocked-by-transport-rule");
        assert_eq!(f.severity, Severity::Problem);
        assert!(f.title.contains("5.7.901"), "{}", f.title);
        let action = scenario.finding(&RuleActions, "rule-action");
        assert_eq!(action.severity, Severity::Info);
        assert!(
            action.title.ends_with("(action RejectMessage)"),
            "{}",
            action.title
        );
    }

    #[test]
    fn a_dlp_block_is_the_compliance_owners() {
        let scenario = Scenario::from_fixture("trace/eac-dlp-block.txt");
        let f = scenario.finding(&RuleActions, "blocked-by-dlp-policy");
        assert_eq!(f.severity, Severity::Problem);
        assert!(f.title.contains("5.7.1"), "{}", f.title);
    }

    #[test]
    fn silent_when_no_rule_acted() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&RuleActions).is_empty());
    }
}
