//! Knowledge embedded from `assets/`: data reviewed like code, parsed once.
//!
//! Each file is compiled into the binary with `include_str!` and parsed on first use; a
//! unit test parses every asset, so a broken data file fails the build's tests, never a
//! user's run.

pub mod antispam_fields;
pub mod dnsbl;
pub mod event_names;
pub mod list_decisions;
pub mod ndr_phrases;
pub mod next_actions;
pub mod status_codes;
pub mod vendors;

use std::sync::LazyLock;

/// Everything Mailflow knows that is data rather than logic.
#[derive(Debug)]
pub struct Knowledge {
    /// Trace event names in every language and log vocabulary.
    pub event_names: event_names::EventNames,
    /// Third-party gateway profiles.
    pub vendors: vendors::VendorProfiles,
    /// Next actions per outcome.
    pub next_actions: next_actions::NextActions,
    /// Enhanced status codes.
    pub status_codes: status_codes::StatusCodes,
    /// Anti-spam field meanings, compauth reasons, Microsoft 365 hosts, public suffixes.
    pub antispam: antispam_fields::AntispamFields,
    /// Allow/block list decisions.
    pub list_decisions: list_decisions::ListDecisions,
    /// DNS blocklists the online checks query, with their answer meanings.
    pub dnsbl: dnsbl::Blocklists,
    /// NDR headings and labels in languages other than English.
    pub ndr_phrases: ndr_phrases::NdrPhrases,
}

static EMBEDDED: LazyLock<Knowledge> = LazyLock::new(Knowledge::parse_embedded);

impl Knowledge {
    /// The knowledge compiled into this binary.
    pub fn embedded() -> &'static Self {
        &EMBEDDED
    }

    /// The embedded knowledge plus the gateway profiles in `dir`: a support desk adds the
    /// gateway its organisation runs by dropping a profile file there, with no new build.
    pub fn with_vendor_dir(dir: &std::path::Path) -> Result<Self, AssetError> {
        let mut knowledge = Self::parse_embedded();
        knowledge.vendors.load_dir(dir)?;
        Ok(knowledge)
    }

    fn parse_embedded() -> Self {
        Self {
            event_names: event_names::EventNames::embedded(),
            vendors: vendors::VendorProfiles::embedded(),
            next_actions: next_actions::NextActions::embedded(),
            status_codes: status_codes::StatusCodes::embedded(),
            antispam: antispam_fields::AntispamFields::embedded(),
            list_decisions: list_decisions::ListDecisions::embedded(),
            dnsbl: dnsbl::Blocklists::embedded(),
            ndr_phrases: ndr_phrases::NdrPhrases::embedded(),
        }
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
