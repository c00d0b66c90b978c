//! Next actions per outcome (`assets/knowledge/next_actions.toml`).

use serde::Deserialize;

use crate::diagnosis::{Audience, DecidedBy, NextAction, Status};

const ASSET: &str = include_str!("../../assets/knowledge/next_actions.toml");

#[derive(Deserialize)]
struct File {
    action: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    status: Status,
    #[serde(default)]
    decided_by: Option<DecidedBy>,
    who: Audience,
    text: String,
    /// Status-code prefixes the action is for (`5.1.`): it applies only when the decisive
    /// code starts with one. Empty: every code, and no code.
    #[serde(default)]
    codes: Vec<String>,
}

/// The table of next actions.
#[derive(Debug, Default)]
pub struct NextActions {
    entries: Vec<Entry>,
}

impl NextActions {
    /// Parses the embedded table.
    ///
    /// # Panics
    /// Only if the embedded asset is invalid, which the asset test rules out.
    pub fn embedded() -> Self {
        let file: File = toml::from_str(ASSET).expect("embedded next_actions.toml is valid");
        Self {
            entries: file.action,
        }
    }

    /// The actions for an outcome: entries for exactly this deciding layer first, then the
    /// status's general ones; entries for status codes only when the decisive `code` is one
    /// of theirs.
    pub fn for_outcome(
        &self,
        status: Status,
        decided_by: DecidedBy,
        code: Option<&str>,
    ) -> Vec<NextAction> {
        let for_code = |e: &&Entry| {
            e.codes.is_empty()
                || code.is_some_and(|c| e.codes.iter().any(|p| c.starts_with(p.as_str())))
        };
        let specific = self
            .entries
            .iter()
            .filter(|e| e.status == status && e.decided_by == Some(decided_by))
            .filter(for_code);
        let general = self
            .entries
            .iter()
            .filter(|e| e.status == status && e.decided_by.is_none())
            .filter(for_code);
        specific
            .chain(general)
            .map(|e| NextAction {
                who: e.who,
                text: e.text.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_asset_parses_and_covers_every_status() {
        let actions = NextActions::embedded();
        for status in [
            Status::Delivered,
            Status::Junk,
            Status::Quarantined,
            Status::Blocked,
            Status::Failed,
            Status::Pending,
            Status::Expanded,
            Status::Unknown,
        ] {
            assert!(
                !actions
                    .for_outcome(status, DecidedBy::Unknown, None)
                    .is_empty(),
                "{status:?}"
            );
        }
    }

    #[test]
    fn address_advice_is_only_for_address_codes() {
        let actions = NextActions::embedded();
        let typo = |code: Option<&str>| {
            actions
                .for_outcome(Status::Failed, DecidedBy::RecipientServer, code)
                .iter()
                .any(|a| a.text.contains("typos"))
        };
        assert!(typo(Some("5.1.10")));
        assert!(!typo(Some("5.7.509")));
        assert!(!typo(None));
    }
}
