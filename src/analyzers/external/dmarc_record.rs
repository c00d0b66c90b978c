//! The From domain's DMARC record (online checks): policy, pct and alignment modes, or that
//! there is none.

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::online::DmarcOutcome;
use crate::step::Step;

/// Turns the DMARC check into a finding.
pub struct DmarcRecord;

impl Analyzer for DmarcRecord {
    fn id(&self) -> &'static str {
        "external-dmarc-record"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "dmarc-lookup-failed",
            "dmarc-record",
            "dmarc-record-invalid",
            "dmarc-record-missing",
        ]
    }

    fn step(&self) -> Step {
        Step::External
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(check) = cx.online.and_then(|o| o.dmarc.as_ref()) else {
            return;
        };
        let domain = &check.domain;
        let finding = match &check.outcome {
            DmarcOutcome::Found(record) => {
                let mode = |m: &str| if m == "s" { "strict" } else { "relaxed" };
                let inherited = if record.found_at == format!("_dmarc.{domain}") {
                    String::new()
                } else {
                    format!(" (inherited from {})", record.found_at)
                };
                let mut detail = format!(
                    "Policy p={} applies to {}% of failing messages; DKIM alignment {}, SPF alignment {}{}.",
                    record.policy,
                    record.pct,
                    mode(&record.adkim),
                    mode(&record.aspf),
                    record
                        .subdomain_policy
                        .as_deref()
                        .map(|sp| format!(", subdomain policy sp={sp}"))
                        .unwrap_or_default()
                );
                let severity = if record.policy == "none" {
                    detail.push_str(" p=none only monitors: failing messages are delivered as if there were no DMARC, and Microsoft 365 may still junk them by its own spoof intelligence (compauth).");
                    Severity::Info
                } else {
                    detail.push_str(if record.policy == "reject" {
                        " Messages that fail both aligned SPF and aligned DKIM are rejected by receivers that honour the policy."
                    } else {
                        " Messages that fail both aligned SPF and aligned DKIM are quarantined by receivers that honour the policy."
                    });
                    Severity::Ok
                };
                if record.pct < 100 {
                    detail.push_str(" pct=");
                    detail.push_str(&record.pct.to_string());
                    detail.push_str(" means the policy applies to only part of the failing mail; the rest is treated one step more leniently.");
                }
                if record.rua.is_none() {
                    detail.push_str(" No rua= address: the domain owner receives no aggregate reports and cannot see who fails.");
                }
                Finding::new(
                    "dmarc-record",
                    severity,
                    format!("DMARC of {domain}: p={}, pct={}{inherited}", record.policy, record.pct),
                )
                .detail(detail)
                .evidence(format!("DMARC record: {}", record.record))
            }
            DmarcOutcome::Missing => Finding::new(
                "dmarc-record-missing",
                Severity::Warning,
                format!("{domain} publishes no DMARC record"),
            )
            .detail("Neither the domain nor its organisational domain has a _dmarc TXT record, so receivers apply their own judgement to unauthenticated mail claiming to be from it; Outlook.com and other large receivers require DMARC from bulk senders.")
            .advice(format!("The sender's admin publishes _dmarc.{domain} TXT \"v=DMARC1; p=none; rua=mailto:…\" to start monitoring, then moves to quarantine or reject once SPF and DKIM align.")),
            DmarcOutcome::Invalid(reason) => Finding::new(
                "dmarc-record-invalid",
                Severity::Problem,
                format!("The DMARC record of {domain} is invalid: {reason}"),
            )
            .detail("Receivers ignore an invalid DMARC record, so the domain has no DMARC protection.")
            .advice("The sender's admin fixes the record: one TXT record starting v=DMARC1 with a p= tag."),
            DmarcOutcome::Failed(failure) => Finding::new(
                "dmarc-lookup-failed",
                Severity::Warning,
                format!("The DMARC record of {domain} could not be fetched"),
            )
            .detail(format!("The query failed: {failure}. Receivers that meet the same failure treat DMARC as temperror.")),
        };
        out.push(finding.evidence_lines(check.evidence.iter().cloned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::online::{DmarcCheck, DmarcRecord as Record, DnsFailure, OnlineResults};
    use crate::testing::Scenario;

    fn run(outcome: DmarcOutcome) -> Vec<Finding> {
        let online = OnlineResults {
            dmarc: Some(DmarcCheck {
                domain: "mail.example.com".into(),
                outcome,
                evidence: vec!["TXT _dmarc.mail.example.com → NXDOMAIN".into()],
            }),
            ..OnlineResults::default()
        };
        Scenario::empty().with_online(online).run(&DmarcRecord)
    }

    fn record(policy: &str, pct: u8) -> Record {
        Record {
            found_at: "_dmarc.example.com".into(),
            record: format!("v=DMARC1; p={policy}; pct={pct}"),
            policy: policy.into(),
            subdomain_policy: None,
            pct,
            adkim: "s".into(),
            aspf: "r".into(),
            rua: None,
        }
    }

    #[test]
    fn an_inherited_enforcing_record_is_ok_and_explained() {
        let out = run(DmarcOutcome::Found(record("reject", 50)));
        assert_eq!(out[0].code, "dmarc-record");
        assert_eq!(out[0].severity, Severity::Ok);
        assert_eq!(
            out[0].title,
            "DMARC of mail.example.com: p=reject, pct=50 (inherited from _dmarc.example.com)"
        );
        assert!(
            out[0].detail.contains("DKIM alignment strict"),
            "{}",
            out[0].detail
        );
        assert!(
            out[0].detail.contains("No rua= address"),
            "{}",
            out[0].detail
        );
    }

    #[test]
    fn a_monitoring_record_is_only_info() {
        let out = run(DmarcOutcome::Found(record("none", 100)));
        assert_eq!(out[0].severity, Severity::Info);
        assert!(out[0].detail.contains("p=none only monitors"));
    }

    #[test]
    fn missing_invalid_and_failed_lookups_have_their_codes() {
        for (outcome, code, severity) in [
            (
                DmarcOutcome::Missing,
                "dmarc-record-missing",
                Severity::Warning,
            ),
            (
                DmarcOutcome::Invalid("no p= tag".into()),
                "dmarc-record-invalid",
                Severity::Problem,
            ),
            (
                DmarcOutcome::Failed(DnsFailure::ServFail),
                "dmarc-lookup-failed",
                Severity::Warning,
            ),
        ] {
            let out = run(outcome);
            assert_eq!(out.len(), 1);
            assert_eq!((out[0].code.as_str(), out[0].severity), (code, severity));
            assert!(out[0].title.contains("mail.example.com"));
        }
    }

    #[test]
    fn silent_offline() {
        assert!(Scenario::empty().run(&DmarcRecord).is_empty());
    }
}
