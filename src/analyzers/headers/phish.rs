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
