//! Tabular traces read row by row: a row cut short is left out and named, the rest read.

use crate::support::{codes, diagnose_text};

/// A `Get-MessageTraceV2 | Export-Csv` whose last row was cut off while it was copied.
const CUT_LAST_ROW: &str = "\"Received\",\"SenderAddress\",\"RecipientAddress\",\"Subject\",\"Status\",\"MessageTraceId\"\r\n\
\"1/15/2025 8:02:11 AM\",\"pat.lopez@contoso.com\",\"sales@example.org\",\"Order 7781\",\"Failed\",\"9a3c5e71-2b4d-4c6f-fe10-08dd3512ab34\"\r\n\
\"1/15/2025 8:04:40 AM\",\"pat.lopez@contoso.com\",\"ops@example.org\",\"Order 7782\",\"Delivered\",\"9a3c5e71-2b4d-4c6f-fe10-08dd3512ab35\"\r\n\
\"1/15/2025 8:05:02 AM\",\"pat.lopez@contoso.com\"\r\n";

#[test]
fn a_ragged_last_row_keeps_the_good_rows_and_is_named() {
    let diagnosis = diagnose_text("cut.csv", CUT_LAST_ROW);
    assert_eq!(diagnosis.messages.len(), 2, "both good rows are messages");
    assert!(codes(&diagnosis).iter().any(|c| c == "trace-rows-skipped"));
    let finding = diagnosis
        .steps
        .iter()
        .flat_map(|s| &s.findings)
        .find(|f| f.code == "trace-rows-skipped")
        .expect("the skipped row is a finding");
    assert!(
        finding.evidence.iter().any(|line| line == "row 4"),
        "{:?}",
        finding.evidence
    );
}
