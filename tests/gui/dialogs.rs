//! File dialogs never fail silently: where none can open, the agent is told so and types
//! the path in a field instead.

use eframe::egui;
use egui_kittest::kittest::Queryable as _;
use mailflow::ui::{App, Dialogs, PATH_LABEL, Page};

use super::{assert_shows, harness, sample, settle};

fn without_dialogs() -> App {
    let mut app = App::default();
    app.set_dialogs(Dialogs::Unavailable);
    app
}

#[test]
fn open_without_a_dialog_says_so_and_opens_a_typed_path() {
    let mut harness = harness(without_dialogs());
    harness.run();
    harness.get_by_label("Open…").click();
    harness.run();
    let errors: Vec<_> = harness.state().errors().map(str::to_owned).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_shows(&harness, &["No file dialog could open", PATH_LABEL]);
    harness.get_by_label(PATH_LABEL).focus();
    harness.run();
    let path = sample("invoice-4471.eml").display().to_string();
    // Replace the suggested folder with the file's path.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label(PATH_LABEL).type_text(&path);
    harness.run();
    harness.get_by_label("Open").click();
    settle(&mut harness);
    let d = &harness
        .state()
        .analysis()
        .expect("the typed file was opened")
        .diagnosis;
    assert_eq!(d.inputs.len(), 1);
}

#[test]
fn save_without_a_dialog_offers_the_downloads_path_and_writes_there() {
    let mut harness = harness(without_dialogs());
    harness.state_mut().load_sample();
    settle(&mut harness);
    harness.state_mut().set_page(Page::Summary);
    harness.run();
    harness.get_by_label("Save HTML…").click();
    harness.run();
    assert_shows(
        &harness,
        &["No file dialog could open", "Save to a file", ".html"],
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("report.html");
    harness.get_by_label(PATH_LABEL).focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_label(PATH_LABEL)
        .type_text(&target.display().to_string());
    harness.run();
    harness.get_by_label("Save").click();
    settle(&mut harness);
    for _ in 0..200 {
        if target.exists() {
            break;
        }
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    harness.run();
    let html = std::fs::read_to_string(&target).expect("the report was written");
    assert!(html.contains("<html"), "an HTML report");
    assert_shows(&harness, &["Saved "]);
}
