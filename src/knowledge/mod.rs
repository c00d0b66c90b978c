//! Knowledge embedded from `assets/`: data reviewed like code, parsed once.
//!
//! Each file is compiled into the binary with `include_str!` and parsed the first time a
//! diagnosis reads that table, never at start-up: `--version`, an unknown file or a header
//! diagnosis pays only for the tables it uses (parsing all of them took most of a CLI
//! run's start-up). A unit test parses every asset, so a broken data file fails the
//! build's tests, never a user's run.

pub mod antispam_fields;
pub mod bounce_phrases;
pub mod dnsbl;
pub mod event_names;
pub mod list_decisions;
pub mod ndr_phrases;
pub mod next_actions;
pub mod status_codes;
pub mod vendors;

use std::sync::{LazyLock, OnceLock};

use regex::{Captures, Regex};

/// One table, parsed on first use (see the module comment); reads as the table itself.
pub type Table<T> = LazyLock<T>;

/// Everything Mailflow knows that is data rather than logic.
#[derive(Debug)]
pub struct Knowledge {
    /// Trace event names in every language and log vocabulary.
    pub event_names: Table<event_names::EventNames>,
    /// Third-party gateway profiles.
    pub vendors: Table<vendors::VendorProfiles>,
    /// Next actions per outcome.
    pub next_actions: Table<next_actions::NextActions>,
    /// Enhanced status codes.
    pub status_codes: Table<status_codes::StatusCodes>,
    /// Anti-spam field meanings, compauth reasons, Microsoft 365 hosts, public suffixes.
    pub antispam: Table<antispam_fields::AntispamFields>,
    /// Allow/block list decisions.
    pub list_decisions: Table<list_decisions::ListDecisions>,
    /// DNS blocklists the online checks query, with their answer meanings.
    pub dnsbl: Table<dnsbl::Blocklists>,
    /// NDR headings and labels in languages other than English.
    pub ndr_phrases: Table<ndr_phrases::NdrPhrases>,
}

static EMBEDDED: Knowledge = Knowledge::lazy();

impl Knowledge {
    /// The knowledge compiled into this binary.
    pub fn embedded() -> &'static Self {
        &EMBEDDED
    }

    /// The embedded knowledge plus the gateway profiles in `dir`: a support desk adds the
    /// gateway its organisation runs by dropping a profile file there, with no new build.
    pub fn with_vendor_dir(dir: &std::path::Path) -> Result<Self, AssetError> {
        let mut knowledge = Self::lazy();
        LazyLock::force_mut(&mut knowledge.vendors).load_dir(dir)?;
        Ok(knowledge)
    }

    /// Every table unparsed: each parses on its first read.
    const fn lazy() -> Self {
        Self {
            event_names: LazyLock::new(event_names::EventNames::embedded),
            vendors: LazyLock::new(vendors::VendorProfiles::embedded),
            next_actions: LazyLock::new(next_actions::NextActions::embedded),
            status_codes: LazyLock::new(status_codes::StatusCodes::embedded),
            antispam: LazyLock::new(antispam_fields::AntispamFields::embedded),
            list_decisions: LazyLock::new(list_decisions::ListDecisions::embedded),
            dnsbl: LazyLock::new(dnsbl::Blocklists::embedded),
            ndr_phrases: LazyLock::new(ndr_phrases::NdrPhrases::embedded),
        }
    }
}

/// A regular expression of the data (a vendor's rule names, a status code's reply text),
/// compiled the first time it is matched: compiling every pattern of every table was most
/// of the start-up of a run that then used none of them. Patterns of the embedded tables
/// are checked by their asset tests; a user's file is checked when it is loaded
/// ([`Pattern::checked`]).
#[derive(Clone, Debug)]
pub struct Pattern {
    source: String,
    compiled: OnceLock<Option<Regex>>,
}

impl Pattern {
    /// A pattern compiled on first use; one that does not compile matches nothing.
    pub fn new(source: String) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// A pattern compiled now, so that an invalid one is refused with the file it is in.
    pub fn checked(source: String, name: &str) -> Result<Self, AssetError> {
        let regex = Regex::new(&source).map_err(|e| AssetError::Pattern {
            pattern: source.clone(),
            reason: e.to_string(),
            name: name.to_owned(),
        })?;
        Ok(Self {
            source,
            compiled: OnceLock::from(Some(regex)),
        })
    }

    /// The compiled expression (`None` if it does not compile).
    pub fn regex(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| Regex::new(&self.source).ok())
            .as_ref()
    }

    /// True when the pattern matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.regex().is_some_and(|r| r.is_match(text))
    }

    /// The first match's groups.
    pub fn captures<'h>(&self, text: &'h str) -> Option<Captures<'h>> {
        self.regex()?.captures(text)
    }

    /// The pattern as written in the data.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

/// Why an asset could not be parsed (an embedded one only in a broken build; a user's
/// vendor profile directory at any time).
#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    /// TOML syntax or schema error.
    #[error("invalid data ({reason}): {name}")]
    Invalid {
        /// What is wrong.
        reason: String,
        /// Asset name.
        name: String,
    },
    /// A pattern in the data is not a valid regular expression.
    #[error("invalid pattern {pattern:?} ({reason}): {name}")]
    Pattern {
        /// The pattern.
        pattern: String,
        /// The regex error.
        reason: String,
        /// Asset name.
        name: String,
    },
    /// The file or directory could not be read.
    #[error("cannot read ({reason}): {name}")]
    Io {
        /// OS error.
        reason: String,
        /// Path.
        name: String,
    },
}
