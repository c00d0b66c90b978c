//! DNS errors the inputs themselves report: routing and DNS status codes (4.4.3, 5.4.4,
//! 4.4.312, 5.4.310, 5.4.312, any reply that names DNS) and authentication results that
//! could not be fetched (`spf=temperror`, `dmarc=temperror`): "their domain has DNS errors".

use std::sync::LazyLock;

use regex::Regex;

use crate::analyzers::headers::field_lines;
use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::headers::alignment::domain_of;
use crate::step::Step;

/// Finds DNS errors in the inputs.
pub struct DnsErrors;

static DNS_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bDNS\b|NonExistentDomain").expect("static regex"));
static DOMAIN_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bdomain\s+\[?([a-z0-9-]+(?:\.[a-z0-9-]+)+)").expect("static regex")
});

impl Analyzer for DnsErrors {
    fn id(&self) -> &'static str {
        "external-dns-errors"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["dns-errors-reported", "sender-dns-temperror"]
    }

    fn step(&self) -> Step {
        Step::External
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let sender_domain = sender_domain(cx);
        let mut reported: Vec<String> = Vec::new();
        for code in &cx.facts.codes {
            let dns = cx.knowledge.status_codes.is_dns_failure(&code.code)
                || DNS_WORD.is_match(&code.text)
                || code.component.as_deref().is_some_and(|c| c.contains("DNS"));
            if !dns || reported.contains(&code.code) {
                continue;
            }
            reported.push(code.code.clone());
            let named = DOMAIN_IN_TEXT
                .captures(&code.source_line)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().to_ascii_lowercase());
            let ndr_recipients = cx.message.ndrs.iter().flat_map(|n| n.recipients.iter());
            let recipient_domain = cx
                .facts
                .recipients
                .iter()
                .map(|r| &r.recipient)
                .chain(ndr_recipients)
                .find_map(|r| domain_of(r));
            let (whose, domain) = match (&named, &sender_domain, &recipient_domain) {
                (Some(n), Some(s), _) if n == s => ("The sender's domain", Some(n.clone())),
                (Some(n), _, Some(r)) if n == r => ("The recipient's domain", Some(n.clone())),
                (Some(n), _, _) => ("The domain", Some(n.clone())),
                (None, _, Some(r)) => ("The recipient's domain", Some(r.clone())),
                _ => ("A domain on the delivery path", None),
            };
            let name = domain.map(|d| format!(" {d}")).unwrap_or_default();
            out.push(
                Finding::new(
                    "dns-errors-reported",
                    if code.class() == 5 { Severity::Problem } else { Severity::Warning },
                    format!("{whose}{name} has DNS errors ({})", code.code),
                )
                .detail("The reply says a DNS lookup failed: the domain does not exist, its name servers do not answer, or it has no usable MX or address records. Mail cannot be routed until its DNS is fixed; a typo in the address gives the same error.")
                .evidence(code.source_line.clone())
                .advice("Check the domain's spelling first. If it is right, its owner checks the domain's registration and name servers (every NS answers, delegation at the registrar, DNSSEC) and its MX records; the online checks can query them."),
            );
        }
        temperrors(cx, sender_domain.as_deref(), out);
    }
}

/// `spf=temperror` / `dmarc=temperror` / `dkim=temperror`: Exchange Online could not
/// fetch the sender domain's records when the message arrived.
fn temperrors(cx: &Context<'_>, sender_domain: Option<&str>, out: &mut Vec<Finding>) {
    let Some(auth) = cx.facts.headers.as_ref().map(|h| &h.authentication) else {
        return;
    };
    let failed: Vec<&str> = [
        ("SPF", &auth.spf),
        ("DKIM", &auth.dkim),
        ("DMARC", &auth.dmarc),
    ]
    .into_iter()
    .filter(|(_, result)| result.as_deref() == Some("temperror"))
    .map(|(method, _)| method)
    .collect();
    if failed.is_empty() {
        return;
    }
    let name = sender_domain.map(|d| format!(" {d}")).unwrap_or_default();
    out.push(
            Finding::new(
                "sender-dns-temperror",
                Severity::Warning,
                format!("The sender's domain{name} has DNS errors ({} temperror)", failed.join(", ")),
            )
            .detail(format!(
                "When the message arrived, Exchange Online could not fetch the sender domain's {} {}: the DNS lookup failed temporarily (SERVFAIL, timeout). Authentication then counts as failed or unknown, which can send legitimate mail to Junk or quarantine.",
                failed.join(" and "),
                crate::words::noun(failed.len() as u64, "record", "records")
            ))
            .evidence_lines(field_lines(cx, &["Authentication-Results"]))
            .advice(format!(
                "The sender's admin checks that every name server of{name} answers (and DNSSEC, if signed); the online checks query the records now."
            )),
        );
}

/// The sender's domain: the From header's, else the trace's sender.
fn sender_domain(cx: &Context<'_>) -> Option<String> {
    cx.facts
        .headers
        .as_ref()
        .and_then(|h| h.auth.alignment.from_domain.clone())
        .or_else(|| {
            cx.message
                .traces
                .iter()
                .find_map(|t| t.sender.as_deref().and_then(domain_of))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn a_recipient_domain_that_does_not_exist_is_named() {
        let scenario = Scenario::from_fixture("trace/eac-outbound-5.4.310-domain-missing.txt");
        let f = scenario.finding(&DnsErrors, "dns-errors-reported");
        assert_eq!(f.severity, Severity::Problem);
        assert_eq!(
            f.title,
            "The recipient's domain fabrikam-typo.example has DNS errors (5.4.310)"
        );
        assert!(
            f.evidence[0].contains("InfoDomainNonexistent"),
            "{:?}",
            f.evidence
        );
    }

    #[test]
    fn temperror_results_are_the_senders_dns() {
        let scenario = Scenario::from_fixture("headers/verdicts/spf-temperror.txt");
        let f = scenario.finding(&DnsErrors, "sender-dns-temperror");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.title,
            "The sender's domain vendor.example.net has DNS errors (SPF, DMARC temperror)"
        );
        assert!(f.detail.contains("SPF and DMARC records"), "{}", f.detail);
    }

    #[test]
    fn silent_without_dns_trouble() {
        let trace = Scenario::from_sample("05-ps-get-messagetracedetail-v1-list-failed.txt");
        assert!(trace.run(&DnsErrors).is_empty());
        let headers = Scenario::from_fixture("headers/user-rule-folder.txt");
        assert!(headers.run(&DnsErrors).is_empty());
    }
}
