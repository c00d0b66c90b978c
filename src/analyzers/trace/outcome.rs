//! The final status of the message as the trace shows it, with the decisive event.

use crate::analyzers::{Analyzer, Context, event_line};
use crate::case::{EmptyTrace, TraceFormat};
use crate::diagnosis::{Finding, Severity, Status};
use crate::step::Step;

/// Final status from the trace: delivered, junk, quarantined, blocked, failed, pending,
/// expanded.
pub struct Outcome;

impl Analyzer for Outcome {
    fn id(&self) -> &'static str {
        "trace-outcome"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "no-trace",
            "trace-blocked",
            "trace-delivered",
            "trace-delivered-to-junk",
            "trace-expanded",
            "trace-failed",
            "trace-found-nothing",
            "trace-outcome-unknown",
            "trace-pending",
            "trace-quarantined",
            "trace-recipient-outcomes",
        ]
    }

    fn step(&self) -> Step {
        Step::Trace
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let facts = cx.facts;
        if cx.message.traces.is_empty() && !cx.message.empty_traces.is_empty() {
            out.push(found_nothing(&cx.message.empty_traces));
            return;
        }
        if cx.message.traces.is_empty() {
            out.push(
                Finding::new("no-trace", Severity::Info, "No message trace was given")
                    .detail("Step 1 reads a message trace: it shows whether the message reached Microsoft 365 and what happened to it there.")
                    .advice("In the Exchange admin center: Mail flow → Message trace → run the trace → select the message → Copy report text, and paste it here. Or export Get-MessageTraceV2 / Get-MessageTraceDetailV2 to CSV."),
            );
            return;
        }
        let (code, severity, title) = headline(facts.status);
        let mut finding = Finding::new(code, severity, title)
            .detail(facts.location.clone().map_or_else(
                || cx.decision.verdict.headline.clone(),
                |l| format!("{l}. {}", cx.decision.verdict.headline),
            ))
            .advice(
                cx.decision
                    .next_actions
                    .first()
                    .map(|a| a.text.clone())
                    .unwrap_or_default(),
            );
        for recipient in &facts.recipients {
            let Some(journey) = recipient.journey.and_then(|j| facts.journeys.get(j)) else {
                continue;
            };
            let Some(record) = cx.message.traces.get(journey.record) else {
                continue;
            };
            if let Some(event) = journey.decisive.and_then(|d| record.events.get(d)) {
                let line = event_line(event);
                if !finding.evidence.contains(&line) {
                    finding = finding.evidence(line);
                }
            } else if let Some(status) = &record.status_raw {
                finding = finding.evidence(format!(
                    "{} → status {status}",
                    record.recipients.join(", ")
                ));
            }
        }
        out.push(finding);
        if facts.recipients.len() > 1 {
            let lines = facts.recipients.iter().map(|r| {
                format!(
                    "{}: {}{}",
                    if r.recipient.is_empty() {
                        "(no recipient)"
                    } else {
                        &r.recipient
                    },
                    r.status.label(),
                    r.location
                        .as_ref()
                        .map(|l| format!(" — {l}"))
                        .unwrap_or_default()
                )
            });
            out.push(
                Finding::new("trace-recipient-outcomes", Severity::Info, format!("{} recipients, each with its own outcome", facts.recipients.len()))
                    .detail("A message to several recipients is traced per recipient; the verdict follows the recipient that fared worst.")
                    .evidence_lines(lines),
            );
        }
    }
}

/// The outcome finding's code, severity and title for a status.
fn headline(status: Status) -> (&'static str, Severity, &'static str) {
    match status {
        Status::Delivered => (
            "trace-delivered",
            Severity::Ok,
            "The trace shows the message delivered",
        ),
        Status::Junk => (
            "trace-delivered-to-junk",
            Severity::Warning,
            "Delivered to the Junk Email folder",
        ),
        Status::Quarantined => (
            "trace-quarantined",
            Severity::Warning,
            "The message was quarantined",
        ),
        Status::Blocked => (
            "trace-blocked",
            Severity::Problem,
            "The message was blocked by policy",
        ),
        Status::Failed => ("trace-failed", Severity::Problem, "Delivery failed"),
        Status::Pending => (
            "trace-pending",
            Severity::Warning,
            "Not delivered yet: delivery is being retried",
        ),
        Status::Expanded => (
            "trace-expanded",
            Severity::Info,
            "Sent to a group that was expanded",
        ),
        Status::Unknown => (
            "trace-outcome-unknown",
            Severity::Warning,
            "The trace does not show a final outcome",
        ),
    }
}

/// What a search with no rows was, in words.
fn format_words(format: TraceFormat) -> &'static str {
    match format {
        TraceFormat::PsTraceCsv | TraceFormat::PsTraceTable | TraceFormat::PsTraceList => {
            "Get-MessageTrace output"
        }
        TraceFormat::PsDetailCsv | TraceFormat::PsDetailTable | TraceFormat::PsDetailList => {
            "Get-MessageTraceDetail output"
        }
        TraceFormat::EnhancedSummaryCsv => "enhanced summary report",
        TraceFormat::ExtendedReportCsv => "extended report",
        TraceFormat::EacExportCsv | TraceFormat::EacCopyText => "admin center export",
        TraceFormat::GraphTraceList | TraceFormat::GraphDetails => "Microsoft Graph response",
        TraceFormat::TrackingLogFile | TraceFormat::TrackingLogCmdlet => "message tracking log",
    }
}

/// One evidence line per empty search: the input and the command it shows, if any.
fn search_line(search: &EmptyTrace) -> String {
    let how = match &search.cmdlet {
        Some(cmdlet) => {
            let parameters: String = search
                .parameters
                .iter()
                .map(|(k, v)| {
                    if v.is_empty() {
                        format!(" -{k}")
                    } else {
                        format!(" -{k} {v}")
                    }
                })
                .collect();
            format!("{cmdlet}{parameters} returned no rows")
        }
        None => format!("{}: column header, no rows", format_words(search.format)),
    };
    if search.input.is_empty() {
        how
    } else {
        format!("{}: {how}", search.input)
    }
}

/// What to widen, from what the searches show: the dates (the window each tool reaches),
/// then the addresses.
fn widen_advice(searches: &[EmptyTrace]) -> String {
    let v1 = searches.iter().any(EmptyTrace::is_v1);
    let detail = searches.iter().any(|s| {
        matches!(
            s.format,
            TraceFormat::PsDetailCsv | TraceFormat::PsDetailTable | TraceFormat::PsDetailList
        ) || s.parameter("MessageTraceId").is_some()
    });
    let dated = searches
        .iter()
        .any(|s| s.parameter("StartDate").is_some() || s.parameter("EndDate").is_some());
    let mut advice = Vec::new();
    if detail {
        advice.push("A detail search needs the MessageTraceId and RecipientAddress of a summary row: run the summary search first and pipe its row into the detail cmdlet.".to_owned());
    }
    if v1 {
        advice.push("Widen the dates: Get-MessageTrace only reaches 10 days back, so -StartDate must be within the last 10 days; for older mail use Get-MessageTraceV2 (90 days, 10 days per query) or a historical search.".to_owned());
    } else {
        advice.push("Widen the dates: Get-MessageTraceV2 and the admin center reach 90 days back, 10 days per query (Get-MessageTrace, V1, only 10 days: keep its -StartDate within the last 10 days); older mail needs a historical search.".to_owned());
    }
    if !dated && searches.iter().any(|s| s.cmdlet.is_some()) {
        advice.push(
            "Without -StartDate and -EndDate the cmdlets search the last 48 hours only.".to_owned(),
        );
    }
    advice.push("Check the address: its spelling, search by the sender or the recipient alone, and remember that the trace records the envelope sender (which can differ from the From shown in Outlook) and a group's own address before expansion.".to_owned());
    advice.push("A message sent in the last minutes may not be in the trace yet.".to_owned());
    advice.join(" ")
}

/// The finding for a case whose only trace matched nothing.
fn found_nothing(searches: &[EmptyTrace]) -> Finding {
    Finding::new(
        "trace-found-nothing",
        Severity::Warning,
        "The message trace found no message",
    )
    .detail("The trace was read: it has its column header and no rows, so the search ran and matched nothing. Either the message never reached Exchange Online under these criteria, or the search was too narrow.")
    .evidence_lines(searches.iter().map(search_line))
    .advice(widen_advice(searches))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{Case, CaseMessage};

    fn diagnose(searches: Vec<EmptyTrace>) -> crate::diagnosis::Diagnosis {
        let case = Case {
            inputs: Vec::new(),
            messages: vec![CaseMessage {
                empty_traces: searches,
                ..CaseMessage::default()
            }],
        };
        crate::engine::diagnose(&case, &crate::engine::Options::default()).expect("diagnosis")
    }

    fn finding(d: &crate::diagnosis::Diagnosis) -> &Finding {
        d.steps
            .iter()
            .flat_map(|s| &s.findings)
            .find(|f| f.code == "trace-found-nothing")
            .expect("the empty search is reported")
    }

    #[test]
    fn a_v1_search_that_found_nothing_asks_for_dates_within_ten_days() {
        let mut search = EmptyTrace::new(TraceFormat::PsTraceTable);
        search.input = "trace.txt".into();
        search.cmdlet = Some("Get-MessageTrace".into());
        search.parameters = vec![
            ("RecipientAddress".into(), "cy@contoso.com".into()),
            ("StartDate".into(), "1/1/2025".into()),
        ];
        let d = diagnose(vec![search]);
        assert_eq!(d.verdict.status, Status::Unknown);
        let f = finding(&d);
        assert_eq!(
            f.evidence,
            [
                "trace.txt: Get-MessageTrace -RecipientAddress cy@contoso.com -StartDate 1/1/2025 returned no rows"
            ]
        );
        assert!(
            f.advice
                .contains("-StartDate must be within the last 10 days"),
            "{}",
            f.advice
        );
        assert!(!f.advice.contains("48 hours"), "{}", f.advice);
        let codes: Vec<_> = d
            .steps
            .iter()
            .flat_map(|s| &s.findings)
            .map(|f| f.code.as_str())
            .collect();
        assert!(!codes.contains(&"no-trace"), "{codes:?}");
    }

    #[test]
    fn an_export_header_without_rows_names_the_export() {
        let mut search = EmptyTrace::new(TraceFormat::EnhancedSummaryCsv);
        search.input = "report.csv".into();
        let f = finding(&diagnose(vec![search])).clone();
        assert_eq!(
            f.evidence,
            ["report.csv: enhanced summary report: column header, no rows"]
        );
        assert!(f.advice.contains("90 days"), "{}", f.advice);
        assert!(f.advice.contains("address"), "{}", f.advice);
    }

    #[test]
    fn the_outcome_of_each_kind_of_trace_has_its_code() {
        use crate::diagnosis::Severity;
        use crate::testing::Scenario;
        for (sample, code, severity) in [
            (
                "01-eac-copytext-delivered-singleline-enUS.txt",
                "trace-delivered",
                Severity::Ok,
            ),
            (
                "02-eac-copytext-junk-multiline-enGB.txt",
                "trace-delivered-to-junk",
                Severity::Warning,
            ),
            (
                "03-eac-copytext-quarantined-multiline-deDE.txt",
                "trace-quarantined",
                Severity::Warning,
            ),
            (
                "09-historical-extended-report-transport-rule-block-utf16le-bom.csv",
                "trace-blocked",
                Severity::Problem,
            ),
            (
                "06-ndr-5.1.10-recipient-not-found.txt",
                "no-trace",
                Severity::Info,
            ),
        ] {
            let f = Scenario::from_sample(sample).finding(&Outcome, code);
            assert_eq!(f.severity, severity, "{sample}");
        }
    }

    #[test]
    fn undelivered_and_several_recipient_outcomes_have_their_codes() {
        use crate::diagnosis::Severity;
        use crate::testing::Scenario;
        for (sample, index, code, severity) in [
            (
                "04-ps-get-messagetrace-v1-table-failed.txt",
                0,
                "trace-failed",
                Severity::Problem,
            ),
            (
                "07-ps-get-messagetracev2-exportcsv-pending.csv",
                0,
                "trace-pending",
                Severity::Warning,
            ),
            (
                "10-historical-enhanced-summary-expanded-dl-utf16le-nobom.csv",
                0,
                "trace-expanded",
                Severity::Info,
            ),
            (
                "12b-graph-getdetailsbyrecipient-inky-journey1.json",
                0,
                "trace-outcome-unknown",
                Severity::Warning,
            ),
        ] {
            let f = Scenario::from_sample_at(sample, index).finding(&Outcome, code);
            assert_eq!(f.severity, severity, "{sample}");
        }
        let several = Scenario::from_sample("04-ps-get-messagetrace-v1-table-failed.txt");
        let f = several.finding(&Outcome, "trace-recipient-outcomes");
        assert_eq!(f.title, "2 recipients, each with its own outcome");
    }
}
