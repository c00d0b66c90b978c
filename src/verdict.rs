//! The verdict: the final status, where the message ended, which layer decided, the chain
//! of decisions that proves it, and what to do next. Decided from the facts of every input
//! together: the trace says where it went, the headers say why.

pub mod perimeter;

use crate::case::CaseMessage;
use crate::diagnosis::{Audience, DecidedBy, NextAction, Side, Status, Verdict, WhoActs};
use crate::facts::headers::FilterSkip;
use crate::facts::location::JunkNote;
use crate::facts::{Cause, CodeSeen, Location, MessageFacts};
use crate::knowledge::Knowledge;
use crate::knowledge::status_codes::{CodeCategory, rfc3463};
use perimeter::Direction;

/// The verdict with its reasons.
#[derive(Clone, Debug, Default)]
pub struct Decision {
    /// Status, location, deciding layer, headline.
    pub verdict: Verdict,
    /// Each decision that led to the outcome, in order.
    pub chain: Vec<String>,
    /// Next actions per audience.
    pub next_actions: Vec<NextAction>,
    /// Our perimeter as the evidence shows it.
    pub perimeter: perimeter::Perimeter,
    /// The one decisive cause, when the evidence names one beyond the deciding layer.
    pub root_cause: Option<RootCause>,
}

/// A vendor's verdict rule that fired in the deciding journey (`IPW Processed SPAM`).
fn vendor_verdict(facts: &MessageFacts, knowledge: &Knowledge) -> Option<(String, String, String)> {
    let last_journey = facts.journeys.len();
    facts
        .rule_firings
        .iter()
        .filter(|f| f.journey == last_journey)
        .find_map(|f| {
            knowledge.vendors.profiles.iter().find_map(|p| {
                let caps = p.verdict_rule.as_ref()?.captures(&f.name)?;
                let verdict = caps.name("verdict")?.as_str().to_owned();
                Some((p.display_name.clone(), f.name.clone(), verdict))
            })
        })
}

fn is_spam_word(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    [
        "spam",
        "phish",
        "bulk",
        "malicious",
        "junk",
        "suspicious",
        "malware",
    ]
    .iter()
    .any(|s| w.contains(s))
}

/// Decides the verdict of one message.
pub fn decide(message: &CaseMessage, facts: &MessageFacts, knowledge: &Knowledge) -> Decision {
    let status = facts.status;
    let antispam = facts.headers.as_ref().map(|h| &h.antispam);
    let sfv = antispam
        .and_then(|a| a.sfv.clone())
        .unwrap_or_default()
        .to_ascii_uppercase();
    let cat = antispam
        .and_then(|a| a.cat.clone())
        .unwrap_or_default()
        .to_ascii_uppercase();
    let scl = antispam
        .and_then(|a| a.scl)
        .or_else(|| facts.journeys.iter().rev().find_map(|j| j.scl));
    let skip = facts.headers.as_ref().and_then(|h| h.spam.filter_skip());
    let vendor = vendor_verdict(facts, knowledge);
    // The decisive code's table entry, looked up once for the deciding layer, the headline
    // and the code's own fix.
    let entry = facts.decisive_code.as_ref().and_then(|code| {
        knowledge
            .status_codes
            .lookup_in(&code.code, &code.source_line)
    });
    let final_journey = facts
        .recipients
        .iter()
        .max_by_key(|r| r.status.weight())
        .and_then(|r| r.journey)
        .and_then(|j| facts.journeys.get(j));
    let cause = final_journey.and_then(|j| j.cause);
    // A trace summary row alone ("Quarantined", "Failed") names no layer: no event, header
    // or bounce says who decided.
    let summary_only = facts.headers.is_none()
        && message.ndrs.is_empty()
        && final_journey
            .and_then(|j| message.traces.get(j.record))
            .is_some_and(|r| r.events.is_empty());
    let mut chain = Vec::new();

    if let Some(first) = facts.journeys.first()
        && let Some(time) = first.start
    {
        chain.push(format!(
            "Received by Exchange Online at {}",
            time.to_rfc3339()
        ));
    }
    for journey in &facts.journeys {
        if let Some(hand) = &journey.hand_off
            && let Some(vendor) = hand.vendor.as_deref()
        {
            let name = knowledge
                .vendors
                .profiles
                .iter()
                .find(|p| p.id == vendor)
                .map_or(vendor, |p| p.display_name.as_str());
            chain.push(format!(
                "A mail flow rule{} sent it to {name} for scanning",
                hand.rule
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ));
        }
    }
    if let Some((vendor_name, rule, word)) = &vendor {
        chain.push(format!(
            "{vendor_name} judged it {word} and returned it; rule '{rule}' recorded the verdict"
        ));
    }

    let decided_by = match status {
        Status::Quarantined | Status::Failed | Status::Blocked if summary_only => {
            DecidedBy::Unknown
        }
        Status::Junk | Status::Quarantined if sfv == "BLK" => DecidedBy::AllowBlockList,
        Status::Junk if facts.location == Some(Location::Junk(JunkNote::UserSettings)) => {
            DecidedBy::AllowBlockList
        }
        Status::Junk
            if vendor.as_ref().is_some_and(|(_, _, w)| is_spam_word(w)) || sfv == "SKS" =>
        {
            DecidedBy::TransportRule
        }
        Status::Quarantined if cat == "MALW" => DecidedBy::EopMalwareFilter,
        Status::Junk | Status::Quarantined => DecidedBy::EopSpamFilter,
        Status::Blocked => match cause {
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
                if entry.is_some_and(|entry| {
                    entry.side == Side::Tenant
                        && !matches!(entry.category, CodeCategory::Loop | CodeCategory::Routing)
                }) =>
            {
                DecidedBy::SenderSide
            }
            Some(code) if code.code.starts_with("5.1.") || code.code == "5.5.0" => {
                DecidedBy::RecipientServer
            }
            Some(code) if code.code.starts_with("5.7.") => DecidedBy::RecipientServer,
            Some(code) if code.code == "4.4.7" || code.code.starts_with("5.4.") => {
                DecidedBy::RecipientServer
            }
            _ if !message.ndrs.is_empty() => DecidedBy::RecipientServer,
            _ => DecidedBy::Unknown,
        },
        Status::Pending => match facts.decisive_code.as_ref().map(|c| c.code.as_str()) {
            Some("4.7.721") => DecidedBy::EopMalwareFilter,
            Some(c)
                if c.starts_with("4.7.5") || c.starts_with("4.7.6") || c.starts_with("4.7.8") =>
            {
                DecidedBy::RecipientServer
            }
            Some(_) => DecidedBy::RecipientServer,
            None => DecidedBy::Unknown,
        },
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
    };

    match status {
        Status::Junk | Status::Quarantined => {
            let mut words = Vec::new();
            if let Some(scl) = scl {
                words.push(format!("SCL {scl}"));
            }
            if !sfv.is_empty() {
                words.push(format!("SFV:{sfv}"));
            }
            if !cat.is_empty() {
                words.push(format!("CAT:{cat}"));
            }
            let basis = if words.is_empty() {
                String::new()
            } else {
                format!(" ({})", words.join(", "))
            };
            chain.push(format!(
                "{} sent it to {}{basis}",
                decided_by_actor(decided_by),
                if status == Status::Junk {
                    "the Junk Email folder"
                } else {
                    "quarantine"
                }
            ));
        }
        Status::Blocked | Status::Failed | Status::Pending => {
            if let Some(code) = &facts.decisive_code {
                // The sending side refuses before any server answers.
                let verb = if decided_by == DecidedBy::SenderSide {
                    "refused it with"
                } else {
                    "answered"
                };
                chain.push(format!(
                    "{} {verb} {}",
                    decided_by_actor(decided_by),
                    code_words(code)
                ));
            }
        }
        Status::Delivered => {
            if let Some(location) = &facts.location {
                chain.push(format!("Final event: {location}"));
            }
        }
        Status::Expanded | Status::Unknown => {
            if let Some(location) = &facts.location {
                chain.push(location.to_string());
            }
        }
    }

    let meaning = facts
        .decisive_code
        .as_ref()
        .map(|code| entry.map_or_else(|| rfc3463(&code.code).meaning, |e| e.meaning.clone()));
    let perimeter = perimeter::derive(message, facts, knowledge);
    let root_cause = root_cause(
        status,
        decided_by,
        &cat,
        facts,
        &perimeter,
        summary_only,
        knowledge,
    );
    let headline = headline(
        status,
        decided_by,
        facts,
        meaning,
        vendor.as_ref(),
        root_cause.as_ref(),
    );
    let code = facts.decisive_code.as_ref();
    let handed_off = facts.location.as_ref().is_some_and(Location::is_hand_off);
    // The code's own fix first: the table's actions know the outcome, not the code. A
    // block by a known layer (a rule, DLP, a list) has the table's own advice for it.
    let code_fix = code
        .filter(|_| {
            matches!(status, Status::Failed | Status::Pending)
                || status == Status::Blocked && decided_by == DecidedBy::Unknown
        })
        .and_then(|code| {
            let entry = entry?;
            (!entry.fix.is_empty()).then(|| NextAction {
                who: Audience::Agent,
                text: format!("For {}: {}", code.code, entry.fix),
            })
        });
    let mut next_actions = knowledge.next_actions.for_outcome(
        status,
        decided_by,
        code.map(|c| c.code.as_str()),
        handed_off,
        code_fix.is_some(),
        root_cause.as_ref().map(RootCause::id),
    );
    if let Some(fix) = code_fix {
        next_actions.insert(0, fix);
    }
    let who_acts = who_acts(
        status,
        decided_by,
        entry.zip(code).map(|(e, c)| {
            (
                perimeter.code_side(e.side_for(c.generated_locally()), &c.source_line),
                e.category,
                c.from_remote || decided_by == DecidedBy::RecipientServer,
            )
        }),
        root_cause.as_ref(),
        &perimeter,
        facts
            .recipients
            .iter()
            .any(|r| matches!(r.status, Status::Failed | Status::Blocked | Status::Pending)),
    );
    // The root cause's own action leads, addressed to whoever acts.
    if let Some(cause) = &root_cause {
        let fill = |text: &str| cause.fill(text, &perimeter);
        let mut leading = knowledge.next_actions.for_cause(cause.id(), fill);
        leading.append(&mut next_actions);
        next_actions = leading;
    }
    group_by_who_acts(&mut next_actions, who_acts);
    Decision {
        verdict: Verdict {
            status,
            location: facts.location.as_ref().map(ToString::to_string),
            decided_by,
            headline,
            who_acts,
        },
        chain,
        next_actions,
        perimeter,
        root_cause,
    }
}

/// The one decisive cause of a verdict beyond the layer that decided: it becomes the
/// headline's reason and the first next action, addressed to whoever acts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootCause {
    /// Behind our gateway with Enhanced Filtering for Connectors off, Exchange Online
    /// checked SPF against the gateway's IP and it failed.
    EnhancedFilteringOff {
        /// The gateway's name.
        gateway: String,
    },
    /// Our gateway changed the body after the sender signed it, so DKIM failed.
    GatewayRewroteBody {
        /// The gateway's name.
        gateway: String,
    },
    /// A phishing, high-confidence phishing or malware verdict (`CAT:PHSH`, `HPHSH`,
    /// `MALW`): released only after an admin review.
    Threat {
        /// The category as stamped.
        category: String,
        /// What it means ("High-confidence phishing").
        name: String,
    },
    /// The sender's own SPF, DKIM or DMARC failed outside our perimeter.
    SenderAuthentication {
        /// The methods that failed (`SPF`, `DMARC`).
        failed: Vec<String>,
    },
    /// A trace summary row alone: no detail says which layer decided.
    SummaryOnly,
}

impl RootCause {
    /// The id next actions are keyed by in `next_actions.toml`.
    pub fn id(&self) -> &'static str {
        match self {
            Self::EnhancedFilteringOff { .. } => "enhanced-filtering-off",
            Self::GatewayRewroteBody { .. } => "gateway-rewrote-body",
            Self::Threat { .. } => "threat",
            Self::SenderAuthentication { .. } => "sender-authentication",
            Self::SummaryOnly => "summary-only",
        }
    }

    /// Fills an action's placeholders: `{gateway}`, `{sender}`, `{category}`.
    fn fill(&self, text: &str, perimeter: &perimeter::Perimeter) -> String {
        let gateway = match self {
            Self::EnhancedFilteringOff { gateway } | Self::GatewayRewroteBody { gateway } => {
                gateway.as_str()
            }
            _ => perimeter
                .gateway
                .as_ref()
                .map_or("the gateway", |g| g.display_name.as_str()),
        };
        let sender = perimeter.sender_ip.as_deref().map_or_else(
            || "the original sender".to_owned(),
            |ip| format!("the original sender ({ip})"),
        );
        let category = match self {
            Self::Threat { category, name } => format!("{name} (CAT:{category})"),
            _ => String::new(),
        };
        text.replace("{gateway}", gateway)
            .replace("{sender}", &sender)
            .replace("{category}", &category)
    }
}

/// Categories that are threats, not spam: released only after an admin review.
const THREAT_CATEGORIES: &[&str] = &["PHSH", "HPHSH", "HPHISH", "MALW"];

/// Ranks what the evidence shows into the one decisive cause.
fn root_cause(
    status: Status,
    decided_by: DecidedBy,
    cat: &str,
    facts: &MessageFacts,
    perimeter: &perimeter::Perimeter,
    summary_only: bool,
    knowledge: &Knowledge,
) -> Option<RootCause> {
    if summary_only && decided_by == DecidedBy::Unknown {
        return Some(RootCause::SummaryOnly);
    }
    let filtered = matches!(status, Status::Junk | Status::Quarantined | Status::Blocked);
    if !filtered {
        return None;
    }
    if THREAT_CATEGORIES.contains(&cat) {
        let name = knowledge
            .antispam
            .decode("X-Forefront-Antispam-Report", "CAT", cat)
            .value_meaning
            .map_or_else(|| cat.to_owned(), |m| m.trim_end_matches('.').to_owned());
        return Some(RootCause::Threat {
            category: cat.to_owned(),
            name,
        });
    }
    // Only a filter's verdict can be caused by authentication; a rule or a list decided on
    // its own terms.
    if !matches!(
        decided_by,
        DecidedBy::EopSpamFilter | DecidedBy::QuarantinePolicy
    ) {
        return None;
    }
    if let Some(gateway) = &perimeter.gateway {
        if perimeter.spf_against_gateway {
            return Some(RootCause::EnhancedFilteringOff {
                gateway: gateway.display_name.clone(),
            });
        }
        if perimeter.body_rewritten_by_gateway {
            return Some(RootCause::GatewayRewroteBody {
                gateway: gateway.display_name.clone(),
            });
        }
    }
    let headers = facts.headers.as_ref()?;
    if perimeter.we_sent() || headers.spam.internal() {
        return None;
    }
    let auth = &headers.authentication;
    let failed: Vec<String> = [
        ("SPF", &auth.spf),
        ("DKIM", &auth.dkim),
        ("DMARC", &auth.dmarc),
    ]
    .into_iter()
    .filter(|(_, r)| {
        r.as_deref()
            .is_some_and(|r| matches!(r, "fail" | "softfail" | "permerror"))
    })
    .map(|(m, _)| m.to_owned())
    .collect();
    let decisive = auth.dmarc.as_deref() == Some("fail")
        || auth.compauth.as_deref() == Some("fail")
        || failed.iter().any(|m| m == "SPF");
    (decisive && !failed.is_empty()).then_some(RootCause::SenderAuthentication { failed })
}

/// Who must act for the mail to arrive next time: the root cause's party, else the
/// deciding layer for a placement our tenant made, else the decisive code's side read
/// against the direction (a "sender" code on mail we sent is ours).
fn who_acts(
    status: Status,
    decided_by: DecidedBy,
    code: Option<(Side, CodeCategory, bool)>,
    cause: Option<&RootCause>,
    perimeter: &perimeter::Perimeter,
    members_not_delivered: bool,
) -> WhoActs {
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
fn group_by_who_acts(actions: &mut [NextAction], who_acts: WhoActs) {
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

fn decided_by_actor(by: DecidedBy) -> String {
    let label = by.label();
    let mut chars = label.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

fn code_words(code: &CodeSeen) -> String {
    let reply = code.reply.map(|r| format!("{r} ")).unwrap_or_default();
    let text = if code.text.is_empty() {
        String::new()
    } else {
        format!(" {}", code.text)
    };
    format!("{reply}{}{text}", code.code)
}

/// " for a@x", " for 3 recipients", or " for a@x (1 of 3 recipients)" when only some
/// recipients have the verdict's status.
fn recipients_phrase(facts: &MessageFacts, status: Status) -> String {
    let all = facts.recipients.len();
    let with: Vec<&str> = facts
        .recipients
        .iter()
        .filter(|r| r.status == status && !r.recipient.is_empty())
        .map(|r| r.recipient.as_str())
        .collect();
    let named = facts.recipients.iter().any(|r| !r.recipient.is_empty());
    match (with.as_slice(), all) {
        (_, 0) => String::new(),
        _ if !named => String::new(),
        ([one], 1) => format!(" for {one}"),
        ([one], _) => format!(" for {one} (1 of {all} recipients)"),
        ([], _) => format!(" for {all} recipients"),
        (some, _) if some.len() == all => format!(" for {all} recipients"),
        (some, _) => format!(" for {} of {all} recipients", some.len()),
    }
}

/// A location written to stand alone ("A custom mailbox folder …") as it reads inside a
/// sentence: a leading article in lower case; names ("Inbox", "Junk Email folder") as they
/// are.
fn mid_sentence(location: &str) -> String {
    match location.split_once(' ') {
        Some((article @ ("A" | "An" | "The"), rest)) => {
            format!("{} {rest}", article.to_ascii_lowercase())
        }
        _ => location.to_owned(),
    }
}

fn headline(
    status: Status,
    decided_by: DecidedBy,
    facts: &MessageFacts,
    meaning: Option<String>,
    vendor: Option<&(String, String, String)>,
    cause: Option<&RootCause>,
) -> String {
    let to = recipients_phrase(facts, status);
    if let Some(reason) = cause.and_then(|c| cause_headline(status, decided_by, c, &to)) {
        return reason;
    }
    let place = facts.location.as_ref();
    let hand_off = place.is_some_and(Location::is_hand_off);
    let summary_only = place.is_some_and(Location::is_summary_only);
    let location = place.map(ToString::to_string).unwrap_or_default();
    let code = facts.decisive_code.as_ref();
    match status {
        Status::Delivered => {
            if facts.journeys.iter().rev().find_map(|j| j.hand_off.as_ref()).is_some()
                && hand_off
            {
                format!("Delivered{to}: {location} — Microsoft 365 handed it on; what happened after is the receiving side's to check.")
            } else if hand_off {
                format!("Delivered{to}: {location} — what happened after is the receiving side's to check.")
            } else if summary_only {
                format!("Delivered{to} (summary status only: the trace detail would show which folder).")
            } else {
                format!("Delivered{to} to {}: it reached the mailbox.", mid_sentence(&location))
            }
        }
        Status::Junk => match vendor {
            Some((name, rule, word)) if decided_by == DecidedBy::TransportRule => format!(
                "Delivered to the Junk Email folder{to}: {name} judged it {word} and rule '{rule}' sent it to Junk."
            ),
            _ if decided_by == DecidedBy::AllowBlockList => format!("Delivered to the Junk Email folder{to}: the recipient's own junk email settings put it there (Blocked Senders, or 'Safe Senders only'), not the spam filter."),
            _ => format!("Delivered to the Junk Email folder{to}: {} judged it spam.", decided_by.label()),
        },
        Status::Quarantined => format!("Quarantined{to}: held by {}; it is in quarantine, not in the mailbox.", decided_by.label()),
        Status::Blocked => format!(
            "Blocked{to} by {}{}.",
            decided_by.label(),
            code.map(|c| format!(" ({})", code_words(c))).unwrap_or_default()
        ),
        Status::Failed => format!(
            "Not delivered{to}: {}",
            match (code, meaning) {
                (Some(c), Some(m)) => format!("{} — {m}", c.code),
                _ if summary_only => "the summary row gives no reason; the trace detail (Get-MessageTraceDetailV2 or the row's details in the admin centre) has the status code.".into(),
                _ => "the trace shows a failure without a status code.".into(),
            }
        ),
        Status::Pending => {
            let after = code.map(|c| format!(" after {}", code_words(c))).unwrap_or_default();
            // A reply that ends its own sentence (or is cut with "...") gets no second stop.
            let stop = if after.ends_with('.') { "" } else { "." };
            format!("Not delivered yet{to}: Exchange Online is retrying{after}{stop}")
        }
        Status::Expanded => {
            let members = facts.recipients.iter().filter(|r| r.status != Status::Expanded).count();
            let failed = facts.recipients.iter().filter(|r| matches!(r.status, Status::Failed | Status::Blocked)).count();
            if members == 0 {
                "Sent to a group that was expanded; this input does not list the members — trace one member's address to see their outcome.".to_owned()
            } else {
                format!("Sent to a group that was expanded to {}; {failed} of them not delivered — each member has its own outcome.", crate::words::count(members as u64, "member", "members"))
            }
        }
        Status::Unknown if place == Some(&Location::SendersCopy) => "These are the headers of the sender's own copy: they show the message was sent, not where it went. Trace it by its Message-ID, or get the headers of the copy the recipient received.".to_owned(),
        Status::Unknown if facts.trace_found_nothing => "The message trace found no message: widen its dates or check the address, then trace again.".to_owned(),
        Status::Unknown => facts.recipients.iter().find(|r| r.lost_at_gateway.is_some()).and_then(|r| r.location.as_ref()).map_or_else(
            || "Not enough evidence to say where the message went: add the message trace or the headers.".to_owned(),
            |l| format!("{l}: check the gateway's console."),
        ),
    }
}

/// The headline when the root cause is the reason: the outcome, then why, in words the
/// agent can read out.
fn cause_headline(
    status: Status,
    decided_by: DecidedBy,
    cause: &RootCause,
    to: &str,
) -> Option<String> {
    let outcome = match status {
        Status::Junk => format!("Delivered to the Junk Email folder{to}"),
        Status::Quarantined => format!("Quarantined{to}"),
        Status::Blocked => format!("Blocked{to}"),
        Status::Failed => format!("Not delivered{to}"),
        _ => return None,
    };
    Some(match cause {
        RootCause::EnhancedFilteringOff { gateway } => format!(
            "{outcome}: Enhanced Filtering for Connectors is off for {gateway}, so Exchange Online checked SPF against {gateway}'s IP instead of the sender's and failed it — ours to fix on the inbound connector."
        ),
        RootCause::GatewayRewroteBody { gateway } => format!(
            "{outcome}: our {gateway} gateway changed the body after the sender signed it, so DKIM failed at Exchange Online — ours to fix on the gateway."
        ),
        RootCause::Threat { category, name } => format!(
            "{outcome}: {} classified it as {} (CAT:{category}); only an admin review may release it.",
            decided_by.label(),
            name.to_lowercase()
        ),
        RootCause::SenderAuthentication { failed } => format!(
            "{outcome}: the sender's authentication failed ({}), so {} judged it spam — the sender's mail admins fix it.",
            failed.join(", "),
            decided_by.label()
        ),
        RootCause::SummaryOnly => format!(
            "{outcome} (summary status only): the trace detail (Get-MessageTraceDetailV2, or the row's details in the admin centre) would tell which layer decided{}.",
            if status == Status::Quarantined {
                ", and the quarantine reason in Microsoft Defender why"
            } else {
                " and the status code"
            }
        ),
    })
}
