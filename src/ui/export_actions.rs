//! The Summary page's export buttons: copies happen at once; saves ask for a path with
//! rfd's async dialog (created here, awaited on a named thread) and render and write on
//! that thread, so the window never waits.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};

use eframe::egui;

use crate::diagnosis::Diagnosis;
use crate::export::{self, Format};

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

/// Saves in progress; at most one at a time.
#[derive(Debug, Default)]
pub struct Exports {
    pending: Option<Receiver<Result<Option<PathBuf>, String>>>,
}

impl Exports {
    /// True while a save dialog is open or a file is being written.
    pub fn is_busy(&self) -> bool {
        self.pending.is_some()
    }

    /// Carries out `export`; returns a message for the agent when it finished at once.
    pub fn start(
        &mut self,
        ctx: &egui::Context,
        export: Export,
        diagnosis: &Diagnosis,
        inputs: &[Arc<LoadedInput>],
        options: export::Options,
    ) -> Option<Result<String, String>> {
        let format = match export {
            Export::CopyMarkdown => Format::Markdown,
            Export::CopyText => Format::Text,
            Export::Save(format) => format,
            Export::Bundle => {
                let inputs = inputs.to_vec();
                return self.save(ctx, "zip", diagnosis, options, move |path, d, o| {
                    export::bundle::write_bundle(path, d, &inputs_owned(&inputs), o)
                        .map_err(|e| e.to_string())
                });
            }
        };
        if matches!(export, Export::CopyMarkdown | Export::CopyText) {
            ctx.copy_text(export::render_with(diagnosis, format, &options));
            return Some(Ok(format!(
                "Copied the summary as {} to the clipboard.",
                if format == Format::Markdown {
                    "Markdown"
                } else {
                    "text"
                }
            )));
        }
        self.save(
            ctx,
            format.extension(),
            diagnosis,
            options,
            move |path, d, o| {
                export::write_atomic(path, export::render_with(d, format, o).as_bytes())
                    .map_err(|e| format!("cannot write the report ({e}): {}", path.display()))
            },
        )
    }

    /// The finished save's message, once.
    pub fn poll(&mut self) -> Option<Result<String, String>> {
        let pending = self.pending.as_ref()?;
        let result = match pending.try_recv() {
            Err(TryRecvError::Empty) => return None,
            Ok(Ok(Some(path))) => Ok(format!("Saved {}", path.display())),
            Ok(Ok(None)) => return self.finish(None),
            Ok(Err(error)) => Err(error),
            Err(TryRecvError::Disconnected) => Err("The save stopped unexpectedly.".into()),
        };
        self.finish(Some(result))
    }

    fn finish(&mut self, result: Option<Result<String, String>>) -> Option<Result<String, String>> {
        self.pending = None;
        result
    }

    fn save(
        &mut self,
        ctx: &egui::Context,
        ext: &str,
        diagnosis: &Diagnosis,
        options: export::Options,
        write: impl FnOnce(&std::path::Path, &Diagnosis, &export::Options) -> Result<(), String>
        + Send
        + 'static,
    ) -> Option<Result<String, String>> {
        if self.is_busy() {
            return Some(Err("A save is already in progress.".into()));
        }
        let named = if options.redact {
            export::redact::redact(diagnosis)
        } else {
            diagnosis.clone()
        };
        let dialog = rfd::AsyncFileDialog::new()
            .set_file_name(export::suggested_file_name(&named, ext))
            .add_filter(ext, &[ext])
            .save_file();
        let diagnosis = diagnosis.clone();
        let (tx, rx) = mpsc::sync_channel(1);
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("mailflow-save".into())
            .spawn(move || {
                let result = match pollster::block_on(dialog) {
                    Some(handle) => {
                        let path = handle.path().to_path_buf();
                        write(&path, &diagnosis, &options).map(|()| Some(path))
                    }
                    None => Ok(None),
                };
                tx.send(result).ok(); // Err only when the window has closed.
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.pending = Some(rx);
                None
            }
            Err(error) => Some(Err(format!("Could not open the save dialog: {error}"))),
        }
    }
}

/// The raw inputs as the bundle writer wants them.
fn inputs_owned(inputs: &[Arc<LoadedInput>]) -> Vec<(crate::case::InputInfo, Vec<u8>)> {
    inputs
        .iter()
        .map(|i| (i.parsed.info.clone(), i.raw.to_vec()))
        .collect()
}
