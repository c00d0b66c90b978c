//! Step 4's hop table holds: full times in every row, after leaving the page and coming
//! back too, with the total transit time above it and the other zone on hover; and a
//! link down to the findings, which sit under more than a screen of tables.

use egui_kittest::kittest::Queryable as _;
use mailflow::step::Step;
use mailflow::ui::{App, Page};

use super::{assert_shows, fixture, settle};

/// The width the full time "2025-03-12 09:41:17 +00:00" needs at the default font.
const FULL_TIME_WIDTH: f32 = 150.0;

fn time_cell_width(harness: &egui_kittest::Harness<'_, App>, time: &str) -> f32 {
    harness.get_by_label(time).rect().width()
}

#[test]
fn the_time_column_shows_a_full_time_after_revisiting_the_page() {
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1024.0, 700.0])
        .allow_missing_glyphs()
        .build_ui_state(
            |ui, app: &mut App| app.show(ui),
            App::new_with_files(&[fixture("headers/slow-hop-skew-bulk.txt")]),
        );
    settle(&mut harness);
    harness.state_mut().set_page(Page::Step(Step::Headers));
    harness.run();
    let d = &harness.state().analysis().expect("a diagnosis").diagnosis;
    let first = d
        .hops
        .first()
        .and_then(|h| h.time.clone())
        .expect("a hop time");
    let shown = chrono::DateTime::parse_from_rfc3339(&first)
        .expect("RFC 3339")
        .format("%Y-%m-%d %H:%M:%S %:z")
        .to_string();
    assert_shows(&harness, &["Total transit:", "Show hop times in UTC"]);
    assert!(time_cell_width(&harness, &shown) >= FULL_TIME_WIDTH);

    for page in [
        Page::Step(Step::Trace),
        Page::Summary,
        Page::Step(Step::Headers),
    ] {
        harness.state_mut().set_page(page);
        harness.run();
    }
    assert!(
        time_cell_width(&harness, &shown) >= FULL_TIME_WIDTH,
        "the time column kept its width"
    );
    harness.get_by_label("Show hop times in UTC").click();
    harness.run();
    assert_shows(&harness, &[" UTC"]);
}

#[test]
fn step_4_links_down_to_its_findings_below_the_tables() {
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1024.0, 700.0])
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut App| app.show(ui), App::default());
    harness.state_mut().load_sample();
    settle(&mut harness);
    harness.state_mut().set_page(Page::Step(Step::Headers));
    harness.run();
    let d = &harness.state().analysis().expect("a diagnosis").diagnosis;
    let worst = d
        .step(Step::Headers)
        .and_then(|s| s.findings.first())
        .map(|f| f.title.clone())
        .expect("a Step-4 finding");
    let findings = &d.step(Step::Headers).expect("step 4").findings;
    let problems = findings
        .iter()
        .filter(|f| f.severity == mailflow::diagnosis::Severity::Problem)
        .count() as u64;
    let problems = mailflow::words::count(problems, "problem", "problems");
    assert_shows(&harness, &[problems.as_str()]);
    let out_of_view = |harness: &egui_kittest::Harness<'_, App>| {
        harness.get_by_label(&worst).rect().min.y > 700.0
    };
    assert!(out_of_view(&harness), "the findings start below the window");
    harness
        .get_by_label_contains("below the tables: go to the findings")
        .click();
    harness.run();
    let card = harness.get_by_label(&worst).rect();
    assert!(
        card.min.y >= 0.0 && card.max.y <= 700.0,
        "the worst finding is in view: {card:?}"
    );
}
