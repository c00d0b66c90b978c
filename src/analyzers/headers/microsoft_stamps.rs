//! Did the message reach Exchange Online at all? Headers with no Microsoft 365 hop, no
//! anti-spam report and no X-MS-Exchange-Organization stamp never passed through it (or are
//! the sender's copy); otherwise: where it entered, the Network Message ID to trace it
//! with, and how Exchange classified the sender (AuthAs, directionality, hybrid).

use std::fmt::Write as _;

use super::{field_lines, header_facts};
use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::headers::HeaderFacts;
use crate::step::Step;

/// Reports whether and where the message entered Microsoft 365.
pub struct MicrosoftStamps;

const NETWORK_ID: &str = "X-MS-Exchange-Organization-Network-Message-Id";
const CROSS_TENANT_ID: &str = "X-MS-Exchange-CrossTenant-Network-Message-Id";
const FROM_ENTITY: &str = "X-MS-Exchange-CrossTenant-FromEntityHeader";

impl Analyzer for MicrosoftStamps {
    fn id(&self) -> &'static str {
        "headers-microsoft-stamps"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "arrived-from-on-premises",
            "microsoft-365-entry",
            "no-microsoft-365-stamps",
        ]
    }

    fn step(&self) -> Step {
        Step::Headers
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(facts) = header_facts(cx) else {
            return;
        };
        let spam = &facts.spam;
        let stamped = facts.chain.reached_microsoft()
            || spam.stamped()
            || spam.organization_header_count > 0
            || facts.auth.compauth.is_some();
        if !stamped {
            out.push(
                Finding::new("no-microsoft-365-stamps", Severity::Warning, "These headers never passed through Microsoft 365")
                    .detail("No Received hop by a Microsoft 365 server, no X-Forefront-Antispam-Report and no X-MS-Exchange-Organization header. Either the message never reached Exchange Online, or these are the headers of another copy (the sender's Sent Items, another mail system).")
                    .advice("Ask for the headers of the copy the recipient received, or run a message trace for the recipient. If the trace finds nothing, the message never reached us: the sender should check for a non-delivery report or their outbound queue."),
            );
            return;
        }
        let network_id = spam
            .organization_value(NETWORK_ID)
            .or_else(|| super::block(cx).and_then(|b| b.get(CROSS_TENANT_ID)));
        let detail = entry_detail(facts, network_id);
        out.push(
            Finding::new(
                "microsoft-365-entry",
                Severity::Info,
                "Microsoft 365 processed this message",
            )
            .detail(detail.trim_end().to_owned())
            .evidence_lines(field_lines(
                cx,
                &[
                    NETWORK_ID,
                    "X-MS-Exchange-Organization-AuthAs",
                    "X-MS-Exchange-Organization-AuthSource",
                    "X-MS-Exchange-Organization-MessageDirectionality",
                    FROM_ENTITY,
                ],
            ))
            .advice(if network_id.is_some() {
                "Use the Network Message ID to find this message in a message trace (Step 1)."
            } else {
                ""
            }),
        );
        if spam
            .organization_value(FROM_ENTITY)
            .is_some_and(|v| v.eq_ignore_ascii_case("HybridOnPrem"))
        {
            out.push(
                Finding::new("arrived-from-on-premises", Severity::Info, "The message came from the on-premises Exchange organization")
                    .detail("X-MS-Exchange-CrossTenant-FromEntityHeader is HybridOnPrem: an on-premises server relayed it over the hybrid connector, so on-premises transport rules and queues are part of its path.")
                    .evidence_lines(field_lines(cx, &[FROM_ENTITY])),
            );
        }
    }
}

/// Where Exchange Online took the message in, its Network Message ID, and how the
/// organization stamped it (authenticated as, direction, from entity).
fn entry_detail(facts: &HeaderFacts, network_id: Option<&str>) -> String {
    let spam = &facts.spam;
    let mut detail = String::new();
    if let Some(entry) = facts.chain.entry_hop() {
        write!(
            detail,
            "Exchange Online received it at hop {} from {}{}. ",
            entry.index,
            entry.sender_words(),
            entry
                .fields
                .date
                .map(|d| format!(" at {}", d.time.to_rfc3339()))
                .unwrap_or_default(),
        )
        .ok();
    }
    if let Some(id) = network_id {
        write!(
            detail,
            "Network Message ID {id}: search the message trace with it. "
        )
        .ok();
    }
    for header in [
        "X-MS-Exchange-Organization-AuthAs",
        "X-MS-Exchange-Organization-MessageDirectionality",
        FROM_ENTITY,
    ] {
        if let Some(field) = spam
            .organization
            .iter()
            .find(|f| f.header.eq_ignore_ascii_case(header))
        {
            write!(
                detail,
                "{}: {}{}. ",
                field.name,
                field.value,
                field
                    .value_meaning
                    .as_deref()
                    .map(|m| format!(" ({})", m.trim_end_matches('.')))
                    .unwrap_or_default()
            )
            .ok();
        }
    }
    detail
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn microsoft_365_entry_is_described() {
        let scenario = Scenario::from_fixture("headers/user-rule-folder.txt");
        let f = scenario.finding(&MicrosoftStamps, "microsoft-365-entry");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.detail.contains("Anonymous"), "{}", f.detail);
    }

    #[test]
    fn headers_that_never_reached_microsoft_365_are_a_warning() {
        let scenario = Scenario::from_fixture("headers/gmail-no-exo.eml");
        let f = scenario.finding(&MicrosoftStamps, "no-microsoft-365-stamps");
        assert_eq!(f.severity, Severity::Warning);
    }

    #[test]
    fn silent_without_headers() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&MicrosoftStamps).is_empty());
    }

    #[test]
    fn a_message_from_the_on_premises_side_of_a_hybrid_says_so() {
        let scenario = Scenario::from_fixture("headers/verdicts/hybrid-on-premises.txt");
        let f = scenario.finding(&MicrosoftStamps, "arrived-from-on-premises");
        assert!(
            f.detail.contains("on-premises") || f.title.contains("on-premises"),
            "{}",
            f.title
        );
    }
}
