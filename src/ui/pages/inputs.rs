//! The Inputs page: drop zone, paste box, Open…, the sample case, the inputs list and,
//! when the inputs hold several messages, the message picker.

use std::sync::Arc;

use eframe::egui;

use crate::export::summary::size_words;

use super::super::count_words;
use super::super::guidance::Guidance;
use super::super::message_bar;
use super::super::theme;
use super::super::worker::{Analysis, LoadedInput};

/// Label of the paste box; tests find the box by it.
pub const PASTE_LABEL: &str = "Paste a message trace, headers or an NDR";

/// What the agent asked for on this page; the app carries it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Show the Open… dialog.
    Open,
    /// Load the bundled sample case.
    Sample,
    /// Add the paste box's text as an input.
    AddPaste,
    /// Remove the input at this index.
    Remove(usize),
    /// Diagnose the message at this index.
    Select(usize),
}

/// Draws the page and returns what was clicked.
pub fn ui(
    ui: &mut egui::Ui,
    inputs: &[Arc<LoadedInput>],
    analysis: Option<&Analysis>,
    busy: bool,
    paste: &mut String,
    search: &mut String,
) -> Vec<Action> {
    let mut actions = Vec::new();
    let guidance = &Guidance::embedded().inputs;
    ui.heading("Inputs");
    ui.label(&guidance.intro);
    ui.add_space(theme::GAP);
    drop_zone_ui(ui, &guidance.accepts, &mut actions);
    ui.add_space(theme::GAP);
    let label = ui.label(egui::RichText::new(PASTE_LABEL).strong());
    // A long paste scrolls inside the box, so the button below it stays in view.
    egui::ScrollArea::vertical()
        .id_salt("paste_box")
        .max_height(theme::PASTE_HEIGHT)
        .show(ui, |ui| {
            ui.add(
                egui::TextEdit::multiline(paste)
                    .desired_rows(5)
                    .desired_width(f32::INFINITY)
                    .font(egui::TextStyle::Monospace)
                    .hint_text("Ctrl+V anywhere in the window also pastes"),
            )
            .labelled_by(label.id);
        });
    if ui
        .add_enabled(
            !paste.trim().is_empty(),
            egui::Button::new("Add pasted text"),
        )
        .clicked()
    {
        actions.push(Action::AddPaste);
    }
    ui.add_space(theme::GAP);
    inputs_list_ui(ui, inputs, busy, &mut actions);
    if let Some(analysis) = analysis.filter(|a| a.diagnosis.messages.len() > 1) {
        ui.add_space(theme::GAP);
        ui.label(
            egui::RichText::new(format!(
                "The inputs describe {} messages; choose the one to diagnose",
                analysis.diagnosis.messages.len()
            ))
            .strong(),
        );
        if let Some(n) = message_bar::list_ui(ui, analysis, search, busy, 260.0) {
            actions.push(Action::Select(n));
        }
    }
    actions
}

fn drop_zone_ui(ui: &mut egui::Ui, accepts: &str, actions: &mut Vec<Action>) {
    let stroke = ui.visuals().widgets.noninteractive.bg_stroke;
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(2.0, stroke.color))
        .inner_margin(24.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.vertical_centered(|ui| {
                ui.label(egui::RichText::new("Drop files anywhere in this window").size(20.0));
                ui.label(accepts);
                ui.horizontal(|ui| {
                    if ui.button("Open…").clicked() {
                        actions.push(Action::Open);
                    }
                    if ui.button("Try a sample case").clicked() {
                        actions.push(Action::Sample);
                    }
                });
            });
        });
}

fn inputs_list_ui(
    ui: &mut egui::Ui,
    inputs: &[Arc<LoadedInput>],
    busy: bool,
    actions: &mut Vec<Action>,
) {
    if inputs.is_empty() {
        ui.label(egui::RichText::new("No inputs yet.").italics());
        return;
    }
    ui.label(egui::RichText::new(count_words(inputs.len(), "input", "inputs")).strong());
    egui::Grid::new("inputs_list").striped(true).show(ui, |ui| {
        for (n, input) in inputs.iter().enumerate() {
            let info = input.info();
            ui.label(&info.name);
            ui.label(info.kind.describe());
            ui.label(size_words(info.size_bytes));
            let remove = ui
                .add_enabled(!busy, egui::Button::new("Remove"))
                .on_hover_text(format!("Remove {}", info.name));
            if remove.clicked() {
                actions.push(Action::Remove(n));
            }
            ui.end_row();
        }
    });
}
