//! Third-party gateways, from the vendor profiles: which gateway handled the message, the
//! hand-off and the return (time spent at the vendor), a gateway that never sent it back,
//! a gateway that was bypassed, loops, and Enhanced Filtering for Connectors missing.

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::gateway::GatewayFacts;
use crate::knowledge::status_codes::CodeCategory;
use crate::step::Step;
use crate::words::{Units, duration};

/// Explains gateways.
pub struct Gateways;

/// Journeys through one vendor beyond which the message is looping.
const LOOP_JOURNEYS: usize = 3;

fn console(g: &GatewayFacts) -> String {
    g.console
        .clone()
        .unwrap_or_else(|| format!("the {} console", g.display_name))
}

fn handled(cx: &Context<'_>, g: &GatewayFacts, out: &mut Vec<Finding>) {
    let mut lines: Vec<String> = Vec::new();
    for &n in &g.hand_offs {
        if let Some(h) = cx.facts.journeys.get(n).and_then(|j| j.hand_off.as_ref()) {
            lines.push(format!(
                "Journey {}: handed to {}{}{}",
                n + 1,
                h.host.as_deref().unwrap_or("the gateway"),
                h.ip.as_deref()
                    .map(|ip| format!(" at {ip}"))
                    .unwrap_or_default(),
                h.rule
                    .as_deref()
                    .map(|r| format!(" by rule '{r}'"))
                    .unwrap_or_default()
            ));
        }
    }
    for &n in &g.arrivals {
        if let Some(record) = cx
            .facts
            .journeys
            .get(n)
            .and_then(|j| cx.message.traces.get(j.record))
        {
            lines.push(format!(
                "Journey {}: arrived from {}",
                n + 1,
                record.from_ip.as_deref().unwrap_or("the gateway")
            ));
        }
    }
    lines.extend(
        g.rules
            .iter()
            .map(|(name, j)| format!("Rule '{name}' (journey {j})")),
    );
    lines.extend(g.connectors.iter().map(|c| format!("Connector '{c}'")));
    lines.extend(g.headers.iter().cloned());
    lines.extend(g.hops.iter().map(|(hop, ip)| {
        format!(
            "Received hop {hop}{}",
            ip.as_deref()
                .map(|ip| format!(" from {ip}"))
                .unwrap_or_default()
        )
    }));
    let dwell = g
        .dwell_seconds
        .map(|s| {
            format!(
                "; it spent {} at {}",
                duration(s, Units::Words),
                g.display_name
            )
        })
        .unwrap_or_default();
    let verdict = g
        .verdict
        .as_deref()
        .map(|v| format!("; its verdict: {v}"))
        .unwrap_or_default();
    out.push(
        Finding::new(
            "gateway-detected",
            Severity::Info,
            format!("{} handled this message{dwell}{verdict}", g.display_name),
        )
        .detail(if g.hand_offs.is_empty() {
            format!("{} shows in this message's rules, connectors or headers.", g.display_name)
        } else {
            format!("Exchange Online sent the message out to {} and it came back as a new journey: the first journey's \"Delivered\" means handed to the gateway, not delivered to the mailbox.", g.display_name)
        })
        .evidence_lines(lines),
    );
}

impl Analyzer for Gateways {
    fn id(&self) -> &'static str {
        "rules-gateways"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "gateway-bypassed",
            "gateway-detected",
            "gateway-enhanced-filtering-missing",
            "gateway-loop",
            "gateway-never-returned",
        ]
    }

    fn step(&self) -> Step {
        Step::Rules
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for g in &cx.facts.gateways {
            handled(cx, g, out);
            let reinjects = g.reinjects(cx.knowledge);
            if reinjects && !g.hand_offs.is_empty() && g.arrivals.is_empty() {
                out.push(
                    Finding::new(
                        "gateway-never-returned",
                        Severity::Problem,
                        format!("Sent to {} and never seen coming back", g.display_name),
                    )
                    .detail(format!("The trace ends with the hand-off to {}; no later journey shows it returning to Exchange Online. Either it is still held at the gateway (quarantine, a delay), or the trace of the return journey was not included.", g.display_name))
                    .advice(format!("Search {} for the message; trace again by Message-ID to include a later journey; if the gateway released it, look for a deferral on the way back (4.7.5xx means the gateway's IPs are not on an inbound connector).", console(g))),
                );
            }
            let saw_vendor_routing = !g.rules.is_empty() || !g.headers.is_empty();
            if reinjects
                && saw_vendor_routing
                && g.hand_offs.is_empty()
                && g.arrivals.is_empty()
                && g.verdict.is_none()
                && !cx.facts.journeys.is_empty()
            {
                out.push(
                    Finding::new(
                        "gateway-bypassed",
                        Severity::Warning,
                        format!("{} rules are set up, but this message never went out to {}", g.display_name, g.display_name),
                    )
                    .detail(format!("The trace has {}'s rules but no \"Send external\" to the gateway and no journey back from it: the message was not scanned by {}. An exception in the routing rule, a recipient outside the protected group, or a disabled rule does this.", g.display_name, g.display_name))
                    .advice(format!("An admin checks the routing rule's conditions and exceptions (and group membership of the recipient), and {}.", console(g))),
                );
            }
            let loop_code =
                cx.facts.codes.iter().find(|c| {
                    cx.knowledge.status_codes.category(&c.code) == Some(CodeCategory::Loop)
                });
            if g.hand_offs.len() >= LOOP_JOURNEYS
                || (loop_code.is_some() && !g.hand_offs.is_empty())
            {
                out.push(
                    Finding::new(
                        "gateway-loop",
                        Severity::Problem,
                        format!("The message loops between Exchange Online and {}", g.display_name),
                    )
                    .detail(format!("It was handed to {} {}{}: the routing rule sends back out what the gateway returned.", g.display_name, crate::words::times(g.hand_offs.len() as u64), if loop_code.is_some() { " and failed with 5.4.14 (hop count exceeded)" } else { "" }))
                    .evidence_lines(loop_code.map(|c| c.source_line.clone()))
                    .advice("An admin excludes returning mail from the routing rule (the gateway's header stamp, or mail arriving on its inbound connector)."),
                );
            }
            efc_missing(cx, g, out);
        }
    }
}

/// Enhanced Filtering for Connectors not configured: Exchange Online's connecting IP (CIP)
/// is the gateway's, so SPF and reputation are judged on the gateway, not the sender.
fn efc_missing(cx: &Context<'_>, g: &GatewayFacts, out: &mut Vec<Finding>) {
    let Some(headers) = &cx.facts.headers else {
        return;
    };
    let Some(cip) = headers.antispam.client_ip.as_deref() else {
        return;
    };
    let gateway_ips: Vec<&str> = g
        .hops
        .iter()
        .filter_map(|(_, ip)| ip.as_deref())
        .chain(g.arrivals.iter().filter_map(|&n| {
            cx.facts
                .journeys
                .get(n)
                .and_then(|j| cx.message.traces.get(j.record))
                .and_then(|r| r.from_ip.as_deref())
        }))
        .collect();
    if !gateway_ips.iter().any(|ip| ip.eq_ignore_ascii_case(cip)) {
        return;
    }
    let auth = &headers.authentication;
    out.push(
        Finding::new(
            "gateway-enhanced-filtering-missing",
            Severity::Warning,
            format!("Enhanced Filtering is not set up for {}: Exchange Online judged the gateway, not the sender", g.display_name),
        )
        .detail(format!("The connecting IP Exchange Online recorded (CIP {cip}) is {}'s own, so SPF, DMARC, compauth and IP reputation were evaluated against the gateway. Expect SPF failures and spoof verdicts on legitimate mail.", g.display_name))
        .evidence(format!(
            "CIP:{cip} spf={} compauth={}",
            auth.spf.as_deref().unwrap_or("-"),
            auth.compauth.as_deref().unwrap_or("-")
        ))
        .advice("An admin enables Enhanced Filtering for Connectors on the gateway's inbound connector (Defender → Policies & rules → Threat policies → Enhanced filtering) and then removes any SCL -1 bypass rule for it."),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn a_gateway_round_trip_is_named_with_its_verdict() {
        let scenario = Scenario::from_sample("11-eac-copytext-inky-two-journeys.txt");
        let f = scenario.finding(&Gateways, "gateway-detected");
        assert_eq!(f.severity, Severity::Info);
        assert!(
            f.title.starts_with("INKY handled this message"),
            "{}",
            f.title
        );
        assert!(f.title.ends_with("its verdict: Neutral"), "{}", f.title);
    }

    #[test]
    fn a_hand_off_with_no_return_is_a_problem() {
        let scenario = Scenario::from_sample("12b-graph-getdetailsbyrecipient-inky-journey1.json");
        let f = scenario.finding(&Gateways, "gateway-never-returned");
        assert_eq!(f.severity, Severity::Problem);
        assert!(f.title.contains("INKY"), "{}", f.title);
    }

    #[test]
    fn repeated_hand_offs_and_5_4_14_are_a_loop() {
        let scenario = Scenario::from_fixture("trace/eac-inky-routing-loop.txt");
        let f = scenario.finding(&Gateways, "gateway-loop");
        assert_eq!(f.severity, Severity::Problem);
        assert!(f.detail.contains("5.4.14"), "{}", f.detail);
        assert!(f.evidence.iter().any(|e| e.contains("Hop count exceeded")));
    }

    #[test]
    fn routing_rules_without_a_hand_off_mean_the_gateway_was_bypassed() {
        let scenario = Scenario::from_fixture("trace/eac-inky-rule-without-hand-off.txt");
        let f = scenario.finding(&Gateways, "gateway-bypassed");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.title.contains("never went out to INKY"), "{}", f.title);
    }

    #[test]
    fn enhanced_filtering_missing_when_the_gateway_is_the_connecting_ip() {
        let scenario = Scenario::from_fixture("who_acts/gateway-ef-off-junk.eml");
        let f = scenario.finding(&Gateways, "gateway-enhanced-filtering-missing");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.title.contains("Mimecast"), "{}", f.title);
    }

    #[test]
    fn silent_without_a_gateway() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&Gateways).is_empty());
    }
}
