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
