//! Several messages: the bar on every step says which one the page is about and how
//! many there are, and its switcher chooses another.

use egui_kittest::kittest::Queryable as _;
use mailflow::step::Step;
use mailflow::ui::{App, Page, SEARCH_LABEL, SWITCH_LABEL};

use super::{assert_shows, fixture, harness, settle, shows};

#[test]
fn a_seven_message_csv_says_1_of_7_on_step_1_and_switches() {
    let mut harness = harness(App::new_with_files(&[fixture("gui/seven-messages.csv")]));
    settle(&mut harness);
    assert_eq!(harness.state().page(), Page::Step(Step::Trace));
    assert_shows(&harness, &["Message 1 of 7", "Payslip March 2025"]);
    // The bar says how every message ended, so the one the user means can be found.
    let d = &harness.state().analysis().expect("a diagnosis").diagnosis;
    for m in &d.messages {
        let status = m.verdict.status;
        let n = d
            .messages
            .iter()
            .filter(|o| o.verdict.status == status)
            .count();
        let words = format!("{n} {}", status.label().to_lowercase());
        assert_shows(&harness, &[words.as_str()]);
    }

    harness.get_by_label(SWITCH_LABEL).click();
    harness.run();
    assert_shows(
        &harness,
        &["7 messages in these inputs", "2025-03-10 15:21"],
    );
    harness.get_by_label(SEARCH_LABEL).focus();
    harness.run();
    harness.get_by_label(SEARCH_LABEL).type_text("quarantined");
    harness.run();
    assert!(!shows(&harness, "Board pack for Thursday"));
    harness.get_by_label("Your parcel is on its way").click();
    settle(&mut harness);

    let d = &harness.state().analysis().expect("a diagnosis").diagnosis;
    assert_eq!(d.selected_message, 2);
    assert_shows(&harness, &["Message 3 of 7", "Your parcel is on its way"]);
    assert!(
        !shows(&harness, "7 messages in these inputs"),
        "the switcher closed"
    );
    for page in [Page::Step(Step::Headers), Page::Summary] {
        harness.state_mut().set_page(page);
        harness.run();
        assert_shows(&harness, &["Message 3 of 7"]);
    }
}
