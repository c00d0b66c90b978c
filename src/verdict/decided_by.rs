//! Which layer decided: the spam filter, a rule, a list, the recipient's server, the
//! sending side. For a failure or a deferral without a clearer sign, the status-code
//! table's `[[decider]]` rules say (data, not code).

use super::signals::{Signals, is_spam_word};
use crate::case::CaseMessage;
use crate::diagnosis::{DecidedBy, Side, Status};
use crate::facts::headers::FilterSkip;
use crate::facts::location::JunkNote;
use crate::facts::{Cause, Location, MessageFacts};
use crate::knowledge::Knowledge;
use crate::knowledge::status_codes::CodeCategory;

/// The layer that decided the message's outcome.
pub(super) fn decide(
    s: &Signals<'_>,
    message: &CaseMessage,
    facts: &MessageFacts,
    knowledge: &Knowledge,
) -> DecidedBy {
    let (sfv, cat, skip, scl) = (s.sfv.as_str(), s.cat.as_str(), s.skip, s.scl);
    match s.status {
        Status::Quarantined | Status::Failed | Status::Blocked if s.summary_only => {
            DecidedBy::Unknown
        }
        Status::Junk | Status::Quarantined if sfv == "BLK" => DecidedBy::AllowBlockList,
        Status::Junk if facts.location == Some(Location::Junk(JunkNote::UserSettings)) => {
            DecidedBy::AllowBlockList
        }
        Status::Junk
            if s.vendor.as_ref().is_some_and(|(_, _, w)| is_spam_word(w)) || sfv == "SKS" =>
        {
            DecidedBy::TransportRule
        }
        Status::Quarantined if cat == "MALW" => DecidedBy::EopMalwareFilter,
        Status::Junk | Status::Quarantined => DecidedBy::EopSpamFilter,
        Status::Blocked => match s.cause {
            Some(Cause::TransportRule) => DecidedBy::TransportRule,
            Some(Cause::Dlp) => DecidedBy::Dlp,
            Some(Cause::BlockList) => DecidedBy::AllowBlockList,
            Some(Cause::Malware) => DecidedBy::EopMalwareFilter,
            Some(Cause::Spam) => DecidedBy::EopSpamFilter,
            _ => DecidedBy::Unknown,
        },
        Status::Failed => match facts.decisive_code.as_ref() {
            Some(code) if code.from_remote => DecidedBy::RecipientServer,
            // Exchange Online refusing on our own tenant's settings or limits (the outbound
            // spam policy, a restricted sender, a sending limit): the sending side decided,
            // though its NDR says "Remote Server returned". A loop or a connector that no
            // longer matches is ours to fix, but not a decision of the sending side.
            Some(_)
                if s.entry.is_some_and(|entry| {
                    entry.side == Side::Tenant
                        && !matches!(entry.category, CodeCategory::Loop | CodeCategory::Routing)
                }) =>
            {
                DecidedBy::SenderSide
            }
            Some(code) => knowledge
                .status_codes
                .decider(Status::Failed, &code.code)
                .or_else(|| (!message.ndrs.is_empty()).then_some(DecidedBy::RecipientServer))
                .unwrap_or(DecidedBy::Unknown),
            None if !message.ndrs.is_empty() => DecidedBy::RecipientServer,
            None => DecidedBy::Unknown,
        },
        Status::Pending => facts
            .decisive_code
            .as_ref()
            .and_then(|c| knowledge.status_codes.decider(Status::Pending, &c.code))
            .unwrap_or(DecidedBy::Unknown),
        Status::Delivered if skip == Some(FilterSkip::Internal) => DecidedBy::None,
        Status::Delivered
            if matches!(skip, Some(FilterSkip::SafeSender | FilterSkip::AllowList)) =>
        {
            DecidedBy::AllowBlockList
        }
        Status::Delivered if sfv == "SKS" || skip == Some(FilterSkip::Rule) => {
            DecidedBy::TransportRule
        }
        // A trace's SCL -1 with no headers to say why.
        Status::Delivered if skip.is_none() && scl == Some(-1) => DecidedBy::TransportRule,
        Status::Delivered | Status::Expanded => DecidedBy::None,
        Status::Unknown if facts.recipients.iter().any(|r| r.lost_at_gateway.is_some()) => {
            DecidedBy::ThirdPartyGateway
        }
        Status::Unknown => DecidedBy::Unknown,
    }
}
