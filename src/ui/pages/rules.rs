//! Step 3: the transport rules that fired, then the findings about rules, lists,
//! connectors and gateways.

use std::collections::BTreeMap;

use eframe::egui;

use crate::diagnosis::Diagnosis;
use crate::step::Step;

use super::super::theme;

/// Draws step 3.
pub fn ui(
    ui: &mut egui::Ui,
    diagnosis: Option<&Diagnosis>,
    checklist: &mut BTreeMap<String, bool>,
) {
    super::guide_ui(ui, Step::Rules, diagnosis, checklist);
    if let Some(d) = diagnosis.filter(|d| !d.rules.is_empty()) {
        rules_table_ui(ui, d);
        ui.add_space(theme::GAP);
    }
    super::findings_ui(ui, Step::Rules, diagnosis);
}

/// Name, GUID, count and journeys of each rule that fired.
fn rules_table_ui(ui: &mut egui::Ui, d: &Diagnosis) {
    ui.label(egui::RichText::new("Mail flow rules that fired").strong());
    egui::Grid::new("rules_table").striped(true).show(ui, |ui| {
        for title in ["Rule", "GUID", "Times fired", "Journeys"] {
            ui.strong(title);
        }
        ui.end_row();
        for rule in &d.rules {
            ui.label(&rule.name);
            ui.add(egui::Label::new(
                egui::RichText::new(rule.id.as_deref().unwrap_or("—")).monospace(),
            ));
            ui.label(rule.count.to_string());
            let journeys: Vec<String> = rule.journeys.iter().map(ToString::to_string).collect();
            ui.label(journeys.join(", "));
            ui.end_row();
        }
    });
}
