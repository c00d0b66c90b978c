//! The desktop wizard: a thin view over [`crate::diagnosis::Diagnosis`]. Inputs arrive by
//! drop, paste, Open… or the command line; a worker thread parses and diagnoses; pages
//! render the result. Nothing here parses or analyses.

mod app;
mod cards;
mod export_actions;
mod file_dialog;
mod guidance;
mod intake;
mod message_bar;
mod online;
mod pages;
mod rail;
mod samples;
mod theme;
mod toasts;
mod worker;

pub use app::{App, SavedCase, Settings, Theme};
pub use file_dialog::{Dialogs, PATH_LABEL};
pub use message_bar::{SEARCH_LABEL, SWITCH_LABEL};
pub use online::OnlineChecks;
pub use pages::inputs::PASTE_LABEL;
pub use pages::summary::NOTES_LABEL;
pub use pages::trace::{Row, Timeline};
pub use rail::Page;
pub use worker::{Analysis, Origin};

/// The window icon, shown in the title bar and task switcher.
const ICON: &[u8] = include_bytes!("../../assets/icons/mailflow-256.png");

/// The application id: the Wayland app id and the X11 class, matching the desktop entry
/// (`dist/mailflow.desktop`), so the task bar groups the window under its icon.
pub const APP_ID: &str = "mailflow";

/// "1 input", "3 inputs".
fn count_words(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Opens the wizard window with `files` loaded as a case, diagnosed with `knowledge`.
pub fn run(
    files: &[std::path::PathBuf],
    knowledge: &'static crate::knowledge::Knowledge,
) -> eframe::Result<()> {
    let mut viewport = eframe::egui::ViewportBuilder::default()
        .with_title("Mailflow")
        .with_inner_size([1200.0, 800.0])
        .with_min_inner_size([640.0, 420.0])
        .with_drag_and_drop(true);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(ICON) {
        viewport = viewport.with_icon(icon);
    }
    // egui-winit hands the app id to winit as the window's class name, on X11 as on
    // Wayland (X11 then shows an empty WM_CLASS instance). Without one eframe uses the app
    // name, and X11 showed the class "Mailflow", which the desktop entry's
    // StartupWMClass=mailflow does not match.
    viewport = viewport.with_app_id(APP_ID);
    let options = eframe::NativeOptions {
        viewport,
        ..eframe::NativeOptions::default()
    };
    let files = files.to_vec();
    eframe::run_native(
        "Mailflow",
        options,
        Box::new(move |cc| {
            crate::outlook_drop::install(cc); // Windows: drops from Outlook
            let mut app = App::new(cc, &files);
            app.set_knowledge(knowledge);
            Ok(Box::new(app))
        }),
    )
}
