//! Why DMARC failed although SPF or DKIM "passed": the identifiers that passed belong to
//! another domain (an email service's bounce domain, its own DKIM key) than the From
//! address the user sees.

use super::header_facts;
use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::headers::AuthResult;
use crate::facts::headers::alignment::Aligned;
use crate::step::Step;

/// Explains identifier alignment.
pub struct Alignment;

fn words(aligned: Aligned) -> &'static str {
    match aligned {
        Aligned::Strict => "the same domain",
        Aligned::Relaxed => "the same organization (relaxed alignment)",
        Aligned::No => "a different organization",
    }
}

impl Analyzer for Alignment {
    fn id(&self) -> &'static str {
        "headers-alignment"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "authentication-aligned",
            "authentication-alignment",
            "authentication-not-aligned",
        ]
    }

    fn step(&self) -> Step {
        Step::Headers
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(facts) = header_facts(cx) else {
            return;
        };
        let auth = &facts.auth;
        let alignment = &auth.alignment;
        let Some(from) = alignment.from_domain.as_deref() else {
            return;
        };
        if auth.trusted().is_none() {
            return;
        }
        let spf_result = auth.result("spf");
        let mut lines = Vec::new();
        if let (Some(mail_from), Some(aligned)) =
            (alignment.mail_from_domain.as_deref(), alignment.spf)
        {
            lines.push(format!(
                "SPF ({}) checked MailFrom {mail_from}: {} as From {from}",
                spf_result.map_or("no result", AuthResult::as_str),
                words(aligned)
            ));
        }
        for dkim in &alignment.dkim {
            lines.push(format!(
                "DKIM d={} ({}): {} as From {from}",
                dkim.domain,
                dkim.result
                    .as_ref()
                    .map_or("signature present, result not recorded", AuthResult::as_str),
                words(dkim.aligned)
            ));
        }
        if lines.is_empty() {
            return;
        }
        let dmarc = auth.result("dmarc");
        let aligned_pass = alignment.has_aligned_pass(spf_result);
        let any_pass = spf_result == Some(&AuthResult::Pass)
            || alignment
                .dkim
                .iter()
                .any(|d| d.result == Some(AuthResult::Pass));
        if aligned_pass && dmarc == Some(&AuthResult::Fail) {
            out.push(
                Finding::new("authentication-alignment", Severity::Info, format!("Identifiers compared with the From domain {from}"))
                    .detail(format!("{}. By these results an aligned pass exists, yet the receiver recorded dmarc=fail: the domain's DMARC record may demand strict alignment (aspf=s / adkim=s), or the results were evaluated on other identifiers.", lines.join("; ")))
                    .evidence_lines(lines),
            );
        } else if aligned_pass {
            out.push(
                Finding::new(
                    "authentication-aligned",
                    Severity::Ok,
                    format!("Authentication is aligned with the From domain {from}"),
                )
                .detail(lines.join("; "))
                .evidence_lines(lines.clone()),
            );
        } else if any_pass && dmarc != Some(&AuthResult::Pass) {
            out.push(
                Finding::new(
                    "authentication-not-aligned",
                    Severity::Warning,
                    format!("SPF or DKIM passed, but not for {from}"),
                )
                .detail(format!("{}. DMARC needs a pass for the From domain's own organization, so the passes above do not count and DMARC fails — the usual picture when a mailing service sends as a customer's domain without being set up for it.", lines.join("; ")))
                .evidence_lines(lines)
                .advice(format!("The sender must have the service DKIM-sign with d={from} (or a subdomain of it), or use a bounce (MailFrom) domain under {from} covered by its SPF record.")),
            );
        } else {
            out.push(
                Finding::new(
                    "authentication-alignment",
                    Severity::Info,
                    format!("Identifiers compared with the From domain {from}"),
                )
                .detail(lines.join("; "))
                .evidence_lines(lines),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn aligned_dkim_and_spf_pass_is_ok() {
        let scenario = Scenario::from_fixture("headers/user-rule-folder.txt");
        let f = scenario.finding(&Alignment, "authentication-aligned");
        assert_eq!(f.severity, Severity::Ok);
        assert!(f.title.ends_with("vendor.example.net"), "{}", f.title);
    }

    #[test]
    fn a_pass_for_another_domain_is_not_aligned() {
        let scenario = Scenario::from_fixture("headers/list-arc-forward.eml");
        let f = scenario.finding(&Alignment, "authentication-not-aligned");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.title, "SPF or DKIM passed, but not for example.org");
    }

    #[test]
    fn failed_identifiers_are_compared_with_the_from_domain() {
        let scenario = Scenario::from_fixture("headers/own-domain-spoof.txt");
        let f = scenario.finding(&Alignment, "authentication-alignment");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.title.ends_with("contoso.com"), "{}", f.title);
    }

    #[test]
    fn silent_without_headers() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&Alignment).is_empty());
    }
}
