//! Parser placeholder for `tracking_log`; replaced by the real parser.

use super::Parsed;
use crate::error::InputError;

/// True when `text` is this format.
pub fn sniff(text: &str) -> bool {
    let _ = text;
    false
}

/// Parses `text`.
pub fn parse(text: &str, name: &str) -> Result<Parsed, InputError> {
    let _ = text;
    Err(InputError::UnknownKind {
        name: name.to_owned(),
    })
}
