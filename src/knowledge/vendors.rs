//! Third-party gateway profiles (`assets/vendors/*.toml`, one file per vendor): how a
//! vendor shows in host names, connector and rule names and headers, and the shape of its
//! journeys. Data, not code: a new vendor is a new file.

use std::path::Path;

use serde::Deserialize;

use super::antispam_fields::{bare_host, bare_suffix, has_label_suffix};
use super::{AssetError, Pattern, Source};

include!(concat!(env!("OUT_DIR"), "/vendor_files.rs"));

/// How a gateway sits in the mail flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GatewayKind {
    /// MX points at the vendor; mail arrives at Exchange from the vendor (one journey).
    MxGateway,
    /// Exchange sends outbound mail through the vendor.
    OutboundSmarthost,
    /// A mail flow rule sends mail out to the vendor, which re-injects it (two journeys).
    InlineReinjection,
    /// Works through the Graph API after delivery; invisible in traces.
    ApiOnly,
    /// Signature service re-injection.
    Signature,
    /// Encryption service.
    Encryption,
}

#[derive(Deserialize)]
struct RawProfile {
    id: String,
    display_name: String,
    kind: GatewayKind,
    #[serde(default)]
    host_suffixes: Vec<String>,
    #[serde(default)]
    connector_name_patterns: Vec<String>,
    #[serde(default)]
    rule_name_patterns: Vec<String>,
    #[serde(default)]
    header_markers: Vec<String>,
    #[serde(default = "one")]
    expected_journeys: u8,
    #[serde(default)]
    verdict_rule_pattern: Option<String>,
    #[serde(default)]
    console: Option<String>,
    #[serde(default)]
    confidence: Option<String>,
}

fn one() -> u8 {
    1
}

/// One vendor's recognition data.
#[derive(Debug, Clone)]
pub struct VendorProfile {
    /// Stable id (`inky`).
    pub id: String,
    /// Name for people.
    pub display_name: String,
    /// Deployment shape.
    pub kind: GatewayKind,
    /// Host-name suffixes (matched on label boundaries), made bare when loaded.
    pub host_suffixes: Vec<String>,
    /// Connector-name patterns.
    pub connector_patterns: Vec<Pattern>,
    /// Transport-rule-name patterns.
    pub rule_patterns: Vec<Pattern>,
    /// Header names the vendor stamps.
    pub header_markers: Vec<String>,
    /// Journeys a message makes through Exchange when the vendor works as designed.
    pub expected_journeys: u8,
    /// A rule-name pattern with a `verdict` group (`IPW Processed SPAM` → `SPAM`).
    pub verdict_rule: Option<Pattern>,
    /// Where tier one looks next at the vendor ("the INKY dashboard …").
    pub console: Option<String>,
    /// documented / observed / inferred.
    pub confidence: Option<String>,
}

impl VendorProfile {
    /// True when `host` is the vendor's (a suffix match on a label boundary, so
    /// `notinkyphishfence.com` is not INKY).
    pub fn matches_host(&self, host: &str) -> bool {
        bare_host(host).is_some_and(|host| {
            self.host_suffixes
                .iter()
                .any(|suffix| has_label_suffix(host, suffix))
        })
    }

    /// True when a transport rule name is the vendor's.
    pub fn matches_rule(&self, name: &str) -> bool {
        self.rule_patterns.iter().any(|p| p.is_match(name))
    }

    /// True when a connector name is the vendor's.
    pub fn matches_connector(&self, name: &str) -> bool {
        self.connector_patterns.iter().any(|p| p.is_match(name))
    }
}

/// All loaded profiles.
#[derive(Debug, Default, Clone)]
pub struct VendorProfiles {
    /// Profiles in file-name order.
    pub profiles: Vec<VendorProfile>,
}

/// The profile's patterns: checked now for a user's file (`name` given), compiled on first
/// use for the embedded ones, whose test checks them.
fn compile(patterns: Vec<String>, check: Option<&str>) -> Result<Vec<Pattern>, AssetError> {
    patterns
        .into_iter()
        .map(|p| match check {
            Some(name) => Pattern::checked(p, name),
            None => Ok(Pattern::new(p)),
        })
        .collect()
}

impl VendorProfiles {
    /// The profiles compiled into the binary.
    ///
    /// # Panics
    /// Only if an embedded profile is invalid, which the asset test rules out.
    pub fn embedded() -> Self {
        let mut profiles = Vec::new();
        for (name, json) in VENDOR_FILES {
            profiles.push(
                Self::read(Source::Json(json), name, false)
                    .expect("embedded vendor profile is valid"),
            );
        }
        Self { profiles }
    }

    /// Parses one profile file (TOML), its patterns checked.
    pub fn parse(text: &str, name: &str) -> Result<VendorProfile, AssetError> {
        Self::read(Source::Toml(text), name, true)
    }

    fn read(text: Source<'_>, name: &str, check: bool) -> Result<VendorProfile, AssetError> {
        let check = check.then_some(name);
        let raw: RawProfile = text.read(name).map_err(|e| match e {
            AssetError::Invalid { reason, name } => AssetError::Invalid {
                reason: reason.split_whitespace().collect::<Vec<_>>().join(" "),
                name,
            },
            other => other,
        })?;
        Ok(VendorProfile {
            id: raw.id,
            display_name: raw.display_name,
            kind: raw.kind,
            host_suffixes: raw
                .host_suffixes
                .iter()
                .map(|s| bare_suffix(s).to_owned())
                .collect(),
            connector_patterns: compile(raw.connector_name_patterns, check)?,
            rule_patterns: compile(raw.rule_name_patterns, check)?,
            header_markers: raw.header_markers,
            expected_journeys: raw.expected_journeys,
            verdict_rule: raw
                .verdict_rule_pattern
                .map(|p| compile(vec![p], check))
                .transpose()?
                .and_then(|mut v| v.pop()),
            console: raw.console,
            confidence: raw.confidence,
        })
    }

    /// Adds every `*.toml` profile in `dir` (a user's own profiles) to these; files named
    /// `_*.toml` (a copied template) are skipped, as in `assets/vendors/`.
    pub fn load_dir(&mut self, dir: &Path) -> Result<(), AssetError> {
        let io = |e: std::io::Error| AssetError::Io {
            reason: e.to_string(),
            name: dir.display().to_string(),
        };
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| !n.starts_with('_'))
            })
            .collect();
        paths.sort();
        for path in paths {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(&path).map_err(|e| AssetError::Io {
                reason: e.to_string(),
                name: name.clone(),
            })?;
            self.profiles.push(Self::parse(&text, &name)?);
        }
        Ok(())
    }

    /// The profile whose host suffix matches `host`.
    pub fn for_host(&self, host: &str) -> Option<&VendorProfile> {
        self.profiles.iter().find(|p| p.matches_host(host))
    }

    /// The profile whose rule pattern matches `rule`.
    pub fn for_rule(&self, rule: &str) -> Option<&VendorProfile> {
        self.profiles.iter().find(|p| p.matches_rule(rule))
    }

    /// The profile whose connector pattern matches `connector`.
    pub fn for_connector(&self, connector: &str) -> Option<&VendorProfile> {
        self.profiles
            .iter()
            .find(|p| p.matches_connector(connector))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_profile_parses() {
        let profiles = VendorProfiles::embedded();
        assert!(profiles.profiles.iter().any(|p| p.id == "inky"));
        for (name, json) in VENDOR_FILES {
            let checked = VendorProfiles::read(Source::Json(json), name, true);
            assert!(checked.is_ok(), "{name}: {checked:?}");
        }
    }

    #[test]
    fn host_suffix_matches_on_label_boundaries() {
        let profiles = VendorProfiles::embedded();
        assert!(
            profiles
                .for_host("sample-mx.ipw.inkyphishfence.com")
                .is_some()
        );
        assert!(profiles.for_host("notinkyphishfence.com").is_none());
    }
}
