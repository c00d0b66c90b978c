//! Connectors and connection-level TLS per journey: the inbound connector a journey
//! arrived on (the default one means straight from the internet), the outbound connector
//! or smart host it left through.

use std::sync::LazyLock;

use regex::Regex;

use crate::analyzers::{Analyzer, Context};
use crate::case::EventKind;
use crate::diagnosis::{Finding, Severity};
use crate::step::Step;

/// Describes connectors and TLS.
pub struct Connectors;

static TLS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(TLS\s?1\.[0-3]|SSL\s?3\.0)(?:\s+with\s+([A-Z0-9_-]+))?")
        .expect("static regex")
});

impl Analyzer for Connectors {
    fn id(&self) -> &'static str {
        "rules-connectors"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["connectors"]
    }

    fn step(&self) -> Step {
        Step::Rules
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let mut lines = Vec::new();
        for (n, journey) in cx.facts.journeys.iter().enumerate() {
            let Some(record) = cx.message.traces.get(journey.record) else {
                continue;
            };
            let receive = record.events.iter().find(|e| e.kind == EventKind::Receive);
            let inbound = record.connector.clone().or_else(|| {
                receive.and_then(|e| {
                    e.data_value("ConnectorId")
                        .or_else(|| e.data_value("InboundConnectorData"))
                        .or_else(|| e.data_value("connectorid"))
                        .map(str::to_owned)
                })
            });
            let tls = receive.and_then(|e| TLS.captures(&e.detail)).map(|c| {
                let version = c.get(1).map_or("", |m| m.as_str());
                c.get(2).map_or_else(
                    || version.to_owned(),
                    |cipher| format!("{version} with {}", cipher.as_str()),
                )
            });
            let mut parts = vec![format!("Journey {}:", n + 1)];
            match &inbound {
                Some(name) if name.contains("\\Default ") || name.starts_with("Default ") => {
                    parts.push(format!(
                        "in on the default connector '{name}' (straight from the internet)"
                    ));
                }
                Some(name) => parts.push(format!("in on connector '{name}'")),
                None => {}
            }
            if let Some(ip) = &record.from_ip {
                parts.push(format!("from {ip}"));
            }
            if let Some(tls) = tls {
                parts.push(format!("over {tls}"));
            }
            if let Some(hand_off) = &journey.hand_off {
                let target = [
                    hand_off.host.clone(),
                    hand_off.ip.clone().map(|ip| format!("({ip})")),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
                match &hand_off.connector {
                    Some(c) => parts.push(format!("; out through connector '{c}' to {target}")),
                    None if hand_off.via_connector => parts.push(format!(
                        "; out through an organisation connector to {target}"
                    )),
                    None => parts.push(format!("; out to {target}")),
                }
            }
            if parts.len() > 1 {
                lines.push(parts.join(" "));
            }
        }
        if lines.is_empty() {
            return;
        }
        out.push(
            Finding::new("connectors", Severity::Info, "Connectors and TLS of each journey")
                .detail("Which connector each journey came in on and went out through. A partner or gateway connector on the way in means the message came from that system, not straight from the sender; an outbound connector means Exchange Online handed it to a smart host instead of the recipient's MX.")
                .evidence_lines(lines),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Scenario;

    #[test]
    fn each_journey_shows_its_ip_and_tls() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        let f = scenario.finding(&Connectors, "connectors");
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(f.evidence.len(), 1, "{:?}", f.evidence);
        assert!(f.evidence[0].starts_with("Journey 1: from 198.51.100.20 over TLS1.2"));
    }

    #[test]
    fn an_outbound_connector_hand_off_is_named() {
        let scenario = Scenario::from_fixture("trace/eac-outbound-smart-host-connector.txt");
        let f = scenario.finding(&Connectors, "connectors");
        assert!(
            f.evidence[0].contains("out through connector 'Outbound via relay'"),
            "{:?}",
            f.evidence
        );
    }

    #[test]
    fn silent_without_a_trace() {
        let scenario = Scenario::from_sample("15-headers-junk-spam-verdict.txt");
        assert!(scenario.run(&Connectors).is_empty());
    }
}
