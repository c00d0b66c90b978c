//! The sample case (Mimecast in front of Exchange Online, Enhanced Filtering off) answers
//! "is it us or them?" with us: the Summary leads with Enhanced Filtering, Step 4 no longer
//! blames the sender, Step 5 checks the sender's IP (192.0.2.25), not Mimecast's. The
//! texts asserted are the findings' and next actions' own, not a layout's.

use egui_kittest::Harness;
use mailflow::diagnosis::WhoActs;
use mailflow::step::Step;
use mailflow::ui::{App, Page};

use super::{assert_shows, harness, settle, shows};

/// The sample case, analysed, on `page`.
fn sample_on(page: Page) -> Harness<'static, App> {
    let mut harness = harness(App::default());
    harness.state_mut().load_sample();
    settle(&mut harness);
    harness.state_mut().set_page(page);
    harness.run();
    harness
}

#[test]
fn the_summary_leads_with_enhanced_filtering() {
    let harness = sample_on(Page::Summary);
    let diagnosis = &harness.state().analysis().expect("analysed").diagnosis;
    assert_eq!(diagnosis.verdict.who_acts, WhoActs::TenantAdmin);
    let first = diagnosis.next_actions.first().expect("next actions");
    assert!(
        first.text.starts_with(
            "Turn on Enhanced Filtering for Connectors on the inbound connector for Mimecast"
        ),
        "{}",
        first.text
    );
    assert_shows(
        &harness,
        &["Turn on Enhanced Filtering for Connectors on the inbound connector for Mimecast"],
    );
}

#[test]
fn step_4_no_longer_blames_the_sender() {
    let harness = sample_on(Page::Step(Step::Headers));
    assert_shows(
        &harness,
        &["Authentication failed because of our Mimecast gateway, not the sender"],
    );
    assert!(!shows(&harness, "Authentication is the sender's to fix"));
    let diagnosis = &harness.state().analysis().expect("analysed").diagnosis;
    let headers = diagnosis.step(Step::Headers).expect("step 4");
    assert!(
        headers
            .findings
            .iter()
            .all(|f| !f.advice.contains("Authentication is the sender's to fix")),
        "a step-4 finding still sends the sender the fix"
    );
    let slow = headers
        .findings
        .iter()
        .find(|f| f.code == "slow-hop")
        .expect("the six-minute hop");
    assert!(
        slow.title.contains("inside our perimeter"),
        "{}",
        slow.title
    );
}

#[test]
fn step_5_checks_the_senders_ip_not_mimecasts() {
    let harness = sample_on(Page::Step(Step::External));
    assert_shows(
        &harness,
        &[
            "DNS queries for 192.0.2.25",
            "Sending IP 192.0.2.25: the original sender",
        ],
    );
    assert!(!shows(&harness, "DNS queries for 185.58.85.30"));
    assert!(!shows(&harness, "Sending IP 185.58.85.30"));
}
