//! The sender domain's MX records (online checks): a domain that cannot receive mail cannot
//! receive the replies and non-delivery reports its own mail causes.

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::step::Step;

/// Turns the MX check into a finding.
pub struct MxRecords;

impl Analyzer for MxRecords {
    fn id(&self) -> &'static str {
        "external-mx-records"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["mx-missing", "mx-records", "null-mx"]
    }

    fn step(&self) -> Step {
        Step::External
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(check) = cx.online.and_then(|o| o.mx.as_ref()) else {
            return;
        };
        if check.failure.is_some() {
            return;
        }
        let domain = &check.domain;
        let finding = if check.null_mx {
            Finding::new(
                "null-mx",
                Severity::Warning,
                format!("{domain} declares that it receives no mail (null MX)"),
            )
            .detail("A null MX (RFC 7505) says the domain never receives mail: replies and non-delivery reports to the sender cannot be delivered, and some receivers reject mail from such domains.")
            .advice("If the domain sends mail, its admin replaces the null MX with the real mail servers.")
        } else if check.hosts.is_empty() {
            Finding::new(
                "mx-missing",
                Severity::Warning,
                format!("{domain} has no MX records"),
            )
            .detail("Without MX records, mail to the domain falls back to its A record, which is rarely a mail server: replies and non-delivery reports to the sender are likely lost, and some receivers distrust senders whose domain cannot receive mail.")
            .advice(format!("The sender's admin publishes MX records for {domain}."))
        } else {
            let hosts: Vec<String> = check
                .hosts
                .iter()
                .map(|(pref, host)| format!("{host} ({pref})"))
                .collect();
            Finding::new(
                "mx-records",
                Severity::Ok,
                format!("{domain} receives mail at {}", hosts.join(", ")),
            )
            .detail("The domain publishes MX records, so replies and non-delivery reports can reach it.")
        };
        out.push(finding.evidence_lines(check.evidence.iter().cloned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::online::{DnsFailure, MxCheck, OnlineResults};
    use crate::testing::Scenario;

    fn run(hosts: &[(u16, &str)], null_mx: bool, failure: Option<DnsFailure>) -> Vec<Finding> {
        let online = OnlineResults {
            mx: Some(MxCheck {
                domain: "example.com".into(),
                hosts: hosts.iter().map(|&(p, h)| (p, h.to_owned())).collect(),
                null_mx,
                failure,
                evidence: vec!["MX example.com → …".into()],
            }),
            ..OnlineResults::default()
        };
        Scenario::empty().with_online(online).run(&MxRecords)
    }

    #[test]
    fn mx_hosts_are_listed_by_preference() {
        let out = run(
            &[(10, "mx1.example.com"), (20, "mx2.example.com")],
            false,
            None,
        );
        assert_eq!(out[0].code, "mx-records");
        assert_eq!(out[0].severity, Severity::Ok);
        assert_eq!(
            out[0].title,
            "example.com receives mail at mx1.example.com (10), mx2.example.com (20)"
        );
    }

    #[test]
    fn a_null_mx_and_no_mx_are_warnings() {
        let null = run(&[], true, None);
        assert_eq!(
            (null[0].code.as_str(), null[0].severity),
            ("null-mx", Severity::Warning)
        );
        let none = run(&[], false, None);
        assert_eq!(
            (none[0].code.as_str(), none[0].severity),
            ("mx-missing", Severity::Warning)
        );
    }

    #[test]
    fn silent_offline_and_when_the_query_failed() {
        assert!(Scenario::empty().run(&MxRecords).is_empty());
        assert!(run(&[], false, Some(DnsFailure::ServFail)).is_empty());
    }
}
