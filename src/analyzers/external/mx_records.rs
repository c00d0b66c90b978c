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
