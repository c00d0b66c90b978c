//! Markdown for tickets (ServiceNow, Jira, GitHub).

use std::fmt::Write as _;

use crate::diagnosis::Diagnosis;

/// Escapes Markdown and HTML metacharacters in input-derived text.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Renders the diagnosis as Markdown.
pub fn render(d: &Diagnosis) -> String {
    let mut out = String::new();
    writeln!(out, "## Mailflow diagnosis: {}\n", d.verdict.status.label()).ok();
    writeln!(out, "**{}**\n", escape(&d.verdict.headline)).ok();
    for step in &d.steps {
        writeln!(out, "### {}. {}\n", step.step, step.title).ok();
        for f in &step.findings {
            writeln!(out, "- **{:?}**: {}", f.severity, escape(&f.title)).ok();
        }
        out.push('\n');
    }
    out
}
