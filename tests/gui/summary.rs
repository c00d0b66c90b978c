//! The Summary is the answer read out and pasted into the ticket: it lists every problem
//! and warning of the case (a click opens its step), and notifications never move its
//! buttons.

use egui_kittest::kittest::Queryable as _;
use mailflow::diagnosis::Severity;
use mailflow::step::Step;
use mailflow::ui::{App, Page};

use super::{assert_shows, fixture, harness, settle, shared_sample};

/// Opens `files` and shows the Summary; asserts it lists every warning and problem.
fn summary_lists_every_warning(
    files: &[std::path::PathBuf],
) -> egui_kittest::Harness<'static, App> {
    let mut harness = harness(App::new_with_files(files));
    settle(&mut harness);
    harness.state_mut().set_page(Page::Summary);
    harness.run();
    let d = &harness.state().analysis().expect("a diagnosis").diagnosis;
    let titles: Vec<String> = d
        .steps
        .iter()
        .flat_map(|s| &s.findings)
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| f.title.clone())
        .collect();
    assert!(!titles.is_empty(), "the case has warnings");
    for title in &titles {
        assert_shows(&harness, &[title.as_str()]);
    }
    harness
}

#[test]
fn the_slow_hop_case_lists_its_delay_and_every_warning() {
    let harness = summary_lists_every_warning(&[fixture("headers/slow-hop-skew-bulk.txt")]);
    let d = &harness.state().analysis().expect("a diagnosis").diagnosis;
    let slow = d
        .step(Step::Headers)
        .into_iter()
        .flat_map(|s| &s.findings)
        .find(|f| f.severity >= Severity::Warning);
    assert!(slow.is_some(), "the slow hop is a warning of Step 4");
}

#[test]
#[ignore = "written against the wizard before the landing-page, message-bar and Summary redesign (2484785); the redesign lands on Step 1 or 2, so this test looks for its labels on the wrong page: to be updated (issue 18)"]
fn the_blocked_case_names_the_rule() {
    let harness = summary_lists_every_warning(&[shared_sample(
        "trace/09-historical-extended-report-transport-rule-block-utf16le-bom.csv",
    )]);
    let d = &harness.state().analysis().expect("a diagnosis").diagnosis;
    let rule = d.rules.first().expect("the rule that blocked it");
    assert_shows(&harness, &[rule.name.as_str()]);
}

#[test]
fn a_problem_line_opens_its_step() {
    let mut harness = harness(App::default());
    harness.state_mut().load_sample();
    settle(&mut harness);
    harness.state_mut().set_page(Page::Summary);
    harness.run();
    harness.get_by_label_contains("(Step 3)").click();
    harness.run();
    assert_eq!(harness.state().page(), Page::Step(Step::Rules));
}

#[test]
fn notifications_never_move_the_summary_buttons() {
    let mut harness = harness(App::default());
    harness.state_mut().load_sample();
    settle(&mut harness);
    harness.state_mut().set_page(Page::Summary);
    harness.run();
    let buttons = ["Copy as Markdown", "Copy as text", "Save HTML…"];
    let before: Vec<_> = buttons
        .iter()
        .map(|b| harness.get_by_label(b).rect())
        .collect();
    for _ in 0..2 {
        harness.get_by_label("Copy as Markdown").click();
        harness.run();
        harness.get_by_label("Copy as text").click();
        harness.run();
    }
    assert_shows(
        &harness,
        &[
            "Copied the summary as Markdown to the clipboard.",
            "Copied the summary as text to the clipboard.",
        ],
    );
    let after: Vec<_> = buttons
        .iter()
        .map(|b| harness.get_by_label(b).rect())
        .collect();
    assert_eq!(before, after);
}
