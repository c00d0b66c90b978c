//! Dropping, pasting and refusing inputs.

use std::sync::Arc;

use eframe::egui::{self, accesskit::Role};
use egui_kittest::kittest::Queryable as _;
use mailflow::step::Step;
use mailflow::ui::{App, Page};

use super::{FakeDrop, assert_shows, harness, sample, settle, shows};

#[test]
fn hovering_files_shows_what_will_be_accepted() {
    let mut harness = harness(App::default());
    harness.input_mut().hovered_files.push(egui::HoveredFile {
        path: Some(sample("invoice-4471.eml")),
        ..Default::default()
    });
    harness.run_steps(2); // egui repaints every frame while a file hovers
    assert_shows(
        &harness,
        &[
            "Drop to add to the case",
            "invoice-4471.eml",
            "Accepted: .eml",
        ],
    );
    harness.input_mut().hovered_files.clear();
    harness.run_steps(2);
    assert!(!shows(&harness, "Drop to add to the case"));
}

#[test]
fn dropping_an_eml_and_a_trace_fills_the_steps() {
    let mut harness = harness(App::default());
    harness.run();
    for name in ["invoice-4471.eml", "message-trace.txt"] {
        harness
            .input_mut()
            .dropped_files
            .push(Arc::new(FakeDrop(sample(name))));
    }
    harness.step();
    assert!(
        harness.state().is_busy(),
        "reading happens off the UI thread"
    );
    settle(&mut harness);
    assert_eq!(
        harness.state().page(),
        Page::Step(Step::Trace),
        "a case with a trace opens on Step 1"
    );
    harness.state_mut().set_page(Page::Inputs);
    harness.run();
    assert_shows(
        &harness,
        &[
            "invoice-4471.eml",
            "message-trace.txt",
            "email message (.eml)",
            "message trace (admin center report text)",
        ],
    );
    let d = &harness.state().analysis().expect("a diagnosis").diagnosis;
    assert_eq!(d.inputs.len(), 2);
    assert!(d.trace.is_some() && !d.hops.is_empty());
    harness.state_mut().set_page(Page::Step(Step::Headers));
    harness.run();
    assert_shows(&harness, &["Received hops, oldest first", "DMARC: fail"]);
}

#[test]
fn a_png_renamed_eml_is_refused_with_a_banner_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("photo.eml");
    std::fs::write(
        &path,
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06",
    )
    .expect("write");
    let mut harness = harness(App::default());
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(FakeDrop(path)));
    settle(&mut harness);
    let errors: Vec<_> = harness.state().errors().map(str::to_owned).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_shows(&harness, &["photo.eml", "PNG image"]);
    assert!(harness.state().analysis().is_none());
    harness.get_by_label("Dismiss").click();
    harness.run();
    assert!(!shows(&harness, "PNG image"));
}

#[test]
fn a_missing_file_is_a_banner_not_a_crash() {
    let mut harness = harness(App::new_with_files(&["/nonexistent/mail.eml".into()]));
    settle(&mut harness);
    assert_shows(&harness, &["cannot read the file", "/nonexistent/mail.eml"]);
}

#[test]
fn ctrl_v_anywhere_adds_the_clipboard_as_an_input() {
    let text = std::fs::read_to_string(sample("message-trace.txt")).expect("sample");
    let mut harness = harness(App::default());
    harness.run();
    harness.event(egui::Event::Paste(text));
    settle(&mut harness);
    assert_eq!(harness.state().page(), Page::Step(Step::Trace));
    harness.state_mut().set_page(Page::Inputs);
    harness.run();
    assert_shows(
        &harness,
        &["pasted text 1", "message trace (admin center report text)"],
    );
}

#[test]
fn the_paste_box_adds_its_text() {
    let text = std::fs::read_to_string(sample("message-trace.txt")).expect("sample");
    let mut harness = harness(App::default());
    harness.run();
    let paste_box = (Role::MultilineTextInput, mailflow::ui::PASTE_LABEL);
    harness
        .get_by_role_and_label(paste_box.0, paste_box.1)
        .focus();
    harness.run();
    // Text events carry no line breaks; Enter makes them, as when a person types.
    for line in text.lines() {
        harness
            .get_by_role_and_label(paste_box.0, paste_box.1)
            .type_text(line);
        harness.key_press(egui::Key::Enter);
    }
    harness.run();
    harness.get_by_label("Add pasted text").click();
    settle(&mut harness);
    assert_eq!(harness.state().page(), Page::Step(Step::Trace));
    harness.state_mut().set_page(Page::Inputs);
    harness.run();
    assert_shows(
        &harness,
        &["pasted text 1", "message trace (admin center report text)"],
    );
}

#[test]
fn several_messages_offer_a_searchable_picker_and_removing_inputs_works() {
    let other = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/headers/slow-hop-skew-bulk.txt");
    let mut harness = harness(App::new_with_files(&[sample("message-trace.txt"), other]));
    settle(&mut harness);
    harness.state_mut().set_page(Page::Inputs);
    harness.run();
    assert_shows(&harness, &["The inputs describe 2 messages"]);
    harness.get_by_label("Search messages").focus();
    harness.run();
    harness.get_by_label("Search messages").type_text("digest");
    harness.run();
    assert!(!shows(&harness, "Invoice 4471 for November"));
    harness.get_by_label("Your weekly digest").click();
    settle(&mut harness);
    let d = &harness.state().analysis().expect("a diagnosis").diagnosis;
    assert_eq!(d.selected_message, 1);

    let removes = harness.get_all_by_label("Remove").count();
    assert_eq!(removes, 2);
    harness
        .get_all_by_label("Remove")
        .next()
        .expect("a Remove button")
        .click();
    settle(&mut harness);
    assert_eq!(
        harness
            .state()
            .analysis()
            .expect("a diagnosis")
            .diagnosis
            .inputs
            .len(),
        1
    );
}
