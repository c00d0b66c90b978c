//! Microsoft Graph message trace JSON: the `messageTraces` list and
//! `getDetailsByRecipient` (`exchangeMessageTraceDetail`), with or without the OData
//! wrapper. A trace's `id` is its MessageTraceId, which ties details to their list row.
//! Reference §1.7.

use serde_json::Value;

use super::trace_rows::{self, Formats, Row};
use super::{Parsed, dates};
use crate::case::{EmptyTrace, Evidence, InputKind, TraceFormat};
use crate::error::InputError;

/// The items of the document: `value` of the OData wrapper, a bare array, or one object.
fn items(document: &Value) -> Vec<&serde_json::Map<String, Value>> {
    let list = match document {
        Value::Object(map) => match map.get("value") {
            Some(Value::Array(items)) => items.iter().collect(),
            _ => vec![document],
        },
        Value::Array(items) => items.iter().collect(),
        _ => Vec::new(),
    };
    list.into_iter().filter_map(Value::as_object).collect()
}

fn is_trace_item(item: &serde_json::Map<String, Value>) -> bool {
    let has = |k: &str| item.keys().any(|key| key.eq_ignore_ascii_case(k));
    (has("receivedDateTime") && (has("status") || has("recipientAddress")))
        || (has("event") && (has("dateTime") || has("description")))
}

/// True for Graph message-trace JSON.
pub fn sniff(text: &str) -> bool {
    let start = text.trim_start();
    if !start.starts_with('{') && !start.starts_with('[') {
        return false;
    }
    if text.contains("messageTraces") || text.contains("exchangeMessageTraceDetail") {
        return true;
    }
    serde_json::from_str::<Value>(text)
        .is_ok_and(|doc| items(&doc).first().is_some_and(|i| is_trace_item(i)))
}

/// Parses the document.
pub fn parse(text: &str, name: &str) -> Result<Parsed, InputError> {
    let malformed = |reason: String| InputError::Malformed {
        kind: InputKind::TraceGraph.describe().into(),
        reason,
        name: name.to_owned(),
    };
    let document: Value = serde_json::from_str(text).map_err(|e| malformed(e.to_string()))?;
    let rows: Vec<Row> = items(&document)
        .into_iter()
        .filter(|item| is_trace_item(item))
        .map(|item| {
            Row::new(item.iter().map(|(key, value)| {
                let key = if key.eq_ignore_ascii_case("id") {
                    "MessageTraceId"
                } else {
                    key.as_str()
                };
                let value = match value {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                (key.to_owned(), value)
            }))
        })
        .collect();
    if rows.is_empty() {
        // `{"@odata.context": "…messageTraces", "value": []}`: the search matched nothing.
        let empty_value = document
            .get("value")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty);
        if empty_value {
            let format = if text.contains("getDetailsByRecipient")
                || text.contains("exchangeMessageTraceDetail")
            {
                TraceFormat::GraphDetails
            } else {
                TraceFormat::GraphTraceList
            };
            return Ok(Parsed {
                kind: InputKind::TraceGraph,
                evidence: vec![Evidence::EmptyTrace(EmptyTrace::new(format))],
            });
        }
        return Err(malformed("no message traces in the document".into()));
    }
    let formats = Formats {
        summary: TraceFormat::GraphTraceList,
        detail: TraceFormat::GraphDetails,
        per_message: false,
    };
    let mut records = trace_rows::records(&rows, formats, dates::utc());
    records.sort_by_key(crate::case::TraceRecord::start_time);
    for (index, record) in records.iter_mut().enumerate() {
        record.index = index;
    }
    Ok(Parsed {
        kind: InputKind::TraceGraph,
        evidence: records.into_iter().map(Evidence::Trace).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_items_are_sorted_oldest_first_and_keep_their_trace_id() {
        let text = r#"{"value":[{"id":"b","receivedDateTime":"2025-01-20T15:15:02Z","status":"delivered","recipientAddress":"a@x","size":10},{"id":"a","receivedDateTime":"2025-01-20T15:14:21Z","status":"delivered","recipientAddress":"a@x"}]}"#;
        assert!(sniff(text));
        let parsed = parse(text, "g.json").unwrap();
        let Some(Evidence::Trace(first)) = parsed.evidence.first() else {
            panic!("a record");
        };
        assert_eq!(first.trace_id.as_deref(), Some("a"));
        assert!(parse("{\"value\": [", "g.json").is_err());
    }

    #[test]
    fn an_empty_value_array_is_a_search_that_found_nothing() {
        let text = r#"{"@odata.context":"https://graph.microsoft.com/beta/$metadata#admin/exchange/tracing/messageTraces","value":[]}"#;
        assert!(sniff(text));
        let parsed = parse(text, "g.json").unwrap();
        assert!(matches!(
            parsed.evidence.as_slice(),
            [Evidence::EmptyTrace(EmptyTrace {
                format: TraceFormat::GraphTraceList,
                ..
            })]
        ));
    }
}
