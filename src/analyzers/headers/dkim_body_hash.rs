//! The offline DKIM body-hash check: "the body was changed after signing" (a gateway
//! banner, a disclaimer rule, a forwarder's footer) is why DKIM fails; "the body hash
//! matches" rules that out. An `l=` tag leaves the rest of the body unsigned.

use super::header_facts;
use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::headers::AuthResult;
use crate::facts::headers::dkim_body::NotChecked;
use crate::facts::headers::{BodyCheck, DkimCheck};
use crate::step::Step;

/// Compares each DKIM signature's `bh=` with the body.
pub struct DkimBodyHash;

fn label(check: &DkimCheck) -> String {
    let s = &check.signature;
    format!(
        "d={} s={} ({}, c=…/{})",
        s.domain.as_deref().unwrap_or("?"),
        s.selector.as_deref().unwrap_or("?"),
        s.algorithm.as_deref().unwrap_or("rsa-sha256"),
        s.body_canonicalization.as_str()
    )
}

fn evidence(check: &DkimCheck) -> String {
    format!(
        "DKIM-Signature: {}",
        check.signature.value.chars().take(400).collect::<String>()
    )
}

/// What the trusted Authentication-Results recorded for this signature's domain.
fn receiver_result<'a>(cx: &'a Context<'_>, check: &DkimCheck) -> Option<&'a AuthResult> {
    let trusted = header_facts(cx)?.auth.trusted()?;
    let domain = check.signature.domain.as_deref()?;
    trusted
        .all("dkim")
        .find(|r| {
            r.property("header.d")
                .is_some_and(|d| d.eq_ignore_ascii_case(domain))
        })
        .map(|r| &r.result)
}

/// The finding for a body that no longer matches its signature, read against what the
/// receiver found when the message arrived.
fn changed(check: &DkimCheck, computed: &str, at_receipt: Option<&AuthResult>) -> Finding {
    let title = format!("The body was changed after {} signed it", label(check));
    let what =
        format!("The body hash of this message ({computed}) differs from the signature's bh=.");
    match at_receipt {
        Some(AuthResult::Pass) => Finding::new("dkim-body-changed-after-receipt", Severity::Info, title)
            .detail(format!("{what} Microsoft 365 verified this signature when the message arrived, so the body changed afterwards — most often the mail client that saved this file re-encoded the message, or a rule changed it after the check. Not a delivery problem."))
            .evidence(evidence(check)),
        Some(AuthResult::Fail) => Finding::new("dkim-body-changed", Severity::Problem, title)
            .detail(format!("{what} Something rewrote the body after signing — a gateway banner, a disclaimer or footer rule, a link rewriter or a forwarder — and that is why DKIM failed."))
            .evidence(evidence(check))
            .advice(MODIFIER_ADVICE),
        _ => Finding::new("dkim-body-changed", Severity::Warning, title)
            .detail(format!("{what} Something rewrote the body after signing — a gateway banner, a disclaimer or footer rule, a link rewriter or a forwarder — so this signature fails wherever it is checked."))
            .evidence(evidence(check))
            .advice(MODIFIER_ADVICE),
    }
}

const MODIFIER_ADVICE: &str = "Find who modifies messages in the path: a disclaimer transport rule (Step 3), a gateway that adds banners, or a list that adds footers. Modifications must happen before signing, or the modifier must re-sign (ARC).";

impl Analyzer for DkimBodyHash {
    fn id(&self) -> &'static str {
        "headers-dkim-body-hash"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "dkim-body-changed",
            "dkim-body-changed-after-receipt",
            "dkim-body-hash-matches",
            "dkim-body-hash-not-checked",
            "dkim-body-truncated",
            "dkim-length-limit",
        ]
    }

    fn step(&self) -> Step {
        Step::Headers
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(facts) = header_facts(cx) else {
            return;
        };
        let mut no_body = false;
        for check in &facts.auth.dkim {
            match &check.body {
                BodyCheck::Matches { unsigned_octets } => {
                    out.push(
                        Finding::new("dkim-body-hash-matches", Severity::Ok, format!("The body is unchanged since {} signed it", label(check)))
                            .detail("The body hash recomputed from this message equals the signature's bh=: nobody added a banner or footer after signing.")
                            .evidence(evidence(check)),
                    );
                    if *unsigned_octets > 0 {
                        out.push(
                            Finding::new("dkim-length-limit", Severity::Warning, format!("{unsigned_octets} bytes of the body are not covered by the signature"))
                                .detail(format!("{} signs only the first {} bytes of the body (l=). What follows was added after signing — a footer, or content an attacker appended while the signature still verifies.", label(check), check.signature.length.unwrap_or(0)))
                                .evidence(evidence(check))
                                .advice("Treat the part after the signed length as unauthenticated."),
                        );
                    }
                }
                BodyCheck::Differs { computed } => {
                    let finding = changed(check, computed, receiver_result(cx, check));
                    let perimeter = &cx.decision.perimeter;
                    out.push(match perimeter.gateway.as_ref().filter(|_| perimeter.body_rewritten_by_gateway) {
                        Some(gateway) if finding.code == "dkim-body-changed" => finding.advice(format!(
                            "Our {name} gateway is the only system between the sender's server and Exchange Online, so it changed the body: this is ours to fix, not the sender's. An admin stops {name} from modifying inbound mail before Exchange Online checks it (banners, link rewriting, disclaimers), or turns on Enhanced Filtering for Connectors so Exchange Online trusts the gateway's ARC seal.",
                            name = gateway.display_name
                        )),
                        _ => finding,
                    });
                }
                BodyCheck::Truncated { length, canonical } => {
                    out.push(
                        Finding::new("dkim-body-truncated", Severity::Warning, format!("The body is shorter than {} signed", label(check)))
                            .detail(format!("The signature covers {length} bytes but the body has only {canonical}: part of the signed body was removed (a gateway that strips attachments, or a truncated export)."))
                            .evidence(evidence(check)),
                    );
                }
                BodyCheck::NotChecked(NotChecked::NoBody) => no_body = true,
                BodyCheck::NotChecked(reason) => {
                    out.push(
                        Finding::new(
                            "dkim-body-hash-not-checked",
                            Severity::Info,
                            format!("Body hash of {} not checked", label(check)),
                        )
                        .detail(format!("Not compared because {}.", reason.describe()))
                        .evidence(evidence(check)),
                    );
                }
            }
        }
        if no_body {
            out.push(
                Finding::new("dkim-body-hash-not-checked", Severity::Info, "DKIM body hash not checked: no message body")
                    .detail("The input holds headers only, so whether the body changed after signing cannot be checked.")
                    .advice("Save the message as .eml (or .msg) to check whether a banner or footer broke DKIM."),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn a_gateway_banner_changed_the_signed_body() {
        let scenario = Scenario::from_fixture("who_acts/gateway-body-rewrite.eml");
        let f = scenario.finding(&DkimBodyHash, "dkim-body-changed");
        assert!(f.severity >= Severity::Warning, "{:?}", f.severity);
        assert!(f.detail.contains("gateway banner"), "{}", f.detail);
    }

    #[test]
    fn headers_alone_cannot_be_checked() {
        let scenario = Scenario::from_fixture("headers/outbound-to-webmail.txt");
        let f = scenario.finding(&DkimBodyHash, "dkim-body-hash-not-checked");
        assert_eq!(f.severity, Severity::Info);
    }

    #[test]
    fn silent_without_headers() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&DkimBodyHash).is_empty());
    }

    #[test]
    fn each_signature_is_checked_against_the_body() {
        let scenario = Scenario::from_fixture("headers/dkim-four-signatures.eml");
        let matches = scenario.run(&DkimBodyHash);
        let codes: Vec<&str> = matches.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "dkim-body-hash-matches",
                "dkim-body-hash-matches",
                "dkim-length-limit",
                "dkim-body-truncated",
                "dkim-body-changed-after-receipt",
            ]
        );
        let limit = scenario.finding(&DkimBodyHash, "dkim-length-limit");
        assert_eq!(limit.severity, Severity::Warning);
        assert!(limit.detail.contains("first 20 bytes"), "{}", limit.detail);
        let receipt = scenario.finding(&DkimBodyHash, "dkim-body-changed-after-receipt");
        assert_eq!(receipt.severity, Severity::Info);
        assert!(
            receipt.title.contains("relay.example.net"),
            "{}",
            receipt.title
        );
    }
}
