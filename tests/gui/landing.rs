//! A case opens on the page that answers it, and the window names it.

use mailflow::step::Step;
use mailflow::ui::{App, Page};

use super::{assert_shows, fixture, harness, settle};

#[test]
fn an_ndr_alone_opens_on_the_verdict() {
    let mut harness = harness(App::new_with_files(&[fixture(
        "ndr/recipient-not-found-de.txt",
    )]));
    settle(&mut harness);
    assert_eq!(harness.state().page(), Page::Step(Step::Status));
}

#[test]
fn headers_alone_open_on_the_verdict() {
    let mut harness = harness(App::new_with_files(&[fixture(
        "headers/slow-hop-skew-bulk.txt",
    )]));
    settle(&mut harness);
    assert_eq!(harness.state().page(), Page::Step(Step::Status));
    assert_eq!(
        harness.state().window_title(),
        "Mailflow — Your weekly digest"
    );
}

#[test]
fn a_case_whose_only_input_failed_stays_on_the_inputs() {
    let mut harness = harness(App::new_with_files(&["/nonexistent/mail.eml".into()]));
    settle(&mut harness);
    assert_eq!(harness.state().page(), Page::Inputs);
    assert_shows(&harness, &["/nonexistent/mail.eml"]);
    assert_eq!(harness.state().window_title(), "Mailflow");
}

#[test]
fn a_trace_opens_on_step_1() {
    let mut harness = harness(App::default());
    harness.state_mut().load_sample();
    settle(&mut harness);
    assert_eq!(harness.state().page(), Page::Step(Step::Trace));
    assert!(harness.state().window_title().starts_with("Mailflow — "));
}
