//! What to do next: the decisive code's own fix, the table's actions for the outcome, the
//! root cause's action first, grouped by who acts.

use super::RootCause;
use super::perimeter::Perimeter;
use super::signals::Signals;
use super::who_acts::group_by_who_acts;
use crate::diagnosis::{Audience, DecidedBy, NextAction, Status, WhoActs};
use crate::facts::{Location, MessageFacts};
use crate::knowledge::Knowledge;

/// The next actions, the acting party's first.
pub(super) fn next(
    s: &Signals<'_>,
    decided_by: DecidedBy,
    facts: &MessageFacts,
    root_cause: Option<&RootCause>,
    perimeter: &Perimeter,
    who_acts: WhoActs,
    knowledge: &Knowledge,
) -> Vec<NextAction> {
    let status = s.status;
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
            let entry = s.entry?;
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
        root_cause.map(RootCause::id),
    );
    if let Some(fix) = code_fix {
        next_actions.insert(0, fix);
    }
    // The root cause's own action leads, addressed to whoever acts.
    if let Some(cause) = root_cause {
        let fill = |text: &str| cause.fill(text, perimeter);
        let mut leading = knowledge.next_actions.for_cause(cause.id(), fill);
        leading.append(&mut next_actions);
        next_actions = leading;
    }
    group_by_who_acts(&mut next_actions, who_acts);
    next_actions
}
