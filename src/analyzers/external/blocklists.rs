//! Blocklist answers for the sending IP (online checks): listed, not listed, or the list
//! refused the query — which is not a listing.

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::online::{BlocklistAnswer, BlocklistOutcome};
use crate::step::Step;

/// Turns blocklist answers into findings.
pub struct Blocklists;

impl Analyzer for Blocklists {
    fn id(&self) -> &'static str {
        "external-blocklists"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "blocklist-query-failed",
            "blocklist-query-refused",
            "ip-blocklisted",
            "ip-not-blocklisted",
            "ip-policy-listed",
        ]
    }

    fn step(&self) -> Step {
        Step::External
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(online) = cx.online else {
            return;
        };
        let mut clean: Vec<&str> = Vec::new();
        let mut clean_evidence: Vec<String> = Vec::new();
        for check in &online.blocklists {
            let ip = &check.ip;
            let list = &check.list;
            match &check.outcome {
                BlocklistOutcome::Listed(answers) => {
                    let policy_only = answers.iter().all(|a| a.policy);
                    let (code, severity, what) = if policy_only {
                        ("ip-policy-listed", Severity::Warning, "policy list (end-user addresses)")
                    } else {
                        ("ip-blocklisted", Severity::Problem, "blocklist")
                    };
                    out.push(
                        Finding::new(code, severity, format!("{ip} is listed on {list}"))
                            .detail(format!(
                                "{list} answers that {ip} is on its {what}: {}. Receivers that use this list reject or junk mail from the IP.",
                                meanings(answers)
                            ))
                            .evidence_lines(check.evidence.clone())
                            .advice(if policy_only {
                                format!("The sender should send through their provider's mail servers (or a smart host), not directly from this address; the owner of a real mail server on a static IP can remove it from the policy list at {}.", check.lookup)
                            } else {
                                format!("The sender's admin finds and fixes the cause (a compromised account or machine, an open relay, a bad mailing list), then requests removal at {}.", check.lookup)
                            }),
                    );
                }
                BlocklistOutcome::Refused(answers) => out.push(
                    Finding::new(
                        "blocklist-query-refused",
                        Severity::Info,
                        format!("{list} refused the query for {ip} (not a listing)"),
                    )
                    .detail(format!(
                        "{list} answered with an error code, not a listing: {}. Spamhaus refuses queries that arrive through large public resolvers (8.8.8.8, 1.1.1.1 and similar), so this says nothing about the IP.",
                        meanings(answers)
                    ))
                    .evidence_lines(check.evidence.clone())
                    .advice(format!(
                        "Run the online checks through your own or your ISP's resolver (--dns-server), or look the IP up at {}.",
                        check.lookup
                    )),
                ),
                BlocklistOutcome::Failed(failure) => out.push(
                    Finding::new(
                        "blocklist-query-failed",
                        Severity::Info,
                        format!("{list} could not be asked about {ip}"),
                    )
                    .detail(format!("The query failed: {failure}. Nothing is known about this list."))
                    .evidence_lines(check.evidence.clone())
                    .advice(format!("Look the IP up at {}.", check.lookup)),
                ),
                BlocklistOutcome::NotListed => {
                    clean.push(list);
                    clean_evidence.extend(check.evidence.iter().cloned());
                }
                BlocklistOutcome::NotApplicable => {}
            }
        }
        if let (Some(first), false) = (online.blocklists.first(), clean.is_empty()) {
            out.push(
                Finding::new(
                    "ip-not-blocklisted",
                    Severity::Ok,
                    format!("{} is not listed on {}", first.ip, clean.join(", ")),
                )
                .detail("These public blocklists do not list the sending IP now. Listings come and go: a rejection days ago may have been a listing that has since expired.")
                .evidence_lines(clean_evidence),
            );
        }
    }
}

fn meanings(answers: &[BlocklistAnswer]) -> String {
    answers
        .iter()
        .map(|a| format!("{} ({})", a.meaning, a.address))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::online::{BlocklistCheck, DnsFailure, OnlineResults};

    fn check(list: &str, outcome: BlocklistOutcome) -> BlocklistCheck {
        BlocklistCheck {
            ip: "203.0.113.5".into(),
            list: list.into(),
            zone: format!("{}.example", list.to_ascii_lowercase()),
            lookup: "https://lookup.example".into(),
            outcome,
            evidence: vec![format!("A 5.113.0.203.{list} → …")],
        }
    }

    #[test]
    fn refusals_and_failures_are_never_listings() {
        let refused = BlocklistAnswer {
            address: "127.255.255.254".into(),
            meaning: "refused".into(),
            policy: false,
        };
        let online = OnlineResults {
            blocklists: vec![
                check("Zen", BlocklistOutcome::Refused(vec![refused])),
                check("Cop", BlocklistOutcome::Failed(DnsFailure::Timeout)),
                check("Cuda", BlocklistOutcome::NotListed),
            ],
            ..OnlineResults::default()
        };
        let findings = super::super::run_online(&Blocklists, &online);
        let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "blocklist-query-refused",
                "blocklist-query-failed",
                "ip-not-blocklisted"
            ]
        );
        assert!(findings.iter().all(|f| f.severity <= Severity::Info));
    }

    #[test]
    fn a_policy_listing_is_a_warning_not_a_problem() {
        let pbl = BlocklistAnswer {
            address: "127.0.0.10".into(),
            meaning: "PBL".into(),
            policy: true,
        };
        let online = OnlineResults {
            blocklists: vec![check("Zen", BlocklistOutcome::Listed(vec![pbl]))],
            ..OnlineResults::default()
        };
        let findings = super::super::run_online(&Blocklists, &online);
        assert_eq!(findings[0].code, "ip-policy-listed");
        assert_eq!(findings[0].severity, Severity::Warning);
    }

    #[test]
    fn one_clean_line_for_every_list_that_does_not_list_the_ip() {
        let online = OnlineResults {
            blocklists: vec![
                check("Spamhaus", BlocklistOutcome::NotListed),
                check("Barracuda", BlocklistOutcome::NotListed),
                check("UCEPROTECT", BlocklistOutcome::NotApplicable),
            ],
            ..OnlineResults::default()
        };
        let findings = super::super::run_online(&Blocklists, &online);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].code, "ip-not-blocklisted");
        assert_eq!(findings[0].severity, Severity::Ok);
        assert_eq!(
            findings[0].title,
            "203.0.113.5 is not listed on Spamhaus, Barracuda"
        );
    }

    #[test]
    fn silent_offline_and_without_lists() {
        assert!(
            crate::testing::Scenario::empty()
                .run(&Blocklists)
                .is_empty()
        );
        let none = OnlineResults::default();
        assert!(super::super::run_online(&Blocklists, &none).is_empty());
    }
}
