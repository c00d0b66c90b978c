//! Online checks against a real DNS server on 127.0.0.1 (tests/support/dns.rs): every
//! case gives its finding within the time budget, and diagnosing without online checks
//! never builds a resolver.

use std::time::{Duration, Instant};

use mailflow::diagnosis::Finding;
use mailflow::engine::{self, Options};
use mailflow::facts::online::{BlocklistOutcome, DnsFailure, OnlineResults, SpfVerdict};
use mailflow::knowledge::Knowledge;
use mailflow::online::{self, Config, Targets};
use mailflow::step::Step;

use super::support::dns::{SERVER, SILENT};

/// Tests that build resolvers hold this, so the no-resolver test sees a stable count.
static RESOLVER_LOCK: parking_lot::Mutex<()> = parking_lot::Mutex::new(());

/// The budget plus scheduling slack.
const WITHIN: Duration = Duration::from_secs(11);

const HEADERS: &str = "Received: from mail.good.example (mail.good.example [203.0.113.5])\r
 by AM0PR01MB1234.eurprd01.prod.outlook.com with ESMTPS; Tue, 6 Dec 2022 17:31:00 +0000\r
X-Forefront-Antispam-Report: CIP:203.0.113.5;CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:mail.good.example;PTR:mail.good.example;CAT:NONE;DIR:INB;\r
Authentication-Results: spf=pass (sender IP is 203.0.113.5) smtp.mailfrom=good.example; dkim=pass (signature was verified) header.d=good.example;dmarc=pass action=none header.from=good.example;compauth=pass reason=100\r
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=good.example; s=sel1; h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r
From: Alice <alice@good.example>\r
To: bob@contoso.com\r
Subject: Quarterly report\r
Message-ID: <online-test@good.example>\r
Date: Tue, 6 Dec 2022 17:30:58 +0000\r
\r
";

fn run(targets: &Targets, config: &Config) -> (OnlineResults, Vec<Finding>, Duration) {
    let started = Instant::now();
    let results = online::run_targets(targets, config, Knowledge::embedded(), &|_| {})
        .expect("online checks run");
    let elapsed = started.elapsed();
    let case = super::support::case_from_text("headers.txt", HEADERS);
    let diagnosis =
        engine::diagnose_with(&case, &Options::default(), Some(&results)).expect("diagnosis");
    let findings = diagnosis
        .step(Step::External)
        .expect("step 5")
        .findings
        .clone();
    (results, findings, elapsed)
}

fn local() -> Config {
    Config::default().with_nameserver(*SERVER)
}

fn finding<'a>(findings: &'a [Finding], code: &str) -> &'a Finding {
    findings.iter().find(|f| f.code == code).unwrap_or_else(|| {
        let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
        panic!("no {code} finding in {codes:?}")
    })
}

fn ip_only(ip: &str) -> Targets {
    Targets {
        ip: Some(ip.parse().expect("test IP")),
        ..Targets::default()
    }
}

fn domain_only(domain: &str) -> Targets {
    Targets {
        spf_domain: Some(domain.into()),
        from_domain: Some(domain.into()),
        ..Targets::default()
    }
}

#[test]
fn a_listed_ip_is_a_problem_with_the_lists_meaning() {
    let _lock = RESOLVER_LOCK.lock();
    let (results, findings, elapsed) = run(&ip_only("203.0.113.5"), &local());
    assert!(elapsed < WITHIN, "{elapsed:?}");
    let listed = finding(&findings, "ip-blocklisted");
    assert!(listed.title.contains("Spamhaus ZEN"), "{}", listed.title);
    assert!(listed.detail.contains("SBL"), "{}", listed.detail);
    assert!(
        listed
            .evidence
            .iter()
            .any(|e| e.contains("5.113.0.203.zen.spamhaus.org → 127.0.0.2"))
    );
    let clean = finding(&findings, "ip-not-blocklisted");
    assert!(clean.title.contains("SpamCop"), "{}", clean.title);
    let ptr = finding(&findings, "ptr-confirmed");
    assert!(ptr.title.contains("mail.good.example"), "{}", ptr.title);
    assert_eq!(results.blocklists.len(), 3);
}

#[test]
fn an_unlisted_ip_is_ok_on_every_list() {
    let _lock = RESOLVER_LOCK.lock();
    let (results, findings, elapsed) = run(&ip_only("203.0.113.6"), &local());
    assert!(elapsed < WITHIN, "{elapsed:?}");
    assert!(
        results
            .blocklists
            .iter()
            .all(|b| b.outcome == BlocklistOutcome::NotListed),
        "{:?}",
        results.blocklists
    );
    let clean = finding(&findings, "ip-not-blocklisted");
    assert!(
        clean.title.contains("Spamhaus ZEN, SpamCop, Barracuda"),
        "{}",
        clean.title
    );
    assert!(findings.iter().all(|f| f.code != "ip-blocklisted"));
    finding(&findings, "ptr-missing");
}

#[test]
fn spamhaus_refusal_is_not_a_listing() {
    let _lock = RESOLVER_LOCK.lock();
    let (_, findings, elapsed) = run(&ip_only("203.0.113.7"), &local());
    assert!(elapsed < WITHIN, "{elapsed:?}");
    let refused = finding(&findings, "blocklist-query-refused");
    assert!(refused.title.contains("not a listing"), "{}", refused.title);
    assert!(
        refused.detail.contains("public or open resolver"),
        "{}",
        refused.detail
    );
    assert!(findings.iter().all(|f| f.code != "ip-blocklisted"));
}

#[test]
fn eleven_spf_lookups_are_a_permerror_and_a_missing_dmarc_record_is_reported() {
    let _lock = RESOLVER_LOCK.lock();
    let targets = Targets {
        ip: Some("203.0.113.6".parse().unwrap()),
        ..domain_only("heavy.example")
    };
    let (results, findings, elapsed) = run(&targets, &local());
    assert!(elapsed < WITHIN, "{elapsed:?}");
    let spf = results.spf.as_ref().expect("SPF checked");
    assert_eq!(spf.lookups, 11);
    let by_mail_auth = spf.ip_result.as_ref().expect("evaluated for the IP");
    assert_eq!(by_mail_auth.result, "permerror");
    assert!(
        matches!(spf.verdict, SpfVerdict::PermError(_)),
        "{:?}",
        spf.verdict
    );
    let permerror = finding(&findings, "spf-permerror");
    assert!(
        permerror.title.contains("11 DNS lookups"),
        "{}",
        permerror.title
    );
    let dmarc = finding(&findings, "dmarc-record-missing");
    assert!(dmarc.title.contains("heavy.example"), "{}", dmarc.title);
    assert!(
        dmarc
            .evidence
            .iter()
            .any(|e| e.contains("_dmarc.heavy.example → NXDOMAIN"))
    );
}

#[test]
fn a_healthy_domain_passes_spf_dmarc_mx_and_dkim() {
    let _lock = RESOLVER_LOCK.lock();
    let case = super::support::case_from_text("headers.txt", HEADERS);
    let targets = Targets::of(&case, 0, Knowledge::embedded());
    assert_eq!(targets.ip, Some("203.0.113.5".parse().unwrap()));
    assert_eq!(targets.from_domain.as_deref(), Some("good.example"));
    assert_eq!(targets.dkim, vec![("good.example".into(), "sel1".into())]);
    let progress = std::cell::RefCell::new(Vec::new());
    let results = online::run(&case, 0, &local(), Knowledge::embedded(), &|p| {
        progress.borrow_mut().push(p);
    })
    .expect("online checks run");
    assert_eq!(progress.borrow().len(), progress.borrow()[0].total);
    let diagnosis = engine::diagnose_with(&case, &Options::default(), Some(&results)).unwrap();
    let findings = &diagnosis.step(Step::External).unwrap().findings;
    let spf = finding(findings, "spf-record-valid");
    assert!(spf.title.contains("1 of 10 lookups"), "{}", spf.title);
    let for_ip = finding(findings, "spf-ip-pass");
    assert!(
        for_ip.title.contains("for 203.0.113.5: pass"),
        "{}",
        for_ip.title
    );
    let dmarc = finding(findings, "dmarc-record");
    assert!(dmarc.title.contains("p=reject, pct=100"), "{}", dmarc.title);
    finding(findings, "mx-records");
    let dkim = finding(findings, "dkim-key-present");
    assert!(dkim.title.contains("2048 bits"), "{}", dkim.title);
    assert!(results.failures.is_empty(), "{:?}", results.failures);
}

#[test]
fn a_servfailing_domain_has_dns_errors() {
    let _lock = RESOLVER_LOCK.lock();
    let (results, findings, elapsed) = run(&domain_only("broken.example"), &local());
    assert!(elapsed < WITHIN, "{elapsed:?}");
    assert!(
        results
            .failures
            .iter()
            .any(|f| f.failure == DnsFailure::ServFail),
        "{:?}",
        results.failures
    );
    let servfail = finding(&findings, "dns-servfail");
    assert!(
        servfail.title.contains("broken.example has DNS errors"),
        "{}",
        servfail.title
    );
    assert!(
        servfail.detail.contains("SPF record"),
        "{}",
        servfail.detail
    );
    finding(&findings, "spf-temperror");
}

#[test]
fn a_domain_whose_servers_never_answer_times_out_within_the_budget() {
    let _lock = RESOLVER_LOCK.lock();
    let (_, findings, elapsed) = run(&domain_only("slow.example"), &local());
    assert!(elapsed < WITHIN, "{elapsed:?}");
    assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
    let timeout = finding(&findings, "dns-timeout");
    assert!(
        timeout.title.contains("slow.example has DNS errors"),
        "{}",
        timeout.title
    );
}

#[test]
fn a_silent_resolver_is_cut_off_by_the_overall_budget() {
    let _lock = RESOLVER_LOCK.lock();
    let config = Config {
        budget: Duration::from_secs(3),
        ..Config::default().with_nameserver(*SILENT)
    };
    let targets = Targets {
        ip: Some("203.0.113.5".parse().unwrap()),
        spf_domain: Some("good.example".into()),
        from_domain: Some("good.example".into()),
        dkim: vec![("good.example".into(), "sel1".into())],
    };
    let (results, findings, elapsed) = run(&targets, &config);
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    // Issue 19: our silent server is our problem, not the sender's DNS errors.
    assert!(results.resolver_silent);
    finding(&findings, "dns-server-silent");
    assert!(
        findings.iter().all(|f| f.code != "dns-timeout"),
        "{findings:?}"
    );
    assert!(results.blocklists.is_empty() && results.failures.is_empty());
}

#[test]
fn diagnosing_without_online_checks_builds_no_resolver() {
    let _lock = RESOLVER_LOCK.lock();
    let before = online::resolvers_built();
    let dir = super::support::shared().join("samples/trace");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("samples") {
        let path = entry.expect("sample").path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let case = super::support::case(std::slice::from_ref(&path));
        let diagnosis = engine::diagnose(&case, &Options::default()).expect("diagnosis");
        let targets = Targets::of(&case, 0, Knowledge::embedded());
        assert!(
            !Config::default()
                .describe(&targets, Knowledge::embedded())
                .is_empty()
        );
        assert_eq!(diagnosis.steps.len(), 5);
        seen += 1;
    }
    let case = super::support::case_from_text("headers.txt", HEADERS);
    engine::diagnose(&case, &Options::default()).expect("diagnosis");
    assert!(seen >= 17);
    assert_eq!(online::resolvers_built(), before, "a resolver was built");
}

#[test]
fn the_first_public_address_is_the_sending_ip() {
    let headers = HEADERS.replace("CIP:203.0.113.5", "CIP:10.1.2.3");
    let case = super::support::case_from_text("headers.txt", &headers);
    let targets = Targets::of(&case, 0, Knowledge::embedded());
    assert_eq!(targets.ip, Some("203.0.113.5".parse().unwrap()));
}
