//! The first-launch path: Try a sample case, then Next through every step.

use eframe::egui;
use egui_kittest::kittest::Queryable as _;
use mailflow::step::Step;
use mailflow::ui::{App, Page};

use super::{assert_shows, harness, settle};

#[test]
fn sample_case_fills_every_step_walking_with_next() {
    let mut harness = harness(App::default());
    harness.run();
    assert_shows(
        &harness,
        &["Drop files anywhere", "Try a sample case", "No inputs yet."],
    );
    harness.get_by_label("Try a sample case").click();
    harness.step();
    assert!(harness.state().is_busy(), "the sample loads on the worker");
    settle(&mut harness);

    assert_eq!(harness.state().page(), Page::Step(Step::Trace));
    assert_shows(
        &harness,
        &[
            "Step 1: Message trace",
            "Invoice 4471 for November",
            "Delivered to the Junk Email folder",
            "Journey 1: Junk",
            "Defer",
        ],
    );
    // With a case open the how-to folds away; opening it fills in the case's values.
    harness.get_by_label("How to get the evidence").click();
    harness.run();
    assert_shows(
        &harness,
        &[
            "Get-MessageTraceV2 -SenderAddress 'accounts@fabrikam.example' -RecipientAddress 'megan.bowen@contoso.com'",
        ],
    );

    let pages: [(Page, &[&str]); 5] = [
        (
            Page::Step(Step::Status),
            &[
                "Step 2: Mail status",
                "Junk",
                "Decided by: Exchange Online Protection spam filter",
                "over 70 %",
            ],
        ),
        (
            Page::Step(Step::Rules),
            &[
                "Step 3: Rules & policies",
                "Tag external senders",
                "5B7C1D2E",
                "Enhanced Filtering is not set up for Mimecast",
            ],
        ),
        (
            Page::Step(Step::Headers),
            &[
                "Step 4: Header analysis",
                "SPF: fail",
                "compauth: fail (001)",
                "eu-smtp-delivery-1.mimecast.com",
                "Spam confidence level",
                "How to get the evidence",
            ],
        ),
        (
            Page::Step(Step::External),
            &[
                "Step 5: External factors",
                "Status code 4.7.500",
                "Run online checks (DNS)",
                "to your DNS resolver",
            ],
        ),
        (
            Page::Summary,
            &[
                "How it was decided",
                "Next actions",
                "Copy as Markdown",
                "Save evidence bundle…",
            ],
        ),
    ];
    for (page, texts) in pages {
        harness.get_by_label("Next").click();
        harness.run();
        assert_eq!(harness.state().page(), page);
        assert_shows(&harness, texts);
        if page == Page::Step(Step::Headers) {
            harness.get_by_label("How to get the evidence").click();
            harness.run();
            assert_shows(&harness, &["Outlook on the web", "New Outlook"]);
        }
    }
}

#[test]
fn the_rail_shows_a_badge_for_each_step_with_findings() {
    let mut harness = harness(App::default());
    harness.state_mut().load_sample();
    settle(&mut harness);
    assert_shows(&harness, &["✖ problem", "⚠ warning"]);
    harness.get_by_label("4. Header analysis").click();
    harness.run();
    assert_eq!(harness.state().page(), Page::Step(Step::Headers));
}

/// The sample case with "Asked the user to check Junk Email" ticked on Step 2, showing
/// the Summary.
fn sample_with_junk_checked() -> egui_kittest::Harness<'static, App> {
    let mut harness = harness(App::default());
    harness.state_mut().load_sample();
    settle(&mut harness);
    harness.state_mut().set_page(Page::Step(Step::Status));
    harness.run();
    harness
        .get_by_label("Asked the user to check Junk Email")
        .click();
    harness.run();
    harness.state_mut().set_page(Page::Summary);
    harness.run();
    harness
}

#[test]
fn ticked_checks_and_next_actions_are_kept_in_the_case() {
    let harness = sample_with_junk_checked();
    assert_shows(
        &harness,
        &[
            "Checks done",
            "Mail status: Asked the user to check Junk Email",
        ],
    );
    let saved = harness.state().saved_case();
    assert_eq!(saved.checklist.get("status-junk"), Some(&true));
}

#[test]
fn the_online_switch_says_what_will_be_sent_where_before_anything_is() {
    let mut harness = harness(App::default());
    harness.state_mut().load_sample();
    settle(&mut harness);
    harness.state_mut().set_page(Page::Step(Step::External));
    harness.run();
    assert_shows(
        &harness,
        &[
            "What will be sent where for this message",
            "DNS queries for 192.0.2.25",
            "_dmarc.fabrikam.example",
            "sel1._domainkey.fabrikam.example",
        ],
    );
    assert!(!harness.state().settings().online.enabled, "off by default");
}

#[test]
fn copy_as_markdown_puts_the_report_with_the_agents_checks_on_the_clipboard() {
    let mut harness = sample_with_junk_checked();
    harness.get_by_label("Copy as Markdown").click();
    harness.step();
    let copied: Vec<String> = harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
        .collect();
    let markdown = copied.first().expect("the report was copied");
    assert!(
        markdown.starts_with("# Mailflow diagnosis: Junk"),
        "{markdown}"
    );
    assert!(markdown.contains("- Mail status: Asked the user to check Junk Email: yes"));
    harness.run();
    assert_shows(
        &harness,
        &["Copied the summary as Markdown to the clipboard."],
    );
}
