//! Reverse DNS of the sending IP (online checks): a PTR record, and whether the name it
//! gives points back to the IP (forward-confirmed reverse DNS).

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::step::Step;

/// Turns the PTR check into a finding.
pub struct ReverseDns;

impl Analyzer for ReverseDns {
    fn id(&self) -> &'static str {
        "external-reverse-dns"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["ptr-confirmed", "ptr-missing", "ptr-not-confirmed"]
    }

    fn step(&self) -> Step {
        Step::External
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(check) = cx.online.and_then(|o| o.ptr.as_ref()) else {
            return;
        };
        if check.failure.is_some() {
            return;
        }
        let ip = &check.ip;
        let finding = if check.names.is_empty() {
            Finding::new(
                "ptr-missing",
                Severity::Warning,
                format!("{ip} has no reverse DNS (PTR)"),
            )
            .detail("Receivers distrust mail servers without a PTR record; many reject them, and Exchange Online rejects IPv6 senders without one (5.7.25).")
            .advice("The owner of the IP (the sender's ISP or hosting provider) publishes a PTR record naming the mail server, with a matching A/AAAA record.")
        } else if check.confirmed.is_empty() {
            Finding::new(
                "ptr-not-confirmed",
                Severity::Warning,
                format!("Reverse DNS of {ip} ({}) does not point back to it", check.names.join(", ")),
            )
            .detail("The PTR name's own address records do not include the IP, so the reverse DNS is not forward-confirmed; receivers treat that like a missing PTR.")
            .advice("The sender's admin makes the PTR name's A/AAAA record point to the sending IP, or asks the IP owner to change the PTR to the mail server's real name.")
        } else {
            Finding::new(
                "ptr-confirmed",
                Severity::Ok,
                format!(
                    "{ip} has forward-confirmed reverse DNS ({})",
                    check.confirmed.join(", ")
                ),
            )
            .detail("The PTR name points back to the IP, as receivers expect of a mail server.")
        };
        out.push(finding.evidence_lines(check.evidence.iter().cloned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::online::{DnsFailure, OnlineResults, PtrCheck};
    use crate::testing::Scenario;

    fn run(names: &[&str], confirmed: &[&str], failure: Option<DnsFailure>) -> Vec<Finding> {
        let online = OnlineResults {
            ptr: Some(PtrCheck {
                ip: "192.0.2.10".into(),
                names: names.iter().map(|&n| n.to_owned()).collect(),
                confirmed: confirmed.iter().map(|&n| n.to_owned()).collect(),
                failure,
                evidence: vec!["PTR 10.2.0.192.in-addr.arpa → …".into()],
            }),
            ..OnlineResults::default()
        };
        Scenario::empty().with_online(online).run(&ReverseDns)
    }

    #[test]
    fn forward_confirmed_reverse_dns_is_ok() {
        let out = run(&["mail.example.com"], &["mail.example.com"], None);
        assert_eq!(out[0].code, "ptr-confirmed");
        assert_eq!(out[0].severity, Severity::Ok);
        assert_eq!(
            out[0].title,
            "192.0.2.10 has forward-confirmed reverse DNS (mail.example.com)"
        );
    }

    #[test]
    fn a_missing_or_unconfirmed_ptr_is_a_warning() {
        let missing = run(&[], &[], None);
        assert_eq!(
            (missing[0].code.as_str(), missing[0].severity),
            ("ptr-missing", Severity::Warning)
        );
        let unconfirmed = run(&["dsl-1.isp.example"], &[], None);
        assert_eq!(unconfirmed[0].code, "ptr-not-confirmed");
        assert!(unconfirmed[0].title.contains("(dsl-1.isp.example)"));
    }

    #[test]
    fn silent_offline_and_when_the_query_failed() {
        assert!(Scenario::empty().run(&ReverseDns).is_empty());
        assert!(run(&[], &[], Some(DnsFailure::Timeout)).is_empty());
    }
}
