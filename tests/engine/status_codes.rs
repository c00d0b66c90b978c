//! Every status-code entry explains a trace line built from its own example; codes are
//! explained wherever they appear (LED strings, nested `[Message=…]`, NDR bodies); unknown
//! codes fall back to RFC 3463.

use mailflow::diagnosis::{DecidedBy, Diagnosis, Finding, Side};
use mailflow::facts::codes::{self, CodeOrigin};
use mailflow::knowledge::Knowledge;
use mailflow::knowledge::status_codes::CodeEntry;
use mailflow::step::Step;

/// A `Get-MessageTraceDetail | Format-List` trace: a Receive at 3:12:44 PM, then
/// `(time, event, detail)` rows.
fn trace_rows(rows: &[(&str, &str, &str)]) -> String {
    let receive = (
        "3:12:44 PM",
        "Receive",
        "Message received by: SA1PR00MB7777.namprd00.prod.outlook.com",
    );
    let records: Vec<String> = std::iter::once(&receive)
        .chain(rows)
        .enumerate()
        .map(|(index, (time, event, detail))| {
            format!(
                "Organization     : contoso.onmicrosoft.com\n\
                 MessageId        : <codes@contoso.com>\n\
                 MessageTraceId   : 4b9e2c71-0d3a-4f6e-fe21-08dd34a1c9f2\n\
                 SenderAddress    : alex@contoso.com\n\
                 RecipientAddress : jon@fabrikam.com\n\
                 Date             : 1/14/2025 {time}\n\
                 Event            : {event}\n\
                 Action           :\n\
                 Detail           : {detail}\n\
                 Index            : {index}\n\n"
            )
        })
        .collect();
    records.concat()
}

/// A Receive, then `event` with `detail` half an hour later.
fn trace(event: &str, detail: &str) -> String {
    trace_rows(&[("3:42:45 PM", event, detail)])
}

fn diagnose(text: &str) -> Diagnosis {
    super::support::diagnose_text("trace.txt", text)
}

fn external(diagnosis: &Diagnosis) -> &[Finding] {
    &diagnosis.step(Step::External).expect("step 5").findings
}

/// The trace line an entry's example appears on, as Exchange Online writes it.
fn line_for(entry: &CodeEntry) -> (&'static str, String) {
    let example = entry.example.trim();
    let led = format!("Reason: [{{LED={example}}};{{MSG=}};{{FQDN=}};{{IP=}};{{LRT=}}]");
    match entry.code.chars().next() {
        Some('4') => ("Defer", format!("The message was deferred. {example}")),
        Some('2') => ("Drop", led),
        _ => ("Fail", led),
    }
}

#[test]
fn every_entry_explains_a_trace_line_built_from_its_example() {
    let table = &Knowledge::embedded().status_codes;
    let mut problems = Vec::new();
    for entry in table.entries() {
        let (event, detail) = line_for(entry);
        let seen = codes::scan(&detail, CodeOrigin::Other);
        let Some(code) = seen.first() else {
            problems.push(format!(
                "{}: no code in example {:?}",
                entry.code, entry.example
            ));
            continue;
        };
        let diagnosis = diagnose(&trace(event, &detail));
        if code.code.starts_with('2') {
            if diagnosis.ndr.is_some() {
                problems.push(format!("{}: a success notice became the ndr", entry.code));
            }
            continue;
        }
        let Some(ndr) = &diagnosis.ndr else {
            problems.push(format!("{}: no ndr for {detail:?}", entry.code));
            continue;
        };
        if ndr.code != code.code || ndr.meaning != entry.meaning {
            problems.push(format!(
                "{}: ndr {} explained as {:?}",
                entry.code, ndr.code, ndr.meaning
            ));
        }
        let finding = external(&diagnosis).iter().find(|f| f.code == "ndr-code");
        let explained = finding.is_some_and(|f| {
            f.title.contains(&code.code)
                && f.detail.starts_with(entry.meaning.trim_end())
                && f.evidence.iter().any(|e| e.contains(&code.code))
                && !f.advice.is_empty()
        });
        if !explained {
            problems.push(format!(
                "{}: no step-5 ndr-code finding explains it: {finding:?}",
                entry.code
            ));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_reference_code_has_an_entry() {
    let table = &Knowledge::embedded().status_codes;
    let reference = [
        "4.3.2", "4.4.7", "4.4.8", "4.4.316", "4.4.317", "4.5.3", "4.7.5", "4.7.26", "4.7.321",
        "4.7.322", "4.7.323", "4.7.324", "4.7.325", "4.7.500", "4.7.699", "4.7.721", "4.7.850",
        "4.7.899", "5.0.350", "5.1.0", "5.1.1", "5.1.8", "5.1.10", "5.1.20", "5.1.90", "5.2.2",
        "5.2.121", "5.2.122", "5.2.251", "5.2.255", "5.3.190", "5.4.1", "5.4.6", "5.4.14", "5.4.8",
        "5.4.300", "5.4.310", "5.4.312", "5.5.0", "5.6.11", "5.7.1", "5.7.5", "5.7.12", "5.7.13",
        "5.7.135", "5.7.23", "5.7.25", "5.7.57", "5.7.64", "5.7.124", "5.7.129", "5.7.133",
        "5.7.134", "5.7.136", "5.7.232", "5.7.233", "5.7.236", "5.7.321", "5.7.325", "5.7.350",
        "5.7.367", "5.7.501", "5.7.502", "5.7.503", "5.7.504", "5.7.505", "5.7.506", "5.7.507",
        "5.7.508", "5.7.509", "5.7.510", "5.7.511", "5.7.512", "5.7.513", "5.7.515", "5.7.520",
        "5.7.606", "5.7.649", "5.7.700", "5.7.749", "5.7.703", "5.7.705", "5.7.708", "5.7.750",
        "5.7.800", "5.7.900", "5.7.999",
    ];
    for code in reference {
        let entry = table
            .lookup(code)
            .unwrap_or_else(|| panic!("{code} has no entry"));
        assert!(!entry.is_generic(), "{code}");
        assert!(
            !entry.meaning.is_empty()
                && !entry.cause.is_empty()
                && !entry.fix.is_empty()
                && !entry.source.is_empty()
                && !entry.date.is_empty(),
            "{code}: meaning, cause, fix, source and date"
        );
    }
}

#[test]
fn the_primary_code_wins_and_the_nested_one_is_explained_too() {
    let detail = "The message was deferred. 450 4.4.316 Connection refused [Message=451 4.4.0 Primary target IP address responded with: 421 4.2.1 busy] [LastAttemptedServerName=mail.fabrikam.com] [LastAttemptedIP=198.51.100.25:25]";
    let diagnosis = diagnose(&trace("Defer", detail));
    assert_eq!(
        diagnosis.ndr.as_ref().map(|n| n.code.as_str()),
        Some("4.4.316")
    );
    let findings = external(&diagnosis);
    let nested = findings
        .iter()
        .find(|f| f.code == "status-code" && f.title.contains("4.4.0"))
        .expect("nested code explained");
    assert!(nested.detail.contains("RFC 3463"), "{}", nested.detail);
    let refused = findings
        .iter()
        .find(|f| f.code == "destination-refused-connection")
        .expect("throttling analyzer");
    assert!(
        refused.detail.contains("Retried for 30 minutes"),
        "{}",
        refused.detail
    );
    assert!(
        refused.detail.contains("gives up about 24 hours"),
        "{}",
        refused.detail
    );
}

#[test]
fn eop_throttling_names_its_tag_and_when_exchange_online_gives_up() {
    let detail = "The message was deferred. 451 4.7.500 Server busy. Please try again later from [203.0.113.10]. (AS761)";
    let diagnosis = diagnose(&trace("Defer", detail));
    let throttled = external(&diagnosis)
        .iter()
        .find(|f| f.code == "ip-throttled")
        .expect("ip-throttled finding");
    assert!(throttled.title.contains("AS761"), "{}", throttled.title);
    assert!(
        throttled.detail.contains("2025-01-15T"),
        "{}",
        throttled.detail
    );
    assert_eq!(diagnosis.ndr.as_ref().map(|n| n.side), Some(Side::Sender));
}

#[test]
fn expiry_after_retries_reports_how_long_it_was_retried() {
    let detail =
        "Reason: [{LED=550 4.4.7 QUEUE.Expired; message expired};{MSG=};{FQDN=};{IP=};{LRT=}]";
    let diagnosis = diagnose(&trace("Fail", detail));
    let expired = external(&diagnosis)
        .iter()
        .find(|f| f.code == "retries-expired")
        .expect("retries-expired finding");
    assert!(
        expired.detail.contains("retried for 30 minutes"),
        "{}",
        expired.detail
    );
}

#[test]
fn unknown_codes_fall_back_to_their_rfc_3463_class_and_subject() {
    let detail = "Reason: [{LED=550 5.3.999 Something new};{MSG=};{FQDN=};{IP=};{LRT=}]";
    let diagnosis = diagnose(&trace("Fail", detail));
    let ndr = diagnosis.ndr.as_ref().expect("ndr");
    assert!(ndr.meaning.contains("RFC 3463"), "{}", ndr.meaning);
    assert!(ndr.meaning.contains("mail system"), "{}", ndr.meaning);
}

#[test]
fn an_ndr_body_is_explained_on_the_recipients_side() {
    let diagnosis = super::support::diagnose(&[super::support::sample(
        "06-ndr-5.1.10-recipient-not-found.txt",
    )]);
    let ndr = diagnosis.ndr.as_ref().expect("ndr");
    assert_eq!(ndr.code, "5.1.10");
    assert_eq!(ndr.side, Side::Recipient);
    assert!(
        external(&diagnosis)
            .iter()
            .any(|f| f.code == "ndr-code" && f.title.contains("5.1.10"))
    );
}

#[test]
fn dns_errors_in_the_inputs_are_findings() {
    let detail = "Reason: [{LED=550 5.4.310 DNS domain fabrikam.com does not exist};{MSG=};{FQDN=};{IP=};{LRT=}]";
    let diagnosis = diagnose(&trace("Fail", detail));
    let dns = external(&diagnosis)
        .iter()
        .find(|f| f.code == "dns-errors-reported")
        .expect("dns-errors-reported finding");
    assert!(
        dns.title
            .contains("recipient's domain fabrikam.com has DNS errors"),
        "{}",
        dns.title
    );
}

#[test]
fn a_recipient_thread_limit_is_explained_with_its_delay() {
    let diagnosis = diagnose(&trace_rows(&[
        (
            "3:13:00 PM",
            "Defer",
            "The message was deferred. 432 4.3.2 STOREDRV.Deliver; recipient thread limit exceeded",
        ),
        (
            "3:20:44 PM",
            "Deliver",
            "The message was successfully delivered.",
        ),
    ]));
    assert_eq!(
        diagnosis.ndr.as_ref().map(|n| n.code.as_str()),
        Some("4.3.2")
    );
    let limit = external(&diagnosis)
        .iter()
        .find(|f| f.code == "recipient-thread-limit")
        .expect("recipient-thread-limit finding");
    assert!(
        limit.detail.contains("delayed 8 minutes"),
        "{}",
        limit.detail
    );
    assert!(
        limit.detail.contains("nothing more will happen"),
        "{}",
        limit.detail
    );
}

#[test]
fn a_dsn_from_exchange_online_is_explained_with_its_dns_error() {
    let dsn =
        super::support::shared().join("corpus/set-of-emails/maildir/bsd/lhost-office365-06.eml");
    let diagnosis = super::support::diagnose(&[dsn]);
    assert_eq!(
        diagnosis.ndr.as_ref().map(|n| n.code.as_str()),
        Some("5.4.312")
    );
    let dns = external(&diagnosis)
        .iter()
        .find(|f| f.code == "dns-errors-reported")
        .expect("dns-errors-reported finding");
    assert!(dns.title.contains("recipient's domain"), "{}", dns.title);
}

/// An English Exchange Online NDR pasted as text, rejected with `reply`.
fn pasted_ndr(reply: &str) -> Diagnosis {
    let text = format!(
        "Delivery has failed to these recipients or groups:\n\nlee.gu@fabrikam.example\nYour message couldn't be delivered.\n\nDiagnostic information for administrators:\n\nGenerating server: BN8PR11MB3602.namprd11.prod.outlook.com\n\nlee.gu@fabrikam.example\nRemote Server returned '{reply}'\n\nOriginal message headers:\n\nFrom: Alex Wilber <alex.wilber@contoso.com>\nTo: Lee Gu <lee.gu@fabrikam.example>\nSubject: Quarterly numbers\nMessage-ID: <quarterly@contoso.com>\n"
    );
    super::support::diagnose_text("ndr.txt", &text)
}

/// Next actions lead with the decisive code's own fix; the address advice is for address
/// codes only.
#[test]
fn next_actions_follow_the_decisive_code() {
    let actions =
        |d: &Diagnosis| -> Vec<String> { d.next_actions.iter().map(|a| a.text.clone()).collect() };
    let dmarc = pasted_ndr(
        "550 5.7.509 Access denied, sending domain contoso.com does not pass DMARC verification and has a DMARC policy of reject.",
    );
    let texts = actions(&dmarc);
    assert!(
        texts[0].starts_with("For 5.7.509: The sender fixes SPF and DKIM alignment"),
        "{texts:?}"
    );
    assert!(texts.iter().all(|t| !t.contains("typos")), "{texts:?}");

    let unknown = pasted_ndr(
        "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient lee.gu@fabrikam.example not found by SMTP address lookup",
    );
    let texts = actions(&unknown);
    assert!(texts[0].starts_with("For 5.1.10:"), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("typos")), "{texts:?}");

    let send_as = pasted_ndr(
        "554 5.2.252 SendAsDenied; alex.wilber@contoso.com not allowed to send as sales@contoso.com; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied",
    );
    assert!(
        send_as.verdict.headline.contains("no Send As permission"),
        "{}",
        send_as.verdict.headline
    );
    assert!(
        actions(&send_as)[0].contains("grants Send As"),
        "{:?}",
        actions(&send_as)
    );
}

/// Exchange quotes a remote server's reply without escaping its apostrophes, and Gmail's
/// replies have them: the whole reply is read, so its wording picks the code's variant.
#[test]
fn gmail_replies_with_apostrophes_are_read_whole() {
    let full = pasted_ndr("552 5.2.2 The recipient's inbox is out of storage space.");
    let ndr = full.ndr.as_ref().expect("ndr");
    assert_eq!(ndr.side, Side::Recipient);
    assert!(ndr.meaning.contains("mailbox is full"), "{}", ndr.meaning);

    let unauthenticated = pasted_ndr(
        "550-5.7.1 This message does not have authentication information or fails to pass 550-5.7.1 authentication checks. To best protect our users from spam, the 550-5.7.1 message has been blocked.",
    );
    let ndr = unauthenticated.ndr.as_ref().expect("ndr");
    assert_eq!(ndr.side, Side::Sender);
    assert!(
        unauthenticated.next_actions[0]
            .text
            .contains("DKIM signing"),
        "{:?}",
        unauthenticated.next_actions
    );

    let dmarc = pasted_ndr(
        "550 5.7.26 Unauthenticated email from contoso.com is not accepted due to domain's DMARC policy. Please contact the administrator of contoso.com domain if this was a legitimate mail.",
    );
    assert!(
        dmarc.verdict.headline.contains("unauthenticated"),
        "{}",
        dmarc.verdict.headline
    );
    let decisive = dmarc
        .steps
        .iter()
        .flat_map(|s| &s.findings)
        .flat_map(|f| &f.evidence)
        .any(|e| e.ends_with("if this was a legitimate mail."));
    assert!(decisive, "the reply is cut at its apostrophe");
}

/// Our own Exchange Online refusing on our tenant's settings (the outbound spam policy's
/// block on external forwarding) is the sending side's decision, though the NDR says
/// "Remote Server returned"; a recipient that does not exist stays the recipient's.
#[test]
fn our_tenants_own_refusals_are_decided_on_the_sending_side() {
    let forwarding = pasted_ndr(
        "550 5.7.520 Access denied, Your organization does not allow external forwarding. Please contact your administrator for further assistance. AS(7555)",
    );
    assert_eq!(forwarding.verdict.decided_by, DecidedBy::SenderSide);
    assert!(
        forwarding
            .decision_chain
            .iter()
            .any(|l| l.starts_with("The sending side refused it with 550 5.7.520")),
        "{:?}",
        forwarding.decision_chain
    );
    let missing = pasted_ndr(
        "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient lee.gu@fabrikam.example not found by SMTP address lookup",
    );
    assert_eq!(missing.verdict.decided_by, DecidedBy::RecipientServer);
}
