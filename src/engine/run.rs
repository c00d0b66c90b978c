//! One run from inputs to a diagnosis — reading, parsing, the case, the online checks and
//! the engine — for the CLI and the window alike. Both used to carry their own copy of
//! this pipeline and they drifted (the window never saw `--vendors` profiles); now each
//! only says what to read and what to do with the outcome.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use super::{EngineError, Options, select};
use crate::case::{Case, ParsedInput};
use crate::diagnosis::Diagnosis;
use crate::error::InputError;
use crate::facts::online::OnlineResults;
use crate::input;
use crate::knowledge::Knowledge;
use crate::online::{self, OnlineError};

/// Where an input's bytes come from.
#[derive(Clone, Debug)]
pub enum Source {
    /// A file, read by the run (refused over [`input::MAX_INPUT_BYTES`] before reading).
    Path(PathBuf),
    /// Bytes already in memory (stdin, a paste, a drop, a bundled sample).
    Bytes {
        /// The name error lines and the report use.
        name: String,
        /// The bytes.
        bytes: Arc<[u8]>,
    },
}

impl Source {
    /// The name shown for this input: a file's name, or the given one.
    pub fn name(&self) -> String {
        match self {
            Self::Path(path) => input::file_name(path),
            Self::Bytes { name, .. } => name.clone(),
        }
    }
}

/// An input the run has read and parsed.
#[derive(Debug)]
pub struct Loaded {
    /// What it says.
    pub parsed: ParsedInput,
    /// Its bytes as read, when the request asked to keep them (for an evidence bundle).
    pub raw: Option<Arc<[u8]>>,
}

/// Which message of the case to put in front.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Selection {
    /// The first message.
    #[default]
    First,
    /// A 0-based index, or a Message-ID or trace id, that must name a message (the CLI's
    /// `--message`): a wrong one is an error.
    Named(String),
    /// A 0-based index kept from an earlier run; the first message when the case has
    /// fewer now (the window's switcher after an input was removed).
    Index(usize),
}

/// What to do about the online checks.
#[derive(Debug, Default)]
pub enum Online {
    /// Nothing is sent anywhere.
    #[default]
    Off,
    /// Fold in the results of an earlier run for the same message.
    Cached(Box<OnlineResults>),
    /// Run the DNS checks now.
    Run,
}

/// How far a run has got, for a progress display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Reading input `name`: `done` of `total` bytes (`total` 0 while unknown).
    Reading {
        /// The input's name.
        name: String,
        /// Bytes read.
        done: u64,
        /// The file's size.
        total: u64,
    },
    /// Parsing input `name`.
    Parsing {
        /// The input's name.
        name: String,
    },
    /// The online checks: one finished.
    Online(online::Progress),
    /// Grouping the evidence and diagnosing.
    Analysing,
}

/// Everything one run needs.
pub struct Request<'a> {
    /// Inputs to read, in order.
    pub inputs: Vec<Source>,
    /// Inputs read by an earlier run, kept in the case before the new ones.
    pub loaded: Vec<Arc<Loaded>>,
    /// The case an earlier run built from exactly `loaded` ([`Outcome::case`]): when no
    /// input is new it is diagnosed again as it is (another message, the online switch)
    /// instead of copying every parsed input into a new one.
    pub case: Option<Arc<Case>>,
    /// Keep each new input's bytes in its [`Loaded`] (the window's bundle); the CLI asks
    /// only when it writes a bundle, so a large input is not held twice.
    pub keep_raw: bool,
    /// Keep each input's parsed evidence in [`Outcome::inputs`] and the whole case in
    /// [`Outcome::case`], to build and diagnose later cases from (the window, where inputs
    /// are added and removed and another message is put in front). Without it the case
    /// takes the evidence over instead of copying it, and gives up each message's once its
    /// summary is made — a 100 000-row trace is held once, not three times — so the
    /// returned [`Loaded`] carry their input's info and bytes only, and the case only the
    /// selected message's evidence.
    pub keep_parsed: bool,
    /// The message in front.
    pub selection: Selection,
    /// The online checks.
    pub online: Online,
    /// How the online checks run (which name server, timeouts) and what the plan says.
    pub online_config: online::Config,
    /// The knowledge every stage reads: the embedded tables, or with a user's gateway
    /// profiles ([`Knowledge::with_vendor_dir`]).
    pub knowledge: &'a Knowledge,
    /// Called on the running thread as the run moves on.
    pub progress: &'a dyn Fn(Progress),
}

/// What a run produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// One entry per [`Request::inputs`], in order: the input read, or why it could not be.
    pub read: Vec<Result<Arc<Loaded>, InputError>>,
    /// Every input of the case: the kept ones, then the new ones that were read.
    pub inputs: Vec<Arc<Loaded>>,
    /// The case built from [`Self::inputs`], to pass back in [`Request::case`].
    pub case: Option<Arc<Case>>,
    /// The diagnosis; `None` when no input is left to diagnose.
    pub diagnosis: Option<Result<Diagnosis, EngineError>>,
    /// The online results folded into the diagnosis.
    pub online: Option<OnlineResults>,
    /// Why the online checks asked for could not run.
    pub online_error: Option<OnlineError>,
    /// What the online checks would send where, one sentence a line (shown before the
    /// user switches them on).
    pub online_plan: Vec<String>,
    /// When each message of the case was received, where a trace says so.
    pub message_times: Vec<Option<DateTime<FixedOffset>>>,
}

/// Runs `request`: reads and parses the new inputs (an unreadable one is reported in
/// [`Outcome::read`] and left out), builds the case, runs or folds in the online checks
/// for the message in front, and diagnoses.
pub fn run(request: Request<'_>) -> Outcome {
    let Request {
        inputs: sources,
        loaded,
        case: kept_case,
        keep_raw,
        keep_parsed,
        selection,
        online,
        online_config,
        knowledge,
        progress,
    } = request;
    let mut new_inputs: Vec<Result<Loaded, InputError>> = sources
        .into_iter()
        .map(|source| load(source, keep_raw, progress))
        .collect();
    if loaded.is_empty() && !new_inputs.iter().any(Result::is_ok) {
        return Outcome {
            read: new_inputs.into_iter().map(|r| r.map(Arc::new)).collect(),
            ..Outcome::default()
        };
    }
    progress(Progress::Analysing);
    let mut case = match kept_case.filter(|_| new_inputs.is_empty()) {
        Some(case) => case,
        None => Arc::new(build_case(&loaded, &mut new_inputs, keep_parsed)),
    };
    let read: Vec<_> = new_inputs.into_iter().map(|r| r.map(Arc::new)).collect();
    let mut inputs = loaded;
    inputs.extend(read.iter().flatten().cloned());
    let message_times = case
        .messages
        .iter()
        .map(|m| m.traces.iter().filter_map(|t| t.received).min())
        .collect();
    let selected = match &selection {
        Selection::First => Ok(0),
        Selection::Named(name) => select(&case, Some(name)),
        Selection::Index(index) => Ok(Some(*index)
            .filter(|&i| i < case.messages.len())
            .unwrap_or(0)),
    };
    let selected = match selected {
        Ok(selected) => selected,
        Err(error) => {
            return Outcome {
                read,
                inputs,
                case: Some(case),
                diagnosis: Some(Err(error)),
                message_times,
                ..Outcome::default()
            };
        }
    };
    let targets = online::Targets::of(&case, selected, knowledge);
    let online_plan = online_config.describe(&targets, knowledge);
    let (online, online_error) = match online {
        Online::Off => (None, None),
        Online::Cached(results) => (Some(*results), None),
        Online::Run => {
            let report = |p: online::Progress| progress(Progress::Online(p));
            match online::run_targets(&targets, &online_config, knowledge, &report) {
                Ok(results) => (Some(results), None),
                Err(error) => (None, Some(error)),
            }
        }
    };
    progress(Progress::Analysing);
    let options = Options {
        selected: Some(selected.to_string()),
    };
    let drained = (!keep_parsed).then(|| Arc::get_mut(&mut case)).flatten();
    let diagnosis = match drained {
        Some(case) => super::diagnose_draining(case, &options, online.as_ref(), knowledge),
        None => super::diagnose_in(&case, &options, online.as_ref(), knowledge),
    };
    let diagnosis = diagnosis.map(|mut d| {
        // Every string capped once here, so the window never lays out a 190 MB subject;
        // this fails only on a bug, and the diagnosis is then shown uncapped.
        crate::diagnosis::cap::cap_diagnosis(&mut d).ok();
        d
    });
    Outcome {
        read,
        inputs,
        case: Some(case),
        diagnosis: Some(diagnosis),
        online,
        online_error,
        online_plan,
        message_times,
    }
}

/// The case of the inputs kept from earlier runs and the new ones: the new ones' evidence
/// copied when `keep_parsed`, else taken over.
fn build_case(
    loaded: &[Arc<Loaded>],
    new_inputs: &mut [Result<Loaded, InputError>],
    keep_parsed: bool,
) -> Case {
    let kept = loaded.iter().map(|i| i.parsed.clone());
    let new = new_inputs.iter_mut().flatten().map(|i| {
        if keep_parsed {
            i.parsed.clone()
        } else {
            ParsedInput {
                info: i.parsed.info.clone(),
                evidence: std::mem::take(&mut i.parsed.evidence),
            }
        }
    });
    Case::from_inputs(kept.chain(new).collect())
}

fn load(source: Source, keep_raw: bool, progress: &dyn Fn(Progress)) -> Result<Loaded, InputError> {
    let name = source.name();
    match source {
        Source::Path(path) => {
            // Parsed from the buffer as read; made shared only when it is kept, so a large
            // file is not held twice.
            let report = |done, total| {
                progress(Progress::Reading {
                    name: name.clone(),
                    done,
                    total,
                });
            };
            let bytes = input::read_path(&path, &name, &report)?;
            progress(Progress::Parsing { name: name.clone() });
            if keep_raw {
                let parsed = input::load_bytes(&name, &bytes)?;
                return Ok(Loaded {
                    parsed,
                    raw: Some(Arc::from(bytes)),
                });
            }
            Ok(Loaded {
                parsed: input::load_owned(&name, bytes)?,
                raw: None,
            })
        }
        Source::Bytes { bytes, .. } => {
            progress(Progress::Parsing { name: name.clone() });
            let parsed = input::load_bytes(&name, &bytes)?;
            Ok(Loaded {
                parsed,
                raw: keep_raw.then_some(bytes),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(inputs: Vec<Source>, knowledge: &Knowledge) -> Request<'_> {
        Request {
            inputs,
            loaded: Vec::new(),
            case: None,
            keep_raw: false,
            keep_parsed: true,
            selection: Selection::First,
            online: Online::Off,
            online_config: online::Config::default(),
            knowledge,
            progress: &|_| {},
        }
    }

    fn bytes(name: &str, text: &str) -> Source {
        Source::Bytes {
            name: name.to_owned(),
            bytes: Arc::from(text.as_bytes()),
        }
    }

    const HEADERS: &str = "Received: from mx.example.net (198.51.100.23) by a.mail.protection.outlook.com (10.0.0.1) with Microsoft SMTP Server; Wed, 5 Mar 2025 09:14:05 +0000\nFrom: a@example.net\nTo: b@contoso.example\nSubject: Invoice\nMessage-ID: <1@example.net>\nDate: Wed, 5 Mar 2025 09:14:00 +0000\n";

    #[test]
    fn an_unreadable_input_is_reported_and_the_others_diagnosed() {
        let knowledge = crate::testing::knowledge();
        let missing = Source::Path(PathBuf::from("/nonexistent/mailflow/input.eml"));
        let outcome = run(request(vec![missing, bytes("h.txt", HEADERS)], knowledge));
        assert!(matches!(
            outcome.read.first(),
            Some(Err(InputError::Io { .. }))
        ));
        assert!(matches!(outcome.read.get(1), Some(Ok(_))));
        assert_eq!(outcome.inputs.len(), 1);
        let diagnosis = outcome
            .diagnosis
            .expect("diagnosed")
            .expect("no engine error");
        assert_eq!(diagnosis.inputs.len(), 1);
    }

    #[test]
    fn nothing_readable_gives_no_diagnosis() {
        let knowledge = crate::testing::knowledge();
        let outcome = run(request(vec![bytes("empty.txt", "")], knowledge));
        assert!(matches!(outcome.read.first(), Some(Err(_))));
        assert!(outcome.diagnosis.is_none());
    }

    #[test]
    fn a_named_message_that_does_not_exist_is_an_error_a_kept_index_is_not() {
        let knowledge = crate::testing::knowledge();
        let mut named = request(vec![bytes("h.txt", HEADERS)], knowledge);
        named.selection = Selection::Named("<nope@example.net>".into());
        assert!(matches!(
            run(named).diagnosis,
            Some(Err(EngineError::NoSuchMessage(_)))
        ));
        let mut index = request(vec![bytes("h.txt", HEADERS)], knowledge);
        index.selection = Selection::Index(7);
        let diagnosis = run(index)
            .diagnosis
            .expect("diagnosed")
            .expect("first message");
        assert_eq!(diagnosis.selected_message, 0);
    }

    #[test]
    fn raw_bytes_are_kept_only_when_asked() {
        let knowledge = crate::testing::knowledge();
        let outcome = run(request(vec![bytes("h.txt", HEADERS)], knowledge));
        assert!(outcome.inputs.iter().all(|i| i.raw.is_none()));
        let mut keep = request(vec![bytes("h.txt", HEADERS)], knowledge);
        keep.keep_raw = true;
        let outcome = run(keep);
        assert_eq!(
            outcome.inputs.first().and_then(|i| i.raw.as_deref()),
            Some(HEADERS.as_bytes())
        );
    }

    #[test]
    fn without_keeping_parsed_inputs_the_case_takes_the_evidence() {
        let knowledge = crate::testing::knowledge();
        let kept = run(request(vec![bytes("h.txt", HEADERS)], knowledge));
        let mut once = request(vec![bytes("h.txt", HEADERS)], knowledge);
        once.keep_parsed = false;
        let moved = run(once);
        let evidence = |o: &Outcome| -> Vec<usize> {
            o.inputs.iter().map(|i| i.parsed.evidence.len()).collect()
        };
        assert_eq!(evidence(&kept), [1]);
        assert_eq!(evidence(&moved), [0]);
        assert_eq!(
            moved.inputs.first().map(|i| i.parsed.info.name.as_str()),
            Some("h.txt")
        );
        let headers = |o: &Outcome| {
            o.case
                .as_ref()
                .map(|c| c.messages.iter().map(|m| m.headers.len()).sum::<usize>())
        };
        assert_eq!(headers(&moved), Some(1));
        assert_eq!(
            moved.diagnosis.and_then(Result::ok),
            kept.diagnosis.and_then(Result::ok)
        );
    }

    #[test]
    fn progress_names_each_stage() {
        let knowledge = crate::testing::knowledge();
        let seen = std::cell::RefCell::new(Vec::new());
        let record = |p: Progress| seen.borrow_mut().push(p);
        let mut req = request(vec![bytes("h.txt", HEADERS)], knowledge);
        req.progress = &record;
        run(req);
        let seen = seen.into_inner();
        assert!(seen.contains(&Progress::Parsing {
            name: "h.txt".into()
        }));
        assert_eq!(seen.last(), Some(&Progress::Analysing));
    }

    #[test]
    fn a_kept_case_is_diagnosed_again_without_being_rebuilt() {
        let knowledge = crate::testing::knowledge();
        let first = run(request(vec![bytes("h.txt", HEADERS)], knowledge));
        let case = first.case.clone().expect("a case");
        let mut again = request(Vec::new(), knowledge);
        again.loaded = first.inputs.clone();
        again.case = Some(Arc::clone(&case));
        let second = run(again);
        assert!(second.case.is_some_and(|c| Arc::ptr_eq(&c, &case)));
        assert!(matches!(second.diagnosis, Some(Ok(_))));
        // A new input means a new case.
        let mut more = request(vec![bytes("h2.txt", HEADERS)], knowledge);
        more.loaded = first.inputs;
        more.case = Some(Arc::clone(&case));
        assert!(run(more).case.is_some_and(|c| !Arc::ptr_eq(&c, &case)));
    }
}
