//! Parser placeholder for `eml`; replaced by the real parser.

use super::Parsed;
use crate::error::InputError;

/// True when `text` is an RFC 5322 message.
pub fn sniff(text: &str) -> bool {
    let _ = text;
    false
}

/// Parses a message's bytes.
pub fn parse_bytes(bytes: &[u8], name: &str) -> Result<Parsed, InputError> {
    let _ = bytes;
    Err(InputError::UnknownKind {
        name: name.to_owned(),
    })
}
