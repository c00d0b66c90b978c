//! The Summary is the answer read out and pasted into the ticket: it lists every problem
//! and warning of the case (a click opens its step), and notifications never move its
//! buttons.

use eframe::egui::{self, accesskit::Role};
use egui_kittest::kittest::Queryable as _;
use mailflow::diagnosis::Severity;
use mailflow::export::summary::audience_label;
use mailflow::step::Step;
use mailflow::ui::{App, NOTES_LABEL, Page};

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
fn the_blocked_case_names_the_rule() {
    let harness = summary_lists_every_warning(&[shared_sample(
        "trace/09-historical-extended-report-transport-rule-block-utf16le-bom.csv",
    )]);
    let d = &harness.state().analysis().expect("a diagnosis").diagnosis;
    let rule = d.rules.first().expect("the rule that blocked it");
    assert_shows(&harness, &[rule.name.as_str()]);
}

/// The text copied by clicking `button`.
fn copied_by(harness: &mut egui_kittest::Harness<'static, App>, button: &str) -> String {
    harness.get_by_label(button).click();
    harness.step();
    let copied = harness
        .output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        });
    harness.run();
    copied.expect("the report was copied")
}

/// Where `needles` start in `text`, asserting each is there.
fn offsets(text: &str, needles: &[&str]) -> Vec<usize> {
    needles
        .iter()
        .map(|n| {
            text.find(n)
                .unwrap_or_else(|| panic!("{n:?} missing from\n{text}"))
        })
        .collect()
}

/// True when `values` only grow.
fn ascending<T: PartialOrd + std::fmt::Debug>(values: &[T]) -> bool {
    values.windows(2).all(|w| w[0] < w[1])
}

#[test]
fn the_summary_and_its_reports_share_one_order() {
    let files = [shared_sample(
        "trace/09-historical-extended-report-transport-rule-block-utf16le-bom.csv",
    )];
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1200.0, 2400.0])
        .allow_missing_glyphs()
        .build_ui_state(
            |ui, app: &mut App| app.show(ui),
            App::new_with_files(&files),
        );
    settle(&mut harness);
    harness.state_mut().set_page(Page::Summary);
    harness.run();
    harness.get_by_label(NOTES_LABEL).focus();
    harness.run();
    harness
        .get_by_label(NOTES_LABEL)
        .type_text("Called the user back");
    harness.run();

    let d = &harness.state().analysis().expect("a diagnosis").diagnosis;
    let groups: Vec<&str> = d
        .next_action_groups()
        .into_iter()
        .map(|(who, _)| audience_label(who))
        .collect();
    assert!(groups.len() > 1, "the case has actions for several parties");
    let rule = d.rules.first().expect("the rule").name.clone();

    // On screen, top to bottom.
    let mut screen = vec![
        "Who acts:",
        "Status code:",
        "Problems and warnings",
        "Next actions",
    ];
    screen.extend(&groups);
    screen.extend([NOTES_LABEL, "How it was decided"]);
    let tops: Vec<f32> = screen
        .iter()
        .map(|label| {
            harness
                .query_all_by_label_contains(label)
                .map(|n| n.rect().min.y)
                .fold(f32::MAX, f32::min)
        })
        .collect();
    assert!(ascending(&tops), "{screen:?} at {tops:?}");
    let ticks = d
        .next_actions
        .iter()
        .filter(|a| {
            harness
                .query_all_by_role_and_label(Role::CheckBox, &a.text)
                .next()
                .is_some()
        })
        .count();
    assert_eq!(ticks, d.next_actions.len(), "a tick box for every action");

    // The same order in the Markdown and the text report.
    let markdown = copied_by(&mut harness, "Copy as Markdown");
    let mut headings = vec![
        "**Who acts:**",
        "## Status code",
        rule.as_str(),
        "## Problems and warnings",
        "## Next actions",
    ];
    let bold: Vec<String> = groups.iter().map(|g| format!("**{g}**")).collect();
    headings.extend(bold.iter().map(String::as_str));
    headings.extend(["**Notes:** Called the user back", "## How it was decided"]);
    assert!(ascending(&offsets(&markdown, &headings)), "{markdown}");

    let text = copied_by(&mut harness, "Copy as text");
    let mut headings = vec![
        "Who acts:",
        "\nStatus code\n",
        rule.as_str(),
        "\nProblems and warnings\n",
        "\nNext actions\n",
    ];
    let plain: Vec<String> = groups.iter().map(|g| format!("\n{g}:\n")).collect();
    headings.extend(plain.iter().map(String::as_str));
    headings.extend(["Notes: Called the user back", "\nHow it was decided\n"]);
    assert!(ascending(&offsets(&text, &headings)), "{text}");
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
fn a_problem_line_opens_its_step_at_the_finding() {
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1024.0, 700.0])
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut App| app.show(ui), App::default());
    harness.state_mut().load_sample();
    settle(&mut harness);
    harness.state_mut().set_page(Page::Summary);
    harness.run();
    let d = &harness.state().analysis().expect("a diagnosis").diagnosis;
    let headers = d.step(Step::Headers).expect("step 4");
    // The last problem of Step 4 sits far below the hop table and its chart.
    let title = headers
        .findings
        .iter()
        .rfind(|f| f.severity >= Severity::Warning)
        .map(|f| f.title.clone())
        .expect("a warning on Step 4");
    harness
        .get_by_label(&format!("{title} (Step 4)"))
        .scroll_to_me();
    harness.run();
    harness.get_by_label(&format!("{title} (Step 4)")).click();
    harness.run();
    assert_eq!(harness.state().page(), Page::Step(Step::Headers));
    let card = harness.get_by_label(&title).rect();
    assert!(
        card.min.y >= 0.0 && card.max.y <= 700.0,
        "the finding is in view: {card:?}"
    );
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
