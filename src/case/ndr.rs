//! A non-delivery report: a DSN (`multipart/report; report-type=delivery-status`) or an
//! Exchange NDR body pasted as text.

use super::headers::{HeaderBlock, MessageHeaders};
use crate::knowledge::bounce_phrases::BounceReason;

/// What a report says of one failed (or delayed) recipient.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecipientFailure {
    /// The recipient's address.
    pub address: String,
    /// The enhanced status code that decides this recipient's failure.
    pub status_code: Option<String>,
    /// The SMTP reply code.
    pub smtp_reply: Option<u16>,
    /// The remote server's reply or the report's diagnostic, on one line.
    pub diagnostic: Option<String>,
    /// DSN `Action:` (failed, delayed), lower case.
    pub action: Option<String>,
    /// The remote server that answered, when named.
    pub remote_server: Option<String>,
    /// Why it failed, from the reply's words or the code.
    pub reason: Option<BounceReason>,
}

/// What a non-delivery report says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NdrReport {
    /// Enhanced status code (`5.1.10`).
    pub status_code: Option<String>,
    /// SMTP reply code (`550`).
    pub smtp_reply: Option<u16>,
    /// The full SMTP response / diagnostic text.
    pub diagnostic: Option<String>,
    /// The last delivery attempt's response, when the report lists attempts (a delay
    /// notice or an expiry report, whose own code only says "delayed" or "expired").
    pub last_attempt: Option<String>,
    /// DSN `Action:` (failed, delayed, …).
    pub action: Option<String>,
    /// The server that generated the report.
    pub generating_server: Option<String>,
    /// The remote server that rejected, when one is named.
    pub remote_server: Option<String>,
    /// Rejected recipients.
    pub recipients: Vec<String>,
    /// Each failed recipient with its own code and reason, in report order; the report's
    /// own fields are the decisive (first) failure's.
    pub failures: Vec<RecipientFailure>,
    /// Why the decisive failure happened.
    pub reason: Option<BounceReason>,
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
    /// The bounce's own header block, when the input is the whole bounce: its Received hops
    /// and anti-spam stamps tell how the bounce reached the sender (Inbox or Junk).
    pub bounce_headers: Option<Box<MessageHeaders>>,
}

impl NdrReport {
    /// True when the report says why: a status code or a diagnostic. A report without
    /// either gives nothing to diagnose from.
    pub fn names_a_reason(&self) -> bool {
        self.status_code.is_some() || self.diagnostic.is_some()
    }

    /// True for a delay notice: the message is not delivered yet and is being retried
    /// (`Action: delayed`, or without an action a transient 4.x.x code whose SMTP reply, when
    /// given, is transient too: `550 4.4.7 QUEUE.Expired` is the permanent failure that
    /// ends the retries).
    pub fn is_delay_notice(&self) -> bool {
        match self.action.as_deref() {
            Some(action) => action.eq_ignore_ascii_case("delayed"),
            None => {
                self.status_code
                    .as_deref()
                    .is_some_and(|c| c.starts_with('4'))
                    && self.smtp_reply.is_none_or(|reply| reply / 100 == 4)
            }
        }
    }
}
