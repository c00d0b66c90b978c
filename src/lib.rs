//! Mailflow: why did an email not arrive in a Microsoft 365 / Exchange Online organisation?
//!
//! Three rooms, arrows one way: **inputs → engine → views**.
//! - [`input`] turns bytes (an `.eml`, a `.msg`, pasted headers, a message trace in any of
//!   its export formats, an NDR) into evidence, and [`case`] groups that evidence into a
//!   [`case::Case`] of one or more messages.
//! - [`facts`] derives the structured facts of one message (journeys, hops, authentication,
//!   anti-spam verdicts, rules, status codes); [`analyzers`] explain them as findings, one
//!   analyzer a file, grouped by wizard [`step::Step`]; [`verdict`] decides the outcome and
//!   who decided it; [`engine`] runs it all into a [`diagnosis::Diagnosis`], which *is* the
//!   JSON contract other tools read.
//! - [`export`], the CLI and the GUI (feature `gui`) only render a `Diagnosis`.
//!
//! [`online`] holds the opt-in DNS checks (blocklists, SPF, DMARC, MX, PTR, DKIM keys); nothing
//! in the library opens a socket unless a caller runs them.
//!
//! Knowledge (status codes, anti-spam fields, vendor profiles, event names) is data in
//! `assets/`, embedded at build time and parsed once by [`knowledge`].
#![deny(missing_docs)]

pub mod analyzers;
pub mod case;
pub mod diagnosis;
pub mod engine;
pub mod error;
pub mod export;
pub mod facts;
pub mod input;
pub mod knowledge;
pub mod online;
pub mod outlook_drop;
pub mod step;
pub mod verdict;
pub mod words;

/// The stack of the thread that reads inputs and runs the analysis (the CLI's and the
/// window's worker): a second wall behind the parsers' nesting limits, so an input nobody
/// foresaw costs a slower run, never a stack overflow that takes the whole app down
/// (reference/reliability.md §2). Only touched pages are committed.
pub const ANALYSIS_STACK_BYTES: usize = 256 * 1024 * 1024;

#[cfg(test)]
mod testing;

#[cfg(feature = "gui")]
pub mod ui;
