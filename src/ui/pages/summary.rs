//! The Summary page: the headline, the decision chain, next actions as a checklist, the
//! agent's checks and notes, and the export buttons.

use std::collections::BTreeMap;

use eframe::egui;

use crate::diagnosis::{Audience, Diagnosis};
use crate::export::Format;

use super::super::export_actions::Export;
use super::super::guidance::Guidance;
use super::super::theme;

/// Label of the notes box; tests find it by this.
pub const NOTES_LABEL: &str = "Notes for the ticket";

/// The checklist key of a next action.
pub fn action_key(text: &str) -> String {
    format!("action:{text}")
}

/// Draws the page; returns the export the agent clicked, if any.
pub fn ui(
    ui: &mut egui::Ui,
    diagnosis: Option<&Diagnosis>,
    checklist: &mut BTreeMap<String, bool>,
    notes: &mut String,
    redact: &mut bool,
    saving: bool,
) -> Option<Export> {
    ui.heading("Summary");
    ui.label(&Guidance::embedded().summary.what);
    let Some(d) = diagnosis else {
        ui.label(egui::RichText::new("Add inputs to get a diagnosis.").italics());
        return None;
    };
    super::status::verdict_card_ui(ui, d);
    ui.add_space(theme::GAP);
    if !d.decision_chain.is_empty() {
        ui.label(egui::RichText::new("How it was decided").strong());
        for (n, line) in d.decision_chain.iter().enumerate() {
            ui.label(format!("{}. {line}", n + 1));
        }
        ui.add_space(theme::GAP);
    }
    if !d.next_actions.is_empty() {
        ui.label(egui::RichText::new("Next actions").strong());
        for action in &d.next_actions {
            let who = match action.who {
                Audience::Agent => "Agent",
                Audience::User => "User",
                Audience::Admin => "Admin",
            };
            let ticked = checklist.entry(action_key(&action.text)).or_default();
            ui.checkbox(ticked, format!("{who}: {}", action.text));
        }
        ui.add_space(theme::GAP);
    }
    checks_done_ui(ui, checklist);
    let label = ui.label(egui::RichText::new(NOTES_LABEL).strong());
    ui.add(
        egui::TextEdit::multiline(notes)
            .desired_rows(3)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    ui.add_space(theme::GAP);
    ui.checkbox(redact, "Redact personal data in exports");
    let mut clicked = None;
    ui.horizontal_wrapped(|ui| {
        let buttons = [
            ("Copy as Markdown", Export::CopyMarkdown),
            ("Copy as text", Export::CopyText),
            ("Save HTML…", Export::Save(Format::Html)),
            ("Save JSON…", Export::Save(Format::Json)),
            ("Save evidence bundle…", Export::Bundle),
        ];
        for (label, export) in buttons {
            let is_save = matches!(export, Export::Save(_) | Export::Bundle);
            if ui
                .add_enabled(!(saving && is_save), egui::Button::new(label))
                .clicked()
            {
                clicked = Some(export);
            }
        }
    });
    clicked
}

/// The step checklists' ticked items, as they will appear in the report.
fn checks_done_ui(ui: &mut egui::Ui, checklist: &BTreeMap<String, bool>) {
    let done: Vec<_> = Guidance::embedded()
        .checklist()
        .filter(|(_, item)| checklist.get(&item.id).copied().unwrap_or(false))
        .collect();
    if done.is_empty() {
        return;
    }
    ui.label(egui::RichText::new("Checks done").strong());
    for (step, item) in done {
        ui.label(format!("✔ {step}: {}", item.text));
    }
    ui.add_space(theme::GAP);
}
