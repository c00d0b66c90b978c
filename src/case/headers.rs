//! A message's header block, kept as the fields were written so that analyzers can read
//! both the unfolded value and the raw form (DKIM canonicalization needs the raw one).

use serde::{Deserialize, Serialize};

/// Where a header block came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HeaderSource {
    /// A full RFC 5322 message.
    Eml,
    /// An Outlook `.msg` file's transport headers.
    Msg,
    /// A header block pasted from Outlook, OWA or MHA.
    Pasted,
    /// The original message's headers quoted inside an NDR.
    NdrAttachment,
}

/// One header field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderField {
    /// The field name as written.
    pub name: String,
    /// The value, unfolded (CRLF + white space → one space), trimmed.
    pub value: String,
    /// The whole field as it stood in the input (name, colon, value, folds), without the
    /// final line break.
    pub raw: String,
}

/// An ordered list of header fields, topmost (newest) first, as in the message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeaderBlock {
    /// The fields in input order.
    pub fields: Vec<HeaderField>,
    /// Fields the reader left out of a hostile block: repeats of one name past
    /// [`MAX_SAME_NAME`](crate::input::header_block::MAX_SAME_NAME) and every field past
    /// [`MAX_FIELDS`](crate::input::header_block::MAX_FIELDS). Each kept field costs about
    /// 200 bytes, so a million Received lines (56 MB) would take 200 MB.
    pub left_out: usize,
    /// Of [`Self::left_out`], the Received fields: the chain counts them among the older
    /// hops it does not show.
    pub received_left_out: usize,
}

impl HeaderBlock {
    /// The first field named `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
            .map(|f| f.value.as_str())
    }

    /// Every field named `name`, topmost first.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a HeaderField> + 'a {
        self.fields
            .iter()
            .filter(move |f| f.name.eq_ignore_ascii_case(name))
    }

    /// True when no field is present.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

/// The headers of one message, with what else the input told about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageHeaders {
    /// Where they came from.
    pub source: HeaderSource,
    /// The header fields.
    pub block: HeaderBlock,
    /// The raw body bytes (for the offline DKIM body-hash check), when the input had a body
    /// and it was small enough to keep.
    pub body: Option<Vec<u8>>,
    /// Decoded subject (encoded words resolved).
    pub subject: Option<String>,
    /// Sender address (From).
    pub from: Option<String>,
    /// From display name.
    pub from_name: Option<String>,
    /// To/Cc recipients.
    pub recipients: Vec<String>,
    /// Message-ID with angle brackets.
    pub message_id: Option<String>,
    /// Size of the message in bytes, when known.
    pub size_bytes: Option<u64>,
    /// Notes about the input itself (a `.msg` draft without transport headers, a nesting
    /// limit hit), shown as findings.
    pub notes: Vec<String>,
}

impl MessageHeaders {
    /// Headers from `source` with nothing else known yet.
    pub fn new(source: HeaderSource, block: HeaderBlock) -> Self {
        Self {
            source,
            block,
            body: None,
            subject: None,
            from: None,
            from_name: None,
            recipients: Vec::new(),
            message_id: None,
            size_bytes: None,
            notes: Vec::new(),
        }
    }
}
