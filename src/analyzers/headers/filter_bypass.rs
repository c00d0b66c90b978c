//! Filtering decided before the spam filter ran: a mail flow rule (SCL -1 / SFV:SKN, or
//! SFV:SKS), allow lists (SFV:SKA, SFV:SFE, IPV:CAL), block lists (SFV:BLK, SFV:SKB) and
//! quarantine release (SFV:SKQ); and internal mail, which is never spam-filtered. Step 3
//! names the rule and judges it; this step decodes the stamps, so every finding here is
//! information.

use std::fmt::Write as _;

use super::{field_lines, header_facts};
use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::headers::AuthResult;
use crate::facts::headers::FilterSkip;
use crate::step::Step;

/// Explains rule, allow-list and block-list decisions.
pub struct FilterBypass;

const EVIDENCE: &[&str] = &[
    "X-Forefront-Antispam-Report",
    "X-MS-Exchange-Organization-SCL",
    "X-MS-Exchange-Organization-Rules-Execution-History",
    "X-Microsoft-Antispam-Mailbox-Delivery",
];

/// The stamps that say a message is internal.
const INTERNAL_EVIDENCE: &[&str] = &[
    "X-MS-Exchange-Organization-AuthAs",
    "X-MS-Exchange-Organization-MessageDirectionality",
    "X-Forefront-Antispam-Report",
    "X-MS-Exchange-Organization-SCL",
];

impl Analyzer for FilterBypass {
    fn id(&self) -> &'static str {
        "headers-filter-bypass"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "allowed-by-ip-allow-list",
            "allowed-by-policy",
            "allowed-by-safe-senders",
            "blocked-by-policy-list",
            "blocked-by-user-list",
            "filter-skipped-by-rule",
            "filtering-skipped",
            "internal-not-filtered",
            "released-from-quarantine",
            "spam-set-by-rule",
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
        let sfv = spam.verdict("SFV").unwrap_or_default();
        let ipv = spam.verdict("IPV").unwrap_or_default();
        let scl = spam.scl();
        let sfv_field = spam.report_field("SFV");
        let sfv_meaning = sfv_field
            .and_then(|f| f.value_meaning.clone())
            .unwrap_or_default();
        let sfv_advice = sfv_field.and_then(|f| f.advice.clone()).unwrap_or_default();
        let evidence = field_lines(cx, EVIDENCE);
        let auth = &facts.auth;
        let failed: Vec<String> = ["spf", "dkim", "dmarc"]
            .iter()
            .filter_map(|m| {
                let r = auth.result(m)?;
                matches!(r, AuthResult::Fail | AuthResult::SoftFail).then(|| format!("{m}={r}"))
            })
            .collect();
        let skip = spam.filter_skip();
        if skip == Some(FilterSkip::Internal) {
            out.push(internal_mail(cx, scl));
            return;
        }
        if skip == Some(FilterSkip::Rule) {
            out.push(rule_bypass(
                &sfv,
                &sfv_meaning,
                &sfv_advice,
                &failed,
                evidence,
            ));
            return;
        }
        let (code, title) = match sfv.as_str() {
            "SKS" => (
                "spam-set-by-rule",
                "A mail flow rule marked it as spam (SFV:SKS)",
            ),
            "SKA" => (
                "allowed-by-policy",
                "Allowed by an anti-spam policy allow list (SFV:SKA)",
            ),
            "SFE" => (
                "allowed-by-safe-senders",
                "Allowed by the user's Safe Senders (SFV:SFE)",
            ),
            "BLK" => (
                "blocked-by-user-list",
                "On the user's Blocked Senders list (SFV:BLK)",
            ),
            "SKB" => (
                "blocked-by-policy-list",
                "On an anti-spam policy block list (SFV:SKB)",
            ),
            "SKQ" => (
                "released-from-quarantine",
                "Released from quarantine (SFV:SKQ)",
            ),
            "SKI" => ("filtering-skipped", "Spam filtering skipped (SFV:SKI)"),
            _ if ipv == "CAL" => (
                "allowed-by-ip-allow-list",
                "The sending IP is on the IP Allow List (IPV:CAL)",
            ),
            _ => return,
        };
        let mut detail = sfv_meaning;
        if ipv == "CAL" && code != "allowed-by-ip-allow-list" {
            detail.push_str(
                " The connecting IP is also on the connection filter's IP Allow List (IPV:CAL).",
            );
        }
        if !failed.is_empty() && code.starts_with("allowed") {
            write!(
                detail,
                " Authentication failed ({}): allow entries are what spoofers count on.",
                failed.join(", ")
            )
            .ok();
        }
        let advice = if sfv_advice.is_empty() {
            spam.report_field("IPV")
                .and_then(|f| f.advice.clone())
                .unwrap_or_default()
        } else {
            sfv_advice
        };
        out.push(
            Finding::new(code, Severity::Info, title)
                .detail(detail)
                .evidence_lines(evidence)
                .advice(advice),
        );
    }
}

/// Internal mail: SCL -1 because Exchange Online does not filter mail between its own
/// mailboxes.
fn internal_mail(cx: &Context<'_>, scl: Option<i32>) -> Finding {
    Finding::new(
        "internal-not-filtered",
        Severity::Info,
        "Internal mail: spam filtering does not apply",
    )
    .detail(format!(
        "The organization's own stamps say the message came from inside it{}. Exchange Online does not spam-filter mail between its own mailboxes, so SCL -1 here is expected; no rule or allow list was involved.",
        scl.map(|s| format!(" (SCL {s})")).unwrap_or_default()
    ))
    .evidence_lines(field_lines(cx, INTERNAL_EVIDENCE))
    .advice("If the user cannot find it, search the mailbox and check their inbox rules; a message trace shows the delivery.")
}

/// A mail flow rule set SCL -1: delivered because of the rule, whatever the filter thought.
fn rule_bypass(
    sfv: &str,
    sfv_meaning: &str,
    sfv_advice: &str,
    failed: &[String],
    evidence: Vec<String>,
) -> Finding {
    let detail = if failed.is_empty() {
        format!(
            "SCL -1{}: {sfv_meaning} The message was delivered because of the rule, not because the filter judged it clean.",
            if sfv.is_empty() {
                String::new()
            } else {
                format!(", SFV:{sfv}")
            }
        )
    } else {
        format!(
            "SCL -1{}: {sfv_meaning} Authentication failed ({}), so without the rule this message would likely have been filtered: the rule, not the spam filter, delivered it.",
            if sfv.is_empty() {
                String::new()
            } else {
                format!(", SFV:{sfv}")
            },
            failed.join(", ")
        )
    };
    Finding::new(
            "filter-skipped-by-rule",
            Severity::Info,
            "A mail flow rule bypassed spam filtering (SCL -1)",
        )
        .detail(detail)
        .evidence_lines(evidence)
        .advice(if sfv_advice.is_empty() {
            "Find the rule that sets SCL -1 in Step 3; prefer Enhanced Filtering or a narrow allow entry over a bypass rule.".to_owned()
        } else {
            sfv_advice.to_owned()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn each_sfv_bypass_has_its_own_code() {
        for (fixture, code) in [
            ("sfv-sks-spam-by-rule", "spam-set-by-rule"),
            ("sfv-ska-policy-allow", "allowed-by-policy"),
            ("sfv-sfe-safe-senders", "allowed-by-safe-senders"),
            ("sfv-blk-blocked-sender", "blocked-by-user-list"),
            ("sfv-skb-policy-block", "blocked-by-policy-list"),
            ("sfv-skq-released", "released-from-quarantine"),
            ("sfv-ski-skipped", "filtering-skipped"),
            ("ipv-cal-ip-allow", "allowed-by-ip-allow-list"),
            ("sfv-skn-bypass-rule-auth-failed", "filter-skipped-by-rule"),
        ] {
            let scenario = Scenario::from_fixture(&format!("headers/verdicts/{fixture}.txt"));
            assert_eq!(scenario.codes(&FilterBypass), [code], "{fixture}");
        }
    }

    #[test]
    fn an_allow_entry_for_a_failed_sender_says_spoofers_count_on_it() {
        let scenario = Scenario::from_fixture("headers/verdicts/sfv-ska-policy-allow.txt");
        let f = scenario.finding(&FilterBypass, "allowed-by-policy");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.detail.contains("spf=fail"), "{}", f.detail);
    }

    #[test]
    fn a_rule_bypass_after_failed_authentication_says_the_rule_delivered_it() {
        let scenario =
            Scenario::from_fixture("headers/verdicts/sfv-skn-bypass-rule-auth-failed.txt");
        let f = scenario.finding(&FilterBypass, "filter-skipped-by-rule");
        assert!(
            f.detail.contains("the rule, not the spam filter"),
            "{}",
            f.detail
        );
    }

    #[test]
    fn internal_mail_is_not_a_bypass() {
        let scenario = Scenario::from_fixture("headers/internal-mapi.txt");
        assert_eq!(scenario.codes(&FilterBypass), ["internal-not-filtered"]);
    }

    #[test]
    fn silent_without_headers() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&FilterBypass).is_empty());
    }
}
