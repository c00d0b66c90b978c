//! The JSON contract, pretty-printed.

use crate::diagnosis::Diagnosis;

/// Serialises the diagnosis as the contract's JSON object.
pub fn render(diagnosis: &Diagnosis) -> String {
    serde_json::to_string_pretty(diagnosis)
        .unwrap_or_else(|e| format!("{{\"error\": \"{}\"}}", e.to_string().replace('"', "'")))
}
