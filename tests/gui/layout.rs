//! Step 1 shares its page between the findings and the event timeline: neither may hide
//! the other. A widget's rectangle is where it was laid out, so a finding laid out below
//! the top of the timeline is one the reader cannot see; where nothing is drawn below the
//! findings, clipping shows as a scroll bar. The windows are shorter than the other
//! tests' so the findings do not fit in half of them.

use std::sync::Arc;

use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mailflow::step::Step;
use mailflow::ui::{App, Page};

use super::{FakeDrop, sample, settle};

/// A harness `height` points tall.
fn harness(app: App, height: f32) -> Harness<'static, App> {
    Harness::builder()
        .with_size([1200.0, height])
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut App| app.show(ui), app)
}

/// The bottom of the lowest widget whose label contains `text`.
fn bottom_of(harness: &Harness<'_, App>, text: &str) -> f32 {
    harness
        .query_all_by_label_contains(text)
        .map(|node| node.rect().max.y)
        .fold(f32::MIN, f32::max)
}

/// The top of the widget labelled exactly `text`.
fn top_of(harness: &Harness<'_, App>, text: &str) -> f32 {
    harness.get_by_label(text).rect().min.y
}

#[test]
fn without_a_trace_the_findings_have_the_whole_page() {
    let mut harness = harness(App::default(), 420.0);
    harness.run();
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(FakeDrop(sample("invoice-4471.eml"))));
    settle(&mut harness);
    harness.state_mut().set_page(Page::Step(Step::Trace));
    harness.run();
    let advice = bottom_of(&harness, "Copy report text, and paste it here");
    assert!(advice > 0.0, "the no-trace finding's advice is shown");
    // Nothing is drawn under the findings here, so clipping shows as a scroll bar.
    assert!(
        harness.query_all_by_role(Role::ScrollBar).next().is_none(),
        "the findings (ending at {advice}) fit without scrolling"
    );
}

#[test]
fn a_short_timeline_is_shown_whole_and_leaves_the_findings_above_it_in_full() {
    let mut harness = harness(App::default(), 640.0);
    harness.state_mut().load_sample();
    settle(&mut harness);
    harness.state_mut().set_page(Page::Step(Step::Trace));
    harness.run();
    let finding = bottom_of(&harness, "Delivered to the Junk Email folder");
    assert!(finding > 0.0, "the sample's junk finding is shown");
    // The table lays out only the rows in view: its last row is there, above the bar.
    let last_row = bottom_of(&harness, "2025-12-03 09:48:00 +00:00");
    let bar = top_of(&harness, "Next");
    assert!(
        last_row > 0.0 && last_row <= bar,
        "the timeline's last row ends at {last_row}, the bottom bar starts at {bar}"
    );
    let table = top_of(&harness, "Journey");
    assert!(
        finding <= table,
        "the finding ends at {finding}, under the timeline at {table}"
    );
}
