//! Next actions per outcome (`assets/knowledge/next_actions.toml`).

use serde::Deserialize;

use crate::diagnosis::{Audience, DecidedBy, NextAction, Status};

const ASSET: super::Source<'static> = embedded_table!("next_actions");

#[derive(Deserialize)]
struct File {
    action: Vec<Entry>,
    #[serde(default)]
    cause_action: Vec<CauseEntry>,
}

/// The action a verdict's root cause leads with (`enhanced-filtering-off`), addressed to
/// whoever acts; `{gateway}`, `{sender}` and `{category}` are filled from the evidence.
#[derive(Debug, Deserialize)]
struct CauseEntry {
    cause: String,
    who: Audience,
    text: String,
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
    /// True: only for messages handed to a server outside Microsoft 365; false: only for
    /// the others; absent: both.
    #[serde(default)]
    handed_off: Option<bool>,
    /// True: only when the decisive code's own fix leads the actions; false: only when
    /// there is none (a pointer to where the code is explained); absent: both.
    #[serde(default)]
    code_fix: Option<bool>,
    /// Root causes (`RootCause::id`) this action does not fit: the cause's own action
    /// replaces it.
    #[serde(default)]
    without_cause: Vec<String>,
}

/// The table of next actions.
#[derive(Debug, Default)]
pub struct NextActions {
    entries: Vec<Entry>,
    causes: Vec<CauseEntry>,
}

impl NextActions {
    /// Parses the embedded table.
    ///
    /// # Panics
    /// Only if the embedded asset is invalid, which the asset test rules out.
    pub fn embedded() -> Self {
        let file: File = ASSET
            .read("next_actions.toml")
            .expect("embedded next_actions.toml is valid");
        Self {
            entries: file.action,
            causes: file.cause_action,
        }
    }

    /// The actions a root cause leads with, each text passed through `fill` (which
    /// replaces the placeholders).
    pub fn for_cause(&self, cause: &str, fill: impl Fn(&str) -> String) -> Vec<NextAction> {
        self.causes
            .iter()
            .filter(|c| c.cause == cause)
            .map(|c| NextAction {
                who: c.who,
                text: fill(&c.text),
            })
            .collect()
    }

    /// The actions for an outcome: entries for exactly this deciding layer first, then the
    /// status's general ones; entries for status codes only when the decisive `code` is one
    /// of theirs; entries for handed-off messages only when `handed_off` says so; entries
    /// that stand in for a code's own fix only when `code_fix` (the code's fix leads the
    /// actions) says there is none; entries that do not fit the root `cause` are left out.
    pub fn for_outcome(
        &self,
        status: Status,
        decided_by: DecidedBy,
        code: Option<&str>,
        handed_off: bool,
        code_fix: bool,
        cause: Option<&str>,
    ) -> Vec<NextAction> {
        let applies = |e: &&Entry| {
            !cause.is_some_and(|c| e.without_cause.iter().any(|w| w == c))
                && (e.codes.is_empty()
                    || code.is_some_and(|c| e.codes.iter().any(|p| c.starts_with(p.as_str()))))
                && e.handed_off.is_none_or(|h| h == handed_off)
                && e.code_fix.is_none_or(|f| f == code_fix)
        };
        let specific = self
            .entries
            .iter()
            .filter(|e| e.status == status && e.decided_by == Some(decided_by))
            .filter(applies);
        let general = self
            .entries
            .iter()
            .filter(|e| e.status == status && e.decided_by.is_none())
            .filter(applies);
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
                    .for_outcome(status, DecidedBy::Unknown, None, false, false, None)
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
                .for_outcome(
                    Status::Failed,
                    DecidedBy::RecipientServer,
                    code,
                    false,
                    false,
                    None,
                )
                .iter()
                .any(|a| a.text.contains("typos"))
        };
        assert!(typo(Some("5.1.10")));
        assert!(!typo(Some("5.7.509")));
        assert!(!typo(None));
    }

    #[test]
    fn the_pointer_to_the_code_stands_in_only_for_a_missing_fix() {
        let actions = NextActions::embedded();
        let points = |code_fix: bool| {
            actions
                .for_outcome(
                    Status::Failed,
                    DecidedBy::RecipientServer,
                    Some("5.7.509"),
                    false,
                    code_fix,
                    None,
                )
                .iter()
                .any(|a| a.text.contains("Step 5"))
        };
        assert!(points(false));
        assert!(!points(true));
    }

    #[test]
    fn mailbox_advice_is_not_for_mail_handed_to_another_server() {
        let actions = NextActions::embedded();
        let texts = |handed_off: bool| -> Vec<String> {
            actions
                .for_outcome(
                    Status::Delivered,
                    DecidedBy::None,
                    None,
                    handed_off,
                    false,
                    None,
                )
                .into_iter()
                .map(|a| a.text)
                .collect()
        };
        assert!(texts(false).iter().any(|t| t.contains("inbox rules")));
        let handed = texts(true);
        assert!(
            handed.iter().all(|t| !t.contains("inbox rules")),
            "{handed:?}"
        );
        assert!(
            handed.iter().any(|t| t.contains("left Microsoft 365")),
            "{handed:?}"
        );
    }
}
