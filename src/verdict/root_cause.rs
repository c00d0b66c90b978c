//! The one decisive cause beyond the layer that decided: our gateway with Enhanced
//! Filtering off, our gateway rewriting the body, a threat verdict, the sender's own
//! authentication, or a summary row that cannot say.

use super::perimeter::Perimeter;
use super::signals::Signals;
use crate::diagnosis::{DecidedBy, Status};
use crate::facts::MessageFacts;
use crate::facts::headers::AuthResult;
use crate::knowledge::Knowledge;

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
    pub(super) fn fill(&self, text: &str, perimeter: &Perimeter) -> String {
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
pub(super) fn rank(
    s: &Signals<'_>,
    decided_by: DecidedBy,
    facts: &MessageFacts,
    perimeter: &Perimeter,
    knowledge: &Knowledge,
) -> Option<RootCause> {
    let (status, cat) = (s.status, s.cat.as_str());
    if s.summary_only && decided_by == DecidedBy::Unknown {
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
            .map(AuthResult::parse)
            .is_some_and(|r| r.is_failure())
    })
    .map(|(m, _)| m.to_owned())
    .collect();
    let fail = |r: &Option<String>| r.as_deref().map(AuthResult::parse) == Some(AuthResult::Fail);
    let decisive = fail(&auth.dmarc) || fail(&auth.compauth) || failed.iter().any(|m| m == "SPF");
    (decisive && !failed.is_empty()).then_some(RootCause::SenderAuthentication { failed })
}
