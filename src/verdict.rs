//! The verdict: the final status, where the message ended, which layer decided, the chain
//! of decisions that proves it, and what to do next. Decided from the facts of every input
//! together: the trace says where it went, the headers say why. Each question has its own
//! module: the signals read once, who decided, the chain, the root cause, who acts, the
//! headline and the next actions.

mod actions;
mod chain;
mod decided_by;
mod headline;
pub mod perimeter;
mod root_cause;
mod signals;
mod who_acts;

use crate::case::CaseMessage;
use crate::diagnosis::{NextAction, Verdict};
use crate::facts::MessageFacts;
use crate::knowledge::Knowledge;
use crate::knowledge::status_codes::rfc3463;

pub use root_cause::RootCause;
use signals::Signals;

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

/// Decides the verdict of one message.
pub fn decide(message: &CaseMessage, facts: &MessageFacts, knowledge: &Knowledge) -> Decision {
    let signals = Signals::read(message, facts, knowledge);
    let decided_by = decided_by::decide(&signals, message, facts, knowledge);
    let chain = chain::build(&signals, decided_by, facts, knowledge);
    let perimeter = perimeter::derive(message, facts, knowledge);
    let root_cause = root_cause::rank(&signals, decided_by, facts, &perimeter, knowledge);
    let meaning = facts.decisive_code.as_ref().map(|code| {
        signals
            .entry
            .map_or_else(|| rfc3463(&code.code).meaning, |e| e.meaning.clone())
    });
    let headline = headline::write(
        signals.status,
        decided_by,
        facts,
        meaning,
        signals.vendor.as_ref(),
        root_cause.as_ref(),
    );
    let who_acts = who_acts::decide(&signals, decided_by, facts, root_cause.as_ref(), &perimeter);
    let next_actions = actions::next(
        &signals,
        decided_by,
        facts,
        root_cause.as_ref(),
        &perimeter,
        who_acts,
        knowledge,
    );
    Decision {
        verdict: Verdict {
            status: signals.status,
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
