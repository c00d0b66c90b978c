//! DNS failures met by the online checks, one finding per domain: NXDOMAIN, SERVFAIL,
//! timeouts and refusals are findings of their own — "their domain has DNS errors" is a
//! common reason mail does not arrive, because receivers defer or reject mail whose SPF,
//! DKIM or DMARC they cannot fetch.

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::online::{DnsFailure, FailedQuery, OnlineResults};
use crate::step::Step;

/// Turns failed queries into findings.
pub struct DnsFailures;

impl Analyzer for DnsFailures {
    fn id(&self) -> &'static str {
        "external-dns-failures"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "dns-error",
            "dns-nxdomain",
            "dns-refused",
            "dns-server-silent",
            "dns-servfail",
            "dns-timeout",
            "online-checks-incomplete",
        ]
    }

    fn step(&self) -> Step {
        Step::External
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(online) = cx.online else {
            return;
        };
        if online.resolver_silent {
            out.push(silent_resolver(online));
            return;
        }
        let mut domains: Vec<&str> = Vec::new();
        for failed in &online.failures {
            if failed.failure != DnsFailure::OutOfBudget
                && !domains.contains(&failed.domain.as_str())
            {
                domains.push(&failed.domain);
            }
        }
        for domain in domains {
            let queries: Vec<&FailedQuery> = online
                .failures
                .iter()
                .filter(|f| f.domain == domain && f.failure != DnsFailure::OutOfBudget)
                .collect();
            let Some(first) = queries.first() else {
                continue;
            };
            let purposes: Vec<&str> = queries.iter().map(|q| q.purpose.as_str()).collect();
            let (code, title, why) = match &first.failure {
                DnsFailure::NxDomain => (
                    "dns-nxdomain",
                    format!("{domain} does not exist in DNS"),
                    "The name does not exist (NXDOMAIN): the domain is misspelt, expired, or was never registered. Receivers reject mail from senders whose domain does not exist.",
                ),
                DnsFailure::ServFail => (
                    "dns-servfail",
                    format!("{domain} has DNS errors: its name servers fail (SERVFAIL)"),
                    "The resolver got SERVFAIL: the domain's name servers are down, lame (delegated but not serving the zone), or its DNSSEC signatures are broken. Receivers cannot fetch its SPF, DKIM or DMARC records, so they defer or junk its mail.",
                ),
                DnsFailure::Timeout => (
                    "dns-timeout",
                    format!("{domain} has DNS errors: its name servers do not answer (timeout)"),
                    "No answer came within the per-query timeout: the domain's name servers are unreachable or too slow. Receivers meet the same timeouts and defer or junk its mail.",
                ),
                DnsFailure::Refused => (
                    "dns-refused",
                    format!("{domain} has DNS errors: the query was refused"),
                    "The server refused the query (REFUSED): a lame delegation, or a resolver that does not serve this client.",
                ),
                DnsFailure::Other(_) | DnsFailure::OutOfBudget => (
                    "dns-error",
                    format!("{domain} has DNS errors"),
                    "The query failed.",
                ),
            };
            out.push(
                Finding::new(code, Severity::Problem, title)
                    .detail(format!("{why} Affected: {}.", purposes.join(", ")))
                    .evidence_lines(queries.iter().map(|q| q.evidence()))
                    .advice(format!(
                        "{domain}'s owner checks its registration and delegation at the registrar, that every listed name server answers for the zone, and DNSSEC if the zone is signed. If only your resolver fails, repeat the checks through another one (--dns-server)."
                    )),
            );
        }
        if online.budget_exhausted {
            out.push(
                Finding::new(
                    "online-checks-incomplete",
                    Severity::Info,
                    "Some online checks did not finish within the time budget",
                )
                .detail(format!(
                    "The checks stopped after {} ms through {}; checks that were not answered by then are missing or marked as not asked.",
                    online.elapsed_ms, online.resolver
                ))
                .evidence_lines(
                    online
                        .failures
                        .iter()
                        .filter(|f| f.failure == DnsFailure::OutOfBudget)
                        .map(FailedQuery::evidence),
                )
                .advice("Run the checks again, or through a faster resolver."),
            );
        }
    }
}

/// The one finding when our DNS server answered nothing: the fault is on our side (the
/// server is down, the address is wrong, a firewall drops DNS), so our admins act and no
/// domain is blamed.
fn silent_resolver(online: &OnlineResults) -> Finding {
    Finding::new(
        "dns-server-silent",
        Severity::Warning,
        "The DNS server did not answer any query",
    )
    .detail(format!(
        "Every online check went to {} and none got an answer (no reply in time, or the connection was refused) within {} ms. This is a problem on our side — the DNS server is down or unreachable from this computer — and says nothing about the sender's or recipient's domains, so no online check could be made.",
        online.resolver, online.elapsed_ms
    ))
    .evidence(format!("DNS server: {}", online.resolver))
    .advice("Your IT admins check that this computer can reach its DNS server (firewall, VPN, the address given with --dns-server), then run the online checks again, or through another resolver with --dns-server.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(name: &str, purpose: &str, failure: DnsFailure) -> FailedQuery {
        FailedQuery {
            name: name.into(),
            record_type: "TXT".into(),
            domain: "example.net".into(),
            purpose: purpose.into(),
            failure,
        }
    }

    #[test]
    fn failures_are_grouped_by_domain_and_the_budget_is_reported_apart() {
        let online = OnlineResults {
            resolver: "the system resolver".into(),
            elapsed_ms: 10_000,
            budget_exhausted: true,
            failures: vec![
                failed("example.net", "SPF record", DnsFailure::ServFail),
                failed("_dmarc.example.net", "DMARC record", DnsFailure::ServFail),
                failed(
                    "s1._domainkey.example.net",
                    "DKIM key",
                    DnsFailure::OutOfBudget,
                ),
            ],
            ..OnlineResults::default()
        };
        let findings = super::super::run_online(&DnsFailures, &online);
        let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["dns-servfail", "online-checks-incomplete"]);
        assert!(findings[0].detail.contains("SPF record, DMARC record"));
        assert_eq!(findings[0].evidence.len(), 2);
        assert_eq!(findings[1].evidence.len(), 1);
    }

    #[test]
    fn a_silent_server_is_one_local_finding_and_blames_no_domain() {
        let online = OnlineResults {
            resolver: "127.0.0.1:5399".into(),
            resolver_silent: true,
            ..OnlineResults::default()
        };
        let findings = super::super::run_online(&DnsFailures, &online);
        let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["dns-server-silent"]);
        assert_eq!(findings[0].title, "The DNS server did not answer any query");
        assert_eq!(findings[0].severity, Severity::Warning);
    }

    #[test]
    fn each_kind_of_failure_has_its_code() {
        for (failure, code) in [
            (DnsFailure::NxDomain, "dns-nxdomain"),
            (DnsFailure::Timeout, "dns-timeout"),
            (DnsFailure::Refused, "dns-refused"),
            (DnsFailure::Other("network unreachable".into()), "dns-error"),
        ] {
            let online = OnlineResults {
                failures: vec![failed("example.net", "MX records", failure)],
                ..OnlineResults::default()
            };
            let findings = super::super::run_online(&DnsFailures, &online);
            assert_eq!(findings.len(), 1, "{code}");
            assert_eq!(findings[0].code, code);
            assert_eq!(findings[0].severity, Severity::Problem);
            assert!(
                findings[0].detail.ends_with("Affected: MX records."),
                "{}",
                findings[0].detail
            );
        }
    }

    #[test]
    fn silent_offline_and_when_every_query_was_answered() {
        assert!(
            crate::testing::Scenario::empty()
                .run(&DnsFailures)
                .is_empty()
        );
        let answered = OnlineResults::default();
        assert!(super::super::run_online(&DnsFailures, &answered).is_empty());
    }
}
