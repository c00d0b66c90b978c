//! Step 5: the decisive status code explained, the opt-in online checks, then the
//! findings.

use std::collections::BTreeMap;

use eframe::egui;

use crate::diagnosis::Severity;
use crate::export::summary::side_label;
use crate::step::Step;

use super::super::online::OnlineChecks;
use super::super::theme;
use super::super::worker::Analysis;

/// Draws step 5.
pub fn ui(
    ui: &mut egui::Ui,
    checklist: &mut BTreeMap<String, bool>,
    analysis: Option<&Analysis>,
    online: &mut OnlineChecks,
    online_running: bool,
) {
    let diagnosis = analysis.map(|a| &a.diagnosis);
    super::guide_ui(ui, Step::External, diagnosis, checklist);
    if let Some(ndr) = diagnosis.and_then(|d| d.ndr.as_ref()) {
        let color = theme::severity_color(ui, Severity::Warning);
        egui::Frame::group(ui.style())
            .stroke(egui::Stroke::new(1.5, color))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(
                    egui::RichText::new(format!("Status code {}", ndr.code))
                        .size(20.0)
                        .strong()
                        .color(color),
                );
                ui.label(&ndr.meaning);
                ui.label(format!("Who must fix it: {}", side_label(ndr.side)));
            });
        ui.add_space(theme::GAP);
    }
    online.ui(ui, analysis, online_running);
    ui.add_space(theme::GAP);
    super::findings_ui(ui, Step::External, diagnosis);
}
