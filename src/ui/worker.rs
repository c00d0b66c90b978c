//! Background work: reading files, parsing, building the case and diagnosing run on a
//! named thread; the result comes back over a bounded channel and the worker asks for a
//! repaint. The UI thread only polls, so it never waits on any of it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Weak};

use eframe::egui;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::case::{Case, InputInfo};
use crate::diagnosis::Diagnosis;
use crate::engine::run::{self, Loaded, Source};
use crate::facts::online::OnlineResults;
use crate::knowledge::Knowledge;
use crate::online;

use super::pages::trace::Timeline;
use super::samples;

/// Where an input came from; what is saved so the case can be restored after a restart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// A file opened, dropped or named on the command line.
    File(PathBuf),
    /// Text pasted into the window.
    Pasted {
        /// "pasted text N".
        name: String,
        /// The text itself.
        text: String,
    },
    /// A file of the bundled sample case, by name.
    Sample(String),
    /// Bytes dropped without a path (a browser drop); not restorable.
    Dropped(String),
}

impl Origin {
    /// The name shown in the inputs list and in error banners.
    pub fn name(&self) -> String {
        match self {
            Self::File(path) => path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            Self::Pasted { name, .. } | Self::Sample(name) | Self::Dropped(name) => name.clone(),
        }
    }

    /// True when the origin can be reloaded after a restart.
    pub fn restorable(&self) -> bool {
        !matches!(self, Self::Dropped(_))
    }
}

/// An input to read: its origin and, unless it is read from its path, its bytes.
#[derive(Clone, Debug)]
pub struct NewInput {
    /// Where it came from.
    pub origin: Origin,
    /// The bytes when they are already in memory.
    pub bytes: Option<Arc<[u8]>>,
}

impl NewInput {
    /// A file to read from disk on the worker, by its absolute path, so the saved case
    /// restores whatever directory the app starts in next (no file-system access here).
    pub fn file(path: PathBuf) -> Self {
        let path = std::path::absolute(&path).unwrap_or(path);
        Self {
            origin: Origin::File(path),
            bytes: None,
        }
    }
}

/// An input after parsing, with where it came from (to restore it after a restart).
#[derive(Debug)]
pub struct LoadedInput {
    /// Where it came from.
    pub origin: Origin,
    /// What the engine read: the parsed input and its bytes for the evidence bundle.
    pub input: Arc<Loaded>,
}

impl LoadedInput {
    /// Name, kind, size and hash.
    pub fn info(&self) -> &InputInfo {
        &self.input.parsed.info
    }

    /// The bytes as read (the window always keeps them, for the bundle).
    pub fn raw(&self) -> &[u8] {
        self.input.raw.as_deref().unwrap_or_default()
    }
}

/// What to analyse: the inputs already loaded, new ones to read, and which message.
#[derive(Debug)]
pub struct Request {
    /// Inputs kept from before.
    pub existing: Vec<Arc<LoadedInput>>,
    /// Inputs to read and parse.
    pub new: Vec<NewInput>,
    /// The selected message (0-based).
    pub selected: Option<usize>,
    /// Whether to fold online checks into step 5, and where their results come from.
    pub online: OnlineRequest,
    /// How the online checks run (which name server, timeouts).
    pub online_config: online::Config,
    /// The knowledge to diagnose with: the embedded tables, or with the gateway profiles
    /// of `--vendors`; loaded once when the window opens.
    pub knowledge: &'static Knowledge,
}

/// What to do about the online checks in a request.
#[derive(Debug, Default)]
pub enum OnlineRequest {
    /// The switch is off.
    #[default]
    Off,
    /// Reuse results of an earlier run for the same message.
    Cached(Box<OnlineResults>),
    /// Run the DNS checks now.
    Run,
}

/// A diagnosis with its precomputed views.
#[derive(Debug)]
pub struct Analysis {
    /// The engine's diagnosis.
    pub diagnosis: Diagnosis,
    /// Step 1's table rows, built here so the UI thread never flattens 100 000 events.
    pub timeline: Timeline,
    /// What the online checks would send where, one sentence a line.
    pub online_plan: Vec<String>,
    /// The online results folded into this diagnosis, if the checks ran.
    pub online: Option<OnlineResults>,
    /// When each message of [`Diagnosis::messages`] was received, where a trace says so,
    /// for the message switcher.
    pub message_times: Vec<Option<chrono::DateTime<chrono::FixedOffset>>>,
}

/// What a request produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Every input of the case now.
    pub inputs: Vec<Arc<LoadedInput>>,
    /// One line per input that could not be read, naming the file.
    pub errors: Vec<String>,
    /// The diagnosis; `None` when no input is left.
    pub analysis: Option<Analysis>,
}

/// What the worker is doing, for the progress bar.
#[derive(Debug, Default)]
struct Progress {
    phase: Mutex<String>,
    done: AtomicU64,
    total: AtomicU64,
}

/// The background worker: at most one job at a time.
#[derive(Debug, Default)]
pub struct Worker {
    job: Option<Receiver<(Outcome, Option<KeptCase>)>>,
    progress: Arc<Progress>,
    /// The last case built, kept so that switching the message or the online checks
    /// diagnoses it again without copying every parsed input into a new one.
    case: Option<KeptCase>,
}

/// A case and the inputs it was built from, by identity: weak references, which keep an
/// input's allocation (so no later input can take its address) but not its bytes.
#[derive(Debug)]
struct KeptCase {
    inputs: Vec<Weak<Loaded>>,
    case: Arc<Case>,
}

impl KeptCase {
    /// True when the case was built from exactly `inputs`, in this order.
    fn built_from(&self, inputs: &[Arc<LoadedInput>]) -> bool {
        self.inputs.len() == inputs.len()
            && self
                .inputs
                .iter()
                .zip(inputs)
                .all(|(kept, input)| Weak::ptr_eq(kept, &Arc::downgrade(&input.input)))
    }
}

impl Worker {
    /// True while a job runs.
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    /// Starts `request` on a named thread. Fails only when the OS refuses a thread.
    pub fn start(&mut self, ctx: &egui::Context, request: Request) -> std::io::Result<()> {
        let (tx, rx) = mpsc::sync_channel(1);
        let progress = Arc::new(Progress::default());
        let shared = Arc::clone(&progress);
        let ctx = ctx.clone();
        let kept = self
            .case
            .take()
            .filter(|k| request.new.is_empty() && k.built_from(&request.existing))
            .map(|k| k.case);
        std::thread::Builder::new()
            .name("mailflow-analysis".into())
            .stack_size(crate::ANALYSIS_STACK_BYTES)
            .spawn(move || {
                let outcome = run(request, kept, &shared, &ctx);
                tx.send(outcome).ok(); // Err only when the window has closed.
                ctx.request_repaint();
            })?;
        self.progress = progress;
        self.job = Some(rx);
        Ok(())
    }

    /// The finished job's outcome, once.
    pub fn poll(&mut self) -> Option<Outcome> {
        let job = self.job.as_ref()?;
        match job.try_recv() {
            Ok((outcome, case)) => {
                self.job = None;
                self.case = case;
                Some(outcome)
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                self.job = None;
                Some(Outcome {
                    errors: vec!["The analysis stopped unexpectedly; the inputs were kept.".into()],
                    ..Outcome::default()
                })
            }
        }
    }

    /// What the job is doing and, while reading a file, the fraction read.
    pub fn progress(&self) -> (String, Option<f32>) {
        let phase = self.progress.phase.lock().clone();
        let total = self.progress.total.load(Ordering::Relaxed);
        let done = self.progress.done.load(Ordering::Relaxed);
        let fraction = (total > 0).then(|| done as f32 / total as f32);
        (phase, fraction)
    }
}

impl Progress {
    fn set(&self, ctx: &egui::Context, phase: String, done: u64, total: u64) {
        *self.phase.lock() = phase;
        self.done.store(done, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        ctx.request_repaint();
    }
}

/// Where each new input's bytes come from, with its origin; a line for each that has
/// nothing to read.
fn sources(new_inputs: Vec<NewInput>) -> (Vec<Origin>, Vec<Source>, Vec<String>) {
    let mut origins = Vec::with_capacity(new_inputs.len());
    let mut sources = Vec::with_capacity(new_inputs.len());
    let mut errors = Vec::new();
    for new in new_inputs {
        let name = new.origin.name();
        let bytes = match (new.bytes, &new.origin) {
            (Some(bytes), _) => Ok(bytes),
            (None, Origin::File(path)) => {
                origins.push(new.origin.clone());
                sources.push(Source::Path(path.clone()));
                continue;
            }
            (None, Origin::Sample(file)) => samples::bytes(file)
                .map(Arc::from)
                .ok_or_else(|| format!("The sample file {file} is not bundled.")),
            (None, Origin::Pasted { text, .. }) => Ok(Arc::from(text.as_bytes())),
            (None, Origin::Dropped(_)) => Err(format!("Nothing to read for {name}.")),
        };
        match bytes {
            Ok(bytes) => {
                origins.push(new.origin);
                sources.push(Source::Bytes { name, bytes });
            }
            Err(error) => errors.push(error),
        }
    }
    (origins, sources, errors)
}

fn run(
    request: Request,
    kept: Option<Arc<Case>>,
    progress: &Progress,
    ctx: &egui::Context,
) -> (Outcome, Option<KeptCase>) {
    let (origins, sources, mut errors) = sources(request.new);
    let mut kept_origins: Vec<Origin> = request.existing.iter().map(|i| i.origin.clone()).collect();
    let report = |p: run::Progress| {
        let (phase, done, total) = match p {
            run::Progress::Reading { name, done, total } => {
                (format!("Reading {name}…"), done, total)
            }
            run::Progress::Parsing { name } => (format!("Parsing {name}…"), 0, 0),
            run::Progress::Online(p) => (
                format!("Online checks: {}", p.finished),
                p.done as u64,
                p.total as u64,
            ),
            run::Progress::Analysing => ("Analysing…".to_owned(), 0, 0),
        };
        progress.set(ctx, phase, done, total);
    };
    let outcome = run::run(run::Request {
        inputs: sources,
        loaded: request
            .existing
            .iter()
            .map(|i| Arc::clone(&i.input))
            .collect(),
        case: kept,
        keep_raw: true,
        keep_parsed: true,
        selection: request
            .selected
            .map_or(run::Selection::First, run::Selection::Index),
        online: match request.online {
            OnlineRequest::Off => run::Online::Off,
            OnlineRequest::Cached(results) => run::Online::Cached(results),
            OnlineRequest::Run => run::Online::Run,
        },
        online_config: request.online_config,
        knowledge: request.knowledge,
        progress: &report,
    });
    for (origin, read) in origins.into_iter().zip(outcome.read) {
        match read {
            Ok(_) => kept_origins.push(origin),
            Err(error) => errors.push(format!("Could not use {}: {error}", origin.name())),
        }
    }
    let inputs: Vec<Arc<LoadedInput>> = kept_origins
        .into_iter()
        .zip(outcome.inputs)
        .map(|(origin, input)| Arc::new(LoadedInput { origin, input }))
        .collect();
    let case = outcome.case.map(|case| KeptCase {
        inputs: inputs.iter().map(|i| Arc::downgrade(&i.input)).collect(),
        case,
    });
    if let Some(error) = outcome.online_error {
        errors.push(format!("The online checks could not run: {error}"));
    }
    let analysis = match outcome.diagnosis {
        None => None,
        Some(Ok(diagnosis)) => Some(Analysis {
            timeline: Timeline::build(&diagnosis),
            diagnosis,
            online_plan: outcome.online_plan,
            online: outcome.online,
            message_times: outcome.message_times,
        }),
        Some(Err(error)) => {
            errors.push(format!("Could not diagnose the case: {error}"));
            None
        }
    };
    (
        Outcome {
            inputs,
            errors,
            analysis,
        },
        case,
    )
}
