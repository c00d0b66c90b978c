//! How inputs arrive: files dropped anywhere (with a full-window hint while they hover),
//! Ctrl+V anywhere outside a text box, and the Open… dialog awaited off the UI thread.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};

use eframe::egui;

use super::file_dialog::{self, Answer};
use super::guidance::Guidance;
use super::theme;
use super::worker::{NewInput, Origin};

/// File types the Open… dialog offers.
const EXTENSIONS: &[&str] = &["eml", "msg", "txt", "csv", "json", "log"];

/// Takes the files dropped this frame (so nothing handles them twice).
pub fn take_dropped(ctx: &egui::Context) -> Vec<NewInput> {
    let dropped = ctx.input_mut(|i| std::mem::take(&mut i.raw.dropped_files));
    dropped
        .into_iter()
        .filter_map(|file| {
            let path = file.path();
            if path.as_os_str().is_empty() {
                let bytes = file.bytes().ok()?;
                Some(NewInput {
                    origin: Origin::Dropped("dropped file".into()),
                    bytes: Some(Arc::from(bytes)),
                })
            } else {
                Some(NewInput::file(path.to_path_buf()))
            }
        })
        .collect()
}

/// Text pasted while no text box has the focus.
pub fn take_paste(ctx: &egui::Context) -> Option<String> {
    if ctx.memory(|m| m.focused().is_some()) {
        return None;
    }
    ctx.input_mut(|i| {
        let mut pasted = None;
        i.events.retain(|event| match event {
            egui::Event::Paste(text) if !text.trim().is_empty() => {
                pasted = Some(text.clone());
                false
            }
            _ => true,
        });
        pasted
    })
}

/// While files hover over the window: dim it and say what will be accepted, in an
/// `Area` with labels so screen readers (and tests) see the hint.
pub fn hover_overlay_ui(ctx: &egui::Context) {
    let names: Vec<String> = ctx.input(|i| {
        i.raw
            .hovered_files
            .iter()
            .map(|f| {
                f.path
                    .as_ref()
                    .and_then(|p| p.file_name())
                    .map_or_else(|| "a file".into(), |n| n.to_string_lossy().into_owned())
            })
            .collect()
    });
    if names.is_empty() {
        return;
    }
    let screen = ctx.content_rect();
    ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop_dim"),
    ))
    .rect_filled(screen, 0.0, theme::overlay_fill());
    egui::Area::new(egui::Id::unique("drop_hint"))
        .order(egui::Order::Tooltip)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style())
                .inner_margin(24.0)
                .show(ui, |ui| {
                    ui.heading("Drop to add to the case");
                    ui.label(names.join(", "));
                    ui.label(&Guidance::embedded().inputs.accepts);
                });
        });
}

/// The Open… dialog, awaited on a named thread.
#[derive(Debug, Default)]
pub struct OpenDialog {
    pending: Option<Receiver<Answer>>,
}

impl OpenDialog {
    /// Shows the dialog unless one is already open.
    pub fn open(&mut self, ctx: &egui::Context) -> Result<(), String> {
        if self.pending.is_some() {
            return Ok(());
        }
        let dialog = rfd::AsyncFileDialog::new()
            .set_title("Open mail evidence")
            .add_filter("Mail evidence", EXTENSIONS)
            .add_filter("All files", &["*"])
            .pick_files();
        let (tx, rx) = mpsc::sync_channel(1);
        let ctx = ctx.clone();
        std::thread::Builder::new()
            .name("mailflow-open".into())
            .spawn(move || {
                let answer = file_dialog::await_dialog(async {
                    dialog
                        .await
                        .map(|files| files.iter().map(|h| h.path().to_path_buf()).collect())
                });
                tx.send(answer).ok(); // Err only when the window has closed.
                ctx.request_repaint();
            })
            .map_err(|e| format!("Could not open the file dialog: {e}"))?;
        self.pending = Some(rx);
        Ok(())
    }

    /// What the dialog answered, once it closed.
    pub fn poll(&mut self) -> Option<Answer> {
        let pending = self.pending.as_ref()?;
        let answer = match pending.try_recv() {
            Ok(answer) => answer,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => Answer::Unavailable,
        };
        self.pending = None;
        Some(answer)
    }
}
