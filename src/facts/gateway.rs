//! Third-party gateways seen in a message's evidence, recognised from the vendor profiles:
//! journeys handed to the vendor and journeys coming back from it, the vendor's rules and
//! connectors, the headers it stamps and the hops it ran.

use chrono::{DateTime, FixedOffset};

use super::MessageFacts;
use crate::case::{CaseMessage, EventKind, TraceRecord};
use crate::diagnosis::Hop;
use crate::knowledge::Knowledge;
use crate::knowledge::vendors::{GatewayKind, VendorProfile};

/// What the evidence says about one vendor.
#[derive(Clone, Debug)]
pub struct GatewayFacts {
    /// The profile's id.
    pub vendor: String,
    /// Name for people.
    pub display_name: String,
    /// How the vendor sits in the mail flow.
    pub kind: GatewayKind,
    /// Where tier one looks next at the vendor.
    pub console: Option<String>,
    /// Journeys that ended by handing the message to the vendor (indices into
    /// [`MessageFacts::journeys`]).
    pub hand_offs: Vec<usize>,
    /// Journeys that arrived from the vendor.
    pub arrivals: Vec<usize>,
    /// The vendor's rules that fired, with the journey number (1-based).
    pub rules: Vec<(String, usize)>,
    /// The vendor's verdict from a verdict rule (`IPW Processed SPAM` → `SPAM`).
    pub verdict: Option<String>,
    /// Connector names of the vendor.
    pub connectors: Vec<String>,
    /// Vendor header fields present (`X-IPW-GROUPMEMBER: TRUE`).
    pub headers: Vec<String>,
    /// Received hops run by the vendor (1-based hop numbers) and the IPs they came from.
    pub hops: Vec<(u32, Option<String>)>,
    /// Seconds between the hand-off and the return, when both are timed.
    pub dwell_seconds: Option<i64>,
}

impl GatewayFacts {
    /// True when the vendor re-injects mail, so two journeys are the expected shape.
    pub fn reinjects(&self, knowledge: &Knowledge) -> bool {
        profile(knowledge, &self.vendor).is_some_and(|p| p.expected_journeys > 1)
    }
}

fn profile<'a>(knowledge: &'a Knowledge, id: &str) -> Option<&'a VendorProfile> {
    knowledge.vendors.profiles.iter().find(|p| p.id == id)
}

/// Host names and connector names a trace record says it arrived from.
fn arrival_names(record: &TraceRecord) -> Vec<String> {
    let mut names: Vec<String> = record.connector.iter().cloned().collect();
    for event in record
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Receive)
    {
        for key in [
            "ClientName",
            "ConnectorId",
            "client_hostname",
            "clienthostname",
            "InboundConnectorData",
        ] {
            if let Some(value) = event.data_value(key) {
                names.push(value.to_owned());
            }
        }
    }
    names
}

/// The journeys `profile`'s gateway took part in: handed to it (by its host or
/// connector), or arriving from it; and how long it held the message between the two.
fn journeys_through(
    profile: &VendorProfile,
    facts: &MessageFacts,
    arrivals: &[Vec<String>],
    g: &mut GatewayFacts,
) {
    let mut handed_ips: Vec<String> = Vec::new();
    let mut handed_at: Option<DateTime<FixedOffset>> = None;
    for (n, journey) in facts.journeys.iter().enumerate() {
        if let Some(hand_off) = &journey.hand_off
            && (hand_off.vendor.as_deref() == Some(profile.id.as_str())
                || hand_off
                    .connector
                    .as_deref()
                    .is_some_and(|c| profile.matches_connector(c)))
        {
            g.hand_offs.push(n);
            handed_ips.extend(hand_off.ip.clone());
            handed_at = handed_at.or(journey.end);
            g.connectors.extend(hand_off.connector.clone());
            continue;
        }
        let names = arrivals.get(n).map_or(&[][..], Vec::as_slice);
        let by_name = names
            .iter()
            .any(|n| profile.matches_connector(n) || profile.matches_host(n));
        let after_hand_off = !g.hand_offs.is_empty() && profile.expected_journeys > 1;
        if by_name || after_hand_off {
            g.arrivals.push(n);
            g.connectors.extend(
                names
                    .iter()
                    .filter(|n| profile.matches_connector(n))
                    .cloned(),
            );
            if let (Some(out), Some(back)) = (handed_at, journey.start)
                && g.dwell_seconds.is_none()
            {
                g.dwell_seconds = Some((back - out).num_seconds().max(0));
            }
        }
    }
}

/// Finds every vendor the evidence shows.
pub fn detect(
    message: &CaseMessage,
    facts: &MessageFacts,
    knowledge: &Knowledge,
) -> Vec<GatewayFacts> {
    let mut found = Vec::new();
    let arrivals: Vec<Vec<String>> = facts
        .journeys
        .iter()
        .map(|j| {
            message
                .traces
                .get(j.record)
                .map(arrival_names)
                .unwrap_or_default()
        })
        .collect();
    let hop_hosts: Vec<(&Hop, Vec<&str>)> = facts
        .headers
        .iter()
        .flat_map(|h| &h.hops)
        .map(|hop| {
            let hosts = [&hop.from, &hop.by]
                .into_iter()
                .flatten()
                .flat_map(|h| h.split_whitespace())
                .collect();
            (hop, hosts)
        })
        .collect();
    for profile in &knowledge.vendors.profiles {
        // Named once seen: most profiles are not, and need no copies of their names.
        let mut g = GatewayFacts {
            vendor: String::new(),
            display_name: String::new(),
            kind: profile.kind,
            console: None,
            hand_offs: Vec::new(),
            arrivals: Vec::new(),
            rules: Vec::new(),
            verdict: None,
            connectors: Vec::new(),
            headers: Vec::new(),
            hops: Vec::new(),
            dwell_seconds: None,
        };
        journeys_through(profile, facts, &arrivals, &mut g);
        for firing in &facts.rule_firings {
            if profile.matches_rule(&firing.name) {
                g.rules.push((firing.name.clone(), firing.journey));
                if let Some(verdict) = profile
                    .verdict_rule
                    .as_ref()
                    .and_then(|r| r.captures(&firing.name))
                    .and_then(|c| c.name("verdict"))
                {
                    g.verdict = Some(verdict.as_str().to_owned());
                }
            }
        }
        for headers in &message.headers {
            for marker in &profile.header_markers {
                for field in headers.block.all(marker) {
                    g.headers.push(format!("{}: {}", field.name, field.value));
                }
            }
        }
        for (hop, hosts) in &hop_hosts {
            if hosts.iter().any(|h| profile.matches_host(h)) {
                g.hops.push((hop.index, hop.ip.clone()));
            }
        }
        g.connectors.sort();
        g.connectors.dedup();
        let seen = !g.hand_offs.is_empty()
            || !g.arrivals.is_empty()
            || !g.rules.is_empty()
            || !g.connectors.is_empty()
            || !g.headers.is_empty()
            || !g.hops.is_empty();
        if seen {
            g.vendor.clone_from(&profile.id);
            g.display_name.clone_from(&profile.display_name);
            g.console.clone_from(&profile.console);
            found.push(g);
        }
    }
    found
}
