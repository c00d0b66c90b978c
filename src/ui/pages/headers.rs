//! Step 4: the Received hops with a delay chart, authentication pills and the decoded
//! anti-spam fields, then the findings.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use eframe::egui;
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart, Plot, PlotPoint, Text};

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
        findings_link_ui(ui, d);
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

/// Above the evidence tables, which fill more than a screen: how many problems and
/// warnings this step found, with a link down to them.
fn findings_link_ui(ui: &mut egui::Ui, d: &Diagnosis) {
    let Some(report) = d.step(Step::Headers) else {
        return;
    };
    let count = |severity| {
        report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count() as u64
    };
    let (problems, warnings) = (count(Severity::Problem), count(Severity::Warning));
    let Some(first) = report.findings.first() else {
        return;
    };
    if problems + warnings == 0 {
        return;
    }
    let mut parts = Vec::new();
    if problems > 0 {
        parts.push(crate::words::count(problems, "problem", "problems"));
    }
    if warnings > 0 {
        parts.push(crate::words::count(warnings, "warning", "warnings"));
    }
    let worst = if problems > 0 {
        Severity::Problem
    } else {
        Severity::Warning
    };
    let text = format!(
        "{} {} below the tables: go to the findings",
        theme::severity_icon(worst),
        parts.join(", ")
    );
    let color = theme::severity_color(ui, worst);
    if ui
        .add(egui::Button::new(egui::RichText::new(text).color(color)).frame(false))
        .clicked()
    {
        super::super::cards::reveal(ui.ctx(), first);
    }
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

/// Label of the switch between each hop's own time zone and UTC; tests click it.
pub const UTC_LABEL: &str = "Show hop times in UTC";

/// Above the hop table: the total transit time, how many time zones the hops stamp, and
/// the switch to UTC. Returns whether times show in UTC.
fn hops_header_ui(
    ui: &mut egui::Ui,
    hop_count: usize,
    times: &[Option<DateTime<FixedOffset>>],
) -> bool {
    let utc_id = egui::Id::unique("hops_in_utc");
    let mut utc = ui.data_mut(|d| *d.get_persisted_mut_or_default::<bool>(utc_id));
    ui.horizontal_wrapped(|ui| {
        let known: Vec<_> = times.iter().flatten().collect();
        if let (Some(first), Some(last)) = (known.first(), known.last())
            && known.len() > 1
        {
            let seconds = (**last - **first).num_seconds() as f64;
            ui.label(
                egui::RichText::new(format!(
                    "Total transit: {} over {}",
                    duration_words(seconds.max(0.0)),
                    crate::words::count(hop_count as u64, "hop", "hops")
                ))
                .strong(),
            );
        }
        let zones: std::collections::BTreeSet<_> =
            known.iter().map(|t| t.offset().local_minus_utc()).collect();
        if zones.len() > 1 {
            ui.label(format!("{} time zones", zones.len()))
                .on_hover_text(
                    "The hops stamp their own local times; switch to UTC to compare them.",
                );
        }
        if ui.checkbox(&mut utc, UTC_LABEL).changed() {
            ui.data_mut(|d| d.insert_persisted(utc_id, utc));
        }
    });
    utc
}

/// The hops as a table: full times (in the hop's own zone, or UTC with the switch, the
/// other on hover), columns the agent can widen (egui keeps the widths with the window's
/// state), and the total transit time above it.
fn hops_table_ui(ui: &mut egui::Ui, hops: &[Hop]) {
    let times: Vec<Option<DateTime<FixedOffset>>> = hops
        .iter()
        .map(|h| {
            h.time
                .as_deref()
                .and_then(|t| DateTime::parse_from_rfc3339(t.trim()).ok())
        })
        .collect();
    let utc = hops_header_ui(ui, hops.len(), &times);
    let time_text = |t: &DateTime<FixedOffset>, in_utc: bool| {
        if in_utc {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M:%S UTC")
                .to_string()
        } else {
            t.format("%Y-%m-%d %H:%M:%S %:z").to_string()
        }
    };
    TableBuilder::new(ui)
        .id_salt("hops")
        .striped(true)
        .vscroll(false)
        .resizable(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::exact(26.0))
        .column(Column::initial(150.0).at_least(60.0).clip(true))
        .column(Column::initial(150.0).at_least(60.0).clip(true))
        .column(Column::initial(90.0).at_least(40.0).clip(true))
        .column(Column::initial(TIME_WIDTH).at_least(TIME_WIDTH))
        .column(Column::initial(80.0).at_least(60.0).clip(true))
        .column(Column::remainder().at_least(60.0).clip(true))
        .header(theme::ROW_HEIGHT, |mut header| {
            for title in ["#", "From", "By", "With", "Time", "Delay", "TLS"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(theme::ROW_HEIGHT, hops.len(), |mut row| {
                let n = row.index();
                let Some(hop) = hops.get(n) else {
                    return;
                };
                let text = |value: &Option<String>| value.clone().unwrap_or_default();
                let cells = [
                    hop.index.to_string(),
                    text(&hop.from),
                    text(&hop.by),
                    text(&hop.with),
                ];
                for cell in cells {
                    row.col(|ui| {
                        // Elided text shows in full on hover: egui's own, single tooltip.
                        ui.add(egui::Label::new(&cell).truncate());
                    });
                }
                row.col(|ui| {
                    if let Some(t) = times.get(n).copied().flatten() {
                        ui.add(
                            egui::Label::new(time_text(&t, utc)).show_tooltip_when_elided(false),
                        )
                        .on_hover_text(time_text(&t, !utc));
                    } else {
                        let raw = hop.time.as_deref().map(human_time_text).unwrap_or_default();
                        ui.add(egui::Label::new(raw).truncate());
                    }
                });
                let delay = hop.delay_seconds.map(duration_words).unwrap_or_default();
                row.col(|ui| {
                    ui.add(egui::Label::new(delay).truncate());
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(text(&hop.tls)).truncate());
                });
            });
        });
}

/// Width of the hop table's time column: a full time with its offset.
const TIME_WIDTH: f32 = 178.0;

/// A unit the delay chart counts in, chosen by the longest delay.
#[derive(Clone, Copy)]
struct Unit {
    seconds: f64,
    name: &'static str,
    short: &'static str,
}

impl Unit {
    fn for_longest(seconds: f64) -> Self {
        if seconds >= 2.0 * 3600.0 {
            Self {
                seconds: 3600.0,
                name: "hours",
                short: "h",
            }
        } else if seconds >= 120.0 {
            Self {
                seconds: 60.0,
                name: "minutes",
                short: "min",
            }
        } else {
            Self {
                seconds: 1.0,
                name: "seconds",
                short: "s",
            }
        }
    }
}

/// One bar per hop: how long the message waited before that hop, in minutes or hours
/// when the waits are long, each bar labelled with its wait inside the plot.
fn delay_chart_ui(ui: &mut egui::Ui, hops: &[Hop]) {
    let delay = |hop: &Hop| hop.delay_seconds.unwrap_or(0.0).max(0.0);
    let longest = hops.iter().map(delay).fold(0.0, f64::max);
    let unit = Unit::for_longest(longest);
    let bars = hops
        .iter()
        .map(|hop| {
            Bar::new(f64::from(hop.index), delay(hop) / unit.seconds)
                .name(format!("Hop {}: {}", hop.index, duration_words(delay(hop))))
                .width(0.6)
        })
        .collect();
    let color = theme::severity_color(ui, Severity::Info);
    let text_color = ui.visuals().text_color();
    ui.label(format!("Wait before each hop ({})", unit.name));
    let top = (longest / unit.seconds).max(1.0) * 1.25;
    Plot::new("hop_delays")
        .height(theme::CHART_HEIGHT)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .show_x(false)
        .show_y(false)
        .include_y(0.0)
        .include_y(top)
        .x_axis_formatter(|mark, _| {
            if mark.value.fract() == 0.0 && mark.value >= 1.0 {
                format!("hop {}", mark.value)
            } else {
                String::new()
            }
        })
        .y_axis_formatter(move |mark, _| format!("{} {}", mark.value, unit.short))
        .show(ui, |plot| {
            plot.bar_chart(
                BarChart::new("Wait", bars)
                    .color(color)
                    .element_formatter(Box::new(|bar: &Bar, _: &BarChart| bar.name.clone())),
            );
            for hop in hops.iter().filter(|h| delay(h) > 0.0) {
                let at = PlotPoint::new(f64::from(hop.index), delay(hop) / unit.seconds);
                plot.text(
                    Text::new("wait", at, duration_words(delay(hop)))
                        .color(text_color)
                        .anchor(egui::Align2::CENTER_BOTTOM),
                );
            }
        });
}
