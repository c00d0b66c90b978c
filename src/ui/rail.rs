//! The step rail: every page with a badge from its findings, so the trouble shows at a
//! glance.

use eframe::egui;
use serde::{Deserialize, Serialize};

use crate::diagnosis::Diagnosis;
use crate::step::Step;

use super::theme;

/// A page of the wizard.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Page {
    /// Where inputs are added.
    #[default]
    Inputs,
    /// One of the five steps.
    Step(Step),
    /// The verdict and the exports.
    Summary,
}

impl Page {
    /// Every page in wizard order.
    pub const ALL: [Self; 7] = [
        Self::Inputs,
        Self::Step(Step::Trace),
        Self::Step(Step::Status),
        Self::Step(Step::Rules),
        Self::Step(Step::Headers),
        Self::Step(Step::External),
        Self::Summary,
    ];

    /// The rail label (also what tests and screen readers find).
    pub fn title(self) -> String {
        match self {
            Self::Inputs => "Inputs".into(),
            Self::Step(step) => format!("{}. {}", step.number(), step.title()),
            Self::Summary => "Summary".into(),
        }
    }

    /// The page `by` places away, if there is one.
    pub fn offset(self, by: isize) -> Option<Self> {
        let i = Self::ALL.iter().position(|p| *p == self)?;
        Self::ALL.get(i.checked_add_signed(by)?).copied()
    }
}

/// Draws the rail; clicking a page selects it.
pub fn ui(ui: &mut egui::Ui, page: &mut Page, diagnosis: Option<&Diagnosis>) {
    ui.add_space(theme::GAP);
    ui.heading("Mailflow");
    ui.add_space(theme::GAP);
    for candidate in Page::ALL {
        ui.horizontal(|ui| {
            ui.selectable_value(page, candidate, candidate.title());
            let Page::Step(step) = candidate else {
                return;
            };
            let Some(worst) = diagnosis
                .and_then(|d| d.step(step))
                .and_then(crate::diagnosis::StepReport::worst)
            else {
                return;
            };
            let color = theme::severity_color(ui, worst);
            ui.label(
                egui::RichText::new(format!(
                    "{} {}",
                    theme::severity_icon(worst),
                    theme::severity_word(worst)
                ))
                .small()
                .color(color),
            );
        });
    }
}
