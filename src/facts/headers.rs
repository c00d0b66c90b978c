//! What a header block proves: the Received chain, authentication results and the
//! anti-spam verdict.

use crate::case::MessageHeaders;
use crate::diagnosis::{Antispam, Authentication, Hop, Status};

/// Facts derived from one message's headers.
#[derive(Clone, Debug, Default)]
pub struct HeaderFacts {
    /// Received hops, oldest first.
    pub hops: Vec<Hop>,
    /// Authentication results as Microsoft 365 recorded them.
    pub authentication: Authentication,
    /// Anti-spam verdict fields.
    pub antispam: Antispam,
    /// Where the headers prove the message was placed (`dest:J` → Junk, a quarantine
    /// stamp, …), used when no trace says so.
    pub placement: Option<(Status, String)>,
}

/// Derives the header facts of `headers`.
pub fn derive(headers: &MessageHeaders) -> HeaderFacts {
    let _ = headers;
    HeaderFacts::default()
}
