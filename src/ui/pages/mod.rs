//! One file per wizard page; each draws a part of the [`crate::diagnosis::Diagnosis`],
//! opening with the step's guidance from [`super::guidance`].

pub mod external;
pub mod headers;
pub mod inputs;
pub mod rules;
pub mod status;
pub mod summary;
pub mod trace;

use std::collections::BTreeMap;

use eframe::egui;

use crate::diagnosis::Diagnosis;
use crate::step::Step;

use super::cards;
use super::guidance::{self, Guidance};
use super::theme;
use super::toasts;

/// The guidance every step page opens with, then its findings.
pub fn step_intro_ui(
    ui: &mut egui::Ui,
    step: Step,
    diagnosis: Option<&Diagnosis>,
    checklist: &mut BTreeMap<String, bool>,
) {
    guide_ui(ui, step, diagnosis, checklist);
    findings_ui(ui, step, diagnosis);
}

/// Heading, what to check, how to get the evidence and the checklist.
pub fn guide_ui(
    ui: &mut egui::Ui,
    step: Step,
    diagnosis: Option<&Diagnosis>,
    checklist: &mut BTreeMap<String, bool>,
) {
    let guidance = Guidance::embedded().step(step);
    ui.heading(format!("Step {}: {}", step.number(), step.title()));
    if let Some(g) = guidance {
        ui.label(&g.what);
        egui::CollapsingHeader::new("How to get the evidence")
            .id_salt(("guide", step.id()))
            .default_open(diagnosis.is_none())
            .show(ui, |ui| evidence_howto_ui(ui, g, diagnosis));
        if !g.checklist.is_empty() {
            ui.label(egui::RichText::new("Checklist").strong());
            for item in &g.checklist {
                let ticked = checklist.entry(item.id.clone()).or_default();
                ui.checkbox(ticked, &item.text);
            }
        }
    }
    ui.add_space(theme::GAP);
}

/// The step's findings as cards or, when it has nothing to say, which input would fill it.
pub fn findings_ui(ui: &mut egui::Ui, step: Step, diagnosis: Option<&Diagnosis>) {
    let guidance = Guidance::embedded().step(step);
    let report = diagnosis.and_then(|d| d.step(step));
    match report {
        Some(report) if !report.findings.is_empty() => cards::findings_ui(ui, report),
        _ => {
            let empty = guidance.map_or("", |g| g.empty.as_str());
            ui.label(egui::RichText::new(empty).italics());
        }
    }
}

/// The admin-center path, the PowerShell with copy buttons and the mail-client how-tos.
fn evidence_howto_ui(ui: &mut egui::Ui, g: &guidance::StepGuidance, diagnosis: Option<&Diagnosis>) {
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new("Where:").strong());
        ui.label(&g.eac_path);
    });
    for command in &g.commands {
        let text = guidance::fill(&command.template, diagnosis);
        ui.label(&command.label);
        ui.horizontal(|ui| {
            if ui
                .button("Copy")
                .on_hover_text(format!("Copy: {}", command.label))
                .clicked()
            {
                toasts::copy(ui.ctx(), text.clone(), "the command");
            }
            ui.add(
                egui::Label::new(egui::RichText::new(&text).monospace())
                    .selectable(true)
                    .wrap(),
            );
        });
    }
    for how in &g.how_to {
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(format!("{}:", how.client)).strong());
            ui.label(&how.text);
        });
    }
}
