//! Summary rows without events, console output cut short: say what is missing and how to
//! get it.

use crate::analyzers::{Analyzer, Context};
use crate::diagnosis::{Finding, Severity, Status};
use crate::step::Step;

/// Asks for the detail a summary-only trace lacks.
pub struct MissingDetails;

impl Analyzer for MissingDetails {
    fn id(&self) -> &'static str {
        "trace-missing-details"
    }

    fn codes(&self) -> &'static [&'static str] {
        &[
            "console-output-truncated",
            "trace-details-needed",
            "trace-rows-skipped",
        ]
    }

    fn step(&self) -> Step {
        Step::Trace
    }

    fn analyze(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let summary_only: Vec<_> = cx
            .message
            .traces
            .iter()
            .filter(|t| t.events.is_empty() && t.recipient_events.is_empty())
            .collect();
        let needs_detail = !matches!(cx.facts.status, Status::Delivered | Status::Expanded);
        if let Some(first) = summary_only.first()
            && needs_detail
        {
            let recipient = first
                .recipients
                .first()
                .cloned()
                .unwrap_or_else(|| "<recipient>".into());
            let id = first
                .trace_id
                .clone()
                .unwrap_or_else(|| "<MessageTraceId>".into());
            out.push(
                Finding::new("trace-details-needed", Severity::Info, "The trace holds summary rows only")
                    .detail("A summary row gives the status but not the events or the reason. The detail trace shows every event with its reason and status code.")
                    .evidence_lines(summary_only.iter().map(|t| {
                        format!("{} → {}", t.recipients.join(", "), t.status_raw.as_deref().unwrap_or("no status"))
                    }))
                    .advice(format!("Get-MessageTraceDetailV2 -MessageTraceId {id} -RecipientAddress {recipient} | Export-Csv detail.csv -NoTypeInformation, then add detail.csv here.")),
            );
        }
        let skipped: Vec<usize> = cx
            .message
            .traces
            .iter()
            .flat_map(|t| t.skipped_rows.iter().copied())
            .collect();
        if !skipped.is_empty() {
            out.push(
                Finding::new("trace-rows-skipped", Severity::Warning, "Rows of the trace export were cut short and left out")
                    .detail("These rows have fewer values than the export has columns (a file cut off while it was saved or copied). The other rows were read; what the cut rows said is missing from the diagnosis.")
                    .evidence_lines(skipped.iter().map(|row| format!("row {row}")))
                    .advice("Export the trace again and add the new file here."),
            );
        }
        let truncated: Vec<String> = cx
            .message
            .traces
            .iter()
            .flat_map(|t| t.truncated_fields.iter().cloned())
            .collect();
        if !truncated.is_empty() {
            out.push(
                Finding::new("console-output-truncated", Severity::Info, "Some values were cut short by the PowerShell console")
                    .detail("Format-Table shortens columns that do not fit (ending in \"...\"). The diagnosis uses what is visible.")
                    .evidence_lines(truncated)
                    .advice("Run the cmdlet with | Format-List, or | Export-Csv, to get the full values."),
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
    fn summary_rows_of_an_undelivered_message_ask_for_the_detail_trace() {
        let scenario = Scenario::from_sample("07-ps-get-messagetracev2-exportcsv-pending.csv");
        let f = scenario.finding(&MissingDetails, "trace-details-needed");
        assert_eq!(f.severity, Severity::Info);
        assert!(
            f.advice
                .starts_with("Get-MessageTraceDetailV2 -MessageTraceId ")
        );
    }

    #[test]
    fn cut_console_columns_are_named() {
        let scenario = Scenario::from_fixture("trace/ps-detail-table-german-truncated.txt");
        let f = scenario.finding(&MissingDetails, "console-output-truncated");
        assert_eq!(f.severity, Severity::Info);
        assert!(!f.evidence.is_empty());
    }

    #[test]
    fn rows_cut_short_are_reported() {
        let scenario = Scenario::from_fixture("trace/v1-exportcsv-last-row-cut.csv");
        let f = scenario.finding(&MissingDetails, "trace-rows-skipped");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.evidence, ["row 3"]);
    }

    #[test]
    fn silent_on_a_full_detail_trace() {
        let scenario = Scenario::from_sample("01-eac-copytext-delivered-singleline-enUS.txt");
        assert!(scenario.run(&MissingDetails).is_empty());
    }
}
