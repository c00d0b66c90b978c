//! The DMARC record of the From domain, falling back to its organisational domain as
//! receivers do (RFC 7489 §6.6.3).

use super::resolver::Resolver;
use super::{answer_line, quote};
use crate::facts::online::{DmarcCheck, DmarcOutcome, DmarcRecord, DnsFailure, FailedQuery};

/// Looks up the DMARC record for `domain`.
/// `organisational` is the domain's organizational domain (its public-suffix boundary),
/// whose record applies when the domain has none.
pub(crate) async fn check(
    resolver: &Resolver,
    domain: &str,
    organisational: &str,
) -> (DmarcCheck, Vec<FailedQuery>) {
    let mut check = DmarcCheck {
        domain: domain.to_owned(),
        outcome: DmarcOutcome::Missing,
        evidence: Vec::new(),
    };
    let mut failed = Vec::new();
    let mut names = vec![format!("_dmarc.{domain}")];
    if organisational != domain {
        names.push(format!("_dmarc.{organisational}"));
    }
    for name in names {
        match resolver.txt(&name).await {
            Ok(texts) => {
                let records: Vec<&String> = texts
                    .iter()
                    .filter(|t| t.trim_start().to_ascii_lowercase().starts_with("v=dmarc1"))
                    .collect();
                let shown: Vec<String> = texts.iter().map(|t| quote(t)).collect();
                check.evidence.push(answer_line("TXT", &name, &shown));
                match records.as_slice() {
                    [] => {}
                    [record] => {
                        check.outcome = parse(&name, record);
                        break;
                    }
                    _ => {
                        check.outcome = DmarcOutcome::Invalid(format!(
                            "{name} has {} DMARC records; receivers ignore them all",
                            records.len()
                        ));
                        break;
                    }
                }
            }
            Err(DnsFailure::NxDomain) => {
                check.evidence.push(format!("TXT {name} → NXDOMAIN"));
            }
            Err(failure) => {
                let query = FailedQuery::new("TXT", &name, domain, "DMARC record", failure.clone());
                check.evidence.push(query.evidence());
                failed.push(query);
                check.outcome = DmarcOutcome::Failed(failure);
                break;
            }
        }
    }
    (check, failed)
}

/// Reads the tags of a `v=DMARC1` record.
pub(crate) fn parse(found_at: &str, record: &str) -> DmarcOutcome {
    let tags: Vec<(String, String)> = record
        .split(';')
        .filter_map(|part| part.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let tag = |name: &str| tags.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let Some(policy) = tag("p").map(|p| p.to_ascii_lowercase()) else {
        return DmarcOutcome::Invalid(format!("{found_at} has no p= policy tag"));
    };
    if !["none", "quarantine", "reject"].contains(&policy.as_str()) {
        return DmarcOutcome::Invalid(format!("{found_at} has an unknown policy p={policy}"));
    }
    let pct = match tag("pct") {
        None => 100,
        Some(text) => match text.parse::<u8>() {
            Ok(pct) if pct <= 100 => pct,
            _ => return DmarcOutcome::Invalid(format!("{found_at} has an invalid pct={text}")),
        },
    };
    let mode = |name: &str| {
        tag(name)
            .map(|m| m.to_ascii_lowercase())
            .filter(|m| m == "s" || m == "r")
            .unwrap_or_else(|| "r".to_owned())
    };
    DmarcOutcome::Found(DmarcRecord {
        found_at: found_at.to_owned(),
        record: record.to_owned(),
        policy,
        subdomain_policy: tag("sp").map(|p| p.to_ascii_lowercase()),
        pct,
        adkim: mode("adkim"),
        aspf: mode("aspf"),
        rua: tag("rua"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_policy_pct_and_alignment() {
        let DmarcOutcome::Found(record) = parse(
            "_dmarc.example.net",
            "v=DMARC1; p=quarantine; pct=25; adkim=s; rua=mailto:d@example.net",
        ) else {
            panic!("valid record");
        };
        assert_eq!(record.policy, "quarantine");
        assert_eq!(record.pct, 25);
        assert_eq!(record.adkim, "s");
        assert_eq!(record.aspf, "r");
        assert!(matches!(
            parse("_dmarc.example.net", "v=DMARC1; rua=mailto:x@example.net"),
            DmarcOutcome::Invalid(_)
        ));
    }
}
