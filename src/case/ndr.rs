//! A non-delivery report: a DSN (`multipart/report; report-type=delivery-status`) or an
//! Exchange NDR body pasted as text.

use super::headers::HeaderBlock;

/// What a non-delivery report says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NdrReport {
    /// Enhanced status code (`5.1.10`).
    pub status_code: Option<String>,
    /// SMTP reply code (`550`).
    pub smtp_reply: Option<u16>,
    /// The full SMTP response / diagnostic text.
    pub diagnostic: Option<String>,
    /// DSN `Action:` (failed, delayed, …).
    pub action: Option<String>,
    /// The server that generated the report.
    pub generating_server: Option<String>,
    /// The remote server that rejected, when one is named.
    pub remote_server: Option<String>,
    /// Rejected recipients.
    pub recipients: Vec<String>,
    /// The user-facing explanation paragraph, when present.
    pub summary: Option<String>,
    /// The original message's headers, when the report carries them.
    pub original_headers: Option<HeaderBlock>,
    /// Message-ID of the original message, when known.
    pub original_message_id: Option<String>,
    /// Network Message ID of the original (`X-MS-Exchange-Organization-Network-Message-Id`).
    pub original_network_id: Option<String>,
    /// The original message's subject, encoded words decoded.
    pub original_subject: Option<String>,
    /// The original message's sender address.
    pub original_sender: Option<String>,
}
