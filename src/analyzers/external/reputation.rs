//! Reputation hints from the headers: the sending IP Exchange Online saw (`CIP`, the
//! Received `from` clause), its reverse DNS (`PTR`), country (`CTRY`), the IP reputation
//! verdict (`IPV`), bulk (`SRV`) and safety tips (`SFTY`), and a sending IP that cannot be
//! a real internet sender (documentation, private or shared address space).

use std::net::IpAddr;

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::HeaderFacts;
use crate::step::Step;

/// The CIP Exchange Online writes when no internet server connected (mail sent from inside
/// the organization).
const NO_CONNECTING_IP: &str = "255.255.255.255";

/// Reads reputation hints from the headers.
pub struct Reputation;

impl Analyzer for Reputation {
    fn id(&self) -> &'static str {
        "external-reputation-hints"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "no-connecting-ip",
            "no-reverse-dns",
            "sender-ip-outside-perimeter",
            "sender-ip-unknown-behind-gateway",
            "sender-reputation-hints",
            "sending-ip-cgnat",
            "sending-ip-documentation-range",
            "sending-ip-local",
            "sending-ip-private",
        ]
    }

    fn step(&self) -> Step {
        Step::External
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(facts) = cx.facts.headers.as_ref() else {
            return;
        };
        let spam = &facts.spam;
        let entry = facts.chain.entry_hop();
        let ip_text = facts
            .antispam
            .client_ip
            .clone()
            .or_else(|| entry.and_then(|h| h.fields.from_ip.clone()));
        let Some(ip_text) = ip_text else {
            return;
        };
        // Behind our gateway with the connecting IP its own, Exchange Online's reputation
        // stamps describe our gateway: judge the last IP outside the perimeter instead.
        let perimeter = &cx.decision.perimeter;
        if let Some(gateway) = &perimeter.gateway
            && gateway.ips.iter().any(|ip| {
                ip_text
                    .trim()
                    .trim_matches(['[', ']'])
                    .eq_ignore_ascii_case(ip)
            })
        {
            behind_gateway(cx, &gateway.display_name, &ip_text, out);
            return;
        }
        let mut evidence: Vec<String> = ["CIP", "PTR", "CTRY", "IPV", "SRV", "SFTY", "H"]
            .iter()
            .filter_map(|key| spam.report_field(key))
            .filter(|f| !f.value.is_empty())
            .map(|f| format!("{}: {}:{}", f.header, f.key, f.value))
            .collect();
        if ip_text.trim() == NO_CONNECTING_IP {
            out.push(
                Finding::new(
                    "no-connecting-ip",
                    Severity::Info,
                    "No sending IP to judge: the message came from inside Microsoft 365",
                )
                .detail("Exchange Online writes CIP:255.255.255.255 when no server connected to it from the internet: the message was sent by a mailbox of the organization (outgoing or internal mail). Reverse DNS, country and blocklists do not apply to that value; for outgoing mail, the receiving side judges Microsoft 365's outbound servers.")
                .evidence_lines(evidence),
            );
            return;
        }
        if let Some(hop) = entry {
            evidence.push(hop.line.clone());
        }
        if let Some(range) = ip_text
            .trim()
            .trim_matches(['[', ']'])
            .parse::<IpAddr>()
            .ok()
            .and_then(|ip| special_range(&ip))
        {
            out.push(range.finding(&ip_text).evidence_lines(evidence.clone()));
        }
        let ptr = spam.report_value("PTR").map(str::trim);
        if let Some(value) = ptr
            && (value.is_empty() || value.eq_ignore_ascii_case("InfoDomainNonexistent"))
        {
            out.push(
                    Finding::new(
                        "no-reverse-dns",
                        Severity::Warning,
                        format!("The sending IP {ip_text} has no reverse DNS (PTR)"),
                    )
                    .detail("Exchange Online found no PTR record for the IP that connected to it. Receivers, EOP included, distrust mail servers without reverse DNS; for IPv6 senders Exchange Online rejects the message outright (5.7.25).")
                    .evidence_lines(evidence.clone())
                    .advice("The sender's admin asks whoever owns the IP (their ISP or hosting provider) for a PTR record naming the mail server, whose own A record points back to the IP."),
                );
        }
        out.push(summary(facts, &ip_text, ptr, cx.online.is_none()).evidence_lines(evidence));
    }
}

/// The reputation finding when the connecting IP is our own gateway's: the stamps are
/// about the gateway, the sender is the last IP outside our perimeter.
fn behind_gateway(cx: &Context<'_>, gateway: &str, gateway_ip: &str, out: &mut Vec<Finding>) {
    let perimeter = &cx.decision.perimeter;
    let hop_line = cx.facts.headers.as_ref().and_then(|h| {
        h.chain
            .hops
            .iter()
            .find(|hop| perimeter.hop_inside(hop.index))
            .map(|hop| hop.line.clone())
    });
    let Some(sender_ip) = perimeter.sender_ip.as_deref() else {
        out.push(
            Finding::new(
                "sender-ip-unknown-behind-gateway",
                Severity::Info,
                format!("The original sender's IP is not in the headers: {gateway_ip} is our {gateway} gateway"),
            )
            .detail(format!("Exchange Online's reputation stamps (CIP, PTR, country, IPV) describe our {gateway} gateway, not the sender, and no Received header names the server that handed the message to {gateway}."))
            .advice(format!("Look the message up in {gateway}'s console for the sending IP before judging the sender's reputation.")),
        );
        return;
    };
    if let Some(range) = sender_ip
        .parse::<IpAddr>()
        .ok()
        .and_then(|ip| special_range(&ip))
    {
        out.push(range.finding(sender_ip).evidence_lines(hop_line.clone()));
    }
    let finding = Finding::new(
        "sender-ip-outside-perimeter",
        Severity::Info,
        format!("Sending IP {sender_ip}: the original sender, the last server outside our perimeter"),
    )
    .detail(format!("The IP that connected to Exchange Online ({gateway_ip}) is our own {gateway} gateway, so Exchange Online's reputation stamps (CIP, PTR, country, IPV) describe the gateway, not the sender. The sender's reputation is that of {sender_ip}, the server that handed the message to {gateway}."))
    .evidence_lines(hop_line);
    out.push(if cx.online.is_none() {
        finding.advice(format!("Switch on the online checks to ask the public blocklists and reverse DNS about {sender_ip}."))
    } else {
        finding
    });
}

/// An address range that no real internet mail server sends from.
#[derive(Clone, Copy)]
enum Range {
    Documentation,
    Private,
    Shared,
    Local,
}

fn special_range(ip: &IpAddr) -> Option<Range> {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            if (a, b, c) == (192, 0, 2) || (a, b, c) == (198, 51, 100) || (a, b, c) == (203, 0, 113)
            {
                Some(Range::Documentation)
            } else if v4.is_private() {
                Some(Range::Private)
            } else if a == 100 && (64..128).contains(&b) {
                Some(Range::Shared)
            } else if v4.is_loopback() || v4.is_link_local() || v4.is_unspecified() {
                Some(Range::Local)
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let first = v6.segments().first().copied().unwrap_or(0);
            let second = v6.segments().get(1).copied().unwrap_or(0);
            if (first, second) == (0x2001, 0x0db8) {
                Some(Range::Documentation)
            } else if first & 0xfe00 == 0xfc00 {
                Some(Range::Private)
            } else if v6.is_loopback() || v6.is_unspecified() || first & 0xffc0 == 0xfe80 {
                Some(Range::Local)
            } else {
                None
            }
        }
    }
}

impl Range {
    fn finding(self, ip: &str) -> Finding {
        let (code, title, detail, advice) = match self {
            Range::Documentation => (
                "sending-ip-documentation-range",
                format!("The sending IP {ip} is a documentation address"),
                "Addresses in 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32 are reserved for examples (RFC 5737, RFC 3849) and never send real mail: the input is sample data or was edited, so the sender's reputation cannot be judged from it.",
                "Ask for the original, unedited headers or trace if this is a real case.",
            ),
            Range::Private => (
                "sending-ip-private",
                format!("The sending IP {ip} is a private address"),
                "Exchange Online saw the message arrive from a private network address: it was relayed by an on-premises server or gateway through a connector, or the header was written inside the sender's network. Reputation belongs to the public IP that relayed it, which these headers do not show.",
                "Find the public IP in the Received chain or the trace's FromIP; check the inbound connector that accepted the message.",
            ),
            Range::Shared => (
                "sending-ip-cgnat",
                format!("The sending IP {ip} is in carrier-grade NAT space"),
                "100.64.0.0/10 is shared address space (RFC 6598) that ISPs use behind carrier-grade NAT; a mail server is never reachable there, so the header was written inside a provider's network or was edited.",
                "Find the public IP in the Received chain or the trace's FromIP.",
            ),
            Range::Local => (
                "sending-ip-local",
                format!("The sending IP {ip} is a loopback or link-local address"),
                "Loopback and link-local addresses never cross the internet: the header was written on the sending machine itself, or was edited.",
                "Use the next Received hop or the trace's FromIP as the sending IP.",
            ),
        };
        Finding::new(code, Severity::Warning, title)
            .detail(detail)
            .advice(advice)
    }
}

/// One summary of what Exchange Online's stamp says about the sender.
fn summary(facts: &HeaderFacts, ip: &str, ptr: Option<&str>, offline: bool) -> Finding {
    let spam = &facts.spam;
    let name = ptr
        .filter(|p| !p.is_empty() && !p.eq_ignore_ascii_case("InfoDomainNonexistent"))
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    let mut title: Vec<String> = Vec::new();
    if let Some(country) = spam.report_value("CTRY").filter(|c| !c.is_empty()) {
        title.push(format!("country {country}"));
    }
    let mut detail: Vec<String> = Vec::new();
    let mut severity = Severity::Info;
    match spam
        .report_value("IPV")
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        Some("CAL") => {
            title.push("on your IP Allow List".into());
            detail.push("IPV:CAL: the IP is on this tenant's connection-filter IP Allow List, so spam filtering was skipped for it.".into());
        }
        Some("NLI") => {
            title.push("not on any IP reputation list".into());
            detail.push("IPV:NLI: Microsoft's IP reputation lists do not list the IP.".into());
            severity = Severity::Ok;
        }
        Some(other) if !other.is_empty() => {
            detail.push(format!(
                "IPV:{other}: an IP verdict Mailflow does not know."
            ));
        }
        _ => {}
    }
    if spam
        .report_value("SRV")
        .is_some_and(|v| v.eq_ignore_ascii_case("BULK"))
    {
        detail.push("SRV:BULK: Exchange Online classed the sender as a bulk mailer (newsletters, marketing).".into());
        severity = Severity::Info;
    }
    if let Some(field) = spam.report_field("SFTY").filter(|f| !f.value.is_empty()) {
        let meaning = field
            .value_meaning
            .clone()
            .unwrap_or_else(|| match field.value.as_str() {
                "9.19" => "domain impersonation".into(),
                "9.20" => "user impersonation".into(),
                "9.25" => "first contact safety tip".into(),
                _ => "a safety tip Mailflow does not know".into(),
            });
        detail.push(format!(
            "SFTY:{}: {}.",
            field.value,
            meaning.trim_end_matches('.')
        ));
        if field.value != "9.25" {
            severity = Severity::Warning;
        }
    }
    if let Some(hop) = facts.chain.entry_hop() {
        let from = hop.fields.from.as_deref().unwrap_or("(no name)");
        let rdns = hop
            .fields
            .from_rdns
            .as_deref()
            .map(|r| format!(", reverse DNS {r}"))
            .unwrap_or_default();
        detail.push(format!(
            "The Received header where Microsoft 365 took the message names the sending server {from}{rdns}."
        ));
    }
    if detail.is_empty() {
        detail.push("Exchange Online's stamp gives no reputation verdict for the IP.".into());
    }
    let head = format!("Sending IP {ip}{name}");
    let title = std::iter::once(head)
        .chain(title)
        .collect::<Vec<_>>()
        .join(", ");
    let finding = Finding::new("sender-reputation-hints", severity, title).detail(detail.join(" "));
    if offline {
        finding.advice("Switch on the online checks to ask the public blocklists and the sender's DNS about this IP and domain.")
    } else {
        finding
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_ranges_are_recognised() {
        let range = |s: &str| special_range(&s.parse().unwrap()).map(|r| r as u8);
        assert_eq!(range("203.0.113.9"), Some(Range::Documentation as u8));
        assert_eq!(range("10.2.3.4"), Some(Range::Private as u8));
        assert_eq!(range("100.100.1.1"), Some(Range::Shared as u8));
        assert_eq!(range("2001:db8::5"), Some(Range::Documentation as u8));
        assert_eq!(range("40.107.1.1"), None);
    }

    #[test]
    fn carrier_grade_nat_and_loopback_senders_are_flagged() {
        let cgnat = crate::testing::Scenario::from_fixture("headers/verdicts/cip-cgnat.txt");
        let f = cgnat.finding(&Reputation, "sending-ip-cgnat");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.title.contains("100.64.1.20"), "{}", f.title);
        let local = crate::testing::Scenario::from_fixture("headers/verdicts/cip-loopback.txt");
        assert!(
            local
                .codes(&Reputation)
                .contains(&"sending-ip-local".to_owned())
        );
    }

    #[test]
    fn behind_our_gateway_the_sender_is_the_last_outside_hop() {
        let known = crate::testing::Scenario::from_fixture("who_acts/gateway-ef-off-junk.eml");
        let f = known.finding(&Reputation, "sender-ip-outside-perimeter");
        assert!(
            f.title.starts_with("Sending IP 203.0.113.44"),
            "{}",
            f.title
        );
        let unknown =
            crate::testing::Scenario::from_fixture("headers/gateway-only-hop-sender-unknown.eml");
        let f = unknown.finding(&Reputation, "sender-ip-unknown-behind-gateway");
        assert_eq!(f.severity, Severity::Info);
        assert!(f.title.contains("198.51.100.61"), "{}", f.title);
    }

    #[test]
    fn silent_without_headers() {
        let scenario =
            crate::testing::Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&Reputation).is_empty());
    }

    #[test]
    fn the_connecting_ip_is_judged_from_the_stamps() {
        let scenario = crate::testing::Scenario::from_fixture("headers/own-domain-spoof.txt");
        let f = scenario.finding(&Reputation, "no-reverse-dns");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.title.contains("203.0.113.201"), "{}", f.title);
        let range = scenario.finding(&Reputation, "sending-ip-documentation-range");
        assert_eq!(range.severity, Severity::Warning);
        let hints = scenario.finding(&Reputation, "sender-reputation-hints");
        assert!(hints.title.contains("203.0.113.201"), "{}", hints.title);
        let private = crate::testing::Scenario::from_fixture("export/hostile-message.eml");
        let f = private.finding(&Reputation, "sending-ip-private");
        assert!(f.title.contains("192.168.77.23"), "{}", f.title);
    }

    #[test]
    fn mail_from_inside_has_no_ip_to_judge() {
        let scenario = crate::testing::Scenario::from_fixture("headers/outbound-to-webmail.txt");
        assert_eq!(scenario.codes(&Reputation), ["no-connecting-ip"]);
    }
}
