//! Phishing, malware and impersonation verdicts: high-confidence phishing and malware are
//! for an administrator to release (allow lists and SCL -1 rules cannot override them);
//! impersonation and first-contact safety tips explain a warning the user saw.

use super::{field_lines, header_facts};
use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::step::Step;

/// Explains phishing, malware and impersonation verdicts.
pub struct Phish;

impl Analyzer for Phish {
    fn id(&self) -> &'static str {
        "headers-phish-malware"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "first-contact-safety-tip",
            "high-confidence-phish",
            "impersonation-detected",
            "impersonation-safety-tip",
            "malware-verdict",
            "phish-verdict",
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
        let evidence = field_lines(cx, &["X-Forefront-Antispam-Report", "X-Microsoft-Antispam"]);
        let cat_field = spam.report_field("CAT");
        let cat = spam.verdict("CAT").unwrap_or_default();
        let meaning = cat_field
            .and_then(|f| f.value_meaning.clone())
            .unwrap_or_default();
        let advice = cat_field.and_then(|f| f.advice.clone()).unwrap_or_default();
        let no_ptr = spam
            .report_value("PTR")
            .is_some_and(|p| p.eq_ignore_ascii_case("InfoDomainNonexistent"));
        let ptr_note = if no_ptr {
            " The sending IP has no reverse DNS name, as is typical of compromised hosts."
        } else {
            ""
        };
        let (code, severity, title) = match cat.as_str() {
            "HPHSH" | "HPHISH" => (
                "high-confidence-phish",
                Severity::Problem,
                "High-confidence phishing",
            ),
            "PHSH" => ("phish-verdict", Severity::Warning, "Phishing"),
            "MALW" | "AMP" | "SAP" | "FTBP" => (
                "malware-verdict",
                Severity::Problem,
                "Malware or a blocked attachment",
            ),
            "UIMP" | "DIMP" | "GIMP" | "BIMP" => (
                "impersonation-detected",
                Severity::Warning,
                "Impersonation detected",
            ),
            _ => ("", Severity::Info, ""),
        };
        if !code.is_empty() {
            let pcl = spam.pcl().map(|p| format!(" PCL {p}.")).unwrap_or_default();
            out.push(
                Finding::new(code, severity, format!("{title} (CAT:{cat})"))
                    .detail(format!("{meaning}{pcl}{ptr_note}"))
                    .evidence_lines(evidence.clone())
                    .advice(advice),
            );
        }
        if let Some(sfty) = spam.report_field("SFTY").filter(|f| !f.value.is_empty()) {
            let first_contact = sfty.value.trim() == "9.25";
            out.push(
                Finding::new(
                    if first_contact {
                        "first-contact-safety-tip"
                    } else {
                        "impersonation-safety-tip"
                    },
                    if first_contact {
                        Severity::Info
                    } else {
                        Severity::Warning
                    },
                    format!("Safety tip SFTY:{}", sfty.value),
                )
                .detail(
                    sfty.value_meaning
                        .clone()
                        .unwrap_or_else(|| "A phishing safety tip applies.".to_owned()),
                )
                .evidence_lines(evidence)
                .advice(sfty.advice.clone().unwrap_or_default()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn high_confidence_phish_with_a_first_contact_tip() {
        let scenario = Scenario::from_fixture("headers/verdicts/cat-hphsh-first-contact.txt");
        let f = scenario.finding(&Phish, "high-confidence-phish");
        assert_eq!(f.severity, Severity::Problem);
        assert_eq!(f.title, "High-confidence phishing (CAT:HPHSH)");
        let tip = scenario.finding(&Phish, "first-contact-safety-tip");
        assert_eq!(tip.severity, Severity::Info);
        assert_eq!(tip.title, "Safety tip SFTY:9.25");
    }

    #[test]
    fn phish_with_an_impersonation_tip() {
        let scenario =
            Scenario::from_fixture("headers/verdicts/cat-phsh-domain-impersonation-tip.txt");
        assert_eq!(
            scenario.finding(&Phish, "phish-verdict").severity,
            Severity::Warning
        );
        let tip = scenario.finding(&Phish, "impersonation-safety-tip");
        assert_eq!(tip.severity, Severity::Warning);
        assert_eq!(tip.title, "Safety tip SFTY:9.19");
    }

    #[test]
    fn malware_and_impersonation_have_their_own_codes() {
        let malware = Scenario::from_fixture("headers/verdicts/cat-malw-attachment.txt");
        assert_eq!(
            malware.finding(&Phish, "malware-verdict").severity,
            Severity::Problem
        );
        let uimp = Scenario::from_fixture("headers/verdicts/cat-uimp-user-impersonation.txt");
        let f = uimp.finding(&Phish, "impersonation-detected");
        assert_eq!(f.title, "Impersonation detected (CAT:UIMP)");
    }

    #[test]
    fn spam_that_is_not_phish_is_left_alone() {
        let scenario = Scenario::from_sample("15-headers-junk-spam-verdict.txt");
        assert!(scenario.run(&Phish).is_empty());
    }

    #[test]
    fn silent_without_headers() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&Phish).is_empty());
    }
}
