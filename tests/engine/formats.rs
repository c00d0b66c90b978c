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

/// The German NDR with its headings and labels put into another language (French puts a
/// space before each colon).
fn translated(pairs: &[(&str, &str)]) -> String {
    let mut text = std::fs::read_to_string(support::fixture("ndr/recipient-not-found-de.txt"))
        .expect("fixture");
    for (german, other) in pairs {
        text = text.replace(german, other);
    }
    text
}

/// Exchange Online writes the NDR in the sender's language; the SMTP response and the
/// original headers stay English.
#[test]
fn ndrs_in_german_french_and_english_read_alike() {
    let french = translated(&[
        (
            "Diagnoseinformationen für Administratoren:",
            "Informations de diagnostic pour les administrateurs :",
        ),
        ("Generierender Server:", "Serveur de génération :"),
        ("Remoteserver hat", "Le serveur distant a retourné"),
        ("' zurückgegeben", "'"),
        (
            "Ursprüngliche Nachrichtenkopfzeilen:",
            "En-têtes de message d'origine :",
        ),
    ]);
    let english = translated(&[
        (
            "Diagnoseinformationen für Administratoren:",
            "Diagnostic information for administrators:",
        ),
        ("Generierender Server:", "Generating server:"),
        ("Remoteserver hat", "Remote Server returned"),
        ("' zurückgegeben", "'"),
        (
            "Ursprüngliche Nachrichtenkopfzeilen:",
            "Original message headers:",
        ),
    ]);
    let german = translated(&[]);
    for (language, text) in [("de", german), ("fr", french), ("en", english)] {
        let input = mailflow::input::load_bytes(&format!("ndr-{language}.txt"), text.as_bytes())
            .unwrap_or_else(|e| panic!("{language}: {e}"));
        assert_eq!(input.info.kind, InputKind::NdrText, "{language}");
        let Some(Evidence::Ndr(ndr)) = input.evidence.first() else {
            panic!("{language}: no NDR evidence");
        };
        assert_eq!(
            ndr.generating_server.as_deref(),
            Some("AM6PR04MB5638.eurprd04.prod.outlook.com"),
            "{language}"
        );
        assert_eq!(
            ndr.diagnostic.as_deref(),
            Some(
                "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient lee.gu@fabrikam.example not found by SMTP address lookup"
            ),
            "{language}"
        );
        let case = mailflow::case::Case::from_inputs(vec![input]);
        let d = mailflow::engine::diagnose(&case, &mailflow::engine::Options::default())
            .expect("diagnosis");
        assert_eq!(d.verdict.status, Status::Failed, "{language}");
        assert_eq!(d.ndr.as_ref().map(|n| n.code.as_str()), Some("5.1.10"));
        let message = &d.messages[0];
        assert_eq!(message.subject.as_deref(), Some("Angebot"), "{language}");
        assert_eq!(
            message.sender.as_deref(),
            Some("alex.wilber@contoso.com"),
            "{language}"
        );
        assert_eq!(
            message.recipients,
            ["lee.gu@fabrikam.example"],
            "{language}"
        );
        assert!(
            d.decision_chain.iter().all(|l| !l.ends_with("5.1.10")),
            "{language}: {:?}",
            d.decision_chain
        );
    }
}

/// A bounce forwarded to the help desk from Outlook: quoted-printable breaks the quoted
/// SMTP response across lines and base64 hides every marker. Both read as the bounce,
/// not as the forward from the user to the help desk.
#[test]
fn a_bounce_forwarded_to_the_help_desk_reads_as_the_bounce() {
    for name in ["forwarded-base64.eml", "forwarded-quoted-printable.eml"] {
        let path = support::fixture(&format!("ndr/{name}"));
        let input = mailflow::input::load_path(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let Some(Evidence::Ndr(ndr)) = input.evidence.first() else {
            panic!("{name}: no NDR evidence");
        };
        assert_eq!(
            ndr.diagnostic.as_deref(),
            Some(
                "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient lee.gu@fabrikam.example not found by SMTP address lookup"
            ),
            "{name}"
        );
        assert_eq!(
            ndr.original_message_id.as_deref(),
            Some("<AM6PR04MB56381A2B3C4D5E6F@AM6PR04MB5638.eurprd04.prod.outlook.com>"),
            "{name}"
        );
        let d = support::diagnose(&[path]);
        assert_eq!(d.verdict.status, Status::Failed, "{name}");
        assert_eq!(d.ndr.as_ref().map(|n| n.code.as_str()), Some("5.1.10"));
        let message = &d.messages[0];
        assert_eq!(message.subject.as_deref(), Some("Angebot"), "{name}");
        assert_eq!(
            message.sender.as_deref(),
            Some("alex.wilber@contoso.com"),
            "{name}"
        );
        assert_eq!(message.recipients, ["lee.gu@fabrikam.example"], "{name}");
    }
}

/// A delay notice ("400 4.4.7 Message delayed") is pending, decided by its last dated
/// attempt's error as a trace by its last Defer; the report that ends the retries
/// ("550 4.4.7 QUEUE.Expired") has failed, with that error as the reason it gave up.
#[test]
fn a_delay_notice_is_pending_and_the_expiry_report_failed() {
    let attempt = "451 4.4.397 Error communicating with target host. -> 421 4.4.2 Connection dropped due to SocketError";
    let delayed = support::diagnose(&[support::fixture("ndr/delayed-en.txt")]);
    assert_eq!(delayed.verdict.status, Status::Pending);
    assert_eq!(
        delayed.ndr.as_ref().map(|n| n.code.as_str()),
        Some("4.4.397")
    );
    assert!(
        delayed.verdict.headline.contains(attempt),
        "{}",
        delayed.verdict.headline
    );
    assert!(!support::codes(&delayed).contains(&"retries-expired".to_owned()));

    let expired = support::diagnose(&[support::fixture("ndr/expired-en.txt")]);
    assert_eq!(expired.verdict.status, Status::Failed);
    assert_eq!(expired.ndr.as_ref().map(|n| n.code.as_str()), Some("4.4.7"));
    let gave_up = expired
        .steps
        .iter()
        .flat_map(|s| &s.findings)
        .find(|f| f.code == "retries-expired")
        .expect("the expiry is explained");
    assert!(
        gave_up.evidence.iter().any(|e| e == attempt),
        "{:?}",
        gave_up.evidence
    );
}
