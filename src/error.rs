//! Why an input could not be read. One variant per failure class; the Display is one line
//! with the file name last, so the CLI can print it as is and exit 2.

use thiserror::Error;

/// An input that could not become evidence. Nothing of such an input is used: the user must
/// know a file was not read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum InputError {
    /// The file or the pasted text holds nothing but white space.
    #[error("the input is empty: {name}")]
    Empty {
        /// Input name (file base name or "pasted text").
        name: String,
    },
    /// The bytes are binary data of no known kind (an image, an archive, an executable).
    #[error("binary data of no known kind ({what}): {name}")]
    Binary {
        /// What the bytes looked like, e.g. "PNG image".
        what: String,
        /// Input name.
        name: String,
    },
    /// Text, but not any trace, header block, message or NDR Mailflow knows.
    #[error("not a message trace, message, header block or NDR: {name}")]
    UnknownKind {
        /// Input name.
        name: String,
    },
    /// The input is larger than Mailflow reads.
    #[error("too large ({size} bytes; the limit is {limit} bytes): {name}")]
    TooLarge {
        /// Size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
        /// Input name.
        name: String,
    },
    /// A trace with more rows than Mailflow reads ([`crate::input::MAX_TRACE_ROWS`]): every
    /// row becomes evidence and every message a diagnosis, so memory and time grow with the
    /// rows; the user narrows the search instead.
    #[error(
        "too many trace rows ({rows}; the limit is {limit} rows — narrow the search by sender, recipient or time): {name}"
    )]
    TooManyRows {
        /// Rows counted (up to the first one past the limit).
        rows: usize,
        /// The limit.
        limit: usize,
        /// Input name.
        name: String,
    },
    /// Recognised as a format but broken beyond use (a truncated CSV, invalid JSON, …).
    #[error("{kind} that cannot be read ({reason}): {name}")]
    Malformed {
        /// The detected format, e.g. "message-trace CSV".
        kind: String,
        /// What is wrong, one short phrase.
        reason: String,
        /// Input name.
        name: String,
    },
    /// The file could not be read from disk.
    #[error("cannot read the file ({reason}): {name}")]
    Io {
        /// The OS error text.
        reason: String,
        /// Input path.
        name: String,
    },
}
