//! Header knowledge (`assets/knowledge/antispam_fields.toml`): the meaning of every
//! Exchange Online anti-spam field and value, the compauth reason codes, the Advanced Spam
//! Filter texts, Microsoft 365's host names and the two-label public suffixes. Each meaning
//! carries its source (documented / observed / inferred) so the GUI can say how sure it is.

use std::collections::HashSet;

use serde::Deserialize;

use super::AssetError;

const ASSET: super::Source<'static> = embedded_table!("antispam_fields");
const NAME: &str = "antispam_fields.toml";

#[derive(Deserialize)]
struct File {
    version: u32,
    field: Vec<FieldEntry>,
    custom_spam: Vec<CustomSpamEntry>,
    compauth: Vec<CompauthEntry>,
    hosts: Hosts,
    domains: Domains,
}

#[derive(Deserialize)]
struct Hosts {
    microsoft: Vec<String>,
}

#[derive(Deserialize)]
struct Domains {
    two_level_public_suffixes: Vec<String>,
}

/// One field of a header (`SFV` of X-Forefront-Antispam-Report), or a whole single-valued
/// header (`key` empty).
#[derive(Clone, Debug, Deserialize)]
pub struct FieldEntry {
    /// The header the field belongs to.
    pub header: String,
    /// The field key; empty for single-valued headers.
    pub key: String,
    /// A short name for people.
    pub name: String,
    /// What the field means.
    pub meaning: String,
    /// documented / observed / inferred.
    pub source: String,
    /// Where the meaning comes from.
    #[serde(default)]
    pub reference: String,
    /// Known values.
    #[serde(default, rename = "value")]
    pub values: Vec<ValueEntry>,
    /// Known numeric ranges.
    #[serde(default, rename = "range")]
    pub ranges: Vec<RangeEntry>,
}

/// One known value of a field.
#[derive(Clone, Debug, Deserialize)]
pub struct ValueEntry {
    /// The value as stamped (compared case-insensitively).
    pub value: String,
    /// What it means.
    pub meaning: String,
    /// documented / observed / inferred.
    pub source: String,
    /// What a tier-one agent does about it, when there is something to do.
    #[serde(default)]
    pub advice: Option<String>,
}

/// A numeric range of a level field (SCL, BCL, PCL).
#[derive(Clone, Debug, Deserialize)]
pub struct RangeEntry {
    /// Lowest value, inclusive.
    pub min: i32,
    /// Highest value, inclusive.
    pub max: i32,
    /// What values in the range mean.
    pub meaning: String,
    /// documented / observed / inferred.
    pub source: String,
}

/// An Advanced Spam Filter text of `X-CustomSpam`.
#[derive(Clone, Debug, Deserialize)]
pub struct CustomSpamEntry {
    /// The text as stamped.
    pub text: String,
    /// What it means.
    pub meaning: String,
    /// documented / observed / inferred.
    pub source: String,
}

/// A compauth reason code or code pattern (`1xx`).
#[derive(Clone, Debug, Deserialize)]
pub struct CompauthEntry {
    /// Exact code or a pattern where `x` is any digit.
    pub code: String,
    /// The compauth result that goes with it.
    pub result: String,
    /// What it means.
    pub meaning: String,
    /// What to do, when there is something to do.
    #[serde(default)]
    pub advice: Option<String>,
    /// documented / observed / inferred.
    pub source: String,
}

/// What one field value means, looked up in the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The field's name for people, or the raw key when the table does not know it.
    pub name: &'a str,
    /// The field's meaning, when known.
    pub field_meaning: Option<&'a str>,
    /// The value's meaning, when known.
    pub value_meaning: Option<&'a str>,
    /// What to do about the value, when there is something to do.
    pub advice: Option<&'a str>,
    /// The source tag of the most specific meaning found.
    pub source: Option<&'a str>,
}

/// The header knowledge table.
#[derive(Debug, Default)]
pub struct AntispamFields {
    /// The asset's version.
    pub version: u32,
    fields: Vec<FieldEntry>,
    custom_spam: Vec<CustomSpamEntry>,
    compauth: Vec<CompauthEntry>,
    microsoft_hosts: Vec<String>,
    two_level_suffixes: HashSet<String>,
}

/// The header a `-Untrusted` copy stands for: the field meanings are the same.
fn base_header(header: &str) -> &str {
    let trimmed = header.trim();
    let lower_len = trimmed.len().saturating_sub("-Untrusted".len());
    match trimmed.get(lower_len..) {
        Some(tail) if tail.eq_ignore_ascii_case("-Untrusted") => {
            trimmed.get(..lower_len).unwrap_or(trimmed)
        }
        _ => trimmed,
    }
}

/// A host name as [`has_label_suffix`] takes it: trimmed, without its root dot.
pub fn bare_host(host: &str) -> Option<&str> {
    let host = host.trim().trim_end_matches('.');
    (!host.is_empty()).then_some(host)
}

/// A suffix as [`has_label_suffix`] takes it: trimmed, without a leading dot.
pub fn bare_suffix(suffix: &str) -> &str {
    suffix.trim().trim_start_matches('.')
}

/// True when `host` is `suffix` or ends with `.suffix` (a label boundary, so
/// `notoutlook.com` is not `outlook.com`), in any ASCII case. Both are bare already (see
/// [`bare_host`], [`bare_suffix`]): suffixes are made bare once when loaded, hosts once per
/// lookup, not once per suffix.
pub fn has_label_suffix(host: &str, suffix: &str) -> bool {
    let (host, suffix) = (host.as_bytes(), suffix.as_bytes());
    host.len().checked_sub(suffix.len()).is_some_and(|cut| {
        host.get(cut..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(suffix))
            && (cut == 0 || host.get(cut - 1) == Some(&b'.'))
    })
}

impl AntispamFields {
    /// Parses the embedded table.
    ///
    /// # Panics
    /// Only if the embedded asset is invalid, which the asset test rules out.
    pub fn embedded() -> Self {
        Self::parse(ASSET).expect("embedded antispam_fields.toml is valid")
    }

    fn parse(text: super::Source<'_>) -> Result<Self, AssetError> {
        let file: File = text.read(NAME)?;
        for entry in &file.compauth {
            let valid =
                entry.code.len() == 3 && entry.code.chars().all(|c| c.is_ascii_digit() || c == 'x');
            if !valid {
                return Err(AssetError::Invalid {
                    reason: format!("{:?} is not a compauth code or pattern", entry.code),
                    name: NAME.into(),
                });
            }
        }
        Ok(Self {
            version: file.version,
            fields: file.field,
            custom_spam: file.custom_spam,
            compauth: file.compauth,
            microsoft_hosts: file
                .hosts
                .microsoft
                .iter()
                .map(|s| bare_suffix(s).to_owned())
                .collect(),
            two_level_suffixes: file
                .domains
                .two_level_public_suffixes
                .into_iter()
                .map(|s| s.trim().to_ascii_lowercase())
                .collect(),
        })
    }

    /// Every field entry, in table order.
    pub fn fields(&self) -> &[FieldEntry] {
        &self.fields
    }

    /// The entry for `key` of `header` (both case-insensitive; a `-Untrusted` header reads
    /// as its trusted namesake). Single-valued headers use an empty key.
    pub fn field(&self, header: &str, key: &str) -> Option<&FieldEntry> {
        let header = base_header(header);
        let key = key.trim();
        self.fields
            .iter()
            .find(|f| f.header.eq_ignore_ascii_case(header) && f.key.eq_ignore_ascii_case(key))
    }

    /// What `value` of `key` in `header` means. Unknown fields keep their raw key as the
    /// name, so nothing stamped is ever hidden.
    pub fn decode<'a>(&'a self, header: &str, key: &'a str, value: &str) -> Decoded<'a> {
        let Some(field) = self.field(header, key) else {
            return Decoded {
                name: key,
                field_meaning: None,
                value_meaning: None,
                advice: None,
                source: None,
            };
        };
        let value = value.trim();
        if let Some(entry) = field
            .values
            .iter()
            .find(|v| v.value.eq_ignore_ascii_case(value))
        {
            return Decoded {
                name: &field.name,
                field_meaning: Some(&field.meaning),
                value_meaning: Some(&entry.meaning),
                advice: entry.advice.as_deref(),
                source: Some(&entry.source),
            };
        }
        if let Ok(number) = value.parse::<i32>()
            && let Some(range) = field
                .ranges
                .iter()
                .find(|r| r.min <= number && number <= r.max)
        {
            return Decoded {
                name: &field.name,
                field_meaning: Some(&field.meaning),
                value_meaning: Some(&range.meaning),
                advice: None,
                source: Some(&range.source),
            };
        }
        Decoded {
            name: &field.name,
            field_meaning: Some(&field.meaning),
            value_meaning: None,
            advice: None,
            source: Some(&field.source),
        }
    }

    /// The compauth entry for a reason code: the exact code first, then its pattern.
    pub fn compauth(&self, reason: &str) -> Option<&CompauthEntry> {
        let reason = reason.trim();
        if reason.len() != 3 || !reason.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        self.compauth.iter().find(|e| e.code == reason).or_else(|| {
            self.compauth.iter().find(|e| {
                e.code
                    .chars()
                    .zip(reason.chars())
                    .all(|(p, c)| p == 'x' || p == c)
            })
        })
    }

    /// The Advanced Spam Filter entry whose text `value` contains (case-insensitive).
    pub fn custom_spam(&self, value: &str) -> Option<&CustomSpamEntry> {
        let value = value.to_lowercase();
        self.custom_spam
            .iter()
            .find(|e| value.contains(&e.text.to_lowercase()))
    }

    /// True when `host` is a Microsoft 365 / Exchange Online server name.
    pub fn is_microsoft_host(&self, host: &str) -> bool {
        bare_host(host).is_some_and(|host| {
            self.microsoft_hosts
                .iter()
                .any(|suffix| has_label_suffix(host, suffix))
        })
    }

    /// The organizational domain (RFC 7489 relaxed alignment) of `domain`: its last two
    /// labels, or three under a known two-label public suffix (`example.co.uk`).
    pub fn organizational_domain(&self, domain: &str) -> String {
        let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
        let labels: Vec<&str> = domain.split('.').filter(|l| !l.is_empty()).collect();
        let take = |n: usize| labels[labels.len().saturating_sub(n)..].join(".");
        if labels.len() >= 3 && self.two_level_suffixes.contains(&take(2)) {
            take(3)
        } else {
            take(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_asset_parses_and_every_meaning_has_a_source() {
        let table = AntispamFields::embedded();
        assert_eq!(table.version, 1);
        let tags = ["documented", "observed", "inferred"];
        for field in table.fields() {
            assert!(tags.contains(&field.source.as_str()), "{}", field.key);
            assert!(!field.meaning.is_empty(), "{}", field.key);
            for value in &field.values {
                assert!(tags.contains(&value.source.as_str()), "{}", value.value);
            }
            for range in &field.ranges {
                assert!(tags.contains(&range.source.as_str()), "{}", field.key);
                assert!(range.min <= range.max);
            }
        }
    }

    #[test]
    fn decodes_values_ranges_and_unknown_keys() {
        let table = AntispamFields::embedded();
        let sfv = table.decode("X-Forefront-Antispam-Report", "SFV", "skn");
        assert!(
            sfv.value_meaning
                .is_some_and(|m| m.contains("mail flow rule"))
        );
        let scl = table.decode("x-forefront-antispam-report-untrusted", "SCL", "-1");
        assert!(scl.value_meaning.is_some_and(|m| m.contains("skipped")));
        let bcl = table.decode("X-Microsoft-Antispam", "BCL", "8");
        assert!(bcl.value_meaning.is_some_and(|m| m.contains("many")));
        let unknown = table.decode("X-Forefront-Antispam-Report", "ZZZ", "1");
        assert_eq!(unknown.name, "ZZZ");
        assert_eq!(unknown.field_meaning, None);
    }

    #[test]
    fn compauth_exact_codes_win_over_patterns() {
        let table = AntispamFields::embedded();
        assert_eq!(table.compauth("130").map(|e| e.code.as_str()), Some("130"));
        assert_eq!(table.compauth("100").map(|e| e.code.as_str()), Some("1xx"));
        assert_eq!(
            table.compauth("001").map(|e| e.result.as_str()),
            Some("fail")
        );
        assert_eq!(
            table.compauth("405").map(|e| e.result.as_str()),
            Some("none")
        );
        assert!(table.compauth("1").is_none());
    }

    #[test]
    fn hosts_and_organizational_domains() {
        let table = AntispamFields::embedded();
        assert!(table.is_microsoft_host("BN9PR03CA0551.namprd03.prod.outlook.com"));
        assert!(table.is_microsoft_host("DM6NAM12FT015.mail.protection.outlook.com"));
        assert!(!table.is_microsoft_host("notoutlook.com"));
        assert!(!table.is_microsoft_host("mx.example.com"));
        assert_eq!(
            table.organizational_domain("em.deals.example.com"),
            "example.com"
        );
        assert_eq!(
            table.organizational_domain("mail.shop.example.co.uk."),
            "example.co.uk"
        );
        assert_eq!(table.organizational_domain("example"), "example");
    }

    #[test]
    fn custom_spam_texts_match_inside_the_value() {
        let table = AntispamFields::embedded();
        assert!(table.custom_spam("SPF Record Fail").is_some());
        assert!(table.custom_spam("nothing known").is_none());
    }
}
