//! The message bar above every step: which message the page is about (subject, sender →
//! recipient, time, status) and, when the inputs hold several, "Message 2 of 7" with a
//! searchable switcher listing each one's date, subject, status and recipient.

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use crate::diagnosis::{Diagnosis, MessageSummary};

use super::theme;
use super::worker::Analysis;

/// Label of the switcher button; tests click it.
pub const SWITCH_LABEL: &str = "Switch message…";
/// Label of the switcher's search box.
pub const SEARCH_LABEL: &str = "Search messages";

/// The switcher's state.
#[derive(Debug, Default)]
pub struct MessageBar {
    /// True while the switcher is open.
    pub open: bool,
    /// The switcher's search text.
    pub search: String,
}

impl MessageBar {
    /// Draws the bar (and the switcher when open); returns the message chosen, if any.
    pub fn ui(&mut self, ui: &mut egui::Ui, analysis: &Analysis, busy: bool) -> Option<usize> {
        let d = &analysis.diagnosis;
        let several = d.messages.len() > 1;
        let status = d.verdict.status;
        let color = theme::severity_color(ui, theme::status_severity(status));
        egui::Frame::new()
            .fill(ui.visuals().faint_bg_color)
            .inner_margin(egui::Margin::symmetric(10, 6))
            .corner_radius(4.0)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    if several {
                        ui.label(
                            egui::RichText::new(format!(
                                "Message {} of {}",
                                d.selected_message + 1,
                                d.messages.len()
                            ))
                            .strong(),
                        );
                        if ui
                            .add_enabled(!busy, egui::Button::new(SWITCH_LABEL))
                            .on_hover_text("Choose another message of these inputs")
                            .clicked()
                        {
                            self.open = true;
                        }
                        ui.label(egui::RichText::new(status_counts(d)).weak())
                            .on_hover_text("The status of every message in these inputs");
                    }
                    let subject = subject_of(d);
                    ui.add(egui::Label::new(egui::RichText::new(subject).strong()).truncate());
                });
                ui.horizontal(|ui| {
                    ui.label(egui::RichText::new(status.label()).strong().color(color));
                    let mut parts = Vec::new();
                    if let Some(m) = &d.message {
                        let sender = m.sender.as_deref().unwrap_or("unknown sender");
                        let recipients = match m.recipients.as_slice() {
                            [] => "unknown recipient".to_owned(),
                            [one] => one.clone(),
                            [first, rest @ ..] => format!("{first} and {} more", rest.len()),
                        };
                        parts.push(format!("{sender} → {recipients}"));
                    }
                    let time = analysis
                        .message_times
                        .get(d.selected_message)
                        .copied()
                        .flatten()
                        .or_else(|| d.first_seen());
                    if let Some(time) = time {
                        parts.push(time.format("%Y-%m-%d %H:%M %:z").to_string());
                    }
                    ui.add(egui::Label::new(parts.join(" · ")).truncate());
                });
            });
        if !self.open {
            return None;
        }
        let mut chosen = None;
        let modal = egui::Modal::new(egui::Id::unique("message_switcher")).show(ui.ctx(), |ui| {
            let screen = ui.ctx().content_rect();
            ui.set_width((screen.width() - 80.0).clamp(300.0, 900.0));
            ui.heading(format!("{} messages in these inputs", d.messages.len()));
            chosen = list_ui(ui, analysis, &mut self.search, busy, screen.height() * 0.6);
            if ui.button("Close").clicked() {
                self.open = false;
            }
        });
        if modal.should_close() || chosen.is_some() {
            self.open = false;
        }
        chosen
    }
}

/// How the messages of the inputs ended, most common first ("2 failed, 1 delivered"):
/// whether another message than the one shown is the one the user means.
fn status_counts(d: &Diagnosis) -> String {
    let mut counts: Vec<(crate::diagnosis::Status, usize)> = Vec::new();
    for m in &d.messages {
        let status = m.verdict.status;
        match counts.iter_mut().find(|(s, _)| *s == status) {
            Some((_, n)) => *n += 1,
            None => counts.push((status, 1)),
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts
        .iter()
        .map(|(status, n)| format!("{n} {}", status.label().to_lowercase()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The selected message's subject, or what stands for it.
fn subject_of(d: &Diagnosis) -> String {
    d.message
        .as_ref()
        .and_then(|m| m.subject.clone())
        .or_else(|| {
            d.messages
                .get(d.selected_message)
                .and_then(|m| m.subject.clone())
        })
        .unwrap_or_else(|| "(no subject)".into())
}

/// One message's row text: date, subject, status, sender and recipients, for searching.
fn row_text(m: &MessageSummary, time: Option<&str>) -> String {
    format!(
        "{} {} {} {} {}",
        time.unwrap_or_default(),
        m.subject.as_deref().unwrap_or_default(),
        m.verdict.status.label(),
        m.sender.as_deref().unwrap_or_default(),
        m.recipients.join(" ")
    )
    .to_lowercase()
}

/// The searchable list of the inputs' messages, as a table (date, subject, status,
/// recipient); returns the one clicked. Only the rows in view are laid out.
pub fn list_ui(
    ui: &mut egui::Ui,
    analysis: &Analysis,
    search: &mut String,
    busy: bool,
    max_height: f32,
) -> Option<usize> {
    let d = &analysis.diagnosis;
    let label = ui.label(SEARCH_LABEL);
    ui.add(egui::TextEdit::singleline(search).hint_text("date, subject, status or address"))
        .labelled_by(label.id);
    let times: Vec<Option<String>> = (0..d.messages.len())
        .map(|n| {
            analysis
                .message_times
                .get(n)
                .copied()
                .flatten()
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        })
        .collect();
    let needle = search.trim().to_lowercase();
    let shown: Vec<usize> = d
        .messages
        .iter()
        .enumerate()
        .filter(|(n, m)| {
            needle.is_empty()
                || row_text(m, times.get(*n).and_then(Option::as_deref)).contains(&needle)
        })
        .map(|(n, _)| n)
        .collect();
    ui.label(format!("{} of {} shown", shown.len(), d.messages.len()));
    let mut chosen = None;
    TableBuilder::new(ui)
        .id_salt("message_list")
        .striped(true)
        .max_scroll_height(max_height)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::exact(130.0))
        .column(
            Column::initial(300.0)
                .at_least(120.0)
                .resizable(true)
                .clip(true),
        )
        .column(
            Column::initial(110.0)
                .at_least(70.0)
                .resizable(true)
                .clip(true),
        )
        .column(Column::remainder().at_least(120.0).clip(true))
        .header(theme::ROW_HEIGHT, |mut header| {
            for title in ["Date", "Subject", "Status", "Recipient"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(theme::ROW_HEIGHT, shown.len(), |mut row| {
                let Some((n, m)) = shown
                    .get(row.index())
                    .and_then(|&n| d.messages.get(n).map(|m| (n, m)))
                else {
                    return;
                };
                let selected = n == d.selected_message;
                row.col(|ui| {
                    ui.label(times.get(n).cloned().flatten().unwrap_or_default());
                });
                row.col(|ui| {
                    let subject = m.subject.as_deref().unwrap_or("(no subject)");
                    let button = egui::Button::selectable(selected, subject).truncate();
                    if ui.add_enabled(!busy, button).clicked() && !selected {
                        chosen = Some(n);
                    }
                });
                row.col(|ui| {
                    let color = theme::severity_color(ui, theme::status_severity(m.verdict.status));
                    ui.label(egui::RichText::new(m.verdict.status.label()).color(color));
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(m.recipients.join(", ")).truncate());
                });
            });
        });
    chosen
}
