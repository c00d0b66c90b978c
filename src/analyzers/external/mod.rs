//! Step 5 analyzers: factors outside Microsoft 365. Offline, from the inputs: status-code
//! explanations, throttling and retries, reputation hints in the headers, DNS errors the
//! inputs report. Online, only when the user switched the checks on: blocklists, SPF,
//! DMARC, MX, reverse DNS, DKIM keys and the DNS failures met on the way.

pub mod blocklists;
pub mod bounce_recipients;
pub mod dkim_keys;
pub mod dmarc_record;
pub mod dns_errors;
pub mod dns_failures;
pub mod mx_records;
pub mod reputation;
pub mod reverse_dns;
pub mod spf_record;
pub mod status_code;
pub mod throttling;

use crate::diagnosis::Side;

/// Whose side a code is on, in words.
fn side_words(side: Side) -> &'static str {
    match side {
        Side::Sender => "the sender's side",
        Side::Recipient => "the recipient's side",
        Side::Tenant => "this tenant's configuration",
        Side::Microsoft365 => "Microsoft 365 itself (or Microsoft support)",
        Side::Network => "the network or DNS of the destination",
        Side::Unknown => "no single side",
    }
}

/// Runs one analyzer on a message with no evidence and the given online results, so the
/// online analyzers can be tested on results built by hand.
#[cfg(test)]
fn run_online(
    analyzer: &dyn crate::analyzers::Analyzer,
    online: &crate::facts::online::OnlineResults,
) -> Vec<crate::diagnosis::Finding> {
    crate::testing::Scenario::empty()
        .with_online(online.clone())
        .run(analyzer)
}
