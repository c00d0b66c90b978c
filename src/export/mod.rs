//! Exporters: a [`Diagnosis`] rendered as JSON (the contract), Markdown, plain text or HTML.
//! No I/O here beyond building strings; callers decide where they go.

pub mod json;
pub mod markdown;
pub mod text;

use crate::diagnosis::Diagnosis;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The JSON contract.
    Json,
    /// Markdown for tickets.
    Markdown,
    /// Plain text for email.
    Text,
}

/// Renders `diagnosis` in `format`.
pub fn render(diagnosis: &Diagnosis, format: Format) -> String {
    match format {
        Format::Json => json::render(diagnosis),
        Format::Markdown => markdown::render(diagnosis),
        Format::Text => text::render(diagnosis),
    }
}
