//! The ARC chain: which intermediaries (mailing lists, forwarders, gateways) sealed the
//! message and what the first of them saw, structural breaks, and Microsoft trusting a
//! sealer to override a DMARC failure (compauth reason 130).

use super::header_facts;
use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::step::Step;

/// Explains the ARC set.
pub struct ArcChain;

impl Analyzer for ArcChain {
    fn id(&self) -> &'static str {
        "headers-arc"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["arc-chain", "arc-chain-broken", "arc-overrode-dmarc"]
    }

    fn step(&self) -> Step {
        Step::Headers
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(facts) = header_facts(cx) else {
            return;
        };
        let arc = &facts.auth.arc;
        if arc.is_empty() {
            return;
        }
        let instances: Vec<String> = arc
            .instances
            .iter()
            .map(|i| {
                format!(
                    "i={} sealed by {} (cv={}){}",
                    i.instance,
                    i.sealer.as_deref().unwrap_or("?"),
                    i.cv.as_deref().unwrap_or("?"),
                    i.results
                        .as_ref()
                        .map(|r| {
                            let seen: Vec<String> = r
                                .results
                                .iter()
                                .map(|m| format!("{}={}", m.method, m.result))
                                .collect();
                            format!(", it saw {}", seen.join(" "))
                        })
                        .unwrap_or_default()
                )
            })
            .collect();
        if arc.is_broken() {
            out.push(
                Finding::new("arc-chain-broken", Severity::Warning, "The ARC chain is broken")
                    .detail(format!("{}. A broken chain cannot vouch for the original authentication, so a forwarded or list message that fails DMARC gets no ARC rescue.", arc.problems.join("; ")))
                    .evidence_lines(instances)
                    .advice("If a trusted forwarder or list is involved, an admin can add it as a trusted ARC sealer in the anti-phishing settings once it seals correctly."),
            );
        } else {
            out.push(
                Finding::new(
                    "arc-chain",
                    Severity::Info,
                    format!("ARC chain of {} instance{}", arc.instances.len(), if arc.instances.len() == 1 { "" } else { "s" }),
                )
                .detail("Each intermediary that changed or relayed the message recorded what it saw and sealed it. The structure is sound; the seals' signatures are not verified offline.")
                .evidence_lines(instances),
            );
        }
        if facts
            .auth
            .compauth
            .as_ref()
            .is_some_and(|c| c.reason.as_deref() == Some("130"))
        {
            let sealer = arc.trusted_sealer().map_or_else(
                || "an ARC sealer".to_owned(),
                |s| format!("the ARC sealer {s}"),
            );
            out.push(
                Finding::new(
                    "arc-overrode-dmarc",
                    Severity::Info,
                    "A trusted ARC sealer overrode the failure (compauth reason 130)",
                )
                .detail(format!("Microsoft 365 trusted the ARC results of {sealer} and let the message pass composite authentication although its own SPF/DKIM/DMARC checks failed: the sealer (a mailing list, forwarder or gateway) vouched that the message authenticated before it changed it."))
                .evidence_lines(arc.instances.iter().filter(|i| i.microsoft).filter_map(|i| i.results.as_ref()).map(|r| format!("{}: {}", r.header, r.value)))
                .advice("Nothing to fix for this message. If the sealer should not be trusted, an admin removes it from the trusted ARC sealers in the anti-phishing policy."),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn a_trusted_sealer_that_overrode_dmarc_is_explained() {
        let scenario = Scenario::from_fixture("headers/list-arc-forward.eml");
        let f = scenario.finding(&ArcChain, "arc-chain");
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(f.title, "ARC chain of 2 instances");
        let overrode = scenario.finding(&ArcChain, "arc-overrode-dmarc");
        assert!(
            overrode.title.contains("compauth reason 130"),
            "{}",
            overrode.title
        );
    }

    #[test]
    fn silent_without_headers() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&ArcChain).is_empty());
    }

    #[test]
    fn a_seal_that_says_cv_fail_breaks_the_chain() {
        let scenario = Scenario::from_fixture("headers/list-arc-forward-cv-fail.eml");
        let f = scenario.finding(&ArcChain, "arc-chain-broken");
        assert_eq!(f.severity, Severity::Warning);
    }
}
