//! The step-5 switch runs the DNS checks on the worker, against a local test server.

use egui_kittest::kittest::Queryable as _;
use mailflow::step::Step;
use mailflow::ui::{App, Page};

use super::{assert_shows, dns, harness, settle};

#[test]
fn switching_online_checks_on_runs_them_on_the_worker() {
    let mut app = App::default();
    app.set_online_config(mailflow::online::Config::default().with_nameserver(*dns::SERVER));
    let mut harness = harness(app);
    harness.state_mut().load_sample();
    settle(&mut harness);
    assert!(
        harness
            .state()
            .analysis()
            .is_some_and(|a| a.online.is_none())
    );
    harness.state_mut().set_page(Page::Step(Step::External));
    harness.run();
    harness.get_by_label("Run online checks (DNS)").click();
    harness.step();
    assert!(
        harness.state().is_busy(),
        "the lookups run off the UI thread"
    );
    settle(&mut harness);
    let server = dns::SERVER.to_string();
    assert_shows(&harness, &[&format!("Checked via {server}")]);
    let online = harness.state().analysis().and_then(|a| a.online.as_ref());
    assert_eq!(online.map(|o| o.resolver.as_str()), Some(server.as_str()));
}
