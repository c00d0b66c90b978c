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
/// ("550 4.4.7 QUEUE.Expired") has failed, and its decisive code is the error that made the
/// retries run out (as sisimai reads Exchange's expiry reports), the expiry explained
/// beside it.
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
    assert_eq!(
        expired.ndr.as_ref().map(|n| n.code.as_str()),
        Some("4.4.397")
    );
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

/// The message a diagnosis puts in front, with its status, code and journeys.
fn front(d: &mailflow::diagnosis::Diagnosis) -> (Status, Option<String>, usize) {
    (
        d.verdict.status,
        d.ndr.as_ref().map(|n| n.code.clone()),
        d.trace.as_ref().map_or(0, |t| t.journeys.len()),
    )
}

/// The usual console paste: the `Get-MessageTrace` table, then the detail piped from it
/// as `Format-List`. The failed row and its detail are one message with one journey per
/// recipient; the detail's code decides.
#[test]
fn a_v1_summary_table_and_its_piped_detail_list_are_one_message() {
    let d = support::diagnose(&[support::fixture(
        "trace/console-v1-table-then-detail-list.txt",
    )]);
    assert_eq!(d.inputs[0].kind, "trace-powershell");
    assert_eq!(d.messages.len(), 2, "{:#?}", d.messages);
    assert_eq!(front(&d), (Status::Failed, Some("5.1.10".into()), 2));
    let message = &d.messages[0];
    assert_eq!(message.subject.as_deref(), Some("Site survey results"));
    assert_eq!(
        message.message_id.as_deref(),
        Some("<DB9PR00MB1234ABCD5678@DB9PR00MB1234.eurprd00.prod.outlook.com>")
    );
    assert_eq!(
        message.recipients,
        ["tom.okafr@contoso.com", "lina.berg@contoso.com"]
    );
    assert_eq!(d.messages[1].verdict.status, Status::Delivered);
}

/// V2: the detail's default table names no message; the command that printed it and the
/// summary row it was piped from do.
#[test]
fn a_v2_summary_table_and_its_piped_detail_table_are_one_message() {
    let d = support::diagnose(&[support::fixture(
        "trace/console-v2-table-then-detail-table.txt",
    )]);
    assert_eq!(d.messages.len(), 1, "{:#?}", d.messages);
    assert_eq!(front(&d), (Status::Pending, Some("4.4.316".into()), 1));
    let journey = &d.trace.as_ref().expect("a trace").journeys[0];
    assert_eq!(journey.events.len(), 4);
    assert_eq!(journey.recipients, ["orders@northwind.example"]);
}

/// One detail table piped from two summary rows: each journey starts again with its
/// receipt and belongs to the row whose status it shows.
#[test]
fn a_detail_table_piped_from_two_rows_splits_into_their_journeys() {
    let text = "PS C:\\> Get-MessageTrace -SenderAddress ana@contoso.com\n\nReceived             Sender Address  Recipient Address   Subject Status\n--------             --------------  -----------------   ------- ------\n3/4/2025 9:00:05 AM  ana@contoso.com bo@fabrikam.example Plan    Delivered\n3/4/2025 9:00:05 AM  ana@contoso.com cy@contoso.com      Plan    Failed\n\nPS C:\\> Get-MessageTrace -SenderAddress ana@contoso.com | Get-MessageTraceDetail\n\nDate                Event         Detail\n----                -----         ------\n3/4/2025 9:00:05 AM Receive       Message received by: DB9PR00MB1234.eurprd00.prod.outlook.com\n3/4/2025 9:00:07 AM Send external Message sent to mx.fabrikam.example\n3/4/2025 9:00:05 AM Receive       Message received by: DB9PR00MB1234.eurprd00.prod.outlook.com\n3/4/2025 9:00:06 AM Fail          Reason: [{LED=550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup};{MSG=};{FQDN=};{IP=};{LRT=}]\n";
    let d = support::diagnose_text("paste.txt", text);
    assert_eq!(d.messages.len(), 1, "{:#?}", d.messages);
    assert_eq!(front(&d), (Status::Failed, Some("5.1.10".into()), 2));
    let journeys = &d.trace.as_ref().expect("a trace").journeys;
    assert!(
        journeys.iter().all(|j| j.events.len() == 2),
        "{journeys:#?}"
    );
}

/// The summary table and the detail list given as two inputs, in either order: the cut
/// recipient of the table (`sam.reyes@tailspin.exa...`) is the detail's full address.
#[test]
fn a_summary_table_and_a_detail_list_given_apart_are_one_message() {
    let table = support::fixture("trace/console-v2-summary-table.txt");
    let detail = support::fixture("trace/console-v2-detail-list.txt");
    for paths in [
        [table.clone(), detail.clone()],
        [detail.clone(), table.clone()],
    ] {
        let d = support::diagnose(&paths);
        assert_eq!(d.messages.len(), 2, "{:#?}", d.messages);
        assert_eq!(front(&d), (Status::Failed, Some("5.1.1".into()), 2));
        assert_eq!(
            d.messages[0].recipients,
            ["sam.reyes@tailspin.example", "kim.lo@contoso.com"]
        );
        assert!(
            !support::codes(&d).contains(&"console-output-truncated".to_owned()),
            "{:?}",
            support::codes(&d)
        );
    }
}

/// The shared samples 04 (V1 table) and 05 (its failed row's detail): 05 belongs to 04's
/// failed row, in either order.
#[test]
fn shared_samples_04_and_05_together_are_the_failed_rows_message() {
    let table = support::sample("04-ps-get-messagetrace-v1-table-failed.txt");
    let detail = support::sample("05-ps-get-messagetracedetail-v1-list-failed.txt");
    for paths in [
        [table.clone(), detail.clone()],
        [detail.clone(), table.clone()],
    ] {
        let d = support::diagnose(&paths);
        assert_eq!(d.messages.len(), 2, "{:#?}", d.messages);
        assert_eq!(front(&d), (Status::Failed, Some("5.1.10".into()), 2));
        assert_eq!(
            d.messages[0].message_id.as_deref(),
            Some("<SA1PR00MB7777D1E2F3A4B5C6D7E8@SA1PR00MB7777.namprd00.prod.outlook.com>")
        );
        assert_eq!(
            d.messages[1].subject.as_deref(),
            Some("Re: Contract renewal")
        );
    }
}

/// Exports and pastes with their column header and no rows, or cut inside the header:
/// a readable trace that matched nothing.
#[test]
fn a_trace_with_a_header_and_no_rows_found_nothing() {
    for (name, kind) in [
        ("empty-v1-exportcsv-header-only.csv", InputKind::TraceCsv),
        ("empty-v2-exportcsv-cut-in-header.csv", InputKind::TraceCsv),
        ("empty-enhanced-summary-utf16le.csv", InputKind::TraceCsv),
        ("empty-ps-table-header-only.txt", InputKind::TracePowershell),
        ("empty-ps-no-output.txt", InputKind::TracePowershell),
        ("empty-graph-value.json", InputKind::TraceGraph),
    ] {
        assert_eq!(self::kind(name), kind, "{name}");
        let d = support::diagnose(&[support::fixture(&format!("trace/{name}"))]);
        assert_eq!(d.verdict.status, Status::Unknown, "{name}");
        assert_eq!(d.messages.len(), 1, "{name}");
        assert_eq!(
            d.trace.as_ref().map(|t| t.journeys.len()),
            Some(0),
            "{name}"
        );
        let found = d.steps[0]
            .findings
            .iter()
            .find(|f| f.code == "trace-found-nothing")
            .unwrap_or_else(|| panic!("{name}: {:?}", support::codes(&d)));
        assert!(
            found.evidence[0].starts_with(name),
            "{name}: {:?}",
            found.evidence
        );
        assert!(found.advice.contains("10 days"), "{name}: {}", found.advice);
        assert!(
            d.verdict.headline.contains("found no message"),
            "{name}: {}",
            d.verdict.headline
        );
    }
}

/// The V1 paste shows its command: the finding repeats it and asks for a start date within
/// the 10 days V1 reaches.
#[test]
fn an_empty_v1_paste_repeats_its_command_and_the_ten_day_limit() {
    let d = support::diagnose(&[support::fixture("trace/empty-ps-table-header-only.txt")]);
    let found = d.steps[0]
        .findings
        .iter()
        .find(|f| f.code == "trace-found-nothing")
        .expect("the empty search is reported");
    assert_eq!(
        found.evidence,
        [
            "empty-ps-table-header-only.txt: Get-MessageTrace -RecipientAddress omar.sy@contoso.com -StartDate 2/20/2025 -EndDate 2/21/2025 returned no rows"
        ]
    );
    assert!(
        found
            .advice
            .contains("-StartDate must be within the last 10 days"),
        "{}",
        found.advice
    );
}

/// An empty search given with the message's headers: the headers decide, the empty
/// search is still reported.
#[test]
fn an_empty_search_beside_other_evidence_is_reported_on_the_message() {
    let d = support::diagnose(&[
        support::fixture("trace/empty-graph-value.json"),
        support::sample("15-headers-junk-spam-verdict.txt"),
    ]);
    assert_eq!(d.messages.len(), 1);
    assert_eq!(d.verdict.status, Status::Junk);
    assert!(support::codes(&d).contains(&"trace-found-nothing".to_owned()));
}
