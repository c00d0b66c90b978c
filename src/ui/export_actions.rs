//! The Summary page's export buttons: copies happen at once; saves ask for a path with
//! rfd's async dialog (created here, awaited on a named thread) and render and write on
//! that thread, so the window never waits.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};

use eframe::egui;

use crate::diagnosis::Diagnosis;
use crate::export::{self, Format};

use super::file_dialog::{self, Answer, Dialogs};
use super::worker::LoadedInput;

/// An export the agent asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    /// Markdown to the clipboard, for a ticket.
    CopyMarkdown,
    /// Plain text to the clipboard, for an email.
    CopyText,
    /// A file in this format.
    Save(Format),
    /// The evidence bundle (.zip).
    Bundle,
}

/// What a finished save says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finished {
    /// A message for the agent: `Ok` for a confirmation, `Err` for an error.
    Message(Result<String, String>),
    /// No dialog could open: ask for the path of this export, suggesting this file name.
    NeedsPath(Export, String),
}

/// Writes a report or bundle to a path, on the save thread.
type Writer =
    Box<dyn FnOnce(&std::path::Path, &Diagnosis, &export::Options) -> Result<(), String> + Send>;

/// Saves in progress; at most one at a time.
#[derive(Debug, Default)]
pub struct Exports {
    pending: Option<Receiver<Finished>>,
}

impl Exports {
    /// True while a save dialog is open or a file is being written.
    pub fn is_busy(&self) -> bool {
        self.pending.is_some()
    }

    /// Carries out `export`: copies at once, saves through a dialog (or, with
    /// [`Dialogs::Unavailable`], by asking for a path). Returns what finished at once.
    pub fn start(
        &mut self,
        ctx: &egui::Context,
        export: Export,
        dialogs: Dialogs,
        diagnosis: &Diagnosis,
        inputs: &[Arc<LoadedInput>],
        options: export::Options,
    ) -> Option<Finished> {
        let copied = match export {
            Export::CopyMarkdown => Some((Format::Markdown, "Markdown")),
            Export::CopyText => Some((Format::Text, "text")),
            Export::Save(_) | Export::Bundle => None,
        };
        if let Some((format, name)) = copied {
            ctx.copy_text(export::render_with(diagnosis, format, &options));
            return Some(Finished::Message(Ok(format!(
                "Copied the summary as {name} to the clipboard."
            ))));
        }
        if self.is_busy() {
            return Some(Finished::Message(Err(
                "A save is already in progress.".into()
            )));
        }
        let file_name = file_name(export, diagnosis, &options);
        if dialogs == Dialogs::Unavailable {
            return Some(Finished::NeedsPath(export, file_name));
        }
        let dialog = rfd::AsyncFileDialog::new()
            .set_file_name(&file_name)
            .set_directory(file_dialog::downloads_dir())
            .add_filter(extension(export), &[extension(export)])
            .save_file();
        let write = writer(export, inputs);
        self.spawn(ctx, diagnosis, options, move |diagnosis, options| {
            let answer = file_dialog::await_dialog(async {
                dialog.await.map(|h| vec![h.path().to_path_buf()])
            });
            match answer {
                Answer::Chosen(paths) => {
                    let Some(path) = paths.into_iter().next() else {
                        return Finished::Message(Err("The dialog chose no file.".into()));
                    };
                    saved(&path, write(&path, diagnosis, options))
                }
                Answer::Cancelled => Finished::Message(Ok("Nothing was saved.".into())),
                Answer::Unavailable => Finished::NeedsPath(export, file_name),
            }
        })
    }

    /// Writes `export` to `path` (the path field's answer) on the save thread.
    pub fn save_to(
        &mut self,
        ctx: &egui::Context,
        export: Export,
        path: PathBuf,
        diagnosis: &Diagnosis,
        inputs: &[Arc<LoadedInput>],
        options: export::Options,
    ) -> Option<Finished> {
        if self.is_busy() {
            return Some(Finished::Message(Err(
                "A save is already in progress.".into()
            )));
        }
        let write = writer(export, inputs);
        self.spawn(ctx, diagnosis, options, move |diagnosis, options| {
            saved(&path, write(&path, diagnosis, options))
        })
    }

    /// The finished save's message, once.
    pub fn poll(&mut self) -> Option<Finished> {
        let pending = self.pending.as_ref()?;
        let finished = match pending.try_recv() {
            Err(TryRecvError::Empty) => return None,
            Ok(finished) => finished,
            Err(TryRecvError::Disconnected) => {
                Finished::Message(Err("The save stopped unexpectedly.".into()))
            }
        };
        self.pending = None;
        Some(finished)
    }

    fn spawn(
        &mut self,
        ctx: &egui::Context,
        diagnosis: &Diagnosis,
        options: export::Options,
        job: impl FnOnce(&Diagnosis, &export::Options) -> Finished + Send + 'static,
    ) -> Option<Finished> {
        let diagnosis = diagnosis.clone();
        let (tx, rx) = mpsc::sync_channel(1);
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("mailflow-save".into())
            .spawn(move || {
                tx.send(job(&diagnosis, &options)).ok(); // Err only when the window has closed.
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.pending = Some(rx);
                None
            }
            Err(error) => Some(Finished::Message(Err(format!(
                "Could not start the save: {error}"
            )))),
        }
    }
}

/// The file extension of a save.
fn extension(export: Export) -> &'static str {
    match export {
        Export::Save(format) => format.extension(),
        Export::Bundle | Export::CopyMarkdown | Export::CopyText => "zip",
    }
}

/// The suggested file name, from the (redacted, when asked) diagnosis.
fn file_name(export: Export, diagnosis: &Diagnosis, options: &export::Options) -> String {
    let named = if options.redact {
        export::redact::redact(diagnosis)
    } else {
        diagnosis.clone()
    };
    export::suggested_file_name(&named, extension(export))
}

/// What writes `export` to a path.
fn writer(export: Export, inputs: &[Arc<LoadedInput>]) -> Writer {
    match export {
        Export::Bundle => {
            let inputs = inputs_owned(inputs);
            Box::new(move |path, d, o| {
                export::bundle::write_bundle(path, d, &inputs, o).map_err(|e| e.to_string())
            })
        }
        Export::Save(format) => Box::new(move |path, d, o| {
            export::write_atomic(path, export::render_with(d, format, o).as_bytes())
                .map_err(|e| format!("Cannot write the report ({e}): {}", path.display()))
        }),
        Export::CopyMarkdown | Export::CopyText => Box::new(|_, _, _| Ok(())),
    }
}

/// The agent's message for a finished write.
fn saved(path: &std::path::Path, result: Result<(), String>) -> Finished {
    Finished::Message(result.map(|()| format!("Saved {}", path.display())))
}

/// The raw inputs as the bundle writer wants them.
fn inputs_owned(inputs: &[Arc<LoadedInput>]) -> Vec<(crate::case::InputInfo, Vec<u8>)> {
    inputs
        .iter()
        .map(|i| (i.info().clone(), i.raw().to_vec()))
        .collect()
}
