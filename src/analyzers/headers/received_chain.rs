//! The Received chain as a hop table: who handed the message to whom, when, over which
//! protocol and TLS version, and who runs each server; hops whose date cannot be trusted
//! and gateways in the path are findings of their own.

use std::fmt::Write as _;

use super::header_facts;
use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::facts::headers::{Operator, ReceivedHop, chain::MAX_HOPS};
use crate::step::Step;
use crate::words::{Units, duration};

/// Lists the hops, oldest first.
pub struct ReceivedChain;

/// Hop rows shown as evidence; the JSON `hops` list has them all.
const SHOWN_HOPS: usize = 40;

/// One hop as a table row.
pub fn hop_row(hop: &ReceivedHop) -> String {
    let f = &hop.fields;
    let mut row = format!("#{} {}", hop.index, hop.route());
    if let Some(ip) = f.from_ip.as_deref() {
        write!(row, " [{ip}]").ok();
    }
    if let Some(with) = f.with.as_deref() {
        write!(row, " with {with}").ok();
    }
    match (f.tls_version.as_deref(), f.tls_cipher.as_deref()) {
        (Some(tls), Some(cipher)) => {
            write!(row, " {tls} ({cipher})").ok();
        }
        (Some(tls), None) => {
            write!(row, " {tls}").ok();
        }
        (None, Some(cipher)) => {
            write!(row, " TLS ({cipher})").ok();
        }
        (None, None) => {}
    }
    match (f.date, f.date_problem) {
        (Some(date), _) => {
            write!(row, " at {}", date.time.to_rfc3339()).ok();
        }
        (None, Some(problem)) => {
            write!(row, " ({})", problem.describe()).ok();
        }
        (None, None) => {}
    }
    if let Some(delay) = hop.delay_ms {
        write!(row, " (+{})", duration(delay / 1000, Units::Words)).ok();
    }
    if let Some(skew) = hop.skew_ms {
        write!(row, " ({} s: clock skew)", skew / 1000).ok();
    }
    write!(row, " — {}", hop.operator.label()).ok();
    row
}

impl Analyzer for ReceivedChain {
    fn id(&self) -> &'static str {
        "headers-received-chain"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "gateway-in-path",
            "hop-date-suspicious",
            "no-received-headers",
            "received-chain",
            "received-chain-truncated",
        ]
    }

    fn step(&self) -> Step {
        Step::Headers
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(facts) = header_facts(cx) else {
            return;
        };
        let chain = &facts.chain;
        let (Some(first), Some(last)) = (chain.hops.first(), chain.hops.last()) else {
            out.push(
                Finding::new("no-received-headers", Severity::Warning, "No Received headers")
                    .detail("The header block has no Received lines, so nothing shows the message travelling: it is a draft, a Sent Items copy, or only part of the headers was pasted.")
                    .advice("Ask for the full internet headers of the copy the recipient received (Outlook: File > Properties > Internet headers), or run a message trace."),
            );
            return;
        };
        let mut detail = format!(
            "{} hop{}, oldest first: from {} to {}.",
            chain.hops.len(),
            if chain.hops.len() == 1 { "" } else { "s" },
            first
                .fields
                .from
                .as_deref()
                .or(first.fields.by.as_deref())
                .unwrap_or("an unnamed host"),
            last.fields.by.as_deref().unwrap_or("an unnamed host"),
        );
        if let Some(entry) = chain.entry_hop() {
            write!(
                detail,
                " Microsoft 365 received it at hop {} from {}.",
                entry.index,
                entry.sender_words()
            )
            .ok();
        }
        // Only transfers between servers: a stamp without `from` is a server taking the
        // message from its own submission (Gmail's first `by … with SMTP`), and loopback
        // hops never leave the machine.
        let plain: Vec<_> = chain
            .hops
            .iter()
            .filter(|h| {
                h.fields.with.as_deref().is_some_and(|w| {
                    w.eq_ignore_ascii_case("SMTP") || w.eq_ignore_ascii_case("ESMTP")
                }) && h.fields.tls_version.is_none()
                    && h.fields.from.is_some()
                    && !h
                        .fields
                        .from_ip
                        .as_deref()
                        .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
                        .is_some_and(|ip| ip.is_loopback())
                    && h.operator != Operator::Microsoft365
            })
            .map(|h| h.index.to_string())
            .collect();
        if !plain.is_empty() {
            write!(
                detail,
                " Hop{} {} used plain SMTP without TLS.",
                if plain.len() == 1 { "" } else { "s" },
                plain.join(", ")
            )
            .ok();
        }
        out.push(
            Finding::new(
                "received-chain",
                Severity::Info,
                format!(
                    "{} Received hop{}",
                    chain.hops.len(),
                    if chain.hops.len() == 1 { "" } else { "s" }
                ),
            )
            .detail(detail)
            .evidence_lines(chain.hops.iter().take(SHOWN_HOPS).map(hop_row)),
        );

        if chain.omitted > 0 {
            out.push(
                Finding::new(
                    "received-chain-truncated",
                    Severity::Info,
                    format!("{} older hops not shown", chain.omitted),
                )
                .detail(format!("Only the newest {MAX_HOPS} Received headers are read; the newest are the ones the receiving side wrote and can be trusted. So many hops usually means a mail loop.")),
            );
        }

        suspicious_dates(&chain.hops, out);
        gateways_in_path(&chain.hops, out);
    }
}

/// Hop dates that cannot be trusted: unparsable, a weekday that does not match, no zone.
fn suspicious_dates(hops: &[ReceivedHop], out: &mut Vec<Finding>) {
    let bad_dates: Vec<&ReceivedHop> = hops
        .iter()
        .filter(|h| {
            h.fields.date_problem.is_some()
                || h.fields
                    .date
                    .is_some_and(|d| d.weekday_mismatch || d.zone_assumed)
        })
        .collect();
    if !bad_dates.is_empty() {
        let words: Vec<String> = bad_dates
            .iter()
            .map(|h| {
                let what = match (h.fields.date_problem, h.fields.date) {
                    (Some(problem), _) => problem.describe().to_owned(),
                    (None, Some(d)) if d.weekday_mismatch => {
                        "a weekday that does not match the date".to_owned()
                    }
                    _ => "no time zone (read as UTC)".to_owned(),
                };
                format!("hop {}: {what}", h.index)
            })
            .collect();
        out.push(
            Finding::new("hop-date-suspicious", Severity::Info, "Some hop dates cannot be trusted")
                .detail(format!("{}. Delays around these hops are not computed from guesses; a forged or hand-made header often shows this way.", words.join("; ")))
                .evidence_lines(bad_dates.iter().map(|h| h.line.clone())),
        );
    }
}

/// Each third-party gateway the Received chain passes through, once.
fn gateways_in_path(hops: &[ReceivedHop], out: &mut Vec<Finding>) {
    let mut seen: Vec<&str> = Vec::new();
    for hop in hops {
        if let Operator::Gateway { id, name } = &hop.operator {
            if seen.contains(&id.as_str()) {
                continue;
            }
            seen.push(id);
            out.push(
                Finding::new("gateway-in-path", Severity::Info, format!("The message passed through {name}"))
                    .detail(format!("Hop {} was received by {}, a {name} server. Its scanning can hold, change (banners, rewritten links) or re-inject the message; its own console shows what it did.", hop.index, hop.fields.by.as_deref().unwrap_or("?")))
                    .evidence(hop.line.clone())
                    .advice(format!("If the message is missing after this hop, look in the {name} console or quarantine.")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{HeaderBlock, HeaderField};
    use crate::facts::headers::chain;
    use crate::testing::Scenario;

    #[test]
    fn rows_show_route_protocol_tls_time_and_operator() {
        let block = HeaderBlock {
            fields: vec![HeaderField {
                name: "Received".into(),
                value: "from mx.example.net (198.51.100.23) by BN2PEPF000044A5.mail.protection.outlook.com (10.167.243.104) with Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.8511.15 via Frontend Transport; Wed, 5 Mar 2025 09:14:05 +0000".into(),
                raw: String::new(),
            }],
            ..HeaderBlock::default()
        };
        let chain = chain::build(&block, crate::testing::knowledge());
        let row = hop_row(&chain.hops[0]);
        assert!(
            row.starts_with("#1 mx.example.net → BN2PEPF000044A5"),
            "{row}"
        );
        assert!(
            row.contains("[198.51.100.23]") && row.contains("TLS1.3"),
            "{row}"
        );
        assert!(row.ends_with("Microsoft 365"), "{row}");
    }

    #[test]
    fn a_pasted_chain_is_listed_oldest_first() {
        let scenario = Scenario::from_text(
            "pasted headers",
            "Received: from mx.example.net (198.51.100.23) by BN2PEPF000044A5.mail.protection.outlook.com (10.167.243.104) with Microsoft SMTP Server id 15.20.8511.15 via Frontend Transport; Wed, 5 Mar 2025 09:14:05 +0000\r\nReceived: from laptop.example.net (192.0.2.7) by mx.example.net with ESMTPSA; Wed, 5 Mar 2025 09:14:01 +0000\r\nFrom: a@example.net\r\nTo: b@contoso.com\r\nSubject: hello\r\n",
        );
        let f = scenario.finding(&ReceivedChain, "received-chain");
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(f.title, "2 Received hops");
        assert!(
            f.evidence[0].starts_with("#1 laptop.example.net → mx.example.net"),
            "{:?}",
            f.evidence
        );
    }

    #[test]
    fn a_gateway_hop_is_named() {
        let scenario = Scenario::from_fixture("who_acts/gateway-ef-off-junk.eml");
        let f = scenario.finding(&ReceivedChain, "gateway-in-path");
        assert!(f.detail.contains("Mimecast"), "{}", f.detail);
    }

    #[test]
    fn odd_dates_and_overlong_chains_are_flagged() {
        let dates = Scenario::from_fixture("headers/hops-out-of-order-bad-weekday.txt");
        let f = dates.finding(&ReceivedChain, "hop-date-suspicious");
        assert!(f.detail.contains("weekday"), "{}", f.detail);
        let long = Scenario::from_fixture("headers/thousand-and-one-hops.txt");
        let f = long.finding(&ReceivedChain, "received-chain-truncated");
        assert_eq!(f.title, "1 older hops not shown");
    }

    #[test]
    fn a_draft_without_received_lines_says_so() {
        let scenario = Scenario::from_fixture("headers/no-received-draft.txt");
        assert_eq!(scenario.codes(&ReceivedChain), ["no-received-headers"]);
    }

    #[test]
    fn silent_without_headers() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&ReceivedChain).is_empty());
    }
}
