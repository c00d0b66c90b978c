//! Back/Next, the keyboard and the command line.

use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mailflow::step::Step;
use mailflow::ui::{App, Page};

use super::{assert_shows, harness, sample, settle};

#[test]
fn next_stops_at_the_summary_and_back_at_the_inputs() {
    let mut harness = harness(App::default());
    harness.run();
    assert!(harness.get_by_label("Back").accesskit_node().is_disabled());
    for _ in 1..Page::ALL.len() {
        harness.get_by_label("Next").click();
        harness.run();
    }
    assert_eq!(harness.state().page(), Page::Summary);
    assert!(harness.get_by_label("Next").accesskit_node().is_disabled());
    assert_shows(&harness, &["Add inputs to get a diagnosis."]);
}

#[test]
fn alt_arrows_and_ctrl_tab_move_through_the_steps() {
    let mut harness = harness(App::default());
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::ALT, egui::Key::ArrowRight);
    harness.run();
    assert_eq!(harness.state().page(), Page::Step(Step::Trace));
    harness.key_press_modifiers(egui::Modifiers::CTRL, egui::Key::Tab);
    harness.run();
    assert_eq!(harness.state().page(), Page::Step(Step::Status));
    harness.key_press_modifiers(egui::Modifiers::ALT, egui::Key::ArrowLeft);
    harness.run();
    assert_eq!(harness.state().page(), Page::Step(Step::Trace));
    harness.key_press_modifiers(
        egui::Modifiers::CTRL | egui::Modifiers::SHIFT,
        egui::Key::Tab,
    );
    harness.run();
    assert_eq!(harness.state().page(), Page::Inputs);
}

#[test]
fn files_on_the_command_line_open_as_a_case() {
    let files = [sample("invoice-4471.eml")];
    let mut harness = harness(App::new_with_files(&files));
    settle(&mut harness);
    // Headers alone have no trace to walk through: the case opens on the verdict.
    assert_eq!(harness.state().page(), Page::Step(Step::Status));
    let analysis = harness.state().analysis().expect("a diagnosis");
    assert_eq!(analysis.diagnosis.inputs.len(), 1);
    assert_eq!(analysis.diagnosis.hops.len(), 5);
    assert!(
        !super::shows(&harness, "Journey 1"),
        "no trace, no timeline"
    );
}

#[test]
fn the_eframe_app_starts_with_its_files() {
    let files = vec![sample("message-trace.txt")];
    let mut harness = Harness::builder()
        .with_size([1200.0, 900.0])
        .allow_missing_glyphs()
        .build_eframe(move |cc| App::new(cc, &files));
    settle(&mut harness);
    assert_shows(&harness, &["Journey 1: Junk"]);
}

#[test]
fn a_saved_case_restores_the_same_inputs_page_and_notes() {
    let mut first = harness(App::default());
    first.state_mut().load_sample();
    settle(&mut first);
    first.state_mut().set_page(Page::Step(Step::Headers));
    first.run();
    let saved = first.state().saved_case();
    assert_eq!(saved.origins.len(), 2);

    let mut second = harness(App::default());
    second.state_mut().restore(saved.clone());
    settle(&mut second);
    assert_eq!(second.state().page(), Page::Step(Step::Headers));
    assert_eq!(second.state().saved_case().origins, saved.origins);
    assert!(second.state().analysis().is_some());
}

#[test]
fn the_last_case_is_offered_and_restored_on_request() {
    let mut first = harness(App::default());
    first.state_mut().load_sample();
    settle(&mut first);
    let saved = first.state().saved_case();

    let mut app = App::default();
    app.offer_restore(saved);
    let mut harness = harness(app);
    harness.run();
    assert_shows(&harness, &["Your last case (2 inputs) was not closed"]);
    harness.get_by_label("Restore last case").click();
    settle(&mut harness);
    assert!(!super::shows(&harness, "was not closed"));
    assert_eq!(
        harness.state().analysis().map(|a| a.diagnosis.inputs.len()),
        Some(2)
    );
}

#[test]
fn relative_paths_are_saved_absolute_so_the_case_restores_from_anywhere() {
    let app = App::new_with_files(&["assets/samples/invoice-4471.eml".into()]);
    let saved = app.saved_case();
    let [mailflow::ui::Origin::File(path)] = saved.origins.as_slice() else {
        panic!("one file origin expected: {:?}", saved.origins);
    };
    assert!(path.is_absolute(), "{}", path.display());
    assert!(path.ends_with("assets/samples/invoice-4471.eml"));
}
