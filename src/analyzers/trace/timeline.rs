//! Time from the first Receive to the final event; a slow delivery is a finding.

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity, Status};
use crate::step::Step;
use crate::words::{Units, duration};

/// Delivery time, from first event of the first journey to the last event of the last.
pub struct Timeline;

/// Above this, a delivery is slow enough for a user to notice and ask.
const SLOW_SECONDS: i64 = 15 * 60;

impl Analyzer for Timeline {
    fn id(&self) -> &'static str {
        "trace-timeline"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["slow-delivery", "trace-duration"]
    }

    fn step(&self) -> Step {
        Step::Trace
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let facts = cx.facts;
        let start = facts.journeys.iter().filter_map(|j| j.start).min();
        let end = facts.journeys.iter().filter_map(|j| j.end).max();
        let (Some(start), Some(end)) = (start, end) else {
            return;
        };
        let seconds = (end - start).num_seconds();
        let events: usize = facts.journeys.iter().map(|j| j.order.len()).sum();
        let evidence = vec![
            format!("First event: {}", start.to_rfc3339()),
            format!("Last event: {}", end.to_rfc3339()),
        ];
        let done = matches!(
            facts.status,
            Status::Delivered | Status::Junk | Status::Quarantined | Status::Expanded
        );
        if seconds > SLOW_SECONDS && done {
            out.push(
                Finding::new("slow-delivery", Severity::Warning, format!("Delivery took {}", duration(seconds, Units::Words)))
                    .detail(format!("{events} events from the first Receive to the final event. Anything over a few minutes is noticed by users; the deferrals below say why it waited."))
                    .evidence_lines(evidence)
                    .advice("Read the Defer reasons in this step and the status codes in Step 5."),
            );
        } else {
            out.push(
                Finding::new("trace-duration", Severity::Info, format!("{events} events over {}", duration(seconds, Units::Words)))
                    .detail("Time from the first event of the first journey to the last event of the last journey (traces in the admin center have minute precision).")
                    .evidence_lines(evidence),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::Severity;
    use crate::testing::Scenario;

    #[test]
    fn a_quick_delivery_gives_its_duration() {
        let scenario = Scenario::from_sample("02-eac-copytext-junk-multiline-enGB.txt");
        let f = scenario.finding(&Timeline, "trace-duration");
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(f.title, "4 events over 1 minute");
        assert!(f.evidence[0].starts_with("First event: 2024-12-06T17:31"));
    }

    #[test]
    fn a_delivery_over_a_quarter_of_an_hour_is_slow() {
        let scenario = Scenario::from_fixture("trace/eac-outbound-deferred-then-sent.txt");
        let f = scenario.finding(&Timeline, "slow-delivery");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.title, "Delivery took 45 minutes");
    }

    #[test]
    fn silent_without_trace_times() {
        let scenario = Scenario::from_sample("15-headers-junk-spam-verdict.txt");
        assert!(scenario.run(&Timeline).is_empty());
    }
}
