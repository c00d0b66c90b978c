//! Where a message ended up, as a type: the verdict and the analyzers ask which kind of
//! place it is (a mailbox folder, a hand-off to another server, a summary row that says
//! no more), and only the report shows the sentence. Rewording a sentence here cannot
//! change a verdict.

use std::fmt;

use super::headers::FilterSkip;

/// Where the evidence proves the message (or a recipient's copy) went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The Inbox.
    Inbox(InboxNote),
    /// The Junk Email folder.
    Junk(JunkNote),
    /// The Deleted Items folder.
    DeletedItems,
    /// A folder an inbox rule moved it to (the headers' `dest:C`).
    CustomFolder,
    /// A folder the delivery event names.
    Folder(String),
    /// Quarantine.
    Quarantine(QuarantineNote),
    /// Exchange Online handed it to another server: its part ended there.
    HandedTo(HandOffTarget),
    /// Sent on to the next server inside the service (a `Send` without a delivery).
    SentOnward,
    /// A distribution group expanded to its members.
    GroupExpanded,
    /// Not delivered.
    NotDelivered(NotDeliveredNote),
    /// Rejected by a policy (a rule, DLP, a block list, malware).
    RejectedByPolicy,
    /// Deleted without a non-delivery report (a `Drop`).
    DeletedWithoutNdr,
    /// Stopped by the malware filter.
    MalwareFilter,
    /// Still being retried.
    Retrying(RetryNote),
    /// Delivered into the recipient's mailbox (a group member's own events).
    Mailbox,
    /// Only a summary status is known.
    Summary(SummaryStatus),
    /// Filtered as spam (a summary status).
    FilteredAsSpam,
    /// The trace's status was `None` (rejected or redirected).
    NoStatus,
    /// A group member's events record no outcome.
    NoOutcome,
    /// A trace search was given and matched no message.
    TraceFoundNothing,
    /// These are the sender's own copy's headers: they do not show where it went.
    SendersCopy,
}

/// Why a message sits in the Inbox, when the evidence says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InboxNote {
    /// Delivered to the Inbox.
    Plain,
    /// Delivered to the mailbox, folder unnamed.
    Mailbox,
    /// The spam filter did not judge it.
    Skipped(FilterSkip),
    /// The spam filter judged it not spam.
    NotFiltered,
}

/// Who put a message in Junk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JunkNote {
    /// The delivery or the stamp says Junk.
    Plain,
    /// The recipient's junk email settings, not the spam filter (which said clean).
    UserSettings,
    /// The spam filter's default action; no mailbox stamp confirms it.
    DefaultSpamAction,
}

/// What says a message is in quarantine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuarantineNote {
    /// The delivery event or the summary.
    Plain,
    /// The trace's status word, as written.
    TraceStatus(String),
    /// The spam filter's category in the headers (`?` when absent); no mailbox stamp.
    HeaderCategory(String),
}

/// Whom Exchange Online handed the message to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandOffTarget {
    /// A named host, with its IP when known.
    Host {
        /// The host name.
        host: String,
        /// Its IP address.
        ip: Option<String>,
    },
    /// An IP address only.
    Ip(String),
    /// Neither named.
    ExternalServer,
    /// The receiving server a summary row names by IP (no proof it reached an inbox).
    SummaryServer(String),
    /// Outgoing mail, to the recipient's system (named by its first hop when known).
    Outgoing(Option<String>),
    /// A scanning gateway that sends mail back in, with no later journey back.
    GatewayNotBack(String),
    /// The next server outside Exchange Online (a group member's events).
    NextServer,
}

/// Why a message was not delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotDeliveredNote {
    /// A trace's failure: a report goes to the sender.
    ReportToSender,
    /// An NDR was given: the sender received it.
    SenderGotReport,
    /// A group member's events.
    Plain,
}

/// Who retries a message not delivered yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryNote {
    /// Exchange Online's queue.
    ExchangeQueue,
    /// A group member's events.
    Plain,
    /// The sending server, per a delay notice.
    DelayNotice,
}

/// A summary status without event detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SummaryStatus {
    /// `Delivered`.
    Delivered,
    /// `Failed`.
    Failed,
    /// `Pending` / `GettingStatus`.
    Pending,
}

impl Location {
    /// True when Exchange Online handed the message to another server: what happened
    /// after is that server's side to tell.
    pub fn is_hand_off(&self) -> bool {
        matches!(self, Self::HandedTo(_))
    }

    /// True when only a summary status says so: the trace detail would tell more.
    pub fn is_summary_only(&self) -> bool {
        matches!(
            self,
            Self::Summary(_) | Self::HandedTo(HandOffTarget::SummaryServer(_))
        )
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Inbox(InboxNote::Plain) => f.write_str("Inbox"),
            Self::Inbox(InboxNote::Mailbox) => f.write_str("Inbox (mailbox)"),
            Self::Inbox(InboxNote::Skipped(skip)) => write!(f, "Inbox ({})", skip_words(*skip)),
            Self::Inbox(InboxNote::NotFiltered) => f.write_str("Inbox (not filtered as spam)"),
            Self::Junk(JunkNote::Plain) => f.write_str("Junk Email folder"),
            Self::Junk(JunkNote::UserSettings) => f.write_str(
                "Junk Email folder (the recipient's junk email settings, not the spam filter)",
            ),
            Self::Junk(JunkNote::DefaultSpamAction) => f.write_str(
                "Junk Email folder (the default action for spam; no mailbox delivery stamp)",
            ),
            Self::DeletedItems => f.write_str("Deleted Items folder"),
            Self::CustomFolder => f.write_str("A custom mailbox folder (an inbox rule moved it)"),
            Self::Folder(name) => write!(f, "{name} folder"),
            Self::Quarantine(QuarantineNote::Plain) => f.write_str("Quarantine"),
            Self::Quarantine(QuarantineNote::TraceStatus(word)) => {
                write!(f, "Quarantine (trace status {word})")
            }
            Self::Quarantine(QuarantineNote::HeaderCategory(cat)) => write!(
                f,
                "Quarantine (CAT:{cat}; the headers carry no mailbox delivery stamp)"
            ),
            Self::HandedTo(target) => write!(f, "Handed to {target}"),
            Self::SentOnward => f.write_str("Sent on to the next server"),
            Self::GroupExpanded => f.write_str("Group expanded to its members"),
            Self::NotDelivered(NotDeliveredNote::ReportToSender) => {
                f.write_str("Not delivered; a non-delivery report goes to the sender")
            }
            Self::NotDelivered(NotDeliveredNote::SenderGotReport) => {
                f.write_str("Not delivered; the sender received a non-delivery report")
            }
            Self::NotDelivered(NotDeliveredNote::Plain) => f.write_str("Not delivered"),
            Self::RejectedByPolicy => f.write_str("Rejected by policy; not delivered"),
            Self::DeletedWithoutNdr => f.write_str("Deleted without a non-delivery report"),
            Self::MalwareFilter => f.write_str("Stopped by the malware filter"),
            Self::Retrying(RetryNote::ExchangeQueue) => {
                f.write_str("Queued in Exchange Online, being retried")
            }
            Self::Retrying(RetryNote::Plain) => f.write_str("Being retried"),
            Self::Retrying(RetryNote::DelayNotice) => {
                f.write_str("Delayed; the sending server keeps retrying (delay notice)")
            }
            Self::Mailbox => f.write_str("Delivered to the mailbox"),
            Self::Summary(SummaryStatus::Delivered) => {
                f.write_str("Delivered (summary status; no event detail)")
            }
            Self::Summary(SummaryStatus::Failed) => {
                f.write_str("Not delivered (summary status; no event detail)")
            }
            Self::Summary(SummaryStatus::Pending) => {
                f.write_str("Not delivered yet (summary status)")
            }
            Self::FilteredAsSpam => f.write_str("Filtered as spam"),
            Self::NoStatus => f.write_str("No status (rejected or redirected)"),
            Self::NoOutcome => f.write_str("No outcome recorded"),
            Self::TraceFoundNothing => f.write_str("The message trace matched no message"),
            Self::SendersCopy => f.write_str(
                "Sent from the sender's mailbox (these are the sender's own copy's headers: they do not show where it went)",
            ),
        }
    }
}

impl fmt::Display for HandOffTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Host { host, ip: Some(ip) } => write!(f, "{host} ({ip})"),
            Self::Host { host, ip: None } => f.write_str(host),
            Self::Ip(ip) => f.write_str(ip),
            Self::ExternalServer => f.write_str("an external server"),
            Self::SummaryServer(ip) => write!(
                f,
                "the receiving mail server at {ip} (summary status; not proof it reached an inbox)"
            ),
            Self::Outgoing(Some(by)) => write!(f, "{by} by Exchange Online (outgoing mail)"),
            Self::Outgoing(None) => {
                f.write_str("the recipient's mail system by Exchange Online (outgoing mail)")
            }
            Self::GatewayNotBack(name) => write!(
                f,
                "{name} for scanning; no later journey shows it coming back"
            ),
            Self::NextServer => f.write_str("the next server outside Exchange Online"),
        }
    }
}

/// Why the spam filter did not judge a message, as the Inbox's parenthesis.
fn skip_words(skip: FilterSkip) -> &'static str {
    match skip {
        FilterSkip::Internal => "internal mail: not spam-filtered",
        FilterSkip::Rule => "a mail flow rule bypassed spam filtering",
        FilterSkip::SafeSender => "the sender is on the user's Safe Senders list",
        FilterSkip::AllowList => "an allow list let it skip spam filtering",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_offs_and_summaries_are_known_by_kind_not_by_wording() {
        let summary = Location::HandedTo(HandOffTarget::SummaryServer("192.0.2.1".into()));
        assert!(summary.is_hand_off() && summary.is_summary_only());
        assert!(!Location::Inbox(InboxNote::Plain).is_hand_off());
        assert!(Location::Summary(SummaryStatus::Failed).is_summary_only());
        assert!(!Location::Junk(JunkNote::UserSettings).is_summary_only());
    }

    #[test]
    fn sentences_read_as_the_reports_always_did() {
        let host = Location::HandedTo(HandOffTarget::Host {
            host: "mx.example.net".into(),
            ip: Some("198.51.100.7".into()),
        });
        assert_eq!(host.to_string(), "Handed to mx.example.net (198.51.100.7)");
        assert_eq!(
            Location::Inbox(InboxNote::Skipped(FilterSkip::Rule)).to_string(),
            "Inbox (a mail flow rule bypassed spam filtering)"
        );
        assert_eq!(
            Location::Folder("Archive".into()).to_string(),
            "Archive folder"
        );
    }
}
