//! The evidence bundle for escalation: the report (HTML, JSON, Markdown), the original
//! inputs byte for byte, and a manifest with every member's size and SHA-256, in one zip
//! written atomically.
//!
//! Member names are ours (`inputs/input-1-trace-text.txt`), never an attachment name or an
//! input path, so opening the bundle cannot write outside the folder it is unpacked into
//! (`reference/reliability.md` §3.6). A redacted bundle leaves the raw inputs out (they
//! hold everything the redaction hides) and lists them by hash only.

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::Path;

use chrono::{Datelike as _, Timelike as _};
use sha2::{Digest as _, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::{Format, Options, atomic, prepare, render_prepared, sanitize};
use crate::case::{InputInfo, InputKind};
use crate::diagnosis::Diagnosis;

/// Why a bundle could not be written.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// Creating, writing or renaming the file failed.
    #[error("cannot write the bundle ({reason}): {name}")]
    Io {
        /// The OS error text.
        reason: String,
        /// The bundle's path.
        name: String,
    },
}

/// The file extension an input of `kind` is stored with.
fn extension(kind: InputKind) -> &'static str {
    match kind {
        InputKind::Eml => "eml",
        InputKind::Msg => "msg",
        InputKind::TraceCsv => "csv",
        InputKind::TraceGraph => "json",
        InputKind::TrackingLog => "log",
        InputKind::Headers
        | InputKind::TraceText
        | InputKind::TracePowershell
        | InputKind::NdrText => "txt",
    }
}

/// The member name of the `n`-th input (1-based): generated, never taken from the input.
pub fn input_member_name(n: usize, kind: InputKind) -> String {
    format!("inputs/input-{n}-{}.{}", kind.as_str(), extension(kind))
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, b| {
            write!(hex, "{b:02x}").ok();
            hex
        })
}

/// Writes the bundle of `diagnosis` and the raw `inputs` to `path`, atomically. With
/// `options.redact` the reports are redacted and the raw inputs are left out.
pub fn write_bundle<B: AsRef<[u8]>>(
    path: &Path,
    diagnosis: &Diagnosis,
    inputs: &[(InputInfo, B)],
    options: &Options,
) -> Result<(), BundleError> {
    stage_bundle(path, diagnosis, inputs, options)?
        .commit()
        .map_err(|e| io_error(path, &e))
}

fn io_error(path: &Path, error: &io::Error) -> BundleError {
    BundleError::Io {
        reason: error.to_string(),
        name: path.display().to_string(),
    }
}

/// The bundle [`write_bundle`] writes, written in full under a temporary name beside
/// `path`, to be committed once every other output of the run is written too.
pub fn stage_bundle<B: AsRef<[u8]>>(
    path: &Path,
    diagnosis: &Diagnosis,
    inputs: &[(InputInfo, B)],
    options: &Options,
) -> Result<atomic::Staged, BundleError> {
    stage_prepared_bundle(path, &prepare(diagnosis, options), inputs, options)
}

/// As [`stage_bundle`], for a diagnosis [`prepare`] already made for `options` (a caller
/// writing a report too redacts once).
pub fn stage_prepared_bundle<B: AsRef<[u8]>>(
    path: &Path,
    shown: &Diagnosis,
    inputs: &[(InputInfo, B)],
    options: &Options,
) -> Result<atomic::Staged, BundleError> {
    let mut members: Vec<(String, &[u8])> = Vec::new();
    let reports: Vec<(&str, String)> = [
        ("report.html", Format::Html),
        ("report.json", Format::Json),
        ("report.md", Format::Markdown),
    ]
    .into_iter()
    .map(|(name, format)| (name, render_prepared(shown, format, options)))
    .collect();
    for (name, text) in &reports {
        members.push(((*name).to_owned(), text.as_bytes()));
    }
    let mut manifest = String::from(
        "Mailflow evidence bundle\n\nEvery member with its size in bytes and SHA-256.\n\n",
    );
    for (n, (info, bytes)) in inputs.iter().enumerate() {
        // Borrowed, never copied: a 190 MB input is held once for the whole run.
        let bytes: &[u8] = bytes.as_ref();
        let member = input_member_name(n + 1, info.kind);
        if options.redact {
            writeln!(
                manifest,
                "left out (redacted report): {member}  {} bytes  sha256 {}",
                bytes.len(),
                hex_sha256(bytes)
            )
            .ok();
        } else {
            writeln!(
                manifest,
                "{member} was {:?} ({})",
                sanitize::value(&info.name),
                info.kind.describe()
            )
            .ok();
            members.push((member, bytes));
        }
    }
    manifest.push('\n');
    for (name, bytes) in &members {
        writeln!(
            manifest,
            "{name}  {} bytes  sha256 {}",
            bytes.len(),
            hex_sha256(bytes)
        )
        .ok();
    }
    let file_options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o644)
        .last_modified_time(zip_time(options));
    let result = atomic::stage(path, |file| {
        let mut zip = ZipWriter::new(file);
        let all = std::iter::once(("MANIFEST.txt".to_owned(), manifest.as_bytes()))
            .chain(members.iter().map(|(n, b)| (n.clone(), *b)));
        for (name, bytes) in all {
            zip.start_file(name, file_options)
                .map_err(io::Error::other)?;
            zip.write_all(bytes)?;
        }
        zip.finish().map_err(io::Error::other)?;
        Ok(())
    });
    result.map_err(|e| io_error(path, &e))
}

/// The members' time stamp: the report's time when given (zip has no time zone, so the
/// local wall-clock time), else the zip epoch, which keeps test bundles identical.
fn zip_time(options: &Options) -> zip::DateTime {
    options
        .generated_at
        .and_then(|t| {
            zip::DateTime::from_date_and_time(
                u16::try_from(t.year()).ok()?,
                t.month() as u8,
                t.day() as u8,
                t.hour() as u8,
                t.minute() as u8,
                t.second().min(58) as u8,
            )
            .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names_are_generated_from_the_kind() {
        assert_eq!(
            input_member_name(1, InputKind::TraceText),
            "inputs/input-1-trace-text.txt"
        );
        assert_eq!(
            input_member_name(2, InputKind::Eml),
            "inputs/input-2-eml.eml"
        );
        assert_eq!(
            input_member_name(3, InputKind::TraceCsv),
            "inputs/input-3-trace-csv.csv"
        );
    }
}
