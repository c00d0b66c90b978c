//! Trace pastes end to end through the binary: the console paste of a summary and its
//! detail is one message, and a trace that matched nothing is a diagnosis, not an error.

use serde_json::Value;

use super::support;

fn json(paths: &[std::path::PathBuf]) -> Value {
    let mut args = vec!["--format".to_owned(), "json".to_owned()];
    args.extend(paths.iter().map(|p| p.display().to_string()));
    let json = super::diagnose_json(args);
    super::contract::assert_valid(&super::contract::schema(), &json, &format!("{paths:?}"));
    json
}

fn statuses(json: &Value) -> Vec<&str> {
    json["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["verdict"]["status"].as_str())
        .collect()
}

fn finding_codes(json: &Value) -> Vec<&str> {
    json["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .flat_map(|s| s["findings"].as_array().into_iter().flatten())
        .filter_map(|f| f["code"].as_str())
        .collect()
}

#[test]
fn console_pastes_of_a_summary_and_its_detail_are_one_message() {
    for (name, status, code, others) in [
        (
            "console-v1-table-then-detail-list.txt",
            "failed",
            "5.1.10",
            1,
        ),
        (
            "console-v2-table-then-detail-table.txt",
            "pending",
            "4.4.316",
            0,
        ),
    ] {
        let json = json(&[support::fixture(&format!("trace/{name}"))]);
        assert_eq!(json["inputs"][0]["kind"], "trace-powershell", "{name}");
        assert_eq!(statuses(&json).len(), 1 + others, "{name}: {json:#}");
        assert_eq!(json["verdict"]["status"], status, "{name}");
        assert_eq!(json["ndr"]["code"], code, "{name}");
    }
}

#[test]
fn shared_samples_04_and_05_given_together_are_one_failed_message() {
    let json = json(&[
        support::sample("04-ps-get-messagetrace-v1-table-failed.txt"),
        support::sample("05-ps-get-messagetracedetail-v1-list-failed.txt"),
    ]);
    assert_eq!(statuses(&json), ["failed", "delivered"]);
    assert_eq!(json["ndr"]["code"], "5.1.10");
    assert_eq!(
        json["message"]["message_id"],
        "<SA1PR00MB7777D1E2F3A4B5C6D7E8@SA1PR00MB7777.namprd00.prod.outlook.com>"
    );
}

#[test]
fn a_trace_with_its_header_and_no_rows_exits_0_as_unknown() {
    for name in [
        "empty-v1-exportcsv-header-only.csv",
        "empty-v2-exportcsv-cut-in-header.csv",
        "empty-enhanced-summary-utf16le.csv",
        "empty-ps-table-header-only.txt",
        "empty-ps-no-output.txt",
        "empty-graph-value.json",
    ] {
        let json = json(&[support::fixture(&format!("trace/{name}"))]);
        assert_eq!(json["verdict"]["status"], "unknown", "{name}");
        assert_eq!(statuses(&json), ["unknown"], "{name}");
        assert_eq!(
            json["trace"]["journeys"],
            Value::Array(Vec::new()),
            "{name}"
        );
        assert!(
            finding_codes(&json).contains(&"trace-found-nothing"),
            "{name}: {:?}",
            finding_codes(&json)
        );
    }
}
