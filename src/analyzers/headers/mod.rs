//! Step 4 analyzers: the Received chain, authentication, ARC, the DKIM body hash and the
//! Exchange Online anti-spam stamps, each explained for tier one.

pub mod alignment;
pub mod arc_chain;
pub mod authentication;
pub mod bounce_delivery;
pub mod bulk;
pub mod dkim_body_hash;
pub mod filter_bypass;
pub mod mailbox_delivery;
pub mod microsoft_stamps;
pub mod phish;
pub mod received_chain;
pub mod spam_verdict;
pub mod spoof;
pub mod transit_time;

use crate::analyzers::Context;
use crate::case::HeaderBlock;
use crate::facts::HeaderFacts;

/// The header facts of the message, when it has headers.
fn header_facts<'a>(cx: &'a Context<'_>) -> Option<&'a HeaderFacts> {
    cx.facts.headers.as_ref()
}

/// The header block the facts were derived from.
fn block<'a>(cx: &'a Context<'_>) -> Option<&'a HeaderBlock> {
    cx.message.headers.first().map(|h| &h.block)
}

/// `Name: value` of the first field `name`, shortened, for evidence.
fn field_line(cx: &Context<'_>, name: &str) -> Option<String> {
    let field = block(cx)?
        .fields
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case(name))?;
    let value: String = field.value.chars().take(600).collect();
    Some(format!("{}: {value}", field.name))
}

/// The evidence lines of several fields that are present.
pub(crate) fn field_lines(cx: &Context<'_>, names: &[&str]) -> Vec<String> {
    names.iter().filter_map(|n| field_line(cx, n)).collect()
}
