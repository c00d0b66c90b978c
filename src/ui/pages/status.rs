//! Step 2: the big verdict card — where the message landed and who decided.

use std::collections::BTreeMap;

use eframe::egui;

use crate::diagnosis::Diagnosis;
use crate::step::Step;

use super::super::guidance::Guidance;
use super::super::theme;

/// Draws step 2.
pub fn ui(
    ui: &mut egui::Ui,
    diagnosis: Option<&Diagnosis>,
    checklist: &mut BTreeMap<String, bool>,
) {
    super::guide_ui(ui, Step::Status, diagnosis, checklist);
    if let Some(d) = diagnosis {
        verdict_card_ui(ui, d);
        ui.add_space(theme::GAP);
    }
    super::findings_ui(ui, Step::Status, diagnosis);
}

/// The verdict in large type, with the decider and what it means for the next step.
pub fn verdict_card_ui(ui: &mut egui::Ui, d: &Diagnosis) {
    let severity = theme::status_severity(d.verdict.status);
    let color = theme::severity_color(ui, severity);
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(2.5, color))
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                egui::RichText::new(format!(
                    "{} {}",
                    theme::severity_icon(severity),
                    d.verdict.status.label()
                ))
                .size(theme::VERDICT_SIZE)
                .strong()
                .color(color),
            );
            ui.label(egui::RichText::new(&d.verdict.headline).size(16.0));
            ui.label(
                egui::RichText::new(format!("Who acts: {}", d.verdict.who_acts.label()))
                    .size(theme::WHO_ACTS_SIZE)
                    .strong(),
            );
            if let Some(location) = &d.verdict.location {
                ui.label(format!("Where: {location}"));
            }
            ui.label(format!("Decided by: {}", d.verdict.decided_by.label()));
            let hint = Guidance::embedded()
                .step(Step::Status)
                .and_then(|g| g.status_hints.get(d.verdict.status.as_str()));
            if let Some(hint) = hint {
                ui.label(egui::RichText::new(hint).italics());
            }
            if d.recipients.len() > 1 {
                egui::Grid::new("recipients").striped(true).show(ui, |ui| {
                    for r in &d.recipients {
                        ui.label(&r.recipient);
                        ui.label(r.status.label());
                        ui.label(r.location.as_deref().unwrap_or_default());
                        ui.end_row();
                    }
                });
            }
        });
}
