//! Step 1: the journeys and their events as one virtualised table.

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use crate::diagnosis::{Diagnosis, Status};
use crate::export::summary::duration_words;

use super::super::theme;

/// One table row: an event, or the header line of a journey.
#[derive(Clone, Debug)]
pub struct Row {
    /// The journey, 1-based.
    pub journey: usize,
    /// The event time (RFC 3339 shortened), or the journey's time span.
    pub time: String,
    /// The event name, or the journey's status.
    pub event: String,
    /// The event detail, or the journey's recipients.
    pub detail: String,
    /// Time since the previous event of the journey, or the journey's duration.
    pub spent: String,
    /// True for a journey header line.
    pub is_journey: bool,
    /// The journey's status (for the header line's colour).
    pub status: Status,
}

/// Step 1's rows, built once per diagnosis (on the worker).
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    /// Rows in display order, grouped by journey.
    pub rows: Vec<Row>,
}

impl Timeline {
    /// Flattens the diagnosis's journeys into rows.
    pub fn build(diagnosis: &Diagnosis) -> Self {
        let mut rows = Vec::new();
        for (n, journey) in diagnosis.trace.iter().flat_map(|t| &t.journeys).enumerate() {
            rows.push(Row {
                journey: n + 1,
                time: String::new(),
                event: format!("Journey {}: {}", n + 1, journey.status.label()),
                detail: journey.recipients.join(", "),
                spent: journey
                    .duration_seconds
                    .map(duration_words)
                    .unwrap_or_default(),
                is_journey: true,
                status: journey.status,
            });
            let mut previous: Option<chrono::DateTime<chrono::FixedOffset>> = None;
            for event in &journey.events {
                let time = event
                    .time
                    .as_deref()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
                let spent = match (previous, time) {
                    (Some(a), Some(b)) => duration_words((b - a).num_seconds() as f64),
                    _ => String::new(),
                };
                previous = time.or(previous);
                rows.push(Row {
                    journey: n + 1,
                    time: time.map_or_else(
                        || event.time.clone().unwrap_or_default(),
                        |t| t.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
                    ),
                    event: event.event.clone(),
                    detail: event.detail.clone().unwrap_or_default(),
                    spent,
                    is_journey: false,
                    status: journey.status,
                });
            }
        }
        Self { rows }
    }
}

/// The height [`table_ui`] needs to show `rows` rows without scrolling, with the separator
/// above it: its count line, the header and rows (each followed by item spacing), and a
/// row's height for the separator and margins.
pub fn table_height(ui: &egui::Ui, rows: usize) -> f32 {
    let spacing = ui.spacing();
    let pitch = theme::ROW_HEIGHT + spacing.item_spacing.y;
    spacing.interact_size.y
        + spacing.item_spacing.y
        + (rows as f32 + 1.0) * pitch
        + theme::ROW_HEIGHT
}

/// Draws the timeline table; only the rows in view are laid out.
pub fn table_ui(ui: &mut egui::Ui, timeline: &Timeline) {
    let rows = &timeline.rows;
    ui.label(crate::words::count(rows.len() as u64, "row", "rows"));
    TableBuilder::new(ui)
        .id_salt("timeline")
        .striped(true)
        .resizable(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::auto().at_least(60.0))
        .column(Column::auto().at_least(170.0))
        .column(Column::auto().at_least(110.0))
        .column(Column::auto().at_least(80.0))
        .column(Column::remainder().clip(true))
        .header(theme::ROW_HEIGHT, |mut header| {
            for title in ["Journey", "Time", "Event", "Time spent", "Detail"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(theme::ROW_HEIGHT, rows.len(), |mut row| {
                let Some(r) = rows.get(row.index()) else {
                    return;
                };
                row.col(|ui| {
                    ui.label(r.journey.to_string());
                });
                row.col(|ui| {
                    ui.label(&r.time);
                });
                row.col(|ui| {
                    if r.is_journey {
                        let color = theme::severity_color(ui, theme::status_severity(r.status));
                        ui.label(egui::RichText::new(&r.event).strong().color(color));
                    } else {
                        ui.label(&r.event);
                    }
                });
                row.col(|ui| {
                    ui.label(&r.spent);
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(&r.detail).truncate())
                        .on_hover_text(&r.detail);
                });
            });
        });
}
