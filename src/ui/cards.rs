//! Finding cards: the one way every step shows what an analyzer found.

use eframe::egui;

use crate::diagnosis::{Finding, StepReport};

use super::theme;
use super::toasts;

/// The finding a step page should scroll into view when drawn next, by code and title.
fn reveal_id() -> egui::Id {
    egui::Id::unique("reveal_finding")
}

/// Asks the step page drawn next to scroll `finding` into view: a problem clicked on the
/// Summary opens its step at the card, not at the top of the page.
pub fn reveal(ctx: &egui::Context, finding: &Finding) {
    let key = (finding.code.clone(), finding.title.clone());
    ctx.data_mut(|d| d.insert_temp(reveal_id(), key));
}

/// Draws every finding of `report`, most serious first (the engine's order).
pub fn findings_ui(ui: &mut egui::Ui, report: &StepReport) {
    for (n, finding) in report.findings.iter().enumerate() {
        card_ui(ui, finding, n);
        ui.add_space(theme::GAP);
    }
}

/// One card: severity colour and icon, title, detail, selectable evidence, advice.
pub fn card_ui(ui: &mut egui::Ui, finding: &Finding, n: usize) {
    let color = theme::severity_color(ui, finding.severity);
    let card = egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, color))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    egui::RichText::new(theme::severity_icon(finding.severity))
                        .color(color)
                        .strong(),
                )
                .on_hover_text(theme::severity_word(finding.severity));
                ui.label(egui::RichText::new(&finding.title).strong().color(color));
            });
            if !finding.detail.is_empty() {
                ui.label(&finding.detail);
            }
            if !finding.evidence.is_empty() {
                egui::CollapsingHeader::new(format!("Evidence ({})", finding.evidence.len()))
                    .id_salt(("evidence", &finding.code, n))
                    .default_open(finding.evidence.len() <= 3)
                    .show(ui, |ui| {
                        for line in &finding.evidence {
                            ui.add(
                                egui::Label::new(egui::RichText::new(line).monospace())
                                    .selectable(true)
                                    .wrap(),
                            );
                        }
                        if ui.small_button("Copy evidence").clicked() {
                            toasts::copy(ui.ctx(), finding.evidence.join("\n"), "the evidence");
                        }
                    });
            }
            if !finding.advice.is_empty() {
                ui.horizontal_wrapped(|ui| {
                    ui.label(egui::RichText::new("What to do:").strong());
                    ui.label(&finding.advice);
                });
            }
        });
    let wanted = ui.data(|d| d.get_temp::<(String, String)>(reveal_id()));
    if wanted.is_some_and(|(code, title)| code == finding.code && title == finding.title) {
        card.response.scroll_to_me(Some(egui::Align::TOP));
        ui.data_mut(|d| d.remove::<(String, String)>(reveal_id()));
    }
}
