//! The Summary page: the answer to read out and paste into the ticket, in the reports'
//! order — the headline, who acts, the decisive cause, every problem and warning on one
//! line (a click opens its step), the next actions grouped by who does them with tick
//! boxes, the agent's checks and notes, how it was decided — and, pinned below, the
//! exports.

use std::collections::BTreeMap;

use eframe::egui;

use crate::diagnosis::{Diagnosis, Severity};
use crate::export::Format;
use crate::export::summary::{audience_label, deciding_rules, rule_line, side_label};
use crate::step::Step;

use super::super::cards;
use super::super::export_actions::Export;
use super::super::guidance::Guidance;
use super::super::theme;

/// Label of the notes box; tests find it by this.
pub const NOTES_LABEL: &str = "Notes for the ticket";

/// The checklist key of a next action.
pub fn action_key(text: &str) -> String {
    format!("action:{text}")
}

/// Draws the page above the export bar; returns the step the agent clicked, if any.
pub fn ui(
    ui: &mut egui::Ui,
    diagnosis: Option<&Diagnosis>,
    checklist: &mut BTreeMap<String, bool>,
    notes: &mut String,
) -> Option<Step> {
    ui.heading("Summary");
    ui.label(&Guidance::embedded().summary.what);
    let Some(d) = diagnosis else {
        ui.label(egui::RichText::new("Add inputs to get a diagnosis.").italics());
        return None;
    };
    super::status::verdict_card_ui(ui, d);
    ui.add_space(theme::GAP);
    cause_ui(ui, d);
    let clicked = problems_ui(ui, d);
    next_actions_ui(ui, d, checklist);
    checks_done_ui(ui, checklist);
    let label = ui.label(egui::RichText::new(NOTES_LABEL).strong());
    ui.add(
        egui::TextEdit::multiline(notes)
            .desired_rows(3)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    if !d.decision_chain.is_empty() {
        ui.add_space(theme::GAP);
        egui::CollapsingHeader::new("How it was decided")
            .id_salt("decision_chain")
            .show(ui, |ui| {
                for (n, line) in d.decision_chain.iter().enumerate() {
                    ui.label(format!("{}. {line}", n + 1));
                }
            });
    }
    clicked
}

/// The decisive status code and the mail flow rules that decided, when there are any:
/// the cause in the sender's own words, and which rule to look up.
fn cause_ui(ui: &mut egui::Ui, d: &Diagnosis) {
    let rules = deciding_rules(d);
    if d.ndr.is_none() && rules.is_empty() {
        return;
    }
    if let Some(ndr) = &d.ndr {
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new("Status code:").strong());
            ui.label(format!(
                "{} — {} (to be fixed on {})",
                ndr.code,
                ndr.meaning,
                side_label(ndr.side)
            ));
        });
    }
    for rule in rules {
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new("Mail flow rule:").strong());
            ui.label(rule_line(&rule.name, rule.id.as_deref(), rule.count));
        });
    }
    ui.add_space(theme::GAP);
}

/// Every problem and warning of every step, one line each, in the reports' order; a
/// click opens the finding's step.
fn problems_ui(ui: &mut egui::Ui, d: &Diagnosis) -> Option<Step> {
    let lines: Vec<_> = d
        .steps
        .iter()
        .flat_map(|report| {
            report
                .findings
                .iter()
                .filter(|f| f.severity >= Severity::Warning)
                .map(move |f| (report.step, f))
        })
        .collect();
    if lines.is_empty() {
        return None;
    }
    ui.label(egui::RichText::new("Problems and warnings").strong());
    let mut clicked = None;
    for (number, finding) in lines {
        let Some(step) = Step::ALL.into_iter().find(|s| s.number() == number) else {
            continue;
        };
        let color = theme::severity_color(ui, finding.severity);
        ui.horizontal(|ui| {
            ui.label(
                egui::RichText::new(theme::severity_icon(finding.severity))
                    .strong()
                    .color(color),
            )
            .on_hover_text(theme::severity_word(finding.severity));
            let text = format!("{} (Step {number})", finding.title);
            let line = ui
                .add(egui::Button::new(text).frame(false).truncate())
                .on_hover_text(format!(
                    "{}\n\nClick to open Step {number}: {}",
                    finding.title,
                    step.title()
                ));
            if line.clicked() {
                cards::reveal(ui.ctx(), finding);
                clicked = Some(step);
            }
        });
    }
    ui.add_space(theme::GAP);
    clicked
}

/// The next actions with tick boxes, grouped by who does them.
fn next_actions_ui(ui: &mut egui::Ui, d: &Diagnosis, checklist: &mut BTreeMap<String, bool>) {
    if d.next_actions.is_empty() {
        return;
    }
    ui.label(egui::RichText::new("Next actions").strong());
    for (who, actions) in d.next_action_groups() {
        ui.label(egui::RichText::new(audience_label(who)).strong());
        ui.indent(("actions", audience_label(who)), |ui| {
            for action in actions {
                let ticked = checklist.entry(action_key(&action.text)).or_default();
                ui.checkbox(ticked, &action.text);
            }
        });
    }
    ui.add_space(theme::GAP);
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

/// The export bar pinned under the page: redaction and the five exports. Returns the
/// export clicked.
pub fn exports_ui(ui: &mut egui::Ui, redact: &mut bool, saving: bool) -> Option<Export> {
    let mut clicked = None;
    ui.add_space(theme::GAP / 2.0);
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
        ui.checkbox(redact, "Redact personal data");
    });
    ui.add_space(theme::GAP / 2.0);
    clicked
}
