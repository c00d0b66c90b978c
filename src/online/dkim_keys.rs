//! The public key of each DKIM signature (`s._domainkey.d`): a missing or revoked key makes
//! every signature with that selector fail.

use base64::Engine as _;

use super::resolver::Resolver;
use super::{answer_line, quote};
use crate::facts::online::{DkimKeyCheck, DkimKeyOutcome, DnsFailure, FailedQuery};

/// Looks up the key for `d=domain`, `s=selector`.
pub(crate) async fn check(
    resolver: &Resolver,
    domain: &str,
    selector: &str,
) -> (DkimKeyCheck, Vec<FailedQuery>) {
    let name = format!("{selector}._domainkey.{domain}");
    let mut check = DkimKeyCheck {
        domain: domain.to_owned(),
        selector: selector.to_owned(),
        outcome: DkimKeyOutcome::Missing,
        evidence: Vec::new(),
    };
    let mut failed = Vec::new();
    match resolver.txt(&name).await {
        Ok(texts) => {
            let shown: Vec<String> = texts.iter().map(|t| quote(t)).collect();
            check.evidence.push(answer_line("TXT", &name, &shown));
            if let Some(record) = texts.first() {
                check.outcome = parse(record);
            }
        }
        Err(DnsFailure::NxDomain) => check.evidence.push(format!("TXT {name} → NXDOMAIN")),
        Err(failure) => {
            let query = FailedQuery::new(
                "TXT",
                &name,
                domain,
                format!("DKIM key of selector {selector}"),
                failure.clone(),
            );
            check.evidence.push(query.evidence());
            failed.push(query);
            check.outcome = DkimKeyOutcome::Failed(failure);
        }
    }
    (check, failed)
}

/// Reads a key record's `k=` and `p=` tags (RFC 6376 §3.6.1).
fn parse(record: &str) -> DkimKeyOutcome {
    let tag = |name: &str| {
        record
            .split(';')
            .filter_map(|part| part.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.split_whitespace().collect::<String>())
    };
    let key_type = tag("k")
        .unwrap_or_else(|| "rsa".into())
        .to_ascii_lowercase();
    let Some(key) = tag("p") else {
        return DkimKeyOutcome::Invalid("the record has no p= tag".into());
    };
    if key.is_empty() {
        return DkimKeyOutcome::Revoked;
    }
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(&key) else {
        return DkimKeyOutcome::Invalid("p= is not valid base64".into());
    };
    DkimKeyOutcome::Present {
        bits: key_bits(&key_type, bytes.len()),
        key_type,
    }
}

/// The key size from the encoded length: an RSA SubjectPublicKeyInfo carries about 38
/// bytes of structure around the modulus, rounded to the usual sizes; Ed25519 keys are 32
/// bytes.
fn key_bits(key_type: &str, len: usize) -> Option<usize> {
    match key_type {
        "ed25519" => Some(256),
        "rsa" => {
            let estimate = len.saturating_sub(38) * 8;
            [512, 768, 1024, 1536, 2048, 3072, 4096]
                .into_iter()
                .min_by_key(|size: &usize| size.abs_diff(estimate))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_present_and_revoked_keys() {
        assert_eq!(parse("v=DKIM1; k=rsa; p="), DkimKeyOutcome::Revoked);
        let key = base64::engine::general_purpose::STANDARD.encode([0u8; 294]);
        assert_eq!(
            parse(&format!("v=DKIM1; p={key}")),
            DkimKeyOutcome::Present {
                key_type: "rsa".into(),
                bits: Some(2048)
            }
        );
        assert!(matches!(parse("v=DKIM1; p=!!"), DkimKeyOutcome::Invalid(_)));
    }
}
