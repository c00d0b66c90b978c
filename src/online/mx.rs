//! MX records of the sender's domain: a domain without working MX cannot receive the
//! replies and non-delivery reports of the mail it sends.

use hickory_resolver::proto::rr::{RData, RecordType};

use super::answer_line;
use super::resolver::Resolver;
use crate::facts::online::{FailedQuery, MxCheck};

/// Looks up the MX records of `domain`.
pub(crate) async fn check(resolver: &Resolver, domain: &str) -> (MxCheck, Vec<FailedQuery>) {
    let mut check = MxCheck {
        domain: domain.to_owned(),
        hosts: Vec::new(),
        null_mx: false,
        failure: None,
        evidence: Vec::new(),
    };
    let mut failed = Vec::new();
    match resolver.query(domain, RecordType::MX).await {
        Ok(records) => {
            for record in &records {
                if let RData::MX(mx) = record {
                    let host = mx.exchange.to_ascii();
                    let host = host.trim_end_matches('.');
                    if host.is_empty() {
                        check.null_mx = true;
                    }
                    check.hosts.push((mx.preference, host.to_owned()));
                }
            }
            check.hosts.sort();
            let shown: Vec<String> = check
                .hosts
                .iter()
                .map(|(pref, host)| format!("{pref} {}", if host.is_empty() { "." } else { host }))
                .collect();
            check.evidence.push(answer_line("MX", domain, &shown));
        }
        Err(failure) => {
            let query = FailedQuery::new("MX", domain, domain, "MX records", failure.clone());
            check.evidence.push(query.evidence());
            failed.push(query);
            check.failure = Some(failure);
        }
    }
    (check, failed)
}
