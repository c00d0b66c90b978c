//! Results of the opt-in online checks (DNS blocklists, SPF/DMARC/MX/PTR/DKIM records).

/// What the online checks found; present only when the user switched them on.
#[derive(Clone, Debug, Default)]
pub struct OnlineResults {
    /// One line per check, for now.
    pub lines: Vec<String>,
}
