//! Runs the whole engine: case → facts → verdict → analyzers → [`Diagnosis`]; [`run`] is
//! the whole pipeline from files to a diagnosis that the CLI and the window share.

pub mod run;

use crate::analyzers::{self, Context};
use crate::case::{Case, CaseMessage};
use crate::diagnosis::{
    Diagnosis, EventOut, InputRef, JourneyOut, MessageInfo, MessageSummary, NdrOut,
    RecipientOutcome, SCHEMA_VERSION, StepReport, TraceOut,
};
use crate::facts::MessageFacts;
use crate::facts::online::OnlineResults;
use crate::knowledge::Knowledge;
use crate::step::Step;
use crate::verdict;

/// How to diagnose a case.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Which message to put in front: a 0-based index or a Message-ID / trace id; the
    /// first message when `None`.
    pub selected: Option<String>,
}

/// Why the engine could not produce a diagnosis.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EngineError {
    /// `--message` named no message of the case.
    #[error("no message matches {0:?}")]
    NoSuchMessage(String),
}

/// The index of the message `selection` names.
pub fn select(case: &Case, selection: Option<&str>) -> Result<usize, EngineError> {
    let Some(selection) = selection.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(0);
    };
    if let Ok(index) = selection.parse::<usize>() {
        return if index < case.messages.len().max(1) {
            Ok(index)
        } else {
            Err(EngineError::NoSuchMessage(selection.to_owned()))
        };
    }
    let wanted = crate::case::correlate::normalize_message_id(selection);
    case.messages
        .iter()
        .position(|m| {
            let by_id = m
                .message_id
                .as_deref()
                .and_then(crate::case::correlate::normalize_message_id)
                == wanted;
            let by_trace = m.traces.iter().any(|t| {
                t.trace_id
                    .as_deref()
                    .is_some_and(|id| id.eq_ignore_ascii_case(selection))
            });
            by_id || by_trace
        })
        .ok_or_else(|| EngineError::NoSuchMessage(selection.to_owned()))
}

/// Diagnoses `case` with the message `options.selected` in front.
pub fn diagnose(case: &Case, options: &Options) -> Result<Diagnosis, EngineError> {
    diagnose_with(case, options, None)
}

/// As [`diagnose`], with the results of online checks for the selected message.
pub fn diagnose_with(
    case: &Case,
    options: &Options,
    online: Option<&OnlineResults>,
) -> Result<Diagnosis, EngineError> {
    diagnose_in(case, options, online, Knowledge::embedded())
}

/// As [`diagnose_with`], with `knowledge` instead of the embedded one (a user's own
/// gateway profiles: [`Knowledge::with_vendor_dir`]).
pub fn diagnose_in(
    case: &Case,
    options: &Options,
    online: Option<&OnlineResults>,
    knowledge: &Knowledge,
) -> Result<Diagnosis, EngineError> {
    let selected = select(case, options.selected.as_deref())?;
    let mut messages: Vec<&CaseMessage> = case.messages.iter().collect();
    let summaries = summaries(&mut messages, &|_, m: &mut &CaseMessage| {
        summary(m, knowledge)
    });
    Ok(diagnose_front(case, selected, summaries, online, knowledge))
}

/// As [`diagnose_in`], taking each message's evidence out of `case` as soon as its summary
/// is made — all but the selected message's. A caller that diagnoses a case once (the
/// CLI) then never holds a 100 000-message trace and its 100 000 summaries at once.
pub fn diagnose_draining(
    case: &mut Case,
    options: &Options,
    online: Option<&OnlineResults>,
    knowledge: &Knowledge,
) -> Result<Diagnosis, EngineError> {
    let selected = select(case, options.selected.as_deref())?;
    let summaries = summaries(&mut case.messages, &|index, m: &mut CaseMessage| {
        if index == selected {
            summary(m, knowledge)
        } else {
            summary(&std::mem::take(m), knowledge)
        }
    });
    Ok(diagnose_front(case, selected, summaries, online, knowledge))
}

/// The diagnosis of the message at `selected`, with the case's `messages` list.
fn diagnose_front(
    case: &Case,
    selected: usize,
    messages: Vec<MessageSummary>,
    online: Option<&OnlineResults>,
    knowledge: &Knowledge,
) -> Diagnosis {
    let empty = CaseMessage::default();
    let message = case.messages.get(selected).unwrap_or(&empty);
    let facts = MessageFacts::derive(message, knowledge);
    let decision = verdict::decide(message, &facts, knowledge);
    let cx = Context {
        message,
        facts: &facts,
        knowledge,
        online,
        decision: &decision,
    };
    let steps = Step::ALL
        .iter()
        .map(|&step| StepReport {
            findings: analyzers::run_step(step, &cx),
            ..StepReport::empty(step)
        })
        .collect();
    let message_out = message_info(message, &facts);
    let trace = trace_out(message, &facts);
    let ndr = facts.decisive_code.as_ref().map(|code| {
        let entry = knowledge
            .status_codes
            .explain_in(&code.code, &code.source_line);
        NdrOut {
            code: code.code.clone(),
            side: decision
                .perimeter
                .code_side(entry.side_for(code.generated_locally()), &code.source_line),
            meaning: entry.meaning,
            reason: message
                .ndrs
                .iter()
                .find(|n| n.status_code.as_deref() == Some(code.code.as_str()))
                .and_then(|n| n.reason),
        }
    });
    let recipients = recipient_outcomes(message, &facts);
    // The facts are done with: what the contract shows of them is moved, not copied.
    let (hops, authentication, antispam) = match facts.headers {
        Some(h) => (h.hops, Some(h.authentication), Some(h.antispam)),
        None => (Vec::new(), None, None),
    };
    Diagnosis {
        schema_version: SCHEMA_VERSION,
        tool: crate::diagnosis::Tool::default(),
        inputs: case.inputs.iter().map(InputRef::from).collect(),
        verdict: decision.verdict,
        messages,
        selected_message: selected,
        steps,
        message: Some(message_out),
        trace,
        hops,
        authentication,
        antispam,
        rules: facts.rules,
        ndr,
        recipients,
        decision_chain: decision.chain,
        next_actions: decision.next_actions,
    }
}

/// Cases with at least this many messages have their summaries made on every core: a
/// 100 000-row export's verdicts are most of its run, while one message must not pay for
/// starting threads.
const PARALLEL_FROM: usize = 2_000;

/// One entry of the `messages` list: the message's identity and verdict.
fn summary(m: &CaseMessage, knowledge: &Knowledge) -> MessageSummary {
    let facts = MessageFacts::derive(m, knowledge);
    let info = message_info(m, &facts);
    MessageSummary {
        message_id: info.message_id,
        subject: info.subject,
        sender: info.sender,
        recipients: info.recipients,
        verdict: verdict::decide(m, &facts, knowledge).verdict,
    }
}

/// The `messages` list, in case order: `make` is given each message with its index.
fn summaries<M: Send>(
    messages: &mut [M],
    make: &(dyn Fn(usize, &mut M) -> MessageSummary + Sync),
) -> Vec<MessageSummary> {
    // Asked only of large cases: the answer reads the cgroup's CPU quota from files.
    let threads = (messages.len() >= PARALLEL_FROM)
        .then(std::thread::available_parallelism)
        .and_then(Result::ok)
        .map_or(1, std::num::NonZero::get);
    let one_by_one = |messages: &mut [M], first: usize, out: &mut [MessageSummary]| {
        for (index, (slot, m)) in out.iter_mut().zip(messages).enumerate() {
            *slot = make(first + index, m);
        }
    };
    let mut out = vec![MessageSummary::default(); messages.len()];
    if threads < 2 {
        one_by_one(messages, 0, &mut out);
        return out;
    }
    let chunk = messages.len().div_ceil(threads);
    let one_by_one = &one_by_one;
    let unstarted: Vec<usize> = std::thread::scope(|scope| {
        out.chunks_mut(chunk)
            .zip(messages.chunks_mut(chunk))
            .enumerate()
            .filter_map(|(part, (slots, items))| {
                // The analysis thread's stack, as deep evidence needs it.
                std::thread::Builder::new()
                    .name("mailflow-summaries".into())
                    .stack_size(crate::ANALYSIS_STACK_BYTES)
                    .spawn_scoped(scope, move || one_by_one(items, part * chunk, slots))
                    .is_err()
                    .then_some(part)
            })
            .collect()
    });
    // A part whose thread could not start (its slots and messages untouched) is made here.
    for part in unstarted {
        let range = part * chunk..((part + 1) * chunk).min(messages.len());
        if let (Some(items), Some(slots)) = (messages.get_mut(range.clone()), out.get_mut(range)) {
            one_by_one(items, part * chunk, slots);
        }
    }
    out
}

/// The message's identity from whichever input says: headers first, then traces.
fn message_info(message: &CaseMessage, facts: &MessageFacts) -> MessageInfo {
    let headers = message.headers.first();
    let trace = |f: &dyn Fn(&crate::case::TraceRecord) -> Option<String>| {
        facts
            .journeys
            .iter()
            .filter_map(|j| message.traces.get(j.record))
            .find_map(f)
    };
    let mut recipients: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let from_traces = message.traces.iter().flat_map(|t| t.recipients.iter());
    let from_headers = headers.into_iter().flat_map(|h| h.recipients.iter());
    let from_ndrs = message.ndrs.iter().flat_map(|n| n.recipients.iter());
    for r in from_traces.chain(from_headers).chain(from_ndrs) {
        if seen.insert(r.to_ascii_lowercase()) {
            recipients.push(r.clone());
        }
    }
    MessageInfo {
        subject: headers
            .and_then(|h| h.subject.clone())
            .or_else(|| trace(&|t| t.subject.clone()))
            .or_else(|| message.ndrs.iter().find_map(|n| n.original_subject.clone())),
        sender: headers
            .and_then(|h| h.from.clone())
            .or_else(|| trace(&|t| t.sender.clone()))
            .or_else(|| message.ndrs.iter().find_map(|n| n.original_sender.clone())),
        recipients,
        message_id: message.message_id.clone(),
        size_bytes: headers
            .and_then(|h| h.size_bytes)
            .or_else(|| message.traces.iter().find_map(|t| t.size_bytes)),
    }
}

fn trace_out(message: &CaseMessage, facts: &MessageFacts) -> Option<TraceOut> {
    if message.traces.is_empty() {
        // A trace that matched nothing was given: its journeys are none, not unknown.
        return (!message.empty_traces.is_empty()).then(|| TraceOut {
            journeys: Vec::new(),
        });
    }
    let journeys = facts
        .journeys
        .iter()
        .filter_map(|j| {
            let record = message.traces.get(j.record)?;
            let events = j
                .order
                .iter()
                .filter_map(|&i| record.events.get(i))
                .map(|e| EventOut {
                    time: e.time.map(|t| t.to_rfc3339()),
                    event: match e.kind {
                        crate::case::EventKind::Other => e.name.clone(),
                        kind => kind.label().to_owned(),
                    },
                    detail: Some(e.detail.clone()).filter(|d| !d.is_empty()),
                    original_name: (e.kind != crate::case::EventKind::Other
                        && !e.name.eq_ignore_ascii_case(e.kind.label()))
                    .then(|| e.name.clone()),
                })
                .collect();
            Some(JourneyOut {
                status: j.status,
                recipients: record.recipients.clone(),
                events,
                duration_seconds: match (j.start, j.end) {
                    (Some(a), Some(b)) => Some((b - a).num_seconds() as f64),
                    _ => None,
                },
                hand_off: j.hand_off.is_some(),
            })
        })
        .collect();
    Some(TraceOut { journeys })
}

/// Per-recipient outcomes: the trace's, with each bounce's code, reply and reason for the
/// recipients it names, and the recipients only a bounce names.
fn recipient_outcomes(message: &CaseMessage, facts: &MessageFacts) -> Vec<RecipientOutcome> {
    let mut outcomes: Vec<RecipientOutcome> = facts
        .recipients
        .iter()
        .map(|r| RecipientOutcome {
            recipient: r.recipient.clone(),
            status: r.status,
            location: r.location.as_ref().map(ToString::to_string),
            code: None,
            reply_code: None,
            reason: None,
            diagnostic: None,
        })
        .collect();
    for (ndr, failure) in message
        .ndrs
        .iter()
        .flat_map(|n| n.failures.iter().map(move |f| (n, f)))
    {
        let at = outcomes
            .iter()
            .position(|o| o.recipient.eq_ignore_ascii_case(&failure.address))
            .unwrap_or_else(|| {
                let delayed = failure.action.as_deref() == Some("delayed")
                    || (failure.action.is_none() && ndr.is_delay_notice());
                outcomes.push(RecipientOutcome {
                    recipient: failure.address.clone(),
                    status: if delayed {
                        crate::diagnosis::Status::Pending
                    } else {
                        crate::diagnosis::Status::Failed
                    },
                    location: None,
                    code: None,
                    reply_code: None,
                    reason: None,
                    diagnostic: None,
                });
                outcomes.len() - 1
            });
        if let Some(outcome) = outcomes.get_mut(at) {
            outcome.code.clone_from(&failure.status_code);
            outcome.reply_code = failure.smtp_reply;
            outcome.reason = failure.reason;
            outcome.diagnostic.clone_from(&failure.diagnostic);
        }
    }
    outcomes
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// A case of `rows` one-recipient messages with statuses in turn.
    fn large_case(rows: usize) -> Case {
        let mut text = String::from(
            "\"Received\",\"SenderAddress\",\"RecipientAddress\",\"Subject\",\"Status\",\"MessageId\"\r\n",
        );
        let statuses = [
            "Delivered",
            "Failed",
            "FilteredAsSpam",
            "Quarantined",
            "Pending",
        ];
        for i in 0..rows {
            let status = statuses
                .get(i % statuses.len())
                .copied()
                .unwrap_or_default();
            let _ = write!(
                text,
                "\"11/20/2026 8:{:02}:00 AM\",\"s{}@c.example\",\"r{i}@f.example\",\"Subject {i}\",\"{status}\",\"<{i}@c.example>\"\r\n",
                i % 60,
                i % 7
            );
        }
        let input = crate::input::load_bytes("large.csv", text.as_bytes()).expect("a trace");
        Case::from_inputs(vec![input])
    }

    #[test]
    fn summaries_made_on_several_threads_are_those_made_one_by_one() {
        let case = large_case(PARALLEL_FROM + 17);
        let knowledge = crate::testing::knowledge();
        let mut messages: Vec<&CaseMessage> = case.messages.iter().collect();
        let all = summaries(&mut messages, &|_, m: &mut &CaseMessage| {
            summary(m, knowledge)
        });
        assert_eq!(all.len(), case.messages.len());
        for (made, message) in all.iter().zip(&case.messages) {
            assert_eq!(made, &summary(message, knowledge));
        }
        let statuses: std::collections::HashSet<_> = all.iter().map(|s| s.verdict.status).collect();
        assert!(statuses.len() >= 4, "{statuses:?}");
        assert_eq!(
            all.last().and_then(|s| s.subject.as_deref()),
            Some(format!("Subject {}", PARALLEL_FROM + 16).as_str())
        );
    }

    #[test]
    fn a_draining_diagnosis_is_the_same_and_keeps_only_the_selected_message() {
        let knowledge = crate::testing::knowledge();
        for rows in [3, PARALLEL_FROM + 5] {
            let mut case = large_case(rows);
            let options = Options {
                selected: Some("2".into()),
            };
            let kept = diagnose_in(&case, &options, None, knowledge).unwrap();
            let drained = diagnose_draining(&mut case, &options, None, knowledge).unwrap();
            assert_eq!(drained, kept);
            let left: Vec<usize> = case
                .messages
                .iter()
                .enumerate()
                .filter(|(_, m)| !m.traces.is_empty())
                .map(|(i, _)| i)
                .collect();
            assert_eq!(left, [2]);
        }
    }
}
