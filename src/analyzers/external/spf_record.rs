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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::online::{OnlineResults, SpfCheck, SpfIpResult};
    use crate::testing::Scenario;

    fn run(verdict: SpfVerdict, ip_result: Option<&str>) -> Vec<Finding> {
        let online = OnlineResults {
            spf: Some(SpfCheck {
                domain: "example.com".into(),
                record: Some("v=spf1 include:spf.protection.outlook.com -all".into()),
                lookups: 3,
                void_lookups: 0,
                verdict,
                ip_result: ip_result.map(|result| SpfIpResult {
                    ip: "192.0.2.10".into(),
                    result: result.into(),
                }),
                evidence: Vec::new(),
            }),
            ..OnlineResults::default()
        };
        Scenario::empty().with_online(online).run(&SpfRecord)
    }

    #[test]
    fn a_valid_record_that_authorises_the_ip_is_ok() {
        let out = run(SpfVerdict::Valid, Some("pass"));
        let codes: Vec<&str> = out.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["spf-ip-pass", "spf-record-valid"]);
        assert!(out.iter().all(|f| f.severity == Severity::Ok));
        assert_eq!(
            out[1].title,
            "SPF record of example.com is valid (3 of 10 lookups)"
        );
    }

    #[test]
    fn every_ip_result_has_its_code_and_weight() {
        for (result, severity) in [
            ("fail", Severity::Problem),
            ("softfail", Severity::Warning),
            ("neutral", Severity::Info),
            ("none", Severity::Info),
            ("temperror", Severity::Warning),
            ("permerror", Severity::Warning),
        ] {
            let out = run(SpfVerdict::Valid, Some(result));
            assert_eq!(out[0].code, format!("spf-ip-{result}"));
            assert_eq!(out[0].severity, severity, "{result}");
            assert_eq!(
                out[0].title,
                format!("SPF of example.com for 192.0.2.10: {result}")
            );
        }
    }

    #[test]
    fn broken_records_have_their_codes() {
        let missing = run(SpfVerdict::Missing, None);
        assert_eq!(
            (missing[0].code.as_str(), missing[0].severity),
            ("spf-record-missing", Severity::Warning)
        );
        let perm = run(SpfVerdict::PermError("two v=spf1 records".into()), None);
        assert_eq!(perm[0].code, "spf-permerror");
        assert!(
            perm[0].title.contains("two v=spf1 records")
                || perm[0].detail.contains("two v=spf1 records")
        );
        let temp = run(SpfVerdict::TempError("include timed out".into()), None);
        assert_eq!(temp[0].code, "spf-temperror");
    }

    #[test]
    fn silent_offline() {
        assert!(Scenario::empty().run(&SpfRecord).is_empty());
    }
}
