//! Background work: reading files, parsing, building the case and diagnosing run on a
//! named thread; the result comes back over a bounded channel and the worker asks for a
//! repaint. The UI thread only polls, so it never waits on any of it.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Mutex};

use eframe::egui;
use serde::{Deserialize, Serialize};

use crate::case::{Case, ParsedInput};
use crate::diagnosis::Diagnosis;
use crate::engine;
use crate::error::InputError;
use crate::facts::online::OnlineResults;
use crate::input;
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

/// An input after parsing, with its raw bytes for the evidence bundle.
#[derive(Debug)]
pub struct LoadedInput {
    /// Where it came from.
    pub origin: Origin,
    /// What it says.
    pub parsed: ParsedInput,
    /// The bytes as read.
    pub raw: Arc<[u8]>,
}

/// What to analyse: the inputs already loaded, new ones to read, and which message.
#[derive(Debug, Default)]
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
    job: Option<Receiver<Outcome>>,
    progress: Arc<Progress>,
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
        std::thread::Builder::new()
            .name("mailflow-analysis".into())
            .stack_size(crate::ANALYSIS_STACK_BYTES)
            .spawn(move || {
                let outcome = run(request, &shared, &ctx);
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
            Ok(outcome) => {
                self.job = None;
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
        let phase = self
            .progress
            .phase
            .lock()
            .map(|p| p.clone())
            .unwrap_or_default();
        let total = self.progress.total.load(Ordering::Relaxed);
        let done = self.progress.done.load(Ordering::Relaxed);
        let fraction = (total > 0).then(|| done as f32 / total as f32);
        (phase, fraction)
    }
}

impl Progress {
    fn set(&self, ctx: &egui::Context, phase: String, done: u64, total: u64) {
        if let Ok(mut p) = self.phase.lock() {
            *p = phase;
        }
        self.done.store(done, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        ctx.request_repaint();
    }
}

fn run(request: Request, progress: &Progress, ctx: &egui::Context) -> Outcome {
    let mut inputs = request.existing;
    let mut errors = Vec::new();
    for new in request.new {
        let name = new.origin.name();
        progress.set(ctx, format!("Reading {name}…"), 0, 0);
        let raw = match new.bytes {
            Some(bytes) => Ok(bytes),
            None => match &new.origin {
                Origin::File(path) => read_with_progress(path, &name, progress, ctx),
                Origin::Sample(file) => samples::bytes(file)
                    .map(Arc::from)
                    .ok_or_else(|| format!("The sample file {file} is not bundled.")),
                Origin::Pasted { text, .. } => Ok(Arc::from(text.as_bytes())),
                Origin::Dropped(_) => Err(format!("Nothing to read for {name}.")),
            },
        };
        let raw = match raw {
            Ok(raw) => raw,
            Err(error) => {
                errors.push(error);
                continue;
            }
        };
        progress.set(ctx, format!("Parsing {name}…"), 0, 0);
        match input::load_bytes(&name, &raw) {
            Ok(parsed) => inputs.push(Arc::new(LoadedInput {
                origin: new.origin,
                parsed,
                raw,
            })),
            Err(error) => errors.push(format!("Could not use {name}: {error}")),
        }
    }
    if inputs.is_empty() {
        return Outcome {
            inputs,
            errors,
            analysis: None,
        };
    }
    progress.set(ctx, "Analysing…".into(), 0, 0);
    let case = Case::from_inputs(inputs.iter().map(|i| i.parsed.clone()).collect());
    let selected = request.selected.filter(|&i| i < case.messages.len());
    let config = request.online_config;
    let targets = online::Targets::of(&case, selected.unwrap_or(0));
    let online_plan = config.describe(&targets);
    let online = match request.online {
        OnlineRequest::Off => None,
        OnlineRequest::Cached(results) => Some(*results),
        OnlineRequest::Run => {
            progress.set(ctx, "Online checks…".into(), 0, 0);
            let report = |p: online::Progress| {
                let phase = format!("Online checks: {}", p.finished);
                progress.set(ctx, phase, p.done as u64, p.total as u64);
            };
            match online::run_targets(&targets, &config, &report) {
                Ok(results) => Some(results),
                Err(error) => {
                    errors.push(format!("The online checks could not run: {error}"));
                    None
                }
            }
        }
    };
    progress.set(ctx, "Analysing…".into(), 0, 0);
    let options = engine::Options {
        selected: selected.map(|i| i.to_string()),
    };
    let message_times = case
        .messages
        .iter()
        .map(|m| m.traces.iter().filter_map(|t| t.received).min())
        .collect();
    let analysis = match engine::diagnose_with(&case, &options, online.as_ref()) {
        Ok(diagnosis) => Some(Analysis {
            timeline: Timeline::build(&diagnosis),
            diagnosis,
            online_plan,
            online,
            message_times,
        }),
        Err(error) => {
            errors.push(format!("Could not diagnose the case: {error}"));
            None
        }
    };
    Outcome {
        inputs,
        errors,
        analysis,
    }
}

/// Size of one read, small enough that a 150 MB file updates the bar often.
const CHUNK: usize = 1 << 20;

/// Reads a file in chunks, reporting progress; refuses files over the input limit before
/// reading them, with the library's own error text.
fn read_with_progress(
    path: &Path,
    name: &str,
    progress: &Progress,
    ctx: &egui::Context,
) -> Result<Arc<[u8]>, String> {
    let io = |e: std::io::Error| {
        InputError::Io {
            reason: e.kind().to_string(),
            name: path.display().to_string(),
        }
        .to_string()
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > input::MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            size,
            limit: input::MAX_INPUT_BYTES,
            name: name.to_owned(),
        }
        .to_string());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let mut chunk = vec![0; CHUNK];
    loop {
        let n = file.read(&mut chunk).map_err(io)?;
        let Some(read) = chunk.get(..n).filter(|c| !c.is_empty()) else {
            break;
        };
        bytes.extend_from_slice(read);
        if bytes.len() as u64 > input::MAX_INPUT_BYTES {
            return Err(InputError::TooLarge {
                size: bytes.len() as u64,
                limit: input::MAX_INPUT_BYTES,
                name: name.to_owned(),
            }
            .to_string());
        }
        progress.set(ctx, format!("Reading {name}…"), bytes.len() as u64, size);
    }
    Ok(Arc::from(bytes))
}
