//! Trace dates no real trace can have: a year before e-mail was traced or after this
//! century (a damaged export, a wrong culture, `12/31/9999` placeholders), or events of one
//! message further apart than Exchange Online keeps trace data. Every duration and delay of
//! the diagnosis is read from these dates, so the user must know not to trust them
//! ("2 events over 3652424 days").

use chrono::{DateTime, Datelike, FixedOffset};

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity};
use crate::step::Step;

/// Flags trace dates that cannot be right.
pub struct ImplausibleDates;

/// The first year a message trace can be from (Exchange Online's predecessors began in the
/// late 1990s; earlier years are placeholders or damage).
const FIRST_YEAR: i32 = 1995;
/// The last year a trace can plausibly carry.
const LAST_YEAR: i32 = 2100;
/// Exchange Online keeps message trace data 90 days: one message's events cannot be further
/// apart than that.
const MAX_SPREAD_DAYS: i64 = 90;
/// Dates quoted as evidence, at most.
const SHOWN: usize = 5;

impl Analyzer for ImplausibleDates {
    fn id(&self) -> &'static str {
        "trace-implausible-dates"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["trace-dates-implausible"]
    }

    fn step(&self) -> Step {
        Step::Trace
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let mut times: Vec<(DateTime<FixedOffset>, &str)> = Vec::new();
        for trace in &cx.message.traces {
            for event in &trace.events {
                if let Some(time) = event.time {
                    times.push((time, event.time_raw.as_str()));
                }
            }
            if let Some(received) = trace.received {
                times.push((received, ""));
            }
        }
        let odd_years: Vec<String> = times
            .iter()
            .filter(|(t, _)| !(FIRST_YEAR..=LAST_YEAR).contains(&t.year()))
            .map(|(t, raw)| shown(*t, raw))
            .collect();
        let first = times.iter().min_by_key(|(t, _)| *t);
        let last = times.iter().max_by_key(|(t, _)| *t);
        let spread_days = match (first, last) {
            (Some((a, _)), Some((b, _))) => (*b - *a).num_days(),
            _ => 0,
        };
        if odd_years.is_empty() && spread_days <= MAX_SPREAD_DAYS {
            return;
        }
        let mut evidence: Vec<String> = odd_years.into_iter().take(SHOWN).collect();
        if spread_days > MAX_SPREAD_DAYS
            && let (Some((a, raw_a)), Some((b, raw_b))) = (first, last)
        {
            evidence.push(format!(
                "First date: {}; last date: {}; {spread_days} days apart",
                shown(*a, raw_a),
                shown(*b, raw_b)
            ));
        }
        out.push(
            Finding::new(
                "trace-dates-implausible",
                Severity::Warning,
                "The trace's dates cannot be right",
            )
            .detail(format!(
                "A message trace covers the last 90 days, and its dates fall between {FIRST_YEAR} and {LAST_YEAR}; these do not. The export was damaged, written with placeholder dates, or read in the wrong date format, so the durations and delays in this diagnosis are not to be trusted."
            ))
            .evidence_lines(evidence)
            .advice("Export the trace again (Export-Csv from Get-MessageTraceV2, or the EAC's download) and check the dates in the file before adding it here."),
        );
    }
}

/// A date as evidence: what the input wrote, and how it was read.
fn shown(time: DateTime<FixedOffset>, raw: &str) -> String {
    if raw.is_empty() {
        time.to_rfc3339()
    } else {
        format!("{raw} (read as {})", time.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::testing::Scenario;

    const HEADER: &str = "\"Received\",\"SenderAddress\",\"RecipientAddress\",\"Subject\",\"Status\",\"MessageId\"\r\n";

    fn trace(dates: &[&str]) -> String {
        let mut text = HEADER.to_owned();
        for date in dates {
            let _ = write!(
                text,
                "\"{date}\",\"a@contoso.com\",\"b@example.org\",\"dates\",\"Delivered\",\"<d@contoso.com>\"\r\n"
            );
        }
        text
    }

    #[test]
    fn years_0000_and_9999_are_flagged() {
        let scenario = Scenario::from_text(
            "dates.csv",
            &trace(&["12/31/9999 11:59:00 PM", "1/1/0000 12:00:00 AM"]),
        );
        let finding = scenario.finding(&ImplausibleDates, "trace-dates-implausible");
        assert_eq!(finding.severity, Severity::Warning);
        assert!(
            finding.evidence.iter().any(|e| e.contains("9999")),
            "{:?}",
            finding.evidence
        );
    }

    #[test]
    fn plausible_dates_are_silent() {
        let scenario = Scenario::from_text(
            "dates.csv",
            &trace(&["11/20/2026 8:15:00 AM", "11/20/2026 8:16:00 AM"]),
        );
        assert!(scenario.run(&ImplausibleDates).is_empty());
    }
}
