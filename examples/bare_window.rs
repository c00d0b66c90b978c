//! The smallest eframe window, built like Mailflow's (same renderer, same size): the
//! yardstick for Mailflow's time to first frame (`benches/first_frame.py`). Whatever it
//! takes is eframe's, the GL driver's and the display server's; what Mailflow takes beyond
//! it is Mailflow's own start-up.

use eframe::egui;

fn main() -> eframe::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("bare window")
            .with_inner_size([1200.0, 800.0]),
        ..eframe::NativeOptions::default()
    };
    eframe::run_ui_native("bare window", options, |ui, _frame| {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.label("Bare window");
        });
    })
}
