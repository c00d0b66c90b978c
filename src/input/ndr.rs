//! Parser placeholder for NDRs; replaced by the real parser.

use super::Parsed;
use crate::error::InputError;

/// True when `text` is a non-delivery report.
pub fn sniff(text: &str) -> bool {
    let _ = text;
    false
}

/// Parses an NDR (raw bytes for DSNs, text for pasted bodies).
pub fn parse(bytes: &[u8], text: &str, name: &str) -> Result<Parsed, InputError> {
    let _ = (bytes, text);
    Err(InputError::UnknownKind {
        name: name.to_owned(),
    })
}
