//! `verdict.who_acts` and our perimeter: the party that must act, read from our own
//! fixtures (a gateway with Enhanced Filtering off, the same message straight from the
//! sender, a body our gateway rewrote, a delay in our hybrid path, a remote 5.1.1, clean
//! Junk, a transport-rule block, a delivery), from the shared samples whose README names
//! the party, and a contract-valid value in every diagnosis of every input we have.

use std::path::{Path, PathBuf};

use mailflow::diagnosis::{Audience, Diagnosis, WhoActs};
use mailflow::engine::{self, Options};
use serde_json::Value;

use crate::support;

/// The contract's values of `who_acts`.
const CONTRACT_VALUES: &[&str] = &[
    "user",
    "tenant-admin",
    "sender",
    "recipient",
    "microsoft365",
    "none",
    "unknown",
];

fn who(d: &Diagnosis) -> WhoActs {
    d.verdict.who_acts
}

fn fixture(name: &str) -> Diagnosis {
    support::diagnose(&[support::fixture(&format!("who_acts/{name}"))])
}

fn finding<'a>(d: &'a Diagnosis, code: &str) -> Option<&'a mailflow::diagnosis::Finding> {
    d.steps
        .iter()
        .flat_map(|s| &s.findings)
        .find(|f| f.code == code)
}

#[test]
fn gateway_with_enhanced_filtering_off_is_ours_and_leads_with_the_fix() {
    let d = fixture("gateway-ef-off-junk.eml");
    assert_eq!(who(&d), WhoActs::TenantAdmin);
    assert!(
        d.verdict.headline.contains("Enhanced Filtering"),
        "{}",
        d.verdict.headline
    );
    let first = d.next_actions.first().expect("actions");
    assert_eq!(first.who, Audience::Admin);
    assert!(
        first.text.starts_with(
            "Turn on Enhanced Filtering for Connectors on the inbound connector for Mimecast"
        ),
        "{}",
        first.text
    );
    let second = d.next_actions.get(1).expect("a second action");
    assert!(second.text.contains("Not junk"), "{}", second.text);
    // Step 4 says the failure is ours, not the sender's.
    let auth = finding(&d, "authentication-failed-inside-perimeter").expect("step 4 finding");
    assert!(
        !auth.advice.contains("is the sender's to fix"),
        "{}",
        auth.advice
    );
    assert!(finding(&d, "authentication-failed").is_none());
    // The reputation check is about the original sender, not the gateway.
    let perimeter_ip = finding(&d, "sender-ip-outside-perimeter").expect("step 5 finding");
    assert!(
        perimeter_ip.title.contains("203.0.113.44"),
        "{}",
        perimeter_ip.title
    );
    assert!(finding(&d, "sender-reputation-hints").is_none());
}

#[test]
fn the_same_message_straight_from_the_sender_is_the_senders() {
    let d = fixture("direct-spf-fail-junk.eml");
    assert_eq!(who(&d), WhoActs::Sender);
    assert!(
        d.verdict
            .headline
            .contains("sender's authentication failed"),
        "{}",
        d.verdict.headline
    );
    let auth = finding(&d, "authentication-failed").expect("step 4 finding");
    assert!(auth.advice.contains("sender's to fix"), "{}", auth.advice);
    assert_eq!(d.next_actions.first().map(|a| a.who), Some(Audience::Agent));
}

#[test]
fn a_body_our_gateway_rewrote_is_ours() {
    let d = fixture("gateway-body-rewrite.eml");
    assert_eq!(who(&d), WhoActs::TenantAdmin);
    assert!(
        d.verdict.headline.contains("changed the body"),
        "{}",
        d.verdict.headline
    );
    let body = finding(&d, "dkim-body-changed").expect("body-hash finding");
    assert!(body.advice.contains("ours to fix"), "{}", body.advice);
}

#[test]
fn a_delay_in_our_hybrid_path_is_inside_the_perimeter() {
    let d = fixture("hybrid-internal-delay.eml");
    assert_eq!(who(&d), WhoActs::None);
    let slow = finding(&d, "slow-hop").expect("slow hop");
    assert!(
        slow.title.contains("inside our perimeter"),
        "{}",
        slow.title
    );
    assert!(!slow.detail.contains("sender"), "{}", slow.detail);
}

#[test]
fn a_remote_5_1_1_on_our_outbound_mail_is_the_recipients() {
    let d = fixture("outbound-5.1.1-remote.txt");
    assert_eq!(d.ndr.as_ref().map(|n| n.code.as_str()), Some("5.1.1"));
    assert_eq!(who(&d), WhoActs::Recipient);
}

#[test]
fn junk_with_clean_authentication_is_the_users() {
    let d = fixture("junk-clean-auth.eml");
    assert_eq!(who(&d), WhoActs::User);
    assert_eq!(d.next_actions.first().map(|a| a.who), Some(Audience::User));
}

#[test]
fn a_transport_rule_block_is_the_tenant_admins() {
    let d = fixture("transport-rule-block.txt");
    assert_eq!(who(&d), WhoActs::TenantAdmin);
}

#[test]
fn a_delivered_message_needs_nobody() {
    assert_eq!(who(&fixture("delivered-inbox.eml")), WhoActs::None);
}

#[test]
fn next_actions_are_grouped_with_the_acting_party_first() {
    for name in [
        "gateway-ef-off-junk.eml",
        "direct-spf-fail-junk.eml",
        "junk-clean-auth.eml",
        "transport-rule-block.txt",
    ] {
        let d = fixture(name);
        let groups = d.next_action_groups();
        let order: Vec<Audience> = groups.iter().map(|(who, _)| *who).collect();
        let mut seen = Vec::new();
        for action in &d.next_actions {
            if seen.last() != Some(&action.who) {
                assert!(!seen.contains(&action.who), "{name}: split group {order:?}");
                seen.push(action.who);
            }
        }
        assert_eq!(seen, order, "{name}");
    }
}

/// The shared trace samples whose README names the party ("Owner: …", the tier-one
/// action), as `(file, message index, party)`.
const SAMPLE_PARTIES: &[(&str, usize, WhoActs)] = &[
    // Delivered to Inbox.
    (
        "01-eac-copytext-delivered-singleline-enUS.txt",
        0,
        WhoActs::None,
    ),
    // Junk by the spam filter: the user marks Not junk.
    ("02-eac-copytext-junk-multiline-enGB.txt", 0, WhoActs::User),
    // Quarantined: an admin decides on release.
    (
        "03-eac-copytext-quarantined-multiline-deDE.txt",
        0,
        WhoActs::TenantAdmin,
    ),
    // 5.1.10, our own user's typo ("Owner: sender (typo)", the sender is ours).
    (
        "05-ps-get-messagetracedetail-v1-list-failed.txt",
        0,
        WhoActs::User,
    ),
    ("06-ndr-5.1.10-recipient-not-found.txt", 0, WhoActs::User),
    // 4.4.316 connection refused: "Owner: recipient side".
    (
        "08-ps-get-messagetracedetailv2-exportcsv-deferred.csv",
        0,
        WhoActs::Recipient,
    ),
    // Our mail flow rule: "Owner: our tenant's policy".
    (
        "09-historical-extended-report-transport-rule-block-utf16le-bom.csv",
        0,
        WhoActs::TenantAdmin,
    ),
    // Delivered after INKY processing.
    ("11-eac-copytext-inky-two-journeys.txt", 0, WhoActs::None),
    // (B) EOP throttling our outbound IP: "Owner: our sending side".
    (
        "13-onprem-msgtrk-log-expand-and-eop-throttle.log",
        1,
        WhoActs::TenantAdmin,
    ),
    // The same events as 13; this listing puts the throttled relay first.
    (
        "14-onprem-get-messagetrackinglog-list-and-table.txt",
        0,
        WhoActs::TenantAdmin,
    ),
    // Junk by a content verdict, authentication passes: a false positive for the user.
    ("15-headers-junk-spam-verdict.txt", 0, WhoActs::User),
];

#[test]
fn shared_samples_name_the_party_their_readme_states() {
    for &(name, index, party) in SAMPLE_PARTIES {
        let case = support::case(&[support::sample(name)]);
        let d = engine::diagnose(
            &case,
            &Options {
                selected: Some(index.to_string()),
            },
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(who(&d), party, "{name} #{index}: {}", d.verdict.headline);
    }
}

#[test]
fn the_apps_sample_case_blames_our_gateway_not_the_sender() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples");
    let d = support::diagnose(&[
        root.join("invoice-4471.eml"),
        root.join("message-trace.txt"),
    ]);
    assert_eq!(who(&d), WhoActs::TenantAdmin);
    assert_eq!(d.verdict.status, mailflow::diagnosis::Status::Junk);
    assert_eq!(
        d.messages.first().map(|m| m.verdict.who_acts),
        Some(WhoActs::TenantAdmin)
    );
    assert!(
        d.next_actions
            .first()
            .is_some_and(|a| a.text.contains("Enhanced Filtering for Connectors")),
        "{:?}",
        d.next_actions
    );
    let slow = finding(&d, "slow-hop").expect("the six-minute hop");
    assert!(
        slow.title.contains("inside our perimeter"),
        "{}",
        slow.title
    );
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn contract_valid(value: &Value) -> bool {
    value.as_str().is_some_and(|v| CONTRACT_VALUES.contains(&v))
}

#[test]
fn every_diagnosis_of_every_input_has_a_contract_valid_who_acts() {
    let mut files = Vec::new();
    for dir in [
        support::shared().join("samples"),
        support::shared().join("corpus"),
        support::fixture(""),
    ] {
        files_under(&dir, &mut files);
    }
    assert!(files.len() > 300, "the inputs are there: {}", files.len());
    let mut diagnosed = 0usize;
    for path in &files {
        // Licences, checksums and vectors are not mail: the reader refuses them.
        let Ok(input) = mailflow::input::load_path(path) else {
            continue;
        };
        let case = mailflow::case::Case::from_inputs(vec![input]);
        let Ok(d) = engine::diagnose(&case, &Options::default()) else {
            continue;
        };
        let json = serde_json::to_value(&d).expect("serialises");
        assert!(
            contract_valid(&json["verdict"]["who_acts"]),
            "{}: {}",
            path.display(),
            json["verdict"]
        );
        for message in json["messages"].as_array().into_iter().flatten() {
            assert!(
                contract_valid(&message["verdict"]["who_acts"]),
                "{}: {}",
                path.display(),
                message["verdict"]
            );
        }
        diagnosed += 1;
    }
    assert!(diagnosed > 300, "diagnosed {diagnosed}");
}
