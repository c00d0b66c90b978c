//! Who must act for the mail to arrive next time, and the next actions grouped by it.

use super::RootCause;
use super::perimeter::{Direction, Perimeter};
use super::signals::Signals;
use crate::diagnosis::{Audience, DecidedBy, NextAction, Side, Status, WhoActs};
use crate::facts::MessageFacts;
use crate::knowledge::status_codes::CodeCategory;

/// Who must act for the mail to arrive next time: the root cause's party, else the
/// deciding layer for a placement our tenant made, else the decisive code's side read
/// against the direction (a "sender" code on mail we sent is ours).
pub(super) fn decide(
    s: &Signals<'_>,
    decided_by: DecidedBy,
    facts: &MessageFacts,
    cause: Option<&RootCause>,
    perimeter: &Perimeter,
) -> WhoActs {
    let status = s.status;
    let code = s.entry.zip(facts.decisive_code.as_ref()).map(|(e, c)| {
        (
            perimeter.code_side(e.side_for(c.generated_locally()), &c.source_line),
            e.category,
            c.from_remote || decided_by == DecidedBy::RecipientServer,
        )
    });
    let members_not_delivered = facts
        .recipients
        .iter()
        .any(|r| matches!(r.status, Status::Failed | Status::Blocked | Status::Pending));
    match cause {
        Some(RootCause::SummaryOnly) => return WhoActs::Unknown,
        Some(
            RootCause::EnhancedFilteringOff { .. }
            | RootCause::GatewayRewroteBody { .. }
            | RootCause::Threat { .. },
        ) => return WhoActs::TenantAdmin,
        Some(RootCause::SenderAuthentication { .. }) => return WhoActs::Sender,
        None => {}
    }
    let by_side = || match code {
        // Our sending side must change something (our IP's reputation, throttling of our
        // server or gateway, our authentication), whoever answered.
        Some((Side::Sender, category, _))
            if perimeter.we_sent() && category != CodeCategory::Address =>
        {
            WhoActs::TenantAdmin
        }
        // An outside server refused our mail (5.1.1 at their end, their filter).
        Some((_, _, true)) if perimeter.direction == Direction::Outbound => WhoActs::Recipient,
        Some((Side::Sender, ..)) if perimeter.we_sent() => WhoActs::User,
        Some((Side::Sender, ..)) => WhoActs::Sender,
        // The recipient's organisation is ours for mail to us: our own user mistyped an
        // address inside it, or an outside sender did.
        Some((Side::Recipient, CodeCategory::Address, _))
            if perimeter.direction == Direction::Internal =>
        {
            WhoActs::User
        }
        Some((Side::Recipient, CodeCategory::Address, _))
            if perimeter.direction == Direction::Inbound =>
        {
            WhoActs::Sender
        }
        Some((Side::Recipient | Side::Network, ..)) if perimeter.inbound() => WhoActs::TenantAdmin,
        Some((Side::Recipient | Side::Network, ..)) => WhoActs::Recipient,
        Some((Side::Tenant, ..)) => WhoActs::TenantAdmin,
        Some((Side::Microsoft365, ..)) => WhoActs::Microsoft365,
        Some((Side::Unknown, ..)) | None => WhoActs::Unknown,
    };
    match status {
        Status::Junk => match decided_by {
            DecidedBy::AllowBlockList | DecidedBy::EopSpamFilter => WhoActs::User,
            DecidedBy::Unknown => WhoActs::Unknown,
            _ => WhoActs::TenantAdmin,
        },
        Status::Quarantined => match decided_by {
            DecidedBy::Unknown => WhoActs::Unknown,
            _ => WhoActs::TenantAdmin,
        },
        Status::Blocked => match decided_by {
            DecidedBy::RecipientServer => WhoActs::Recipient,
            DecidedBy::SenderSide if !perimeter.we_sent() => WhoActs::Sender,
            DecidedBy::Unknown => by_side(),
            _ => WhoActs::TenantAdmin,
        },
        Status::Failed | Status::Pending => match decided_by {
            DecidedBy::SenderSide if perimeter.we_sent() => WhoActs::TenantAdmin,
            DecidedBy::TransportRule | DecidedBy::Dlp | DecidedBy::AllowBlockList => {
                WhoActs::TenantAdmin
            }
            _ => by_side(),
        },
        // A member's own outcome says who acts for it; a group with every member
        // delivered needs nobody.
        Status::Expanded if members_not_delivered => WhoActs::Unknown,
        Status::Delivered | Status::Expanded => WhoActs::None,
        Status::Unknown if decided_by == DecidedBy::ThirdPartyGateway => WhoActs::TenantAdmin,
        Status::Unknown => WhoActs::Unknown,
    }
}

/// Orders next actions into groups by who acts, the party that acts first on top: the
/// acting party's audience first, the others in the order they first appear, each group
/// keeping its own order.
pub(super) fn group_by_who_acts(actions: &mut [NextAction], who_acts: WhoActs) {
    let acting = match who_acts {
        WhoActs::TenantAdmin => Some(Audience::Admin),
        WhoActs::User => Some(Audience::User),
        WhoActs::Sender | WhoActs::Recipient | WhoActs::Microsoft365 => Some(Audience::Agent),
        WhoActs::None | WhoActs::Unknown => actions.first().map(|a| a.who),
    };
    let mut order: Vec<Audience> = acting.into_iter().collect();
    for action in actions.iter() {
        if !order.contains(&action.who) {
            order.push(action.who);
        }
    }
    actions.sort_by_key(|a| order.iter().position(|&o| o == a.who));
}
