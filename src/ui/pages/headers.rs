//! Step 4: the Received hops with a delay chart, authentication pills and the decoded
//! anti-spam fields, then the findings.

use std::collections::BTreeMap;

use eframe::egui;
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart, Plot};

use crate::diagnosis::{AlignmentOut, Antispam, Authentication, Diagnosis, Hop, Severity};
use crate::export::summary::{duration_words, human_time_text};
use crate::knowledge::Knowledge;
use crate::step::Step;

use super::super::theme;

/// Draws step 4.
pub fn ui(
    ui: &mut egui::Ui,
    diagnosis: Option<&Diagnosis>,
    checklist: &mut BTreeMap<String, bool>,
) {
    super::guide_ui(ui, Step::Headers, diagnosis, checklist);
    if let Some(d) = diagnosis {
        if let Some(auth) = &d.authentication {
            authentication_ui(ui, auth);
        }
        if let Some(antispam) = &d.antispam {
            antispam_ui(ui, antispam);
        }
        if !d.hops.is_empty() {
            ui.add_space(theme::GAP);
            ui.label(egui::RichText::new("Received hops, oldest first").strong());
            hops_table_ui(ui, &d.hops);
            delay_chart_ui(ui, &d.hops);
        }
        ui.add_space(theme::GAP);
    }
    super::findings_ui(ui, Step::Headers, diagnosis);
}

/// SPF, DKIM, DMARC, ARC and compauth as coloured pills.
fn authentication_ui(ui: &mut egui::Ui, auth: &Authentication) {
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new("Authentication:").strong());
        let results = [
            ("SPF", &auth.spf),
            ("DKIM", &auth.dkim),
            ("DMARC", &auth.dmarc),
            ("ARC", &auth.arc),
            ("compauth", &auth.compauth),
        ];
        for (name, result) in results {
            let Some(result) = result else {
                continue;
            };
            let color = theme::auth_color(ui, result);
            let text = match (name, &auth.compauth_reason) {
                ("compauth", Some(reason)) => format!(" {name}: {result} ({reason}) "),
                _ => format!(" {name}: {result} "),
            };
            egui::Frame::new()
                .fill(color.gamma_multiply(0.25))
                .stroke(egui::Stroke::new(1.0, color))
                .corner_radius(8.0)
                .show(ui, |ui| {
                    ui.label(egui::RichText::new(text).strong());
                });
        }
    });
    if let Some(alignment) = &auth.alignment {
        alignment_ui(ui, alignment);
    }
}

/// The From domain against SPF's MailFrom and each DKIM `d=`: what DMARC judges.
fn alignment_ui(ui: &mut egui::Ui, alignment: &AlignmentOut) {
    let unknown = "?";
    let from = alignment.from_domain.as_deref().unwrap_or(unknown);
    let mut parts = vec![format!("From {from}")];
    if let Some(mail_from) = &alignment.mail_from_domain {
        let spf = alignment.spf.as_deref().unwrap_or(unknown);
        parts.push(format!("SPF MailFrom {mail_from}: aligned {spf}"));
    }
    parts.extend(
        alignment
            .dkim
            .iter()
            .map(|d| format!("DKIM d={}: aligned {}", d.domain, d.aligned)),
    );
    ui.label(format!("Alignment: {}", parts.join(" · ")))
        .on_hover_text(
            "DMARC passes only when SPF or DKIM passes for a domain aligned with the From domain: \
             strict = the same domain, relaxed = the same organizational domain.",
        );
}

/// The anti-spam fields with their meanings on hover, from the knowledge table.
fn antispam_ui(ui: &mut egui::Ui, antispam: &Antispam) {
    const REPORT: &str = "X-Forefront-Antispam-Report";
    const MICROSOFT: &str = "X-Microsoft-Antispam";
    let table = &Knowledge::embedded().antispam;
    let fields = [
        (REPORT, "SCL", antispam.scl.map(|v| v.to_string())),
        (MICROSOFT, "BCL", antispam.bcl.map(|v| v.to_string())),
        (MICROSOFT, "PCL", antispam.pcl.map(|v| v.to_string())),
        (REPORT, "SFV", antispam.sfv.clone()),
        (REPORT, "CAT", antispam.cat.clone()),
        (REPORT, "IPV", antispam.ipv.clone()),
        (REPORT, "CTRY", antispam.country.clone()),
        (REPORT, "CIP", antispam.client_ip.clone()),
    ];
    ui.label(egui::RichText::new("Anti-spam verdict (hover for meanings)").strong());
    egui::Grid::new("antispam").striped(true).show(ui, |ui| {
        for (header, key, value) in fields {
            let Some(value) = value else {
                continue;
            };
            let decoded = table.decode(header, key, &value);
            let meaning = [decoded.field_meaning, decoded.value_meaning]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n\n");
            ui.label(egui::RichText::new(key).monospace());
            let response = ui.label(egui::RichText::new(&value).strong());
            let name = ui.label(decoded.name);
            if !meaning.is_empty() {
                response.on_hover_text(&meaning);
                name.on_hover_text(&meaning);
            }
            ui.label(decoded.value_meaning.unwrap_or_default());
            ui.end_row();
        }
    });
}

/// The hops as a table (few rows; sized to content).
fn hops_table_ui(ui: &mut egui::Ui, hops: &[Hop]) {
    TableBuilder::new(ui)
        .id_salt("hops")
        .striped(true)
        .vscroll(false)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::auto())
        .column(Column::auto().at_least(120.0).clip(true))
        .column(Column::auto().at_least(120.0).clip(true))
        .column(Column::auto().clip(true))
        .column(Column::auto())
        .column(Column::auto())
        .column(Column::remainder().clip(true))
        .header(theme::ROW_HEIGHT, |mut header| {
            for title in ["#", "From", "By", "With", "Time", "Delay", "TLS"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(theme::ROW_HEIGHT, hops.len(), |mut row| {
                let Some(hop) = hops.get(row.index()) else {
                    return;
                };
                let cells = [
                    hop.index.to_string(),
                    hop.from.clone().unwrap_or_default(),
                    hop.by.clone().unwrap_or_default(),
                    hop.with.clone().unwrap_or_default(),
                    hop.time.as_deref().map(human_time_text).unwrap_or_default(),
                    hop.delay_seconds.map(duration_words).unwrap_or_default(),
                    hop.tls.clone().unwrap_or_default(),
                ];
                for cell in cells {
                    row.col(|ui| {
                        ui.add(egui::Label::new(&cell).truncate())
                            .on_hover_text(&cell);
                    });
                }
            });
        });
}

/// One bar per hop: how long the message waited before that hop.
fn delay_chart_ui(ui: &mut egui::Ui, hops: &[Hop]) {
    let bars = hops
        .iter()
        .map(|hop| {
            Bar::new(
                f64::from(hop.index),
                hop.delay_seconds.unwrap_or(0.0).max(0.0),
            )
            .name(format!("Hop {}", hop.index))
            .width(0.6)
        })
        .collect();
    let color = theme::severity_color(ui, Severity::Info);
    ui.label("Delay before each hop (seconds)");
    Plot::new("hop_delays")
        .height(160.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .x_axis_label("Hop")
        .y_axis_label("Seconds")
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("Delay (s)", bars).color(color));
        });
}
