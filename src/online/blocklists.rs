//! Blocklist queries for the sending IP, read with each list's documented answers
//! (`dnsbl.toml`): an error answer such as Spamhaus's 127.255.255.254 is "query refused",
//! never "listed".

use std::net::IpAddr;

use hickory_resolver::proto::rr::{RData, RecordType};

use super::resolver::Resolver;
use super::{answer_line, reverse_name};
use crate::facts::online::{BlocklistAnswer, BlocklistCheck, BlocklistOutcome, DnsFailure};
use crate::knowledge::dnsbl::{AnswerKind, Blocklist};

/// Asks `list` about `ip`.
pub(crate) async fn check(resolver: &Resolver, ip: IpAddr, list: &Blocklist) -> BlocklistCheck {
    let mut result = BlocklistCheck {
        ip: ip.to_string(),
        list: list.name.clone(),
        zone: list.zone.clone(),
        lookup: list.lookup.clone(),
        outcome: BlocklistOutcome::NotApplicable,
        evidence: Vec::new(),
    };
    if ip.is_ipv6() && !list.ipv6 {
        return result;
    }
    let name = reverse_name(ip, &list.zone);
    let answer = resolver.query(&name, RecordType::A).await;
    result.outcome = match answer {
        Ok(records) => {
            let addresses: Vec<_> = records
                .iter()
                .filter_map(|r| match r {
                    RData::A(a) => Some(a.0),
                    _ => None,
                })
                .collect();
            let shown: Vec<String> = addresses.iter().map(ToString::to_string).collect();
            let line = answer_line("A", &name, &shown);
            result.evidence.push(if shown.is_empty() {
                format!("{line} (not listed)")
            } else {
                line
            });
            classify(list, &addresses)
        }
        Err(DnsFailure::NxDomain) => {
            result
                .evidence
                .push(format!("A {name} → NXDOMAIN (not listed)"));
            BlocklistOutcome::NotListed
        }
        Err(failure) => {
            result.evidence.push(format!("A {name} → {failure}"));
            BlocklistOutcome::Failed(failure)
        }
    };
    result
}

/// Sorts answers into listings and errors; any listing makes the IP listed.
fn classify(list: &Blocklist, addresses: &[std::net::Ipv4Addr]) -> BlocklistOutcome {
    if addresses.is_empty() {
        return BlocklistOutcome::NotListed;
    }
    let mut listed = Vec::new();
    let mut refused = Vec::new();
    for &address in addresses {
        let documented = list.meaning(address);
        let answer = BlocklistAnswer {
            address: address.to_string(),
            meaning: documented.map_or_else(
                || format!("{address}: an answer {} does not document", list.name),
                |a| a.meaning.clone(),
            ),
            policy: documented.is_some_and(|a| a.kind == AnswerKind::Policy),
        };
        match documented.map(|a| a.kind) {
            Some(AnswerKind::Refused) => refused.push(answer),
            _ => listed.push(answer),
        }
    }
    if listed.is_empty() {
        BlocklistOutcome::Refused(refused)
    } else {
        BlocklistOutcome::Listed(listed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zen() -> Blocklist {
        crate::testing::knowledge()
            .dnsbl
            .lists
            .iter()
            .find(|l| l.id == "spamhaus-zen")
            .cloned()
            .unwrap()
    }

    #[test]
    fn refused_answers_are_not_listings() {
        let outcome = classify(&zen(), &["127.255.255.254".parse().unwrap()]);
        assert!(
            matches!(outcome, BlocklistOutcome::Refused(_)),
            "{outcome:?}"
        );
        let outcome = classify(&zen(), &["127.0.0.10".parse().unwrap()]);
        let BlocklistOutcome::Listed(answers) = outcome else {
            panic!("PBL is a listing");
        };
        assert!(answers[0].policy);
    }
}
