//! Every colour, icon and spacing the wizard uses, in one place, for light and dark mode.

use eframe::egui::{self, Color32};

use crate::diagnosis::{Severity, Status};

/// Space between cards and sections.
pub const GAP: f32 = 8.0;
/// Row height of the virtualised tables.
pub const ROW_HEIGHT: f32 = 20.0;
/// Width of the step rail.
pub const RAIL_WIDTH: f32 = 210.0;
/// Width of a notification.
pub const TOAST_WIDTH: f32 = 340.0;
/// Where notifications sit: from the bottom-right corner, above the bottom bar.
pub const TOAST_OFFSET: egui::Vec2 = egui::vec2(-12.0, -48.0);
/// Height of the paste box on the Inputs page; longer text scrolls inside it.
pub const PASTE_HEIGHT: f32 = 110.0;
/// Height of the hop-delay chart.
pub const CHART_HEIGHT: f32 = 170.0;
/// Size of the large verdict line.
pub const VERDICT_SIZE: f32 = 26.0;
/// Size of the "Who acts" line: the answer to "is it us or them?".
pub const WHO_ACTS_SIZE: f32 = 19.0;

/// The colour of a severity, readable on the current background.
pub fn severity_color(ui: &egui::Ui, severity: Severity) -> Color32 {
    let dark = ui.visuals().dark_mode;
    match (severity, dark) {
        (Severity::Ok, true) => Color32::from_rgb(110, 200, 120),
        (Severity::Ok, false) => Color32::from_rgb(30, 120, 45),
        (Severity::Info, true) => Color32::from_rgb(120, 170, 240),
        (Severity::Info, false) => Color32::from_rgb(30, 90, 170),
        (Severity::Warning, true) => Color32::from_rgb(240, 190, 80),
        (Severity::Warning, false) => Color32::from_rgb(160, 100, 0),
        (Severity::Problem, true) => Color32::from_rgb(240, 110, 100),
        (Severity::Problem, false) => Color32::from_rgb(180, 30, 30),
    }
}

/// The icon of a severity; shape as well as colour, so it reads without colour vision.
pub fn severity_icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Ok => "✔",
        Severity::Info => "ℹ",
        Severity::Warning => "⚠",
        Severity::Problem => "✖",
    }
}

/// The badge word of a severity, as the rail and screen readers show it.
pub fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Ok => "ok",
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Problem => "problem",
    }
}

/// The severity a final status reads as on the big verdict card.
pub fn status_severity(status: Status) -> Severity {
    match status {
        Status::Delivered | Status::Expanded => Severity::Ok,
        Status::Unknown => Severity::Info,
        Status::Junk | Status::Pending => Severity::Warning,
        Status::Quarantined | Status::Blocked | Status::Failed => Severity::Problem,
    }
}

/// Background of error notifications.
pub fn error_fill(ui: &egui::Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(90, 30, 30)
    } else {
        Color32::from_rgb(255, 225, 222)
    }
}

/// Background of the drop zone and the hover overlay's dimming.
pub fn overlay_fill() -> Color32 {
    Color32::from_black_alpha(160)
}

/// A pass/fail pill colour for an authentication result word.
pub fn auth_color(ui: &egui::Ui, result: &str) -> Color32 {
    let severity = match result.to_ascii_lowercase().as_str() {
        "pass" | "bestguesspass" => Severity::Ok,
        "none" | "neutral" | "" => Severity::Info,
        "softfail" | "temperror" | "permerror" => Severity::Warning,
        _ => Severity::Problem,
    };
    severity_color(ui, severity)
}

/// Sets the spacing and the fonts, once, on the first frame.
pub fn apply(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
    });
    ctx.set_fonts(fonts());
}

/// egui's bundled fonts, with its monospace font (Hack) behind the proportional one for
/// the arrows Ubuntu lacks ("sender → recipient", "Defender → Policies"): every glyph the
/// wizard shows comes with the program, so a machine without symbol fonts and the image
/// snapshots show the same text.
fn fonts() -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::default();
    if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional) {
        family.insert(1.min(family.len()), "Hack".to_owned());
    }
    fonts
}
