//! The SPF record of the sender's domain: syntax (parsed with `mail-auth`), the DNS-querying
//! terms of the whole include tree (RFC 7208 §4.6.4 allows 10) and void lookups (§4.6.4
//! suggests 2).
//!
//! `mail-auth`'s `check_host` evaluates a record for one IP and stops at the first match, so
//! it reports neither the lookup count of the rest of the tree nor void lookups; the tree is
//! therefore walked here, every record fetched through the run's resolver (same name
//! server, timeouts, budget and cache) and parsed by `mail-auth`. `check_host` itself then
//! gives the result a receiver computes for the sending IP, over the same resolver.

use std::collections::{HashSet, VecDeque};
use std::net::IpAddr;

use hickory_resolver::proto::rr::{RData, RecordType};
use mail_auth::SpfResult;
use mail_auth::common::parse::TxtRecordParser as _;
use mail_auth::spf::verify::SpfParameters;
use mail_auth::spf::{Macro, Mechanism, Spf};

use super::resolver::Resolver;
use super::{answer_line, quote};
use crate::facts::online::{DnsFailure, FailedQuery, SpfCheck, SpfIpResult, SpfVerdict};

/// RFC 7208 §4.6.4: more DNS-querying terms than this is a permerror.
const LOOKUP_LIMIT: u32 = 10;
/// RFC 7208 §4.6.4: more void lookups than this should be a permerror.
const VOID_LIMIT: u32 = 2;
/// Records fetched at most, so a looping or huge tree cannot eat the budget.
const MAX_RECORDS: usize = 30;
/// Evidence lines kept.
const MAX_EVIDENCE: usize = 14;

/// What a walk found besides the counts.
#[derive(Default)]
struct Walk {
    lookups: u32,
    void_lookups: u32,
    permerrors: Vec<String>,
    temperrors: Vec<String>,
    evidence: Vec<String>,
    failed: Vec<FailedQuery>,
}

impl Walk {
    fn note(&mut self, line: String) {
        if self.evidence.len() < MAX_EVIDENCE {
            self.evidence.push(line);
        }
    }
}

/// Evaluates the SPF record of `domain`, and for `ip` when given.
pub(crate) async fn check(
    resolver: &Resolver,
    domain: &str,
    ip: Option<IpAddr>,
) -> (SpfCheck, Vec<FailedQuery>) {
    let mut walk = Walk::default();
    let mut check = SpfCheck {
        domain: domain.to_owned(),
        record: None,
        lookups: 0,
        void_lookups: 0,
        verdict: SpfVerdict::Missing,
        ip_result: None,
        evidence: Vec::new(),
    };
    let root = match resolver.txt(domain).await {
        Ok(texts) => texts,
        Err(failure) => {
            let query = FailedQuery::new("TXT", domain, domain, "SPF record", failure.clone());
            walk.note(query.evidence());
            walk.failed.push(query);
            check.verdict = if failure == DnsFailure::NxDomain {
                SpfVerdict::Missing
            } else {
                SpfVerdict::TempError(format!("TXT {domain}: {failure}"))
            };
            check.evidence = walk.evidence;
            return (check, walk.failed);
        }
    };
    let records = spf_records(&root);
    let shown: Vec<String> = root.iter().map(|t| quote(t)).collect();
    walk.note(answer_line("TXT", domain, &shown));
    match records.as_slice() {
        [] => {
            check.evidence = walk.evidence;
            return (check, walk.failed);
        }
        [record] => check.record = Some((*record).clone()),
        several => {
            check.verdict = SpfVerdict::PermError(format!(
                "{domain} publishes {} SPF records; RFC 7208 allows one",
                several.len()
            ));
            check.evidence = walk.evidence;
            return (check, walk.failed);
        }
    }
    if let Some(record) = &check.record {
        follow_includes(resolver, domain, record, &mut walk).await;
    }
    check.lookups = walk.lookups;
    check.void_lookups = walk.void_lookups;
    check.verdict = verdict(&walk);
    check.evidence = walk.evidence;
    if let Some(ip) = ip {
        check.ip_result = for_ip(resolver, domain, ip).await;
    }
    (check, walk.failed)
}

/// Fetches the records `record` includes or redirects to, breadth first, within the
/// record and lookup limits, noting every answer and failure in `walk`.
async fn follow_includes(resolver: &Resolver, domain: &str, record: &str, walk: &mut Walk) {
    let mut queue: VecDeque<(String, String)> = VecDeque::new();
    let mut seen: HashSet<String> = HashSet::new();
    seen.insert(domain.to_owned());
    visit(resolver, domain, record, walk, &mut queue).await;
    let mut fetched = 1;
    while let Some((target, parent)) = queue.pop_front() {
        if fetched >= MAX_RECORDS || walk.lookups > 2 * LOOKUP_LIMIT {
            break;
        }
        if !seen.insert(target.clone()) {
            continue;
        }
        fetched += 1;
        match resolver.txt(&target).await {
            Ok(texts) => {
                let found = spf_records(&texts);
                match found.as_slice() {
                    [record] => {
                        walk.note(format!("TXT {target} → {}", quote(record)));
                        visit(resolver, &target, record, walk, &mut queue).await;
                    }
                    [] => {
                        walk.note(format!("TXT {target} → no SPF record"));
                        if texts.is_empty() {
                            walk.void_lookups += 1;
                        }
                        walk.permerrors.push(format!(
                            "{parent} includes {target}, which has no SPF record"
                        ));
                    }
                    several => walk.permerrors.push(format!(
                        "{target} (included by {parent}) publishes {} SPF records",
                        several.len()
                    )),
                }
            }
            Err(DnsFailure::NxDomain) => {
                walk.note(format!("TXT {target} → NXDOMAIN"));
                walk.void_lookups += 1;
                walk.permerrors
                    .push(format!("{parent} includes {target}, which does not exist"));
            }
            Err(failure) => {
                walk.temperrors.push(format!("TXT {target}: {failure}"));
                let query = FailedQuery::new(
                    "TXT",
                    &target,
                    &target,
                    format!("SPF record included by {parent}"),
                    failure,
                );
                walk.note(query.evidence());
                walk.failed.push(query);
            }
        }
    }
}

/// The verdict on a walked record: too many lookups or void lookups, then the first
/// permanent error, then the first temporary one.
fn verdict(walk: &Walk) -> SpfVerdict {
    if walk.lookups > LOOKUP_LIMIT {
        SpfVerdict::PermError(format!(
            "the record needs {} DNS lookups; RFC 7208 allows {LOOKUP_LIMIT}",
            walk.lookups
        ))
    } else if walk.void_lookups > VOID_LIMIT {
        SpfVerdict::PermError(format!(
            "{} of its lookups return nothing (void lookups); RFC 7208 allows {VOID_LIMIT}",
            walk.void_lookups
        ))
    } else if let Some(first) = walk.permerrors.first() {
        SpfVerdict::PermError(first.clone())
    } else if let Some(first) = walk.temperrors.first() {
        SpfVerdict::TempError(first.clone())
    } else {
        SpfVerdict::Valid
    }
}

/// The result `mail-auth`'s `check_host` gives for `ip` sending as `postmaster@domain`;
/// `None` when the budget ran out first.
async fn for_ip(resolver: &Resolver, domain: &str, ip: IpAddr) -> Option<SpfIpResult> {
    let sender = format!("postmaster@{domain}");
    let authenticator = resolver.authenticator();
    let params = SpfParameters::verify_mail_from(ip, domain, "mailflow.invalid", &sender);
    let output = tokio::time::timeout(resolver.remaining(), authenticator.verify_spf(params))
        .await
        .ok()?;
    let result = match output.result() {
        SpfResult::Pass => "pass",
        SpfResult::Fail => "fail",
        SpfResult::SoftFail => "softfail",
        SpfResult::Neutral => "neutral",
        SpfResult::TempError => "temperror",
        SpfResult::PermError => "permerror",
        SpfResult::None => "none",
    };
    Some(SpfIpResult {
        ip: ip.to_string(),
        result: result.to_owned(),
    })
}

/// The `v=spf1` records among TXT strings.
fn spf_records(texts: &[String]) -> Vec<&String> {
    texts
        .iter()
        .filter(|t| {
            let lower = t.trim_start().to_ascii_lowercase();
            lower == "v=spf1" || lower.starts_with("v=spf1 ")
        })
        .collect()
}

/// The domain a term names: its literal domain-spec, or the current domain when it has
/// none; `None` for macros that need the sending IP or sender.
fn target(spec: &Macro, current: &str) -> Option<String> {
    match spec {
        Macro::None => Some(current.to_owned()),
        Macro::Literal(bytes) => Some(
            String::from_utf8_lossy(bytes)
                .trim_end_matches('.')
                .to_ascii_lowercase(),
        ),
        _ => None,
    }
}

/// Counts the DNS-querying terms of one record, checks `a` and `mx` targets for void
/// answers, and queues `include` and `redirect` targets.
async fn visit(
    resolver: &Resolver,
    domain: &str,
    record: &str,
    walk: &mut Walk,
    queue: &mut VecDeque<(String, String)>,
) {
    let spf = match Spf::parse(record.as_bytes()) {
        Ok(spf) => spf,
        Err(error) => {
            walk.permerrors.push(format!(
                "the SPF record of {domain} does not parse ({error})"
            ));
            return;
        }
    };
    for directive in &spf.directives {
        match &directive.mechanism {
            Mechanism::Include { macro_string } => {
                walk.lookups += 1;
                if let Some(t) = target(macro_string, domain) {
                    queue.push_back((t, domain.to_owned()));
                }
            }
            Mechanism::A { macro_string, .. } => {
                walk.lookups += 1;
                if let Some(t) = target(macro_string, domain) {
                    void_check(resolver, &t, RecordType::A, walk).await;
                }
            }
            Mechanism::Mx { macro_string, .. } => {
                walk.lookups += 1;
                if let Some(t) = target(macro_string, domain) {
                    void_check(resolver, &t, RecordType::MX, walk).await;
                }
            }
            Mechanism::Ptr { .. } | Mechanism::Exists { .. } => walk.lookups += 1,
            Mechanism::All | Mechanism::Ip4 { .. } | Mechanism::Ip6 { .. } => {}
        }
    }
    if let Some(redirect) = &spf.redirect {
        walk.lookups += 1;
        if let Some(t) = target(redirect, domain) {
            queue.push_back((t, domain.to_owned()));
        }
    }
}

/// Counts a void lookup when `name` has no `record_type` records (for `a`: no A and no
/// AAAA).
async fn void_check(resolver: &Resolver, name: &str, record_type: RecordType, walk: &mut Walk) {
    let has = |answer: &Result<Vec<RData>, DnsFailure>| matches!(answer, Ok(r) if !r.is_empty());
    let first = resolver.query(name, record_type).await;
    let found = has(&first)
        || (record_type == RecordType::A && has(&resolver.query(name, RecordType::AAAA).await));
    match first {
        Err(DnsFailure::NxDomain) | Ok(_) if !found => {
            walk.void_lookups += 1;
            walk.note(format!("{record_type} {name} → nothing (void lookup)"));
        }
        Err(failure) if !found => {
            walk.temperrors
                .push(format!("{record_type} {name}: {failure}"));
        }
        _ => {}
    }
}
