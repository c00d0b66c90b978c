//! Exporters: a [`Diagnosis`] rendered as JSON (the contract), Markdown for tickets, plain
//! text for email, or a self-contained HTML report; plus redaction, the evidence bundle
//! and atomic writing. Markdown, text and HTML are all drawn from one
//! [`summary::Summary`], so they tell the same story.
//!
//! Nothing here reads the case or the inputs again: a report is a function of the
//! diagnosis and the [`Options`] (the time is passed in, so a report is reproducible).

mod atomic;
pub mod bundle;
#[cfg(test)]
pub(crate) mod fixture;
pub mod html;
pub mod json;
pub mod markdown;
mod markup;
pub mod redact;
pub mod sanitize;
pub mod summary;
mod svg;
pub mod text;

use chrono::{DateTime, FixedOffset, Local};

pub use atomic::{Staged, remove_pending, stage, write_atomic, write_atomic_with};

use std::borrow::Cow;

use crate::diagnosis::{Diagnosis, cap};

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The JSON contract.
    Json,
    /// Markdown for tickets.
    Markdown,
    /// Plain text for email.
    Text,
    /// A self-contained HTML report.
    Html,
}

impl Format {
    /// Every format, for menus and tests.
    pub const ALL: [Self; 4] = [Self::Json, Self::Markdown, Self::Text, Self::Html];

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Markdown => "md",
            Self::Text => "txt",
            Self::Html => "html",
        }
    }
}

/// How to render a report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// When the report was made; shown in the footer and stamped on bundle members. `None`
    /// leaves it out (tests fix it; the CLI and GUI pass [`Options::now`]).
    pub generated_at: Option<DateTime<FixedOffset>>,
    /// Every trace event and evidence line instead of the condensed view.
    pub full_timeline: bool,
    /// Replace personal data with pseudonyms ([`redact`]).
    pub redact: bool,
    /// The agent's checklist as (item, done) pairs, so the ticket records what was
    /// checked ("Asked the user to check Junk Email: yes"); empty leaves the section out.
    pub agent_checks: Vec<(String, bool)>,
    /// The agent's free-text notes; left out of redacted reports, as they are not
    /// pseudonymised.
    pub notes: String,
}

impl Options {
    /// Options stamped with the current local time.
    pub fn now() -> Self {
        Self {
            generated_at: Some(Local::now().fixed_offset()),
            ..Self::default()
        }
    }
}

/// Renders `diagnosis` in `format` with default options (condensed, not redacted, no
/// time stamp).
pub fn render(diagnosis: &Diagnosis, format: Format) -> String {
    render_with(diagnosis, format, &Options::default())
}

/// Renders `diagnosis` in `format`, redacted first when `options.redact` says so; every
/// string is capped ([`crate::diagnosis::cap`]) either way.
pub fn render_with(diagnosis: &Diagnosis, format: Format, options: &Options) -> String {
    render_prepared(&prepare(diagnosis, options), format, options)
}

/// `diagnosis` as a report shows it: redacted when `options.redact` says so, every string
/// capped; borrowed when nothing needs changing. A caller writing several reports of one
/// diagnosis prepares it once and renders each with [`render_prepared`].
pub fn prepare<'a>(diagnosis: &'a Diagnosis, options: &Options) -> Cow<'a, Diagnosis> {
    if options.redact {
        return Cow::Owned(redact::redact(diagnosis));
    }
    if !cap::has_long_strings(diagnosis) {
        return Cow::Borrowed(diagnosis);
    }
    let mut capped = diagnosis.clone();
    match cap::cap_diagnosis(&mut capped) {
        Ok(()) => Cow::Owned(capped),
        // Only a bug makes the walk fail; the report is then long rather than missing.
        Err(_) => Cow::Borrowed(diagnosis),
    }
}

/// Renders a diagnosis that [`prepare`] made (redacted as far as `options` asks, capped).
pub fn render_prepared(diagnosis: &Diagnosis, format: Format, options: &Options) -> String {
    match format {
        Format::Json => json::render(diagnosis),
        Format::Markdown => markdown::render(&summary::Summary::build(diagnosis, options)),
        Format::Text => text::render(&summary::Summary::build(diagnosis, options)),
        Format::Html => html::render(&summary::Summary::build(diagnosis, options)),
    }
}

/// Writes a diagnosis that [`prepare`] made to `out`, ending with a newline. JSON is
/// written as it is serialised (a 100 000-message trace's report is never held whole);
/// the other formats are rendered first.
///
/// # Errors
/// When `out` fails.
pub fn write_prepared(
    diagnosis: &Diagnosis,
    format: Format,
    options: &Options,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    if format == Format::Json {
        json::write(diagnosis, out)?;
        return out.write_all(b"\n");
    }
    let rendered = render_prepared(diagnosis, format, options);
    out.write_all(rendered.as_bytes())?;
    if rendered.ends_with('\n') {
        Ok(())
    } else {
        out.write_all(b"\n")
    }
}

/// Characters of the subject kept in a file name.
const NAME_SUBJECT_CHARS: usize = 60;

/// A file name for a report of `diagnosis`: `mailflow-<date>-<subject>.<ext>`, the date of
/// the message's first trace event or hop, the subject reduced to letters, digits and
/// single dashes (no path separators, no dots, no control or bidi characters, never a
/// reserved device name because of the prefix). Pass the redacted diagnosis for a
/// redacted report, so the name does not leak the subject.
pub fn suggested_file_name(diagnosis: &Diagnosis, ext: &str) -> String {
    let date = diagnosis
        .first_seen()
        .map(|t| t.format("%Y-%m-%d").to_string());
    let mut name = String::from("mailflow");
    if let Some(date) = date {
        name.push('-');
        name.push_str(&date);
    }
    let subject = diagnosis
        .message
        .as_ref()
        .and_then(|m| m.subject.as_deref())
        .unwrap_or_default();
    let mut slug = String::new();
    for c in subject.chars() {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.chars().count() >= NAME_SUBJECT_CHARS {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        name.push_str("-diagnosis");
    } else {
        name.push('-');
        name.push_str(slug);
    }
    let ext: String = ext
        .trim_start_matches('.')
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    if !ext.is_empty() {
        name.push('.');
        name.push_str(&ext);
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::{EventOut, JourneyOut, MessageInfo, Status, TraceOut};

    fn diagnosis(subject: Option<&str>, time: Option<&str>) -> Diagnosis {
        let mut d = fixture::minimal();
        d.message = Some(MessageInfo {
            subject: subject.map(str::to_owned),
            ..MessageInfo::default()
        });
        d.trace = time.map(|t| TraceOut {
            journeys: vec![JourneyOut {
                status: Status::Delivered,
                recipients: Vec::new(),
                events: vec![EventOut {
                    time: Some(t.into()),
                    event: "Receive".into(),
                    detail: None,
                    original_name: None,
                }],
                duration_seconds: None,
                hand_off: false,
            }],
        });
        d
    }

    #[test]
    fn file_names_are_dated_and_sanitized() {
        let d = diagnosis(
            Some("Re: ../../etc/passwd \u{202e}gpj.exe <b>Q3 report</b>"),
            Some("2024-12-06T17:31:00+00:00"),
        );
        assert_eq!(
            suggested_file_name(&d, "html"),
            "mailflow-2024-12-06-Re-etc-passwd-gpj-exe-b-Q3-report-b.html"
        );
        let d = diagnosis(None, None);
        assert_eq!(suggested_file_name(&d, ".md"), "mailflow-diagnosis.md");
        let d = diagnosis(Some(&"ä".repeat(200)), None);
        assert_eq!(
            suggested_file_name(&d, "zip"),
            format!("mailflow-{}.zip", "ä".repeat(NAME_SUBJECT_CHARS))
        );
    }
}
