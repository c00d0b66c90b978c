//! The case: every input the user gave, turned into evidence and grouped by message.
//!
//! A [`Case`] holds one [`CaseMessage`] per distinct message the inputs describe; a trace,
//! the `.eml` and the NDR of the same message land in the same `CaseMessage`
//! ([`correlate`]), inputs about different messages stay apart.

pub mod correlate;
pub mod headers;
pub mod ndr;
pub mod trace;

use serde::{Deserialize, Serialize};

pub use headers::{HeaderBlock, HeaderField, HeaderSource, MessageHeaders};
pub use ndr::{NdrReport, RecipientFailure};
pub use trace::{EmptyTrace, EventKind, RecipientEvents, TraceEvent, TraceFormat, TraceRecord};

/// The kind of an input, as the JSON contract names it. Detected from content, never from
/// the file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// An RFC 5322 message (`.eml`).
    Eml,
    /// An Outlook `.msg` compound file.
    Msg,
    /// A pasted internet-header block.
    Headers,
    /// Exchange admin center "Copy report text".
    TraceText,
    /// A message-trace CSV export (PowerShell, historical reports, EAC export).
    TraceCsv,
    /// Console output of the trace cmdlets (Format-List / Format-Table).
    TracePowershell,
    /// Microsoft Graph message-trace JSON.
    TraceGraph,
    /// Exchange Server message tracking log or `Get-MessageTrackingLog` output.
    TrackingLog,
    /// A pasted non-delivery report body.
    NdrText,
}

impl InputKind {
    /// The contract's name of the kind (`trace-text`, `eml`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eml => "eml",
            Self::Msg => "msg",
            Self::Headers => "headers",
            Self::TraceText => "trace-text",
            Self::TraceCsv => "trace-csv",
            Self::TracePowershell => "trace-powershell",
            Self::TraceGraph => "trace-graph",
            Self::TrackingLog => "tracking-log",
            Self::NdrText => "ndr-text",
        }
    }

    /// A phrase for people ("message trace CSV").
    pub fn describe(self) -> &'static str {
        match self {
            Self::Eml => "email message (.eml)",
            Self::Msg => "Outlook message (.msg)",
            Self::Headers => "internet headers",
            Self::TraceText => "message trace (admin center report text)",
            Self::TraceCsv => "message trace (CSV export)",
            Self::TracePowershell => "message trace (PowerShell output)",
            Self::TraceGraph => "message trace (Microsoft Graph JSON)",
            Self::TrackingLog => "message tracking log (Exchange Server)",
            Self::NdrText => "non-delivery report",
        }
    }
}

/// What is known about one input file or paste, for the report's "built from" list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputInfo {
    /// Base name of the file, or "pasted text N".
    pub name: String,
    /// Detected kind.
    pub kind: InputKind,
    /// Size of the raw bytes.
    pub size_bytes: u64,
    /// SHA-256 of the raw bytes, lower-case hex, so an escalation can prove what was read.
    pub sha256: String,
}

/// One piece of evidence read from an input.
#[derive(Clone, Debug)]
pub enum Evidence {
    /// One trace record: one journey of one message to one recipient (or a group).
    Trace(TraceRecord),
    /// The headers (and perhaps the body) of a message.
    Headers(MessageHeaders),
    /// A non-delivery report.
    Ndr(NdrReport),
    /// A trace search that found no message (a header without rows).
    EmptyTrace(EmptyTrace),
}

/// An input after parsing: what it was and what it says.
#[derive(Clone, Debug)]
pub struct ParsedInput {
    /// Name, kind, size, hash.
    pub info: InputInfo,
    /// The evidence, in input order.
    pub evidence: Vec<Evidence>,
}

/// Everything the inputs say about one message.
#[derive(Clone, Debug, Default)]
pub struct CaseMessage {
    /// The Internet Message-ID, angle brackets included, when any input gives it.
    pub message_id: Option<String>,
    /// Trace records (journeys), in input order.
    pub traces: Vec<TraceRecord>,
    /// Header sets (from `.eml`, `.msg`, pasted headers).
    pub headers: Vec<MessageHeaders>,
    /// Non-delivery reports about this message.
    pub ndrs: Vec<NdrReport>,
    /// Trace searches of the case that found no message.
    pub empty_traces: Vec<EmptyTrace>,
    /// Names of the inputs that contributed, for evidence lines.
    pub sources: Vec<String>,
}

/// All inputs of one diagnosis, grouped into messages.
#[derive(Clone, Debug, Default)]
pub struct Case {
    /// Every input, in the order given.
    pub inputs: Vec<InputInfo>,
    /// One entry per distinct message, in input order.
    pub messages: Vec<CaseMessage>,
}

impl Case {
    /// Groups the evidence of parsed inputs into messages (see [`correlate`]).
    pub fn from_inputs(inputs: Vec<ParsedInput>) -> Self {
        let infos = inputs.iter().map(|i| i.info.clone()).collect();
        Self {
            inputs: infos,
            messages: correlate::group(inputs),
        }
    }
}
