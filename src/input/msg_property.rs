//! String properties of an Outlook compound file (`__substg1.0_<tag><type>` streams),
//! read by the `.msg` reader and by its non-delivery report reader alike.

use std::io::Read as _;

/// Property streams are this large at most in practice; larger ones are not read.
const MAX_PROPERTY_BYTES: u64 = 32 * 1024 * 1024;

/// Reads a string property of the message or object whose storage is `storage` (`""` for
/// the message itself, else a recipient's, an attachment's or an embedded message's path):
/// Unicode (`001F`) first, then the 8-bit form (`001E`).
pub(super) fn string_property<F: std::io::Read + std::io::Seek>(
    file: &mut cfb::CompoundFile<F>,
    storage: &str,
    tag: &str,
) -> Option<String> {
    for (suffix, unicode) in [("001F", true), ("001E", false)] {
        let path = format!("{storage}/__substg1.0_{tag}{suffix}");
        let Ok(stream) = file.open_stream(&path) else {
            continue;
        };
        let mut bytes = Vec::new();
        if stream
            .take(MAX_PROPERTY_BYTES)
            .read_to_end(&mut bytes)
            .is_err()
        {
            continue;
        }
        let text = if unicode {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        } else {
            super::text::decode(&bytes).0
        };
        let text = text.trim_end_matches('\0').trim().to_owned();
        if !text.is_empty() {
            return Some(text);
        }
    }
    None
}
