//! Analyzers: one trait, one static registry, one file per analyzer, grouped by wizard step.
//!
//! An analyzer reads one message's [`Context`] (its evidence and derived facts) and pushes
//! [`Finding`]s. Adding one is a unit struct in `src/analyzers/<step>/<name>.rs` and one line
//! in [`ANALYZERS`]. Pages and exporters never match on analyzer ids; they render the
//! findings of a step.
//!
//! Each file ends in a `tests` module that runs the analyzer on a `testing::Scenario` (inputs
//! parsed and decided as the engine does) where it fires and where it stays silent. Each
//! analyzer declares its codes ([`Analyzer::codes`]); `tests/engine/finding_codes.rs` fails
//! when one emits an undeclared code or declares one that no fixture produces.

pub mod external;
pub mod headers;
pub mod rules;
pub mod status;
pub mod trace;

use crate::case::CaseMessage;
use crate::diagnosis::Finding;
use crate::facts::MessageFacts;
use crate::knowledge::Knowledge;
use crate::step::Step;

/// What an analyzer may read: one message, its facts, the knowledge base and the results of
/// online checks (present only when the user switched them on).
pub struct Context<'a> {
    /// The message's evidence.
    pub message: &'a CaseMessage,
    /// Facts derived from the evidence.
    pub facts: &'a MessageFacts,
    /// Embedded knowledge (status codes, field dictionaries, vendor profiles).
    pub knowledge: &'a Knowledge,
    /// Online check results; `None` when online checks are off.
    pub online: Option<&'a crate::facts::online::OnlineResults>,
    /// The verdict, decided from the facts before the analyzers run.
    pub decision: &'a crate::verdict::Decision,
}

/// Explains one aspect of a message as findings.
pub trait Analyzer: Sync {
    /// Stable kebab-case id, recorded in each finding.
    fn id(&self) -> &'static str;
    /// The wizard step its findings belong to.
    fn step(&self) -> Step;
    /// Every finding code it can emit. Declared rather than collected from the findings so
    /// that scripts and tests can know the codes without running it; the `finding_codes`
    /// tests check the list against what it emits on every fixture, both ways.
    fn codes(&self) -> &'static [&'static str];
    /// Reads the context and pushes findings. Must not panic on any input.
    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>);
}

/// Every analyzer, in the order they run (by step, then as listed).
pub static ANALYZERS: &[&dyn Analyzer] = &[
    &trace::outcome::Outcome,
    &trace::journeys::Journeys,
    &trace::timeline::Timeline,
    &trace::deferrals::Deferrals,
    &trace::expansion::Expansion,
    &trace::missing_details::MissingDetails,
    &trace::implausible_dates::ImplausibleDates,
    &status::landing::Landing,
    &status::deciding_layer::DecidingLayer,
    &rules::fired_rules::FiredRules,
    &rules::rule_actions::RuleActions,
    &rules::spam_bypass::SpamBypass,
    &rules::list_decisions::ListDecisions,
    &rules::connectors::Connectors,
    &rules::gateways::Gateways,
    &rules::evidence_agreement::EvidenceAgreement,
    &headers::received_chain::ReceivedChain,
    &headers::transit_time::TransitTime,
    &headers::microsoft_stamps::MicrosoftStamps,
    &headers::authentication::Authentication,
    &headers::alignment::Alignment,
    &headers::arc_chain::ArcChain,
    &headers::dkim_body_hash::DkimBodyHash,
    &headers::spam_verdict::SpamVerdict,
    &headers::bulk::Bulk,
    &headers::spoof::Spoof,
    &headers::phish::Phish,
    &headers::filter_bypass::FilterBypass,
    &headers::mailbox_delivery::MailboxDelivery,
    &headers::bounce_delivery::BounceDelivery,
    &external::status_code::StatusCode,
    &external::bounce_recipients::BounceRecipients,
    &external::throttling::Throttling,
    &external::dns_errors::DnsErrors,
    &external::reputation::Reputation,
    &external::blocklists::Blocklists,
    &external::spf_record::SpfRecord,
    &external::dmarc_record::DmarcRecord,
    &external::mx_records::MxRecords,
    &external::reverse_dns::ReverseDns,
    &external::dkim_keys::DkimKeys,
    &external::dns_failures::DnsFailures,
];

/// Runs every analyzer of `step` and returns their findings, most serious first, each
/// labelled with its analyzer id.
pub fn run_step(step: Step, cx: &Context<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for analyzer in ANALYZERS.iter().filter(|a| a.step() == step) {
        let start = findings.len();
        analyzer.analyze(cx, &mut findings);
        for finding in findings.iter_mut().skip(start) {
            analyzer.id().clone_into(&mut finding.analyzer);
        }
    }
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    findings
}

/// An evidence line for a trace event, as the trace showed it.
pub fn event_line(event: &crate::case::TraceEvent) -> String {
    let detail: String = event.detail.chars().take(500).collect();
    format!("{} | {} | {}", event.time_raw, event.name, detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn analyzer_ids_are_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        for analyzer in ANALYZERS {
            let id = analyzer.id();
            assert!(seen.insert(id), "duplicate analyzer id {id}");
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id} is not kebab-case"
            );
        }
    }

    /// One analyzer per file, each registered and each with its unit tests beside it.
    #[test]
    fn every_analyzer_file_is_registered_and_tested() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/analyzers");
        let mut files = Vec::new();
        for step in std::fs::read_dir(&root).expect("src/analyzers") {
            let step = step.expect("entry").path();
            if !step.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&step).expect("step folder") {
                let file = file.expect("entry").path();
                if file.file_name().is_some_and(|n| n != "mod.rs") {
                    files.push(file);
                }
            }
        }
        assert_eq!(
            files.len(),
            ANALYZERS.len(),
            "one analyzer per file: {files:?}"
        );
        let untested: Vec<_> = files
            .iter()
            .filter(|f| {
                let text = std::fs::read_to_string(f).unwrap_or_default();
                !text.contains("#[cfg(test)]\nmod tests {")
            })
            .collect();
        assert!(untested.is_empty(), "no tests module: {untested:?}");
    }
}
