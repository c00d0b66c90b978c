//! Reverse DNS of the sending IP and whether it is forward-confirmed (the PTR name's
//! addresses include the IP): receivers distrust servers without it.

use std::net::IpAddr;

use hickory_resolver::proto::rr::{RData, RecordType};

use super::resolver::Resolver;
use super::{answer_line, arpa_zone, reverse_name};
use crate::facts::online::{DnsFailure, FailedQuery, PtrCheck};

/// Names checked for forward confirmation; more PTR records than this are unusual.
const MAX_NAMES: usize = 3;

/// Looks up the PTR records of `ip` and the addresses of the names they give.
pub(crate) async fn check(resolver: &Resolver, ip: IpAddr) -> (PtrCheck, Vec<FailedQuery>) {
    let mut check = PtrCheck {
        ip: ip.to_string(),
        names: Vec::new(),
        confirmed: Vec::new(),
        failure: None,
        evidence: Vec::new(),
    };
    let mut failed = Vec::new();
    let name = reverse_name(ip, arpa_zone(ip));
    match resolver.query(&name, RecordType::PTR).await {
        Ok(records) => {
            check.names = records
                .iter()
                .filter_map(|r| match r {
                    RData::PTR(ptr) => Some(ptr.0.to_ascii().trim_end_matches('.').to_owned()),
                    _ => None,
                })
                .collect();
            check.evidence.push(answer_line("PTR", &name, &check.names));
        }
        Err(DnsFailure::NxDomain) => check.evidence.push(format!("PTR {name} → NXDOMAIN")),
        Err(failure) => {
            let query = FailedQuery::new(
                "PTR",
                &name,
                &ip.to_string(),
                "reverse DNS of the sending IP",
                failure.clone(),
            );
            check.evidence.push(query.evidence());
            failed.push(query);
            check.failure = Some(failure);
        }
    }
    for host in check.names.iter().take(MAX_NAMES) {
        let kind = if ip.is_ipv4() { "A" } else { "AAAA" };
        match resolver.addresses(host, ip).await {
            Ok(records) => {
                let addresses: Vec<IpAddr> = records
                    .iter()
                    .filter_map(|r| match r {
                        RData::A(a) => Some(IpAddr::V4(a.0)),
                        RData::AAAA(a) => Some(IpAddr::V6(a.0)),
                        _ => None,
                    })
                    .collect();
                let shown: Vec<String> = addresses.iter().map(ToString::to_string).collect();
                check.evidence.push(answer_line(kind, host, &shown));
                if addresses.contains(&ip) {
                    check.confirmed.push(host.clone());
                }
            }
            Err(failure) => check.evidence.push(format!("{kind} {host} → {failure}")),
        }
    }
    (check, failed)
}
