//! Every shared sample gives contract-valid JSON on stdout with exit 0.

use serde_json::Value;

pub(super) fn schema() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(super::support::shared().join("contract/diagnosis.schema.json"))
            .expect("shared contract schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

pub(super) fn assert_valid(validator: &jsonschema::Validator, json: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(json)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn every_trace_sample_is_contract_valid() {
    let validator = schema();
    let dir = super::support::shared().join("samples/trace");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == "README.md") {
            continue;
        }
        let json = super::diagnose_json(["--format", "json", path.to_str().unwrap()]);
        assert_valid(&validator, &json, &path.display().to_string());
        assert_eq!(json["steps"].as_array().map(Vec::len), Some(5));
        assert_eq!(json["schema_version"], 1);
        seen += 1;
    }
    assert!(seen >= 17, "all samples were run ({seen})");
}

#[test]
fn selecting_a_message_by_index_and_id() {
    let sample = super::support::sample("07-ps-get-messagetracev2-exportcsv-pending.csv");
    let path = sample.to_str().unwrap();
    let json = super::diagnose_json(["--message", "2", path]);
    assert_eq!(json["messages"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["verdict"]["status"], "delivered");
    let json = super::diagnose_json(["--message", "<alert-558210@monitoring.example.com>", path]);
    assert_eq!(json["verdict"]["status"], "pending");
    assert_eq!(
        json["message"]["message_id"],
        "<alert-558210@monitoring.example.com>"
    );
}

#[test]
fn markdown_and_text_formats_print_the_verdict() {
    let sample = super::support::sample("02-eac-copytext-junk-multiline-enGB.txt");
    for format in ["md", "text"] {
        let stdout = super::support::diagnose_cli(["--format", format, sample.to_str().unwrap()]);
        let text = String::from_utf8(stdout).unwrap();
        assert!(text.contains("Junk"), "{format}: {text}");
    }
}
