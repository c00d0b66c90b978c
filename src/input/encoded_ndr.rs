//! A non-delivery report inside a message whose transfer encoding or HTML hides it from the
//! plain-text markers: a bounce forwarded to the help desk ("FW: Undeliverable: …") with a
//! base64 or quoted-printable body, or attached to the forward as a message. Only messages
//! titled as a bounce are decoded, and only small, shallow ones: `mail-parser` parses and
//! frees nested parts recursively, which aborts on deep nesting (reference/reliability.md).

use std::borrow::Cow;

use mail_parser::{Message, MessageParser};

use super::ndr;
use crate::case::{MessageHeaders, NdrReport};

/// A forwarded bounce is a few hundred KB with the original attached; larger messages are
/// not decoded.
const MAX_BYTES: usize = 4 * 1024 * 1024;

/// MIME containers (`multipart/…`, `message/…`) a decoded message may declare, which bounds
/// how deep `mail-parser` nests.
const MAX_CONTAINERS: usize = 64;

/// The report the message carries in an encoded body or an attached message, when its
/// subject is a bounce's. The report's original subject falls back to the one the bounce's
/// subject repeats.
pub fn read(headers: &MessageHeaders, bytes: &[u8]) -> Option<NdrReport> {
    let repeated_subject = ndr::bounce_subject(headers.subject.as_deref()?)?;
    if bytes.len() > MAX_BYTES || containers(bytes) > MAX_CONTAINERS {
        return None;
    }
    let message = MessageParser::default().parse(bytes)?;
    let mut report =
        texts(&message).find_map(|text| ndr::sniff(&text).then(|| ndr::read(&text)).flatten())?;
    if report.original_subject.is_none() && !repeated_subject.is_empty() {
        report.original_subject = Some(repeated_subject.to_owned());
    }
    Some(report)
}

/// The message's readable texts in the order a reader meets them: its text bodies (HTML
/// converted to text when there is no plain one), then each attached message whole.
fn texts<'a>(message: &'a Message<'a>) -> impl Iterator<Item = Cow<'a, str>> {
    let bodies = (0..message.text_body_count()).filter_map(|at| message.body_text(at));
    let attached = message
        .attachments()
        .filter_map(|part| part.message())
        .map(|inner| String::from_utf8_lossy(inner.raw_message()));
    bodies.chain(attached)
}

/// How many MIME container types the message declares, in any case.
fn containers(bytes: &[u8]) -> usize {
    let lower = bytes.to_ascii_lowercase();
    ["multipart/", "message/"]
        .into_iter()
        .map(|needle| memchr::memmem::find_iter(&lower, needle).count())
        .sum()
}
