//! Step 4, header analysis: Received parsing against other parsers' vectors, and whole
//! messages (our fixtures, the authored corpus, sample 15) through the engine.

use mailflow::facts::headers::received;
use serde_json::Value;

use crate::support;

/// mail-parser's expected parses that are wrong, with the right reading: asctime dates
/// read as 19xx with seconds over 59, two-digit years as 19xx, named zones ignored,
/// fractional seconds dropped.
const MAIL_PARSER_DATE_DEFECTS: &[(usize, &str)] = &[
    (13, "2003-02-07T10:18:12-08:00"),
    (67, "2003-02-12T14:22:21-08:00"),
    (89, "2003-03-26T20:43:24-06:00"),
    (90, "2004-02-27T14:16:56-08:00"),
    (117, "2005-11-13T14:50:12+00:00"),
    (118, "2005-11-13T15:38:52+00:00"),
    (128, "2003-03-20T10:06:43+01:00"),
    (144, "2020-04-02T07:53:55.516+00:00"),
    (151, "2018-09-14T14:36:56-04:00"),
    (163, "2006-06-02T08:15:21-07:00"),
    // No `;` before the date: mail-parser finds none, the date is there.
    (69, "2003-02-20T16:13:20-07:00"),
];

/// Where mail-parser reads a name that is not the sending host: a comment word
/// (`(qmail … invoked from network)`, `(Postfix, from userid 1002)`), or a bracketed
/// message id.
const MAIL_PARSER_FROM_DEFECTS: &[usize] = &[125, 165, 171];

/// Where mail-parser cuts a queue id at `/` (ecelerity `EE/20-30863-33CE1054`) or takes the
/// last of two `by` clauses (`by alpha by uid 7791`): ours keep the whole id and the host.
const MAIL_PARSER_OTHER_DEFECTS: &[(usize, &str)] =
    &[(28, "id"), (29, "id"), (30, "id"), (123, "by")];

fn expected_date(value: &Value) -> Option<String> {
    let n = |k: &str| value.get(k).and_then(Value::as_i64);
    let (year, month, day) = (n("year")?, n("month")?, n("day")?);
    let (hour, minute, second) = (n("hour")?, n("minute")?, n("second")?);
    let sign = if value.get("tz_before_gmt").and_then(Value::as_bool) == Some(true) {
        -1
    } else {
        1
    };
    let offset = sign * (n("tz_hour")? * 60 + n("tz_minute")?);
    let zone = format!(
        "{}{:02}:{:02}",
        if offset < 0 { '-' } else { '+' },
        offset.abs() / 60,
        offset.abs() % 60
    );
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{zone}"
    ))
}

fn name(value: Option<&Value>) -> Option<String> {
    let value = value?;
    value
        .get("Name")
        .or_else(|| value.get("IpAddr"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

#[test]
fn received_lines_match_mail_parsers_vectors_except_its_known_defects() {
    let path = support::shared().join("badinput/mail-parser/fields/received.json");
    let text = std::fs::read_to_string(&path).expect("received.json");
    let vectors: Vec<Value> = serde_json::from_str(&text).expect("json");
    assert!(vectors.len() > 150);
    let mut disagreements = Vec::new();
    for (i, vector) in vectors.iter().enumerate() {
        let header = vector["header"].as_str().unwrap_or("");
        let unfolded = header.replace("\r\n", "").replace('\n', " ");
        let expected = &vector["expected"];
        let ours = received::parse(unfolded.trim());
        let our_date = ours
            .date
            .map(|d| d.time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false));
        let want_date = MAIL_PARSER_DATE_DEFECTS
            .iter()
            .find(|(n, _)| *n == i)
            .map_or_else(
                || expected.get("date").and_then(expected_date),
                |(_, d)| Some((*d).to_owned()),
            );
        if our_date != want_date {
            disagreements.push(format!("#{i} date: ours {our_date:?}, want {want_date:?}"));
        }
        let checks = [
            ("by", ours.by.clone(), name(expected.get("by"))),
            (
                "from_ip",
                ours.from_ip.clone(),
                expected
                    .get("from_ip")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            ),
            (
                "id",
                ours.id.clone(),
                expected
                    .get("id")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            ),
            (
                "for",
                ours.for_addr.clone(),
                expected
                    .get("for_")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            ),
        ];
        for (field, ours, want) in checks {
            let defect = MAIL_PARSER_OTHER_DEFECTS.contains(&(i, field));
            if want.is_some() && ours != want && !defect {
                disagreements.push(format!("#{i} {field}: ours {ours:?}, want {want:?}"));
            }
        }
        if !MAIL_PARSER_FROM_DEFECTS.contains(&i)
            && let Some(want) = name(expected.get("from"))
            && ours.from.as_deref() != Some(want.as_str())
        {
            disagreements.push(format!("#{i} from: ours {:?}, want {want:?}", ours.from));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

#[test]
fn received_lines_agree_with_mhas_vectors_except_its_known_defects() {
    let path = support::shared().join("corpus/MHA/mha-received-vectors.json");
    let text = std::fs::read_to_string(&path).expect("mha vectors");
    let json: Value = serde_json::from_str(&text).expect("json");
    let vectors = json["vectors"].as_array().expect("vectors");
    let mut disagreements = Vec::new();
    for vector in vectors {
        let raw = vector["raw"].as_str().unwrap_or("");
        let value = raw
            .trim_start_matches("Received:")
            .replace(['\r', '\n'], " ");
        let ours = received::parse(value.trim());
        let mha = &vector["mha_parse"];
        // MHA reads a date without a time as midnight; ours refuses to guess.
        if let Some(ms) = mha["dateNum"].as_i64()
            && !raw.ends_with("; 22 Apr 2018")
        {
            let got = ours.date.map(|d| d.time.timestamp_millis());
            if got != Some(ms) {
                disagreements.push(format!("{raw:?}: date {got:?} vs {ms}"));
            }
        }
        let first_word = |v: &Value| {
            v.as_str()
                .and_then(|s| s.split([' ', ';']).next())
                .map(str::to_owned)
        };
        // MHA takes the qmail comment `(qmail … invoked from network)` as the host.
        if !raw.contains("(qmail") && first_word(&mha["by"]) != ours.by {
            disagreements.push(format!("{raw:?}: by {:?} vs {}", ours.by, mha["by"]));
        }
        if first_word(&mha["from"]) != ours.from {
            disagreements.push(format!("{raw:?}: from {:?} vs {}", ours.from, mha["from"]));
        }
        if mha["id"].as_str().map(str::to_owned) != ours.id {
            disagreements.push(format!("{raw:?}: id {:?} vs {}", ours.id, mha["id"]));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn mhas_chains_get_the_same_delays() {
    let path = support::shared().join("corpus/MHA/mha-received-vectors.json");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    for chain in json["chains"].as_array().expect("chains") {
        let text = chain["headers_top_to_bottom"]
            .as_array()
            .expect("headers")
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("\n");
        let block = mailflow::input::header_block::split_fields(&text);
        let headers =
            mailflow::case::MessageHeaders::new(mailflow::case::HeaderSource::Pasted, block);
        let facts =
            mailflow::facts::headers::derive(&headers, mailflow::knowledge::Knowledge::embedded());
        let hops = chain["mha_hops"].as_array().expect("hops");
        assert_eq!(facts.hops.len(), hops.len());
        for (ours, mha) in facts.chain.hops.iter().zip(hops) {
            let ms = mha["dateNum"].as_i64();
            assert_eq!(ours.fields.date.map(|d| d.time.timestamp_millis()), ms);
            // MHA's signed delay in ms; a sub-second step back is precision, not skew.
            let delay = mha["delaySort"].as_i64().filter(|d| *d >= 0);
            match delay {
                Some(d) => assert_eq!(ours.delay_ms, Some(d), "hop {}", ours.index),
                None if mha["hop"] == 1 => assert_eq!(ours.delay_ms, None),
                None => assert_eq!(ours.delay_ms, Some(0), "hop {}", ours.index),
            }
            assert_eq!(ours.skew_ms, None);
        }
    }
}

fn step4(d: &mailflow::diagnosis::Diagnosis) -> &mailflow::diagnosis::StepReport {
    d.step(mailflow::step::Step::Headers).expect("step 4")
}

fn finding<'a>(
    d: &'a mailflow::diagnosis::Diagnosis,
    code: &str,
) -> &'a mailflow::diagnosis::Finding {
    step4(d)
        .findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:?}", support::codes(d)))
}

fn authored(name: &str) -> std::path::PathBuf {
    support::shared().join("corpus/authored").join(name)
}

use mailflow::diagnosis::{DecidedBy, Severity, Status};

#[test]
fn authored_spoof_with_ipv6_cip_lands_in_junk_as_spoof() {
    let d = support::diagnose(&[authored("exo-inbound-spoof-junk-ipv6cip.eml")]);
    assert_eq!(d.verdict.status, Status::Junk);
    let spam = d.antispam.as_ref().expect("antispam");
    assert_eq!(spam.client_ip.as_deref(), Some("2001:db8:1f0::25"));
    assert_eq!(
        (spam.sfv.as_deref(), spam.cat.as_deref(), spam.scl),
        (Some("SPM"), Some("SPOOF"), Some(5))
    );
    let auth = d.authentication.as_ref().expect("authentication");
    assert_eq!(auth.spf.as_deref(), Some("softfail"));
    assert_eq!(auth.dkim.as_deref(), Some("none"));
    assert_eq!(auth.dmarc.as_deref(), Some("fail"));
    assert_eq!(
        (auth.compauth.as_deref(), auth.compauth_reason.as_deref()),
        (Some("fail"), Some("001"))
    );
    assert_eq!(d.hops.len(), 5);
    assert_eq!(d.hops[0].ip.as_deref(), Some("203.0.113.45"));
    assert_eq!(d.hops[0].from.as_deref(), Some("192.168.1.20"));
    let spoof = finding(&d, "spoofed-sender");
    assert_eq!(spoof.severity, Severity::Problem);
    assert!(spoof.detail.contains("mailer.example"), "{}", spoof.detail);
    assert!(
        finding(&d, "antispam-fields")
            .evidence
            .iter()
            .any(|e| e.starts_with("CIP:2001:db8:1f0::25"))
    );
}

#[test]
fn authored_list_message_is_clean_with_one_clock_skew() {
    let d = support::diagnose(&[authored("exo-inbound-arc-list-postfix-skew.eml")]);
    assert_eq!(d.verdict.status, Status::Delivered);
    let spam = d.antispam.as_ref().expect("antispam");
    assert_eq!((spam.sfv.as_deref(), spam.scl), (Some("NSPM"), Some(1)));
    let auth = d.authentication.as_ref().expect("authentication");
    assert_eq!(
        (auth.compauth.as_deref(), auth.compauth_reason.as_deref()),
        (Some("pass"), Some("100"))
    );
    assert_eq!(d.hops.len(), 7);
    let nulls: Vec<u32> = d
        .hops
        .iter()
        .filter(|h| h.delay_seconds.is_none())
        .map(|h| h.index)
        .collect();
    assert_eq!(
        nulls,
        [1, 3],
        "the first hop and the skewed one have no delay"
    );
    assert!(
        d.hops
            .iter()
            .all(|h| h.delay_seconds.is_none_or(|s| (0.0..60.0).contains(&s)))
    );
    assert!(
        d.hops
            .iter()
            .any(|h| h.from.is_none() && h.by.as_deref() == Some("mx2.lists.example.net"))
    );
    let skews: Vec<_> = step4(&d)
        .findings
        .iter()
        .filter(|f| f.code == "clock-skew")
        .collect();
    assert_eq!(skews.len(), 1);
    assert!(finding(&d, "transit-time").title.starts_with("9 seconds"));
    assert!(!support::codes(&d).contains(&"slow-hop".to_owned()));
    assert_eq!(finding(&d, "arc-chain").severity, Severity::Info);
}

#[test]
fn authored_scl_minus_one_is_a_rule_bypass_with_failed_authentication() {
    let d = support::diagnose(&[authored("exo-transport-rule-scl-minus1.eml")]);
    assert_eq!(d.verdict.status, Status::Delivered);
    let spam = d.antispam.as_ref().expect("antispam");
    assert_eq!((spam.sfv.as_deref(), spam.scl), (Some("SKN"), Some(-1)));
    let auth = d.authentication.as_ref().expect("authentication");
    assert_eq!(
        (auth.dkim.as_deref(), auth.dmarc.as_deref()),
        (Some("fail"), Some("fail"))
    );
    assert_eq!(
        (auth.compauth.as_deref(), auth.compauth_reason.as_deref()),
        (Some("none"), Some("405"))
    );
    let bypass = finding(&d, "filter-skipped-by-rule");
    assert_eq!(bypass.severity, Severity::Info);
    assert!(
        bypass.detail.contains("the rule, not the spam filter"),
        "{}",
        bypass.detail
    );
    assert_eq!(finding(&d, "spam-verdict").severity, Severity::Info);
}

#[test]
fn authored_quarantined_phish_has_no_mailbox_delivery_alarm() {
    let d = support::diagnose(&[authored("exo-hphish-dmarc-reject-headers-only.txt")]);
    assert_eq!(d.verdict.status, Status::Quarantined);
    let spam = d.antispam.as_ref().expect("antispam");
    assert_eq!((spam.cat.as_deref(), spam.pcl), (Some("HPHISH"), Some(8)));
    let auth = d.authentication.as_ref().expect("authentication");
    assert_eq!(
        (auth.compauth.as_deref(), auth.compauth_reason.as_deref()),
        (Some("fail"), Some("000"))
    );
    assert_eq!(
        finding(&d, "high-confidence-phish").severity,
        Severity::Problem
    );
    assert!(
        finding(&d, "high-confidence-phish")
            .detail
            .contains("reverse DNS")
    );
    let missing = finding(&d, "no-mailbox-delivery-stamp");
    assert_eq!(missing.severity, Severity::Info);
    assert!(missing.detail.contains("quarantined"));
}

#[test]
fn authored_bulk_with_spaced_folded_report_decodes_every_field() {
    let d = support::diagnose(&[authored("exo-inbound-bulk-spaced-folded-ffas.eml")]);
    assert_eq!(d.verdict.status, Status::Junk);
    let spam = d.antispam.as_ref().expect("antispam");
    assert_eq!(
        (
            spam.sfv.as_deref(),
            spam.cat.as_deref(),
            spam.scl,
            spam.bcl,
            spam.country.as_deref()
        ),
        (Some("SPM"), Some("BULK"), Some(6), Some(7), Some("US"))
    );
    assert_eq!(finding(&d, "bulk-mail").severity, Severity::Warning);
    let fields = &finding(&d, "antispam-fields").evidence;
    for key in [
        "CIP:", "CTRY:", "LANG:", "SCL:", "SRV:", "IPV:", "SFV:", "H:", "PTR:", "CAT:", "SFS:",
        "DIR:",
    ] {
        assert!(
            fields.iter().any(|e| e.starts_with(key)),
            "{key} missing from {fields:?}"
        );
    }
    let sendgrid = d.hops.first().expect("hop");
    assert_eq!(sendgrid.from, None);
    assert_eq!(
        sendgrid.time.as_deref(),
        Some("2025-03-10T16:45:28.418293017+00:00")
    );
    assert_eq!(finding(&d, "authentication-passed").severity, Severity::Ok);
}

#[test]
fn sample_15_is_a_content_spam_verdict_not_bulk() {
    let d = support::diagnose(&[support::sample("15-headers-junk-spam-verdict.txt")]);
    assert_eq!(d.verdict.status, Status::Junk);
    let spam = d.antispam.as_ref().expect("antispam");
    assert_eq!(
        (spam.sfv.as_deref(), spam.cat.as_deref(), spam.scl, spam.bcl),
        (Some("SPM"), Some("SPM"), Some(6), Some(3))
    );
    let auth = d.authentication.as_ref().expect("authentication");
    assert_eq!(auth.spf.as_deref(), Some("pass"));
    assert_eq!(auth.dkim.as_deref(), Some("pass"));
    assert_eq!(auth.dmarc.as_deref(), Some("pass"));
    assert_eq!(
        (auth.compauth.as_deref(), auth.compauth_reason.as_deref()),
        (Some("pass"), Some("100"))
    );
    assert_eq!(d.hops.len(), 3);
    let codes = support::codes(&d);
    assert!(!codes.contains(&"bulk-mail".to_owned()));
    assert!(!codes.contains(&"junk-by-user-settings".to_owned()));
    assert_eq!(finding(&d, "spam-verdict").severity, Severity::Warning);
    assert!(finding(&d, "mailbox-folder").title.contains("Junk"));
}

#[test]
fn arc_forward_trusts_microsofts_results_and_explains_the_arc_override() {
    let d = support::diagnose(&[support::fixture("headers/list-arc-forward.eml")]);
    assert_eq!(d.verdict.status, Status::Delivered);
    let auth = d.authentication.as_ref().expect("authentication");
    assert_eq!(auth.dmarc.as_deref(), Some("fail"));
    assert_eq!(
        (auth.compauth.as_deref(), auth.compauth_reason.as_deref()),
        (Some("pass"), Some("130"))
    );
    let arc = finding(&d, "arc-chain");
    assert!(arc.title.contains("2 instances"), "{}", arc.title);
    assert!(
        arc.evidence
            .iter()
            .any(|e| e.contains("i=1 sealed by lists.example.net (cv=none)"))
    );
    finding(&d, "arc-overrode-dmarc");
    let others = finding(&d, "other-authentication-results");
    assert!(
        others
            .detail
            .contains("relay.fwd.example.net (stamped before Microsoft 365"),
        "{}",
        others.detail
    );
    assert!(d.hops.iter().any(|h| h.tls.as_deref() == Some("TLS1.3")));
    assert!(
        d.hops
            .iter()
            .all(|h| h.delay_seconds.is_some_and(|s| s >= 0.0) || h.index == 1)
    );
}

#[test]
fn slow_sender_hop_clock_skew_and_bulk_in_a_paste() {
    let d = support::diagnose(&[support::fixture("headers/slow-hop-skew-bulk.txt")]);
    assert_eq!(d.verdict.status, Status::Junk);
    let slow = finding(&d, "slow-hop");
    assert!(
        slow.title.contains("23 minutes") && slow.title.contains("sending side"),
        "{}",
        slow.title
    );
    let skew = finding(&d, "clock-skew");
    assert!(skew.title.contains("Hop 2"), "{}", skew.title);
    let skewed = d.hops.iter().find(|h| h.index == 2).expect("hop 2");
    assert_eq!(skewed.delay_seconds, None);
    assert_eq!(
        d.antispam.as_ref().and_then(|a| a.client_ip.as_deref()),
        Some("2001:db8:4a2::17")
    );
    assert_eq!(finding(&d, "bulk-mail").title, "Bulk mail (BCL 8)");
    let entry = d
        .hops
        .iter()
        .find(|h| h.ip.as_deref() == Some("2001:db8:4a2::17"))
        .expect("entry");
    assert_eq!(entry.operator.as_deref(), Some("microsoft365"));
    assert_eq!(
        d.hops.first().and_then(|h| h.operator.as_deref()),
        Some("sender")
    );
}

#[test]
fn a_webmail_message_through_a_relay_reads_cleanly() {
    let d = support::diagnose(&[support::fixture("headers/webmail-relay-inbox.txt")]);
    assert_eq!(d.verdict.status, Status::Delivered);
    // Only hop 3 moved the message between servers without TLS: hop 1 is the webmail's
    // own submission stamp (no `from`), hop 2 the relay's loopback content filter.
    let chain = finding(&d, "received-chain");
    assert!(
        chain.detail.contains("Hop 3 used plain SMTP without TLS."),
        "{}",
        chain.detail
    );
    // Meanings that end in a full stop are not given a second one.
    let verdict = finding(&d, "spam-verdict");
    assert!(
        verdict.detail.contains(
            "judged the message clean. SCL:1 — Not spam: delivered to the Inbox. CAT:NONE"
        ),
        "{}",
        verdict.detail
    );
    assert!(!verdict.detail.contains(".."), "{}", verdict.detail);
    let entry = finding(&d, "microsoft-365-entry");
    assert!(!entry.detail.contains(".)."), "{}", entry.detail);
    let reputation = d
        .step(mailflow::step::Step::External)
        .and_then(|s| {
            s.findings
                .iter()
                .find(|f| f.code == "sender-reputation-hints")
        })
        .expect("reputation hints");
    assert!(
        reputation
            .evidence
            .iter()
            .any(|l| l.starts_with("Received: from out-54.relay.mail.example")),
        "{:?}",
        reputation.evidence
    );
    assert!(
        reputation
            .evidence
            .iter()
            .all(|l| !l.starts_with("Received: Received:")),
        "{:?}",
        reputation.evidence
    );
}

#[test]
fn internal_mail_skips_spam_filtering_without_a_rule() {
    let d = support::diagnose(&[support::fixture("headers/internal-mapi.txt")]);
    assert_eq!(d.verdict.status, Status::Delivered);
    assert_eq!(d.verdict.decided_by, DecidedBy::None);
    let location = d.verdict.location.as_deref().unwrap_or_default();
    assert!(location.contains("internal"), "{location}");
    let codes = support::codes(&d);
    for code in ["internal-not-filtered", "authentication-results-internal"] {
        assert!(codes.contains(&code.to_owned()), "{code} in {codes:?}");
    }
    for code in [
        "filter-skipped-by-rule",
        "spam-filter-bypassed-by-rule",
        "authentication-results-missing",
    ] {
        assert!(!codes.contains(&code.to_owned()), "{code} in {codes:?}");
    }
}

#[test]
fn a_safe_sender_with_scl_minus_one_is_an_allow_list_not_a_rule() {
    let text = std::fs::read_to_string(support::fixture("headers/internal-mapi.txt"))
        .expect("fixture")
        .replace(
            "X-MS-Exchange-Organization-AuthAs: Internal",
            "X-MS-Exchange-Organization-AuthAs: Anonymous\nX-Forefront-Antispam-Report: CIP:198.51.100.7;CTRY:NL;SCL:-1;SRV:;IPV:NLI;SFV:SFE;H:mx.partner.example;CAT:NONE;DIR:INB;",
        );
    let d = support::diagnose_text("safe-sender.txt", &text);
    assert_eq!(d.verdict.status, Status::Delivered);
    assert_eq!(d.verdict.decided_by, DecidedBy::AllowBlockList);
    let codes = support::codes(&d);
    assert!(
        codes.contains(&"allowed-by-safe-senders".to_owned()),
        "{codes:?}"
    );
    assert!(
        !codes.contains(&"filter-skipped-by-rule".to_owned()),
        "{codes:?}"
    );
}

#[test]
fn outgoing_mail_seen_at_the_recipient_was_handed_over_not_filed() {
    let d = support::diagnose(&[support::fixture("headers/outbound-to-webmail.txt")]);
    assert_eq!(d.verdict.status, Status::Delivered);
    let location = d.verdict.location.as_deref().unwrap_or_default();
    assert!(
        location.starts_with("Handed to mx.mail.example"),
        "{location}"
    );
    let operators: Vec<&str> = d
        .hops
        .iter()
        .map(|h| h.operator.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(
        operators,
        ["microsoft365", "microsoft365", "recipient", "recipient"]
    );
    let codes = support::codes(&d);
    assert!(codes.contains(&"no-connecting-ip".to_owned()), "{codes:?}");
    assert!(!codes.contains(&"no-reverse-dns".to_owned()), "{codes:?}");
    let actions: Vec<&str> = d.next_actions.iter().map(|a| a.text.as_str()).collect();
    assert!(
        actions.iter().any(|a| a.contains("left Microsoft 365")),
        "{actions:?}"
    );
    assert!(
        actions.iter().all(|a| !a.contains("inbox rules")),
        "{actions:?}"
    );
}

#[test]
fn junk_the_filter_did_not_call_spam_is_the_recipients_settings() {
    let text = std::fs::read_to_string(support::fixture("headers/webmail-relay-inbox.txt"))
        .expect("fixture")
        .replace("ucf:0;jmr:0;auth:0;dest:I;", "ucf:0;jmr:1;auth:0;dest:J;");
    let d = support::diagnose_text("junk.txt", &text);
    assert_eq!(d.verdict.status, Status::Junk);
    assert_eq!(d.verdict.decided_by, DecidedBy::AllowBlockList);
    assert!(
        d.verdict.headline.contains("junk email settings"),
        "{}",
        d.verdict.headline
    );
    let actions: Vec<&str> = d.next_actions.iter().map(|a| a.text.as_str()).collect();
    assert!(
        actions.iter().any(|a| a.contains("TrustedListsOnly")),
        "{actions:?}"
    );
    assert!(
        actions
            .iter()
            .all(|a| !a.contains("anti-spam policy thresholds")),
        "{actions:?}"
    );
    assert!(support::codes(&d).contains(&"junk-by-user-settings".to_owned()));
}

#[test]
fn a_slow_hand_off_of_outgoing_mail_is_after_microsoft_365() {
    let text = std::fs::read_to_string(support::fixture("headers/outbound-to-webmail.txt"))
        .expect("fixture")
        .replace("02:41:15 -0800", "03:21:15 -0800");
    let d = support::diagnose_text("outbound-late.txt", &text);
    let slow = finding(&d, "slow-hop");
    assert!(
        slow.title.contains("after Microsoft 365 handed it on"),
        "{}",
        slow.title
    );
    assert!(slow.detail.contains("Defer events"), "{}", slow.detail);
}

#[test]
fn own_domain_spoof_is_a_problem_for_our_side() {
    let d = support::diagnose(&[support::fixture("headers/own-domain-spoof.txt")]);
    assert_eq!(d.verdict.status, Status::Junk);
    let own = finding(&d, "own-domain-spoofed");
    assert_eq!(own.severity, Severity::Problem);
    assert!(own.advice.contains("direct send"), "{}", own.advice);
    assert!(!support::codes(&d).contains(&"spoofed-sender".to_owned()));
}

#[test]
fn headers_that_never_reached_microsoft_365_say_so() {
    let d = support::diagnose(&[support::fixture("headers/gmail-no-exo.eml")]);
    assert_eq!(
        finding(&d, "no-microsoft-365-stamps").severity,
        Severity::Warning
    );
    finding(&d, "authentication-from-other-receiver");
    assert_eq!(
        d.authentication.as_ref().and_then(|a| a.dmarc.as_deref()),
        Some("pass")
    );
    assert_eq!(d.antispam.as_ref().and_then(|a| a.sfv.as_deref()), None);
    assert!(
        d.hops
            .iter()
            .all(|h| h.operator.as_deref() == Some("unknown"))
    );
    let message = d.message.as_ref().expect("message");
    assert_eq!(message.subject.as_deref(), Some("Draft agenda"));
}

#[test]
fn a_users_inbox_rule_is_named() {
    let d = support::diagnose(&[support::fixture("headers/user-rule-folder.txt")]);
    assert_eq!(d.verdict.status, Status::Delivered);
    assert!(
        d.verdict
            .location
            .as_deref()
            .is_some_and(|l| l.contains("inbox rule"))
    );
    // The location stands alone ("A custom mailbox folder …") and inside the headline.
    assert!(
        d.verdict
            .headline
            .starts_with("Delivered to a custom mailbox folder"),
        "{}",
        d.verdict.headline
    );
    let rule = finding(&d, "inbox-rule-moved-it");
    assert_eq!(rule.severity, Severity::Warning);
    assert_eq!(rule.title, "The user's own inbox rule filed it");
}

// DKIM body hashes below are computed by mail-auth's signer with a key made for the test,
// never written by hand.
mod dkim {
    use mail_auth::common::crypto::Ed25519Key;
    use mail_auth::common::headers::HeaderWriter as _;
    use mail_auth::dkim::{Canonicalization, DkimSigner};
    use mailflow::diagnosis::{Diagnosis, Severity};

    use super::{finding, support};

    const ORIGINAL: &str = "From: Alice Example <alice@example.org>\r\nTo: lee.gu@contoso.com\r\nSubject: Signed report\r\nDate: Mon, 17 Mar 2025 09:00:00 +0000\r\nMessage-ID: <signed-report@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\n\r\nHello Lee,\r\n\r\nthe  report is attached.   \r\n\r\n\r\n";

    fn exo_headers(dkim: &str) -> String {
        format!(
            "Authentication-Results: spf=pass (sender IP is 192.0.2.10)\r\n smtp.mailfrom=example.org; dkim={dkim} header.d=example.org;dmarc={dkim} action=none\r\n header.from=example.org;compauth={dkim} reason=100\r\nReceived: from mail.example.org (192.0.2.10) by BN2PEPF000044A5.mail.protection.outlook.com (10.167.243.104) with Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.8511.15 via Frontend Transport; Mon, 17 Mar 2025 09:00:02 +0000\r\n"
        )
    }

    /// A body whose raw and canonical lengths are equal: mail-auth writes the raw length
    /// into l=, RFC 6376 means the canonical one.
    const PLAIN: &str = "From: Alice Example <alice@example.org>\r\nTo: lee.gu@contoso.com\r\nSubject: Signed report\r\nMessage-ID: <plain@example.org>\r\n\r\nHello Lee,\r\nthe report is attached.\r\n";

    fn signed(original: &str, body: Canonicalization, length: bool) -> String {
        let der = Ed25519Key::generate_pkcs8().expect("key");
        let key = Ed25519Key::from_pkcs8_der(&der).expect("key");
        let signature = DkimSigner::from_key(key)
            .domain("example.org")
            .selector("s2025")
            .headers(["From", "To", "Subject", "Date", "Message-ID"])
            .header_canonicalization(Canonicalization::Relaxed)
            .body_canonicalization(body)
            .body_length(length)
            .sign(original.as_bytes())
            .expect("sign");
        format!("{}{original}", signature.to_header())
    }

    fn diagnose(text: &str) -> Diagnosis {
        let case = support::case_from_text("signed.eml", text);
        mailflow::engine::diagnose(&case, &mailflow::engine::Options::default()).expect("diagnosis")
    }

    #[test]
    fn an_untouched_body_matches_its_signature() {
        for canonicalization in [Canonicalization::Relaxed, Canonicalization::Simple] {
            let message = format!(
                "{}{}",
                exo_headers("pass"),
                signed(ORIGINAL, canonicalization, false)
            );
            let d = diagnose(&message);
            assert_eq!(finding(&d, "dkim-body-hash-matches").severity, Severity::Ok);
            // The same message saved on Unix with bare LF line ends still matches.
            let d = diagnose(&message.replace("\r\n", "\n"));
            finding(&d, "dkim-body-hash-matches");
        }
    }

    #[test]
    fn a_footer_added_after_signing_breaks_the_body_hash() {
        let footer = "-- \r\nCAUTION: This email originated from outside the organization.\r\n";
        let message = format!(
            "{}{}{footer}",
            exo_headers("fail"),
            signed(ORIGINAL, Canonicalization::Relaxed, false)
        );
        let d = diagnose(&message);
        let changed = finding(&d, "dkim-body-changed");
        assert_eq!(changed.severity, Severity::Problem);
        assert!(changed.detail.contains("that is why DKIM failed"));
        assert!(!mailflow_codes(&d).contains(&"dkim-body-hash-matches".to_owned()));

        let d = diagnose(&format!(
            "{}{}{footer}",
            exo_headers("pass"),
            signed(ORIGINAL, Canonicalization::Simple, false)
        ));
        assert_eq!(
            finding(&d, "dkim-body-changed-after-receipt").severity,
            Severity::Info
        );
    }

    #[test]
    fn a_length_limit_leaves_an_appended_footer_unsigned() {
        let footer = "Appended after signing.\r\n";
        let d = diagnose(&format!(
            "{}{}{footer}",
            exo_headers("pass"),
            signed(PLAIN, Canonicalization::Simple, true)
        ));
        finding(&d, "dkim-body-hash-matches");
        let limit = finding(&d, "dkim-length-limit");
        assert!(
            limit.title.starts_with(&footer.len().to_string()),
            "{}",
            limit.title
        );
    }

    fn mailflow_codes(d: &Diagnosis) -> Vec<String> {
        support::codes(d)
    }
}

/// A header block relayed into Exchange Online by `relay`, with `extra` header lines.
fn relayed_headers(relay: &str, extra: &str) -> String {
    format!(
        "Received: from {relay} (203.0.113.40) by AM4PEPF00027A6C.mail.protection.outlook.com\n (10.167.16.75) with Microsoft SMTP Server id 15.20.8511.15 via Frontend Transport;\n Fri, 7 Mar 2025 08:21:53 +0000\n{extra}From: alex@example.com\nTo: lee.gu@contoso.com\nSubject: Invoice\nDate: Fri, 7 Mar 2025 08:21:50 +0000\nMessage-ID: <inv-1@example.com>\n"
    )
}

/// The titles of the gateway findings for `headers` diagnosed with `knowledge`.
fn gateway_titles(headers: &str, knowledge: &mailflow::knowledge::Knowledge) -> Vec<String> {
    let case = support::case_from_text("headers.txt", headers);
    let options = mailflow::engine::Options::default();
    let d = mailflow::engine::diagnose_in(&case, &options, None, knowledge).expect("diagnosis");
    d.steps
        .iter()
        .flat_map(|s| &s.findings)
        .filter(|f| f.code == "gateway-detected")
        .map(|f| f.title.clone())
        .collect()
}

/// A gateway profile written at run time (no code change, no rebuild) is detected from
/// the Received chain and headers; without it the same message names no gateway, and a
/// lookalike host does not match.
#[test]
fn a_vendor_profile_from_a_directory_is_detected_without_code() {
    use mailflow::knowledge::Knowledge;

    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("shieldmail.toml"),
        r#"id = "shieldmail"
display_name = "ShieldMail"
kind = "mx-gateway"
host_suffixes = ["shieldmail.example"]
header_markers = ["X-ShieldMail-Scan"]
console = "the ShieldMail message log"
confidence = "inferred"
"#,
    )
    .expect("write profile");
    std::fs::write(dir.path().join("_template.toml"), "not = [valid").expect("write template");
    let knowledge = Knowledge::with_vendor_dir(dir.path()).expect("profiles load");

    let headers = relayed_headers("mx1.shieldmail.example", "X-ShieldMail-Scan: clean\n");
    let titles = gateway_titles(&headers, &knowledge);
    assert!(
        titles.iter().any(|t| t.starts_with("ShieldMail handled")),
        "{titles:?}"
    );
    assert!(gateway_titles(&headers, Knowledge::embedded()).is_empty());

    let lookalike = relayed_headers("mx1.notshieldmail.example", "");
    assert!(gateway_titles(&lookalike, &knowledge).is_empty());
}

/// Every built-in gateway profile is detected from a hop under its host suffix, and a
/// lookalike host (`notmimecast.com`) or rule name (`Inkyo backup`) is not that gateway.
#[test]
fn every_vendor_profile_is_detected_and_its_lookalikes_are_not() {
    let knowledge = mailflow::knowledge::Knowledge::embedded();
    assert!(knowledge.vendors.profiles.len() >= 9);
    for profile in &knowledge.vendors.profiles {
        let suffix = profile
            .host_suffixes
            .first()
            .unwrap_or_else(|| panic!("{} has a host suffix", profile.id));
        let titles = gateway_titles(&relayed_headers(&format!("mx1.{suffix}"), ""), knowledge);
        assert!(
            titles
                .iter()
                .any(|t| t.starts_with(&format!("{} handled", profile.display_name))),
            "{}: {titles:?}",
            profile.id
        );
        let shortest = profile
            .host_suffixes
            .iter()
            .min_by_key(|s| s.len())
            .unwrap_or(suffix);
        let headers = relayed_headers(&format!("mx1.not{shortest}"), "");
        let titles = gateway_titles(&headers, knowledge);
        assert!(titles.is_empty(), "lookalike of {}: {titles:?}", profile.id);
        let first_word: String = profile
            .display_name
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        let lookalike = format!("{first_word}o backup");
        assert!(!profile.matches_rule(&lookalike), "{lookalike}");
    }
    let inky = knowledge
        .vendors
        .for_rule("IPW Processed SPAM")
        .expect("INKY's rule");
    assert_eq!(inky.id, "inky");
    assert!(knowledge.vendors.for_rule("Inkyo backup").is_none());
}

/// The contract's authentication object carries alignment: a bulk sender's own MailFrom
/// does not align, its DKIM subdomain aligns relaxed.
#[test]
fn authentication_reports_identifier_alignment() {
    let text = "Received: from out.mailer.example.net (198.51.100.7) by AM4PEPF00027A6C.mail.protection.outlook.com\n (10.167.16.75) with Microsoft SMTP Server id 15.20.8511.15 via Frontend Transport;\n Fri, 7 Mar 2025 08:21:53 +0000\nAuthentication-Results: spf=pass (sender IP is 198.51.100.7)\n smtp.mailfrom=bounce.mailer.example.net; dkim=pass (signature was verified)\n header.d=news.example.com;dmarc=pass action=none header.from=example.com;compauth=pass\n reason=100\nFrom: News <news@example.com>\nTo: lee.gu@contoso.com\nSubject: Newsletter\nDate: Fri, 7 Mar 2025 08:21:50 +0000\nMessage-ID: <n-1@example.com>\n";
    let d = support::diagnose_text("headers.txt", text);
    let alignment = d
        .authentication
        .and_then(|a| a.alignment)
        .expect("alignment");
    assert_eq!(alignment.from_domain.as_deref(), Some("example.com"));
    assert_eq!(alignment.spf.as_deref(), Some("no"));
    assert_eq!(alignment.dkim.len(), 1);
    assert_eq!(alignment.dkim[0].domain, "news.example.com");
    assert_eq!(alignment.dkim[0].aligned, "relaxed");
}

/// The sender's own copy (Sent Items, dragged out of Outlook) has only the client's
/// submission hop and none of the stamps delivery writes: it proves the message was sent,
/// not that it arrived — never "Delivered to Inbox".
#[test]
fn the_senders_own_copy_does_not_say_where_it_went() {
    let d = support::diagnose(&[support::fixture("headers/sent-items-copy.eml")]);
    assert_eq!(d.verdict.status, Status::Unknown);
    assert!(
        d.verdict.headline.contains("sender's own copy"),
        "{}",
        d.verdict.headline
    );
    let delivered = support::diagnose(&[support::fixture("headers/internal-mapi.txt")]);
    assert_eq!(delivered.verdict.status, Status::Delivered);
}
