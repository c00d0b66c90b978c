//! The sender domain's SPF record (online checks): missing, valid, or permerror / temperror
//! with the reason (more than 10 DNS lookups, void lookups, syntax, several records).

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::online::SpfVerdict;
use crate::step::Step;

/// Turns the SPF check into a finding.
pub struct SpfRecord;

impl Analyzer for SpfRecord {
    fn id(&self) -> &'static str {
        "external-spf-record"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "spf-ip-fail",
            "spf-ip-neutral",
            "spf-ip-none",
            "spf-ip-pass",
            "spf-ip-permerror",
            "spf-ip-softfail",
            "spf-ip-temperror",
            "spf-permerror",
            "spf-record-missing",
            "spf-record-valid",
            "spf-temperror",
        ]
    }

    fn step(&self) -> Step {
        Step::External
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(check) = cx.online.and_then(|o| o.spf.as_ref()) else {
            return;
        };
        let domain = &check.domain;
        let counts = format!(
            "{} DNS lookups of the 10 allowed, {} void lookups of the 2 allowed",
            check.lookups, check.void_lookups
        );
        let finding = match &check.verdict {
            SpfVerdict::Valid => Finding::new(
                "spf-record-valid",
                Severity::Ok,
                format!("SPF record of {domain} is valid ({} of 10 lookups)", check.lookups),
            )
            .detail(format!("{domain} publishes one SPF record that evaluates without errors: {counts}. Whether it authorises a given server is shown by the spf= result in the headers (step 4).")),
            SpfVerdict::Missing => Finding::new(
                "spf-record-missing",
                Severity::Warning,
                format!("{domain} publishes no SPF record"),
            )
            .detail("Without SPF, receivers cannot tell which servers may send for the domain: SPF evaluates to none, and without DKIM the message fails DMARC and is likely junked or rejected.")
            .advice(format!("The sender's admin publishes a TXT record at {domain} starting with v=spf1 that lists every system sending for the domain (for Microsoft 365: include:spf.protection.outlook.com) and ends with -all or ~all.")),
            SpfVerdict::PermError(reason) => Finding::new(
                "spf-permerror",
                Severity::Problem,
                format!("SPF of {domain} is broken (permerror): {reason}"),
            )
            .detail(format!("Receivers evaluating this record get permerror, which counts as an SPF failure for every message from the domain ({counts}). DMARC then depends on DKIM alone."))
            .advice("The sender's admin reduces the DNS-querying terms (remove unused include: entries, replace a: and mx: with ip4:/ip6: ranges, use a provider's flattened include) and fixes the record so that one valid v=spf1 record remains."),
            SpfVerdict::TempError(reason) => Finding::new(
                "spf-temperror",
                Severity::Warning,
                format!("SPF of {domain} could not be fully evaluated (temperror): {reason}"),
            )
            .detail("Part of the SPF record tree could not be fetched; receivers get temperror and usually defer or junk the message.")
            .advice("See the DNS failure findings: the domain named there must fix its name servers."),
        };
        let record = check.record.as_deref().map(|r| format!("SPF record: {r}"));
        if let Some(ip) = &check.ip_result {
            let result = ip.result.as_str();
            let (severity, meaning) = match result {
                "pass" => (Severity::Ok, "the record authorises the sending IP"),
                "fail" => (
                    Severity::Problem,
                    "the record says the sending IP may not send for the domain; receivers that enforce SPF reject or junk the message",
                ),
                "softfail" => (
                    Severity::Warning,
                    "the record says the sending IP is probably not allowed; receivers usually junk the message",
                ),
                "neutral" | "none" => (
                    Severity::Info,
                    "the record makes no statement about the sending IP",
                ),
                _ => (
                    Severity::Warning,
                    "receivers cannot evaluate the record for this IP",
                ),
            };
            out.push(
                Finding::new(
                    &format!("spf-ip-{result}"),
                    severity,
                    format!("SPF of {domain} for {}: {result}", ip.ip),
                )
                .detail(format!("Evaluated as a receiver would (RFC 7208 check_host, with mail-auth) for the sending IP {} and the envelope domain {domain}: {meaning}. If the message reached Microsoft 365 through a gateway or forwarder, the IP checked here is that hop's, not the original sender's.", ip.ip))
                .evidence_lines(record.clone())
                .advice(if severity >= Severity::Warning {
                    "The sender's admin adds the sending server (its IP, or its provider's include:) to the domain's SPF record."
                } else {
                    ""
                }),
            );
        }
        out.push(
            finding
                .evidence_lines(record)
                .evidence_lines(check.evidence.iter().cloned()),
        );
    }
}
