//! Message-trace records and events, normalised from every trace format.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// The format a trace record was read from; analyzers use it to know what a format can and
/// cannot say (a summary row has no events, a console table may cut addresses short).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TraceFormat {
    /// EAC details flyout, "Copy report text".
    EacCopyText,
    /// EAC "Export results" summary CSV.
    EacExportCsv,
    /// Historical search enhanced summary report (CSV).
    EnhancedSummaryCsv,
    /// Historical search extended report (CSV, one row per event).
    ExtendedReportCsv,
    /// `Get-MessageTrace(V2) | Export-Csv`.
    PsTraceCsv,
    /// `Get-MessageTraceDetail(V2) | Export-Csv`.
    PsDetailCsv,
    /// `Get-MessageTrace(V2)` console table.
    PsTraceTable,
    /// `Get-MessageTrace(V2) | Format-List`.
    PsTraceList,
    /// `Get-MessageTraceDetail(V2)` console table.
    PsDetailTable,
    /// `Get-MessageTraceDetail(V2) | Format-List`.
    PsDetailList,
    /// Microsoft Graph `messageTraces` list.
    GraphTraceList,
    /// Microsoft Graph `getDetailsByRecipient`.
    GraphDetails,
    /// Exchange Server `MSGTRK*.log` file.
    TrackingLogFile,
    /// `Get-MessageTrackingLog` console output.
    TrackingLogCmdlet,
}

/// A trace event, with localised and tracking-log names mapped to one vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    /// Accepted by Exchange (from the internet, a connector or a mailbox).
    Receive,
    /// Mailbox submission handed to transport.
    Submit,
    /// Sent between Exchange servers.
    Send,
    /// Left Exchange Online for an external host (MX, smart host, gateway).
    SendExternal,
    /// Delivered to a mailbox folder.
    Deliver,
    /// Delivery postponed; will be retried.
    Defer,
    /// Delivery failed; an NDR goes to the sender.
    Fail,
    /// Removed without an NDR.
    Drop,
    /// A distribution group was expanded.
    Expand,
    /// Recipient rewritten by directory lookup.
    Resolve,
    /// Sent to an alternate recipient.
    Redirect,
    /// Recipients moved to a forked copy.
    Transfer,
    /// A journal report was generated.
    Journal,
    /// Anti-spam verdict recorded.
    Spam,
    /// Malware detected.
    Malware,
    /// A mail flow (transport) rule matched.
    TransportRule,
    /// A DLP rule matched.
    DlpRule,
    /// A delivery status notification was generated.
    Dsn,
    /// Agent information (tracking logs).
    AgentInfo,
    /// Any other event; its name is kept verbatim in [`TraceEvent::name`].
    Other,
}

impl EventKind {
    /// The English EAC name of the event.
    pub fn label(self) -> &'static str {
        match self {
            Self::Receive => "Receive",
            Self::Submit => "Submit",
            Self::Send => "Send",
            Self::SendExternal => "Send external",
            Self::Deliver => "Deliver",
            Self::Defer => "Defer",
            Self::Fail => "Fail",
            Self::Drop => "Drop",
            Self::Expand => "Expand",
            Self::Resolve => "Resolve",
            Self::Redirect => "Redirect",
            Self::Transfer => "Transfer",
            Self::Journal => "Journal",
            Self::Spam => "Spam",
            Self::Malware => "Malware",
            Self::TransportRule => "Transport rule",
            Self::DlpRule => "DLP rule",
            Self::Dsn => "DSN",
            Self::AgentInfo => "Agent info",
            Self::Other => "Other",
        }
    }
}

/// One event of a trace record.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceEvent {
    /// When, with the offset the input gave (a trace's `Date (UTC-05:00)` header, or UTC).
    pub time: Option<DateTime<FixedOffset>>,
    /// The time exactly as the input wrote it.
    pub time_raw: String,
    /// The normalised event.
    pub kind: EventKind,
    /// The event name exactly as the input wrote it (localised names stay visible).
    pub name: String,
    /// The `Action` column, where the format has one.
    pub action: Option<String>,
    /// The detail text, kept verbatim (HTML in it is text, never markup).
    pub detail: String,
    /// Key/value data: the `Data` MEP XML pairs, `custom_data` items, extra columns.
    pub data: Vec<(String, String)>,
}

impl TraceEvent {
    /// A new event with no action and no data.
    pub fn new(
        time: Option<DateTime<FixedOffset>>,
        time_raw: impl Into<String>,
        kind: EventKind,
        name: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            time,
            time_raw: time_raw.into(),
            kind,
            name: name.into(),
            action: None,
            detail: detail.into(),
            data: Vec::new(),
        }
    }

    /// The first data value under `key` (case-insensitive; custom data's `S:` prefix is
    /// optional, so `MailboxFolder` finds `S:MailboxFolder`).
    pub fn data_value(&self, key: &str) -> Option<&str> {
        self.data
            .iter()
            .find(|(k, _)| {
                k.eq_ignore_ascii_case(key)
                    || k.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("S:"))
                        && k.get(2..)
                            .is_some_and(|rest| rest.eq_ignore_ascii_case(key))
            })
            .map(|(_, v)| v.as_str())
    }
}

/// The outcome a summary format gives one recipient of a message (enhanced summary
/// `recipient_status`, tracking-log recipient lists).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecipientEvents {
    /// The recipient address.
    pub recipient: String,
    /// The events the summary lists for that recipient, in order.
    pub events: Vec<EventKind>,
    /// The per-recipient status text, when the format gives one (`250 2.1.5 …`).
    pub status_text: Option<String>,
}

/// One trace record: one journey of one message through Exchange, for one recipient (or a
/// group). A message relayed to a gateway and back has two records with the same
/// Message-ID.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceRecord {
    /// Where it was read from.
    pub format: TraceFormat,
    /// Position of the record in its input (0-based), for evidence lines.
    pub index: usize,
    /// The Internet Message-ID, as given (angle brackets kept when present).
    pub message_id: Option<String>,
    /// MessageTraceId / Network Message ID.
    pub trace_id: Option<String>,
    /// Envelope sender.
    pub sender: Option<String>,
    /// The recipient(s) of this record.
    pub recipients: Vec<String>,
    /// Subject.
    pub subject: Option<String>,
    /// When the service received it.
    pub received: Option<DateTime<FixedOffset>>,
    /// The summary status exactly as written (`Delivered`, `FilteredAsSpam`, `failed`, …).
    pub status_raw: Option<String>,
    /// The EAC journey line (`Received -> Processed -> Delivered`).
    pub journey_line: Option<String>,
    /// The EAC status sentence.
    pub status_sentence: Option<String>,
    /// The EAC "More information" HTML, kept as text.
    pub more_info: Option<String>,
    /// Connecting IP (FromIP).
    pub from_ip: Option<String>,
    /// Destination IP (ToIP).
    pub to_ip: Option<String>,
    /// Size in bytes.
    pub size_bytes: Option<u64>,
    /// Connector name, where the format gives one.
    pub connector: Option<String>,
    /// Direction (`Incoming`, `Originating`, `1`, `2`, …) as given.
    pub directionality: Option<String>,
    /// Events, in input order.
    pub events: Vec<TraceEvent>,
    /// Per-recipient event lists from summary formats (group members after expansion).
    pub recipient_events: Vec<RecipientEvents>,
    /// Fields the format had that were truncated by the console (`nestor.wilke@contoso...`).
    pub truncated_fields: Vec<String>,
    /// Rows of the same export left out because they were cut short (fewer values than
    /// the header has columns), by row number (the header is row 1): the rest was read.
    pub skipped_rows: Vec<usize>,
}

impl TraceRecord {
    /// An empty record of `format`.
    pub fn new(format: TraceFormat, index: usize) -> Self {
        Self {
            format,
            index,
            message_id: None,
            trace_id: None,
            sender: None,
            recipients: Vec::new(),
            subject: None,
            received: None,
            status_raw: None,
            journey_line: None,
            status_sentence: None,
            more_info: None,
            from_ip: None,
            to_ip: None,
            size_bytes: None,
            connector: None,
            directionality: None,
            events: Vec::new(),
            recipient_events: Vec::new(),
            truncated_fields: Vec::new(),
            skipped_rows: Vec::new(),
        }
    }

    /// The time of the first event, or the received time.
    pub fn start_time(&self) -> Option<DateTime<FixedOffset>> {
        self.events.iter().find_map(|e| e.time).or(self.received)
    }
}

/// A trace search that matched nothing: an export or console output with its column header
/// and no rows (or cut inside the header), or a trace cmdlet that printed nothing. It is
/// evidence too: the search ran and found no message, so the agent must widen it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmptyTrace {
    /// The format whose header was read.
    pub format: TraceFormat,
    /// The input it came from (filled in when the case is grouped).
    pub input: String,
    /// The cmdlet the paste shows running (`Get-MessageTrace`, `Get-MessageTraceV2`, …).
    pub cmdlet: Option<String>,
    /// The parameters the paste or export shows (`StartDate`, `SenderAddress`, …), as given.
    pub parameters: Vec<(String, String)>,
}

impl EmptyTrace {
    /// An empty search read from `format`, with nothing known about how it was run.
    pub fn new(format: TraceFormat) -> Self {
        Self {
            format,
            input: String::new(),
            cmdlet: None,
            parameters: Vec::new(),
        }
    }

    /// The value of a parameter (`StartDate`, any case, with or without the dash).
    pub fn parameter(&self, name: &str) -> Option<&str> {
        let name = name.trim_start_matches('-');
        self.parameters
            .iter()
            .find(|(k, _)| k.trim_start_matches('-').eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// True when the search ran through the V1 cmdlets, which only reach 10 days back.
    pub fn is_v1(&self) -> bool {
        self.cmdlet.as_deref().is_some_and(|c| {
            c.eq_ignore_ascii_case("Get-MessageTrace")
                || c.eq_ignore_ascii_case("Get-MessageTraceDetail")
        })
    }
}
