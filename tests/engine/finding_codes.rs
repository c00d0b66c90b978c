//! Finding codes against the registry, both ways: every code an analyzer emits on any input
//! is one it declares ([`Analyzer::codes`]), and every code it declares is emitted by some
//! input. The inputs are every file under `tests/fixtures/` and `../shared/samples/` (the
//! goldens' inputs among them), each message of each case, offline and with online results
//! built by hand (no network); each folder under `tests/fixtures/cases/` is also read as
//! one case, for codes that need several inputs about the same message.
//!
//! [`Analyzer::codes`]: mailflow::analyzers::Analyzer::codes

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use mailflow::analyzers::ANALYZERS;
use mailflow::case::Case;
use mailflow::engine::{self, Options};
use mailflow::facts::online::{
    BlocklistAnswer, BlocklistCheck, BlocklistOutcome, DkimKeyCheck, DkimKeyOutcome, DmarcCheck,
    DmarcOutcome, DmarcRecord, DnsFailure, FailedQuery, MxCheck, OnlineResults, PtrCheck, SpfCheck,
    SpfIpResult, SpfVerdict,
};

use crate::support;

/// Every file under `dir`, sorted, recursively.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Rendered reports (goldens) and READMEs: outputs and notes, not inputs.
fn is_input(path: &Path) -> bool {
    !path.components().any(|c| c.as_os_str() == "golden")
        && path.file_name().is_some_and(|n| n != "README.md")
}

/// The cases: each input file alone, and each folder of `tests/fixtures/cases/` together.
/// Files the loader refuses (vendor profiles, inputs kept to test refusals) give no
/// findings and are left out.
fn cases() -> Vec<(String, Case)> {
    let mut paths = Vec::new();
    files_under(&support::fixture(""), &mut paths);
    files_under(&support::shared().join("samples"), &mut paths);
    let load = |path: &Path| mailflow::input::load_path(path).ok();
    let mut cases: Vec<(String, Case)> = paths
        .iter()
        .filter(|p| is_input(p))
        .filter_map(|p| Some((p.display().to_string(), Case::from_inputs(vec![load(p)?]))))
        .collect();
    let Ok(folders) = std::fs::read_dir(support::fixture("cases")) else {
        return cases;
    };
    for folder in folders.filter_map(|e| e.ok().map(|e| e.path())) {
        let mut files = Vec::new();
        files_under(&folder, &mut files);
        let inputs = files.iter().filter(|p| is_input(p)).filter_map(|p| load(p));
        cases.push((
            folder.display().to_string(),
            Case::from_inputs(inputs.collect()),
        ));
    }
    cases
}

/// A blocklist answer of `list` for the documentation address 192.0.2.10.
fn listing(list: &str, outcome: BlocklistOutcome) -> BlocklistCheck {
    BlocklistCheck {
        ip: "192.0.2.10".into(),
        list: list.into(),
        zone: format!("{}.example", list.to_ascii_lowercase()),
        lookup: "https://lookup.example".into(),
        outcome,
        evidence: vec![format!("A 10.2.0.192.{list} → …")],
    }
}

fn answer(address: &str, policy: bool) -> BlocklistAnswer {
    BlocklistAnswer {
        address: address.into(),
        meaning: "listed".into(),
        policy,
    }
}

fn spf(verdict: SpfVerdict, ip_result: Option<&str>) -> SpfCheck {
    SpfCheck {
        domain: "example.com".into(),
        record: Some("v=spf1 -all".into()),
        lookups: 1,
        void_lookups: 0,
        verdict,
        ip_result: ip_result.map(|result| SpfIpResult {
            ip: "192.0.2.10".into(),
            result: result.into(),
        }),
        evidence: Vec::new(),
    }
}

fn dmarc(outcome: DmarcOutcome) -> DmarcCheck {
    DmarcCheck {
        domain: "example.com".into(),
        outcome,
        evidence: Vec::new(),
    }
}

fn mx(hosts: Vec<(u16, String)>, null_mx: bool) -> MxCheck {
    MxCheck {
        domain: "example.com".into(),
        hosts,
        null_mx,
        failure: None,
        evidence: Vec::new(),
    }
}

fn ptr(names: &[&str], confirmed: &[&str]) -> PtrCheck {
    PtrCheck {
        ip: "192.0.2.10".into(),
        names: names.iter().map(|&n| n.to_owned()).collect(),
        confirmed: confirmed.iter().map(|&n| n.to_owned()).collect(),
        failure: None,
        evidence: Vec::new(),
    }
}

fn dkim(selector: &str, outcome: DkimKeyOutcome) -> DkimKeyCheck {
    DkimKeyCheck {
        domain: "example.com".into(),
        selector: selector.into(),
        outcome,
        evidence: Vec::new(),
    }
}

fn failed(domain: &str, failure: DnsFailure) -> FailedQuery {
    FailedQuery::new("TXT", domain, domain, "SPF record", failure)
}

/// Online results built by hand, together giving every answer the online analyzers know.
fn online_scenarios() -> Vec<OnlineResults> {
    let record = DmarcRecord {
        found_at: "_dmarc.example.com".into(),
        record: "v=DMARC1; p=reject".into(),
        policy: "reject".into(),
        subdomain_policy: None,
        pct: 100,
        adkim: "r".into(),
        aspf: "r".into(),
        rua: None,
    };
    let present = |bits| DkimKeyOutcome::Present {
        key_type: "rsa".into(),
        bits: Some(bits),
    };
    let mut scenarios = vec![OnlineResults {
        resolver: "a resolver built by hand".into(),
        budget_exhausted: true,
        blocklists: vec![
            listing(
                "Spam",
                BlocklistOutcome::Listed(vec![answer("127.0.0.2", false)]),
            ),
            listing(
                "Policy",
                BlocklistOutcome::Listed(vec![answer("127.0.0.10", true)]),
            ),
            listing(
                "Refusing",
                BlocklistOutcome::Refused(vec![answer("127.255.255.254", false)]),
            ),
            listing("Broken", BlocklistOutcome::Failed(DnsFailure::Timeout)),
            listing("Clean", BlocklistOutcome::NotListed),
        ],
        spf: Some(spf(SpfVerdict::Valid, Some("pass"))),
        dmarc: Some(dmarc(DmarcOutcome::Found(record))),
        mx: Some(mx(vec![(10, "mx.example.com".into())], false)),
        ptr: Some(ptr(&["mail.example.com"], &["mail.example.com"])),
        dkim_keys: vec![
            dkim("good", present(2048)),
            dkim("weak", present(512)),
            dkim("gone", DkimKeyOutcome::Revoked),
            dkim("none", DkimKeyOutcome::Missing),
            dkim("bad", DkimKeyOutcome::Invalid("no p= tag".into())),
        ],
        failures: vec![
            failed("nx.example", DnsFailure::NxDomain),
            failed("servfail.example", DnsFailure::ServFail),
            failed("timeout.example", DnsFailure::Timeout),
            failed("refused.example", DnsFailure::Refused),
            failed(
                "other.example",
                DnsFailure::Other("network unreachable".into()),
            ),
            failed("late.example", DnsFailure::OutOfBudget),
        ],
        ..OnlineResults::default()
    }];
    let verdicts = [
        SpfVerdict::Missing,
        SpfVerdict::PermError("two records".into()),
        SpfVerdict::TempError("include timed out".into()),
    ];
    let results = [
        "fail",
        "softfail",
        "neutral",
        "none",
        "temperror",
        "permerror",
    ];
    let dmarcs = [
        DmarcOutcome::Missing,
        DmarcOutcome::Invalid("no p= tag".into()),
        DmarcOutcome::Failed(DnsFailure::ServFail),
    ];
    for (n, result) in results.into_iter().enumerate() {
        scenarios.push(OnlineResults {
            spf: Some(spf(
                verdicts.get(n).cloned().unwrap_or(SpfVerdict::Valid),
                Some(result),
            )),
            dmarc: dmarcs.get(n).cloned().map(dmarc),
            mx: Some(mx(Vec::new(), n == 0)),
            ptr: Some(if n == 0 {
                ptr(&[], &[])
            } else {
                ptr(&["dynamic.example.net"], &[])
            }),
            ..OnlineResults::default()
        });
    }
    // Our own DNS server answered nothing (issue 19 item 6).
    scenarios.push(OnlineResults {
        resolver: "127.0.0.1:5399".into(),
        resolver_silent: true,
        ..OnlineResults::default()
    });
    scenarios
}

/// (analyzer id, code) → the inputs that produced it.
fn emitted() -> BTreeMap<(String, String), BTreeSet<String>> {
    let online = online_scenarios();
    let mut seen: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for (name, case) in cases() {
        for index in 0..case.messages.len().max(1) {
            let options = Options {
                selected: Some(index.to_string()),
            };
            let offline = std::iter::once((String::new(), None));
            let with_online = online
                .iter()
                .enumerate()
                .map(|(n, o)| (format!(" online #{n}"), Some(o)));
            for (label, online) in offline.chain(with_online) {
                let d = engine::diagnose_with(&case, &options, online).expect("diagnosis");
                for f in d.steps.iter().flat_map(|s| &s.findings) {
                    seen.entry((f.analyzer.clone(), f.code.clone()))
                        .or_default()
                        .insert(format!("{name}#{index}{label}"));
                }
            }
        }
    }
    seen
}

#[test]
fn every_code_emitted_is_declared_and_every_declared_code_is_emitted() {
    let seen = emitted();
    let declared: BTreeSet<(&str, &str)> = ANALYZERS
        .iter()
        .flat_map(|a| a.codes().iter().map(|&c| (a.id(), c)))
        .collect();
    let undeclared: Vec<String> = seen
        .iter()
        .filter(|((a, c), _)| !declared.contains(&(a.as_str(), c.as_str())))
        .map(|((a, c), by)| {
            format!(
                "{a} emits {c} (by {:?}) but does not declare it",
                by.first()
            )
        })
        .collect();
    assert!(undeclared.is_empty(), "{undeclared:#?}");
    let missing: Vec<String> = declared
        .iter()
        .filter(|(a, c)| !seen.contains_key(&((*a).to_owned(), (*c).to_owned())))
        .map(|(a, c)| format!("{a} {c}"))
        .collect();
    assert!(
        missing.is_empty(),
        "declared but no fixture produces them (add a fixture, or drop the dead code):\n{}",
        missing.join("\n")
    );
}

#[test]
fn declared_codes_are_unique_per_analyzer_and_kebab_case() {
    for analyzer in ANALYZERS {
        let codes = analyzer.codes();
        assert!(!codes.is_empty(), "{} declares no code", analyzer.id());
        let unique: BTreeSet<&&str> = codes.iter().collect();
        assert_eq!(
            unique.len(),
            codes.len(),
            "{} declares a code twice",
            analyzer.id()
        );
        for code in codes {
            assert!(
                code.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}: {code} is not kebab-case",
                analyzer.id()
            );
        }
    }
}
