//! Parser placeholder for Outlook `.msg`; replaced by the real parser.

use super::Parsed;
use crate::error::InputError;

/// Parses a compound file's bytes.
pub fn parse_bytes(bytes: &[u8], name: &str) -> Result<Parsed, InputError> {
    let _ = bytes;
    Err(InputError::UnknownKind {
        name: name.to_owned(),
    })
}
