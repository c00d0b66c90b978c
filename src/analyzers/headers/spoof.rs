//! Spoofing: CAT:SPOOF with composite authentication failing (reasons 000/001/002), and
//! our own domain failing authentication (reasons 010, 6xx).

use std::fmt::Write as _;

use super::{field_lines, header_facts};
use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::headers::AuthResult;
use crate::facts::headers::alignment::domain_of;
use crate::step::Step;

/// Explains spoof verdicts.
pub struct Spoof;

impl Analyzer for Spoof {
    fn id(&self) -> &'static str {
        "headers-spoof"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["own-domain-spoofed", "spoofed-sender"]
    }

    fn step(&self) -> Step {
        Step::Headers
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(facts) = header_facts(cx) else {
            return;
        };
        let auth = &facts.auth;
        let compauth = auth.compauth.as_ref();
        let failed = compauth.is_some_and(|c| c.result == AuthResult::Fail);
        let reason = compauth.and_then(|c| c.reason.as_deref()).unwrap_or("");
        let spoof_cat = facts.spam.verdict("CAT").as_deref() == Some("SPOOF");
        let from = auth
            .alignment
            .from_domain
            .clone()
            .unwrap_or_else(|| "the From domain".to_owned());
        let mut evidence = field_lines(cx, &["From", "Return-Path", "Reply-To"]);
        if let Some(trusted) = auth.trusted() {
            evidence.push(format!(
                "{}: {}",
                trusted.header,
                trusted.value.chars().take(600).collect::<String>()
            ));
        }
        evidence.extend(field_lines(cx, &["X-Forefront-Antispam-Report"]));
        let meaning = compauth.and_then(|c| c.meaning.clone()).unwrap_or_default();
        let own = failed && (reason == "010" || reason.starts_with('6'));
        if own {
            out.push(
                Finding::new(
                    "own-domain-spoofed",
                    Severity::Problem,
                    format!("Our own domain {from} failed authentication"),
                )
                .detail(format!("compauth=fail reason={reason}: {meaning}"))
                .evidence_lines(evidence)
                .advice(compauth.and_then(|c| c.advice.clone()).unwrap_or_default()),
            );
            return;
        }
        if !(spoof_cat || (failed && matches!(reason, "000" | "001" | "002"))) {
            return;
        }
        let mut detail = format!("The message claims to come from {from} but did not prove it");
        if let Some(mail_from) = auth.alignment.mail_from_domain.as_deref()
            && !mail_from.eq_ignore_ascii_case(&from)
        {
            write!(detail, " (the envelope sender is {mail_from})").ok();
        }
        detail.push('.');
        if !meaning.is_empty() {
            write!(detail, " compauth reason {reason}: {meaning}").ok();
        }
        let reply_to = super::block(cx)
            .and_then(|b| b.get("Reply-To"))
            .and_then(domain_of);
        if let Some(reply) = reply_to.filter(|r| !r.eq_ignore_ascii_case(&from)) {
            write!(
                detail,
                " Replies go to {reply}, another domain — typical of fraud."
            )
            .ok();
        }
        out.push(
            Finding::new(
                "spoofed-sender",
                if spoof_cat { Severity::Problem } else { Severity::Warning },
                format!("Spoofed sender: {from} failed composite authentication"),
            )
            .detail(detail)
            .evidence_lines(evidence)
            .advice(super::authentication::ours_to_fix(cx).or_else(|| compauth.and_then(|c| c.advice.clone())).unwrap_or_else(|| {
                "The sender must fix SPF, DKIM and DMARC; if the sending service is legitimate, an admin can allow the spoofed sender pair in the Tenant Allow/Block List.".to_owned()
            })),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn our_own_domain_failing_authentication_is_a_problem() {
        let scenario = Scenario::from_fixture("headers/own-domain-spoof.txt");
        let f = scenario.finding(&Spoof, "own-domain-spoofed");
        assert_eq!(f.severity, Severity::Problem);
        assert!(f.title.contains("contoso.com"), "{}", f.title);
    }

    #[test]
    fn another_domain_failing_compauth_is_a_spoofed_sender() {
        let scenario = Scenario::from_fixture("who_acts/direct-spf-fail-junk.eml");
        let f = scenario.finding(&Spoof, "spoofed-sender");
        assert!(f.severity >= Severity::Warning, "{:?}", f.severity);
        assert!(f.title.starts_with("Spoofed sender: "), "{}", f.title);
    }

    #[test]
    fn a_passing_sender_is_not_spoofed() {
        let scenario = Scenario::from_fixture("headers/user-rule-folder.txt");
        assert!(scenario.run(&Spoof).is_empty());
    }

    #[test]
    fn silent_without_headers() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&Spoof).is_empty());
    }
}
