//! The contract's `ndr` field from `mailflow diagnose --format json`: the decisive NDR or
//! defer code even when the message was delivered later, the primary code over one nested in
//! `[Message=…]`, and never a `2.x.x` success notice.

use std::io::Write as _;

use serde_json::Value;

fn ndr_of(path: &std::path::Path) -> Value {
    let json = super::diagnose_json(["--format".as_ref(), "json".as_ref(), path.as_os_str()]);
    json["ndr"].clone()
}

fn sample(name: &str) -> Value {
    ndr_of(&super::support::sample(name))
}

fn trace_file(events: &[(&str, &str)]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    for (index, (event, detail)) in events.iter().enumerate() {
        write!(
            file,
            "Organization     : contoso.onmicrosoft.com\n\
             MessageId        : <ndr@contoso.com>\n\
             MessageTraceId   : 4b9e2c71-0d3a-4f6e-fe21-08dd34a1c9f2\n\
             SenderAddress    : alex@contoso.com\n\
             RecipientAddress : team@contoso.com\n\
             Date             : 1/14/2025 3:12:{index:02} PM\n\
             Event            : {event}\n\
             Action           :\n\
             Detail           : {detail}\n\
             Index            : {index}\n\n"
        )
        .expect("write trace");
    }
    file
}

#[test]
fn a_defer_code_is_the_ndr_even_when_the_message_was_delivered_later() {
    let ndr = sample("02-eac-copytext-junk-multiline-enGB.txt");
    assert_eq!(ndr["code"], "4.7.721", "{ndr}");
    assert!(ndr["meaning"].as_str().is_some_and(|m| !m.is_empty()));
}

#[test]
fn a_failed_message_carries_its_fail_code_and_side() {
    for name in [
        "05-ps-get-messagetracedetail-v1-list-failed.txt",
        "06-ndr-5.1.10-recipient-not-found.txt",
    ] {
        let ndr = sample(name);
        assert_eq!(ndr["code"], "5.1.10", "{name}: {ndr}");
        assert_eq!(ndr["side"], "recipient", "{name}: {ndr}");
    }
}

#[test]
fn the_primary_code_wins_over_a_nested_one() {
    let ndr = sample("08-ps-get-messagetracedetailv2-exportcsv-deferred.csv");
    assert_eq!(ndr["code"], "4.4.316", "{ndr}");
    let file = trace_file(&[
        (
            "Receive",
            "Message received by: SA1PR00MB7777.namprd00.prod.outlook.com",
        ),
        (
            "Defer",
            "The message was deferred. 451 4.4.0 Primary target IP address responded with: [Message=550 5.7.1 Service unavailable] [LastAttemptedServerName=mx.fabrikam.com]",
        ),
    ]);
    let ndr = ndr_of(file.path());
    assert_eq!(ndr["code"], "4.4.0", "{ndr}");
}

#[test]
fn a_delivered_message_and_an_expanded_group_have_no_ndr() {
    assert!(sample("01-eac-copytext-delivered-singleline-enUS.txt").is_null());
    let file = trace_file(&[
        (
            "Receive",
            "Message received by: SA1PR00MB7777.namprd00.prod.outlook.com",
        ),
        (
            "Expand",
            "The message was sent to a distribution list (DL) that was expanded to the recipients of the DL.",
        ),
        (
            "Drop",
            "Reason: [{LED=250 2.1.5 RESOLVER.GRP.Expanded; distribution list expanded};{MSG=};{FQDN=};{IP=};{LRT=}]",
        ),
    ]);
    let ndr = ndr_of(file.path());
    assert!(ndr.is_null(), "{ndr}");
}
