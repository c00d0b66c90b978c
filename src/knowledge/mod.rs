//! Knowledge embedded from `assets/`: data reviewed like code, parsed once.
//!
//! `build.rs` converts each TOML file to JSON (a file that is not valid TOML fails the
//! build); the JSON is compiled into the binary and parsed the first time a diagnosis reads
//! that table, never at start-up: `--version`, an unknown file or a header diagnosis pays
//! only for the tables it uses (parsing all of them took most of a CLI run's start-up),
//! and JSON parses in less than half the time TOML takes. A unit test parses every asset
//! and checks that its JSON says what its TOML says, so a broken data file fails the
//! build's tests, never a user's run.

/// The JSON `build.rs` wrote of `assets/knowledge/$name.toml`, as a [`Source`].
macro_rules! embedded_table {
    ($name:literal) => {
        $crate::knowledge::Source::Json(include_str!(concat!(
            env!("OUT_DIR"),
            "/knowledge/",
            $name,
            ".json"
        )))
    };
}

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

/// The text of a table: the TOML of `assets/` as people write it (a user's vendor
/// profile, the tables of the tests), or the JSON `build.rs` made of an embedded one.
#[derive(Clone, Copy, Debug)]
pub enum Source<'a> {
    /// TOML, as in `assets/`.
    Toml(&'a str),
    /// JSON converted from an embedded TOML file at build time.
    Json(&'a str),
}

impl Source<'_> {
    /// The table read into `T`; `name` names the file in the error.
    pub fn read<T: serde::de::DeserializeOwned>(self, name: &str) -> Result<T, AssetError> {
        let invalid = |reason: String| AssetError::Invalid {
            reason,
            name: name.to_owned(),
        };
        match self {
            Self::Toml(text) => toml::from_str(text).map_err(|e| invalid(e.message().to_owned())),
            Self::Json(text) => serde_json::from_str(text).map_err(|e| invalid(e.to_string())),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON and the TOML of one file, read as documents.
    fn documents(
        json: &str,
        toml_path: &std::path::Path,
    ) -> (serde_json::Value, serde_json::Value) {
        let text = std::fs::read_to_string(toml_path).expect("the asset is readable");
        let from_toml: toml::Value = toml::from_str(&text).expect("the asset is valid TOML");
        (
            serde_json::from_str(json).expect("build.rs writes valid JSON"),
            serde_json::to_value(from_toml).expect("a TOML document is a JSON value"),
        )
    }

    #[test]
    fn every_embedded_table_says_what_its_toml_file_says() {
        let tables = [
            ("antispam_fields", embedded_table!("antispam_fields")),
            ("bounce_phrases", embedded_table!("bounce_phrases")),
            ("dnsbl", embedded_table!("dnsbl")),
            ("event_names", embedded_table!("event_names")),
            ("list_decisions", embedded_table!("list_decisions")),
            ("ndr_phrases", embedded_table!("ndr_phrases")),
            ("next_actions", embedded_table!("next_actions")),
            ("status_codes", embedded_table!("status_codes")),
        ];
        let assets = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
        let files = std::fs::read_dir(assets.join("knowledge"))
            .expect("assets/knowledge")
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
            .count();
        assert_eq!(
            files,
            tables.len(),
            "every table is embedded and checked here"
        );
        for (name, source) in tables {
            let Source::Json(json) = source else {
                panic!("{name} is embedded as JSON");
            };
            let (embedded, written) =
                documents(json, &assets.join("knowledge").join(format!("{name}.toml")));
            assert_eq!(embedded, written, "{name}");
        }
        assert!(vendors::VENDOR_FILES.len() > 5);
        for (name, json) in vendors::VENDOR_FILES {
            let (embedded, written) = documents(json, &assets.join("vendors").join(name));
            assert_eq!(embedded, written, "{name}");
        }
    }
}
