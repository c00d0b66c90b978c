//! Plain text for email and terminals: no markup, no control characters.

use std::fmt::Write as _;

use crate::diagnosis::Diagnosis;

/// Removes control characters (terminal escapes) from input-derived text.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

/// Renders the diagnosis as plain text.
pub fn render(d: &Diagnosis) -> String {
    let mut out = String::new();
    writeln!(out, "Mailflow diagnosis").ok();
    writeln!(
        out,
        "Verdict: {} — {}",
        d.verdict.status.label(),
        clean(&d.verdict.headline)
    )
    .ok();
    if let Some(location) = &d.verdict.location {
        writeln!(out, "Where: {}", clean(location)).ok();
    }
    writeln!(out, "Decided by: {}", d.verdict.decided_by.label()).ok();
    for step in &d.steps {
        writeln!(out, "\n{}. {}", step.step, step.title).ok();
        for f in &step.findings {
            writeln!(out, "  [{:?}] {}", f.severity, clean(&f.title)).ok();
            for line in &f.evidence {
                writeln!(out, "      > {}", clean(line)).ok();
            }
        }
    }
    out
}
