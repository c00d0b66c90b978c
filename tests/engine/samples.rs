//! Every file in `shared/samples/trace/` gets the status its README gives; the seed
//! article's two real traces give junk after the INKY relay hand-off.

use mailflow::diagnosis::Status;

use crate::support;

/// (sample, expected status of each message in input order).
const EXPECTED: &[(&str, &[Status])] = &[
    (
        "01-eac-copytext-delivered-singleline-enUS.txt",
        &[Status::Delivered],
    ),
    ("02-eac-copytext-junk-multiline-enGB.txt", &[Status::Junk]),
    (
        "03-eac-copytext-quarantined-multiline-deDE.txt",
        &[Status::Quarantined],
    ),
    (
        "04-ps-get-messagetrace-v1-table-failed.txt",
        &[Status::Failed, Status::Delivered],
    ),
    (
        "05-ps-get-messagetracedetail-v1-list-failed.txt",
        &[Status::Failed],
    ),
    ("06-ndr-5.1.10-recipient-not-found.txt", &[Status::Failed]),
    (
        "07-ps-get-messagetracev2-exportcsv-pending.csv",
        &[Status::Pending, Status::Pending, Status::Delivered],
    ),
    (
        "08-ps-get-messagetracedetailv2-exportcsv-deferred.csv",
        &[Status::Pending],
    ),
    (
        "09-historical-extended-report-transport-rule-block-utf16le-bom.csv",
        &[Status::Blocked],
    ),
    (
        "10-historical-enhanced-summary-expanded-dl-utf16le-nobom.csv",
        &[Status::Expanded, Status::Delivered],
    ),
    (
        "11-eac-copytext-inky-two-journeys.txt",
        &[Status::Delivered],
    ),
    (
        "12a-graph-messagetraces-list-inky.json",
        &[Status::Delivered],
    ),
    (
        "13-onprem-msgtrk-log-expand-and-eop-throttle.log",
        &[Status::Expanded, Status::Pending],
    ),
    // The same two messages as 13, but the paste lists the DEFER first: messages keep
    // input order (contract).
    (
        "14-onprem-get-messagetrackinglog-list-and-table.txt",
        &[Status::Pending, Status::Expanded],
    ),
    ("15-headers-junk-spam-verdict.txt", &[Status::Junk]),
    (
        "17-ps-get-messagetrace-v1-exportcsv-ps51.csv",
        &[Status::Failed, Status::Delivered],
    ),
];

#[test]
fn each_sample_gets_the_status_its_readme_gives() {
    let mut wrong = Vec::new();
    for (name, expected) in EXPECTED {
        let d = support::diagnose(&[support::sample(name)]);
        let got: Vec<Status> = d.messages.iter().map(|m| m.verdict.status).collect();
        if got != *expected {
            wrong.push(format!("{name}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_unverified_eac_export_gives_row_level_statuses() {
    let d = support::diagnose(&[support::sample(
        "16-eac-summary-export-UNVERIFIED-LAYOUT.csv",
    )]);
    let got: Vec<Status> = d.messages.iter().map(|m| m.verdict.status).collect();
    assert!(got.contains(&Status::Delivered), "{got:?}");
    assert!(got.contains(&Status::Failed), "{got:?}");
    assert!(got.contains(&Status::Expanded), "{got:?}");
}

#[test]
fn journey_one_alone_is_a_hand_off_to_inky_not_a_delivery() {
    let d = support::diagnose(&[support::sample(
        "12b-graph-getdetailsbyrecipient-inky-journey1.json",
    )]);
    assert_ne!(d.verdict.status, Status::Delivered, "{:?}", d.verdict);
}

#[test]
fn graph_list_and_details_of_one_message_are_one_message() {
    let d = support::diagnose(&[
        support::sample("12a-graph-messagetraces-list-inky.json"),
        support::sample("12b-graph-getdetailsbyrecipient-inky-journey1.json"),
    ]);
    assert_eq!(d.messages.len(), 1);
    assert_eq!(d.verdict.status, Status::Delivered);
}

#[test]
fn the_seed_article_gives_junk_after_the_inky_relay() {
    let d = support::diagnose(&[support::shared().join("seeds/001_4a53fd3b6763d854.txt")]);
    assert_eq!(d.messages.len(), 1, "both reports are one message");
    assert_eq!(d.verdict.status, Status::Junk);
    let trace = d.trace.as_ref().expect("trace");
    assert_eq!(trace.journeys.len(), 2);
    assert!(
        trace.journeys[0].hand_off,
        "journey 1 hands the message to INKY"
    );
    let rule = d
        .rules
        .iter()
        .find(|r| r.name == "IPW Processed SPAM")
        .expect("rule");
    assert_eq!(rule.count, 3);
    assert_eq!(
        rule.journeys,
        [2],
        "INKY's verdict rule fires after the return"
    );
    let routing = d.rules.iter().find(|r| r.name == "IPW Mail for Inky");
    assert_eq!(routing.map(|r| r.journeys.as_slice()), Some(&[1][..]));
    assert_eq!(d.ndr.as_ref().map(|n| n.code.as_str()), Some("4.7.721"));
    let first = &trace.journeys[1].events[0];
    assert_eq!(first.time.as_deref(), Some("2022-12-06T12:31:00-05:00"));
}

#[test]
fn the_trace_and_ndr_of_one_message_are_one_message() {
    let d = support::diagnose(&[
        support::sample("05-ps-get-messagetracedetail-v1-list-failed.txt"),
        support::sample("06-ndr-5.1.10-recipient-not-found.txt"),
    ]);
    assert_eq!(d.messages.len(), 1);
    assert_eq!(d.verdict.status, Status::Failed);
    assert_eq!(d.ndr.as_ref().map(|n| n.code.as_str()), Some("5.1.10"));
}
