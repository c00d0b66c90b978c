//! The step-5 online-checks switch: says what will be sent where before anything is,
//! and whether the findings below include the lookups.

use eframe::egui;
use serde::{Deserialize, Serialize};

use super::guidance::Guidance;
use super::worker::Analysis;

/// The switch; saved with the settings.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OnlineChecks {
    /// The agent opted in to DNS lookups.
    pub enabled: bool,
}

impl OnlineChecks {
    /// Draws the switch with its disclosure text and the state of the lookups.
    pub fn ui(&mut self, ui: &mut egui::Ui, analysis: Option<&Analysis>, running: bool) {
        let text = &Guidance::embedded().online;
        ui.checkbox(&mut self.enabled, &text.switch);
        ui.label(&text.what);
        let Some(analysis) = analysis else {
            return;
        };
        egui::CollapsingHeader::new("What will be sent where for this message")
            .id_salt("online_plan")
            .default_open(!self.enabled)
            .show(ui, |ui| {
                for line in &analysis.online_plan {
                    ui.label(line);
                }
            });
        if running {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Online checks are running…");
            });
        } else if let Some(results) = analysis.online.as_ref().filter(|_| self.enabled) {
            let budget = if results.budget_exhausted {
                " (the time budget ran out; some checks were skipped)"
            } else {
                ""
            };
            ui.label(format!(
                "Checked via {} in {:.1} s{budget}; the results are among the findings below.",
                results.resolver,
                results.elapsed_ms as f64 / 1000.0
            ));
        }
    }
}
