//! The spam filter's verdict in words (SFV, SCL, CAT), every anti-spam field decoded with
//! its meaning and source, the Advanced Spam Filter hits of X-CustomSpam, and the
//! untrusted verdict another tenant stamped.

use super::{field_lines, header_facts};
use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::headers::AntispamFacts;
use crate::step::Step;

/// Explains the spam verdict and decodes the anti-spam headers.
pub struct SpamVerdict;

/// Verdicts that mean spam filtering did not judge the message (a rule or an allow list).
const SKIPPED_VERDICTS: &[&str] = &["SKN", "SKA", "SFE", "SKI"];

/// Verdicts that mean the filter (or a rule or list before it) called it spam.
const SPAM_VERDICTS: &[&str] = &["SPM", "SKS", "SKB", "BLK"];

impl Analyzer for SpamVerdict {
    fn id(&self) -> &'static str {
        "headers-spam-verdict"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "antispam-fields",
            "custom-spam-filter",
            "spam-verdict",
            "untrusted-antispam-headers",
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
        if spam.stamped() {
            let sfv = spam.verdict("SFV");
            let scl = spam.scl();
            let cat = spam.verdict("CAT");
            let is_spam = sfv.as_deref().is_some_and(|v| SPAM_VERDICTS.contains(&v))
                || scl.is_some_and(|s| s >= 5);
            let mut parts = Vec::new();
            let mut advice = None;
            for key in ["SFV", "SCL", "CAT"] {
                if let Some(field) = spam.report_field(key).filter(|f| !f.value.is_empty()) {
                    parts.push(format!(
                        "{}:{} — {}",
                        field.key,
                        field.value,
                        field
                            .value_meaning
                            .as_deref()
                            .unwrap_or("not a documented value")
                            .trim_end_matches('.')
                    ));
                    if advice.is_none() && is_spam {
                        advice.clone_from(&field.advice);
                    }
                }
            }
            if scl.is_some() && spam.report_field("SCL").is_none() {
                parts.push(format!(
                    "SCL {} (X-MS-Exchange-Organization-SCL)",
                    scl.unwrap_or_default()
                ));
            }
            let summary: Vec<String> = [
                sfv.as_deref().map(|v| format!("SFV:{v}")),
                scl.map(|s| format!("SCL {s}")),
                cat.as_deref().map(|c| format!("CAT:{c}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            let skipped = scl == Some(-1)
                || sfv
                    .as_deref()
                    .is_some_and(|v| SKIPPED_VERDICTS.contains(&v));
            let (severity, title) = if is_spam {
                (
                    Severity::Warning,
                    format!("Filtered as spam ({})", summary.join(", ")),
                )
            } else if skipped {
                (
                    Severity::Info,
                    format!("Spam filtering was skipped ({})", summary.join(", ")),
                )
            } else {
                (
                    Severity::Ok,
                    format!("Not filtered as spam ({})", summary.join(", ")),
                )
            };
            if !summary.is_empty() {
                out.push(
                    Finding::new("spam-verdict", severity, title)
                        .detail(format!("{}.", parts.join(". ")))
                        .evidence_lines(field_lines(
                            cx,
                            &[
                                "X-Forefront-Antispam-Report",
                                "X-MS-Exchange-Organization-SCL",
                            ],
                        ))
                        .advice(advice.unwrap_or_default()),
                );
            }
            out.push(decoded_fields(spam));
        }
        if let Some(custom) = &spam.custom_spam {
            out.push(
                Finding::new("custom-spam-filter", Severity::Warning, format!("Advanced Spam Filter matched: {}", custom.value))
                    .detail(format!(
                        "{} Advanced Spam Filter runs after mail flow rules, so rules cannot react to it, and its hits cannot be reported to Microsoft as false positives.",
                        custom.value_meaning.as_deref().unwrap_or("An ASF setting of the anti-spam policy matched.")
                    ))
                    .evidence_lines(field_lines(cx, &["X-CustomSpam"]))
                    .advice(custom.advice.clone().unwrap_or_default()),
            );
        }
        if !spam.untrusted.is_empty() {
            out.push(
                Finding::new("untrusted-antispam-headers", Severity::Info, "Another organization's anti-spam verdict is attached")
                    .detail("The -Untrusted headers carry the verdict an earlier Exchange Online tenant stamped (for example the sender's); this organization did not make it and does not act on it. Read it as a hint only.")
                    .evidence_lines(spam.untrusted.iter().map(crate::facts::headers::SpamField::describe)),
            );
        }
    }
}

/// Every anti-spam field Exchange Online stamped, decoded.
fn decoded_fields(spam: &AntispamFacts) -> Finding {
    let decoded: Vec<String> = spam
        .report
        .iter()
        .chain(&spam.microsoft)
        .chain(&spam.mailbox_delivery)
        .chain(&spam.organization)
        .map(crate::facts::headers::SpamField::describe)
        .collect();
    Finding::new("antispam-fields", Severity::Info, format!("{} anti-spam fields decoded", decoded.len()))
        .detail("Every field Exchange Online stamped, with its meaning and how sure that meaning is (documented by Microsoft, observed in real headers, or inferred). Unknown fields are kept, never dropped.")
        .evidence_lines(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn a_spam_verdict_is_a_warning_with_its_fields_decoded() {
        let scenario = Scenario::from_sample("15-headers-junk-spam-verdict.txt");
        let f = scenario.finding(&SpamVerdict, "spam-verdict");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.title, "Filtered as spam (SFV:SPM, SCL 6, CAT:SPM)");
        let fields = scenario.finding(&SpamVerdict, "antispam-fields");
        assert_eq!(
            fields.title,
            format!("{} anti-spam fields decoded", fields.evidence.len())
        );
    }

    #[test]
    fn a_clean_verdict_is_ok() {
        let scenario = Scenario::from_fixture("headers/user-rule-folder.txt");
        let f = scenario.finding(&SpamVerdict, "spam-verdict");
        assert_eq!(f.severity, Severity::Ok);
        assert!(f.title.starts_with("Not filtered as spam"), "{}", f.title);
    }

    #[test]
    fn an_advanced_spam_filter_hit_is_named() {
        let scenario = Scenario::from_fixture("headers/verdicts/custom-spam-asf.txt");
        let f = scenario.finding(&SpamVerdict, "custom-spam-filter");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.title, "Advanced Spam Filter matched: Web bug");
    }

    #[test]
    fn another_organisations_verdict_is_untrusted() {
        let scenario = Scenario::from_fixture("headers/verdicts/untrusted-antispam-report.txt");
        let f = scenario.finding(&SpamVerdict, "untrusted-antispam-headers");
        assert_eq!(f.severity, Severity::Info);
    }

    #[test]
    fn silent_without_headers() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&SpamVerdict).is_empty());
    }
}
