//! Every input format on fixtures of our own (`tests/fixtures/trace/`): the detected kind,
//! the fields read and the status the engine gives.

use mailflow::case::{Evidence, InputKind};
use mailflow::diagnosis::Status;

use super::support;

fn statuses(name: &str) -> Vec<Status> {
    let d = support::diagnose(&[support::fixture(&format!("trace/{name}"))]);
    d.messages.iter().map(|m| m.verdict.status).collect()
}

fn kind(name: &str) -> InputKind {
    mailflow::input::load_path(&support::fixture(&format!("trace/{name}")))
        .expect("fixture parses")
        .info
        .kind
}

#[test]
fn eac_report_in_a_ticket_with_mojibake_marks_and_iso_dates() {
    let path = support::fixture("trace/eac-ticket-thread-iso-mojibake.txt");
    let input = mailflow::input::load_path(&path).expect("parses");
    assert_eq!(input.info.kind, InputKind::TraceText);
    let Some(Evidence::Trace(record)) = input.evidence.first() else {
        panic!("a trace record");
    };
    assert_eq!(record.subject.as_deref(), Some("PO 4471 approval"));
    assert_eq!(record.from_ip.as_deref(), Some("192.0.2.81"));
    assert_eq!(record.size_bytes, Some(18_637));
    assert_eq!(
        record.events[1].time.map(|t| t.to_rfc3339()).as_deref(),
        Some("2025-03-03T09:41:00+00:00")
    );
    let d = support::diagnose(&[path]);
    assert_eq!(d.verdict.status, Status::Blocked);
    assert!(support::codes(&d).contains(&"blocked-by-list".to_owned()));
}

#[test]
fn powershell_v2_list_gives_one_message_per_row() {
    assert_eq!(kind("ps-v2-list-summary.txt"), InputKind::TracePowershell);
    assert_eq!(
        statuses("ps-v2-list-summary.txt"),
        vec![Status::Junk, Status::Delivered]
    );
}

#[test]
fn german_detail_table_with_cut_columns_is_pending() {
    assert_eq!(
        statuses("ps-detail-table-german-truncated.txt"),
        vec![Status::Pending]
    );
}

#[test]
fn graph_details_without_the_odata_wrapper() {
    assert_eq!(kind("graph-details-bare-array.json"), InputKind::TraceGraph);
    let d = support::diagnose(&[support::fixture("trace/graph-details-bare-array.json")]);
    assert_eq!(d.verdict.status, Status::Failed);
    assert_eq!(d.ndr.as_ref().map(|n| n.code.as_str()), Some("5.4.1"));
}

#[test]
fn extended_report_in_utf16_without_bom_reads_the_mailbox_folder() {
    assert_eq!(
        kind("extended-report-utf16le-nobom.csv"),
        InputKind::TraceCsv
    );
    assert_eq!(
        statuses("extended-report-utf16le-nobom.csv"),
        vec![Status::Junk]
    );
}

#[test]
fn windows_powershell_detail_export_with_bom_and_type_line() {
    assert_eq!(kind("ps51-detail-exportcsv-bom.csv"), InputKind::TraceCsv);
    assert_eq!(
        statuses("ps51-detail-exportcsv-bom.csv"),
        vec![Status::Blocked]
    );
}

#[test]
fn tracking_log_cmdlet_table() {
    assert_eq!(kind("tracking-cmdlet-table.txt"), InputKind::TrackingLog);
    assert_eq!(statuses("tracking-cmdlet-table.txt"), vec![Status::Failed]);
}
