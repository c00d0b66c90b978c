//! Bulk mail: the bulk complaint level (BCL) against the policy thresholds (7 default,
//! 6 Standard, 5 Strict) and the bulk verdict (SRV:BULK, CAT:BULK).

use super::{field_lines, header_facts};
use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::step::Step;

/// Explains bulk verdicts.
pub struct Bulk;

/// The default anti-spam policy's bulk threshold.
const DEFAULT_THRESHOLD: i32 = 7;
/// The Strict preset's threshold: the lowest any policy uses by default.
const STRICT_THRESHOLD: i32 = 5;

impl Analyzer for Bulk {
    fn id(&self) -> &'static str {
        "headers-bulk"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["bulk-mail", "bulk-sender"]
    }

    fn step(&self) -> Step {
        Step::Headers
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(facts) = header_facts(cx) else {
            return;
        };
        let spam = &facts.spam;
        let bcl = spam.bcl();
        let bulk_verdict = spam.verdict("SRV").as_deref() == Some("BULK")
            || spam.verdict("CAT").as_deref() == Some("BULK");
        let evidence = field_lines(cx, &["X-Microsoft-Antispam", "X-Forefront-Antispam-Report"]);
        let level = bcl.map_or_else(|| "bulk".to_owned(), |b| format!("BCL {b}"));
        if bulk_verdict || bcl.is_some_and(|b| b >= DEFAULT_THRESHOLD) {
            out.push(
                Finding::new("bulk-mail", Severity::Warning, format!("Bulk mail ({level})"))
                    .detail(format!(
                        "Exchange Online judged this a bulk message (newsletters, marketing) whose bulk complaint level reached the policy threshold ({DEFAULT_THRESHOLD} in the default policy, 6 in Standard, {STRICT_THRESHOLD} in Strict), so it went to Junk by the bulk action, not because it is dangerous."
                    ))
                    .evidence_lines(evidence)
                    .advice("If the user wants these messages: add the sender to Safe Senders, or an admin raises the bulk threshold or allows the sender; if not: unsubscribe."),
            );
        } else if let Some(b) = bcl.filter(|b| *b >= 4) {
            out.push(
                Finding::new("bulk-sender", Severity::Info, format!("From a bulk sender (BCL {b}), below the default threshold"))
                    .detail(format!("A BCL of {b} means a bulk sender with a mixed complaint rate. The default policy (threshold {DEFAULT_THRESHOLD}) lets it through; a stricter policy or preset ({STRICT_THRESHOLD}) would send it to Junk."))
                    .evidence_lines(evidence),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn bcl_at_the_threshold_is_bulk_mail() {
        let scenario = Scenario::from_fixture("headers/slow-hop-skew-bulk.txt");
        let f = scenario.finding(&Bulk, "bulk-mail");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.title, "Bulk mail (BCL 8)");
    }

    #[test]
    fn bcl_below_the_threshold_is_only_a_bulk_sender() {
        let scenario = Scenario::from_fixture("headers/verdicts/bcl-5-bulk-sender.txt");
        let f = scenario.finding(&Bulk, "bulk-sender");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.title.contains("BCL 5"), "{}", f.title);
    }

    #[test]
    fn silent_without_headers() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&Bulk).is_empty());
    }
}
