//! The desktop wizard: a thin view over [`crate::diagnosis::Diagnosis`].

/// Opens the wizard window with `files` loaded as a case.
pub fn run(files: &[std::path::PathBuf]) -> eframe::Result<()> {
    let _ = files;
    let options = eframe::NativeOptions::default();
    eframe::run_native(
        "Mailflow",
        options,
        Box::new(|_cc| Ok(Box::new(Placeholder))),
    )
}

struct Placeholder;

impl eframe::App for Placeholder {
    fn ui(&mut self, ui: &mut eframe::egui::Ui, _frame: &mut eframe::Frame) {
        ui.label("Mailflow");
    }
}
