//! Exchange Online's anti-spam stamps, every field decoded with its meaning from
//! `antispam_fields.toml`: X-Forefront-Antispam-Report (`;`-separated, maybe `; ` and
//! folded; each field split on its first colon only, so `CIP:2001:db8::25` stays whole),
//! X-Microsoft-Antispam (BCL, PCL), X-Microsoft-Antispam-Mailbox-Delivery (`dest:J`,
//! `OFR:CustomRules`), the single-valued X-MS-Exchange-Organization-* and CrossTenant
//! headers, and X-CustomSpam. The `-Untrusted` copies another tenant stamped are kept apart:
//! hints only.

use crate::case::HeaderBlock;
use crate::knowledge::antispam_fields::AntispamFields;

/// One decoded field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpamField {
    /// The header it came from, as written.
    pub header: String,
    /// The key (`SFV`); empty for a single-valued header.
    pub key: String,
    /// The value as stamped (`(null)` read as empty).
    pub value: String,
    /// The field's name for people (the key when unknown).
    pub name: String,
    /// What the field means, when known.
    pub meaning: Option<String>,
    /// What the value means, when known.
    pub value_meaning: Option<String>,
    /// What to do about the value, when there is something to do.
    pub advice: Option<String>,
    /// documented / observed / inferred, when known.
    pub source: Option<String>,
}

impl SpamField {
    /// `SFV:SPM — Spam filtering verdict: Spam: … (documented)`, for evidence lists.
    pub fn describe(&self) -> String {
        let mut out = String::with_capacity(96);
        if self.key.is_empty() {
            out.push_str(&self.header);
            out.push_str(": ");
        } else {
            out.push_str(&self.key);
            out.push(':');
        }
        out.push_str(&self.value);
        out.push_str(" — ");
        match self.value_meaning.as_ref().or(self.meaning.as_ref()) {
            Some(meaning) => {
                out.push_str(&self.name);
                out.push_str(": ");
                out.push_str(meaning);
            }
            None => out.push_str("not documented; internal or unknown field"),
        }
        if let Some(source) = &self.source {
            out.push_str(" (");
            out.push_str(source);
            out.push(')');
        }
        out
    }
}

/// Everything the anti-spam headers say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AntispamFacts {
    /// X-Forefront-Antispam-Report fields, in order.
    pub report: Vec<SpamField>,
    /// X-Microsoft-Antispam fields.
    pub microsoft: Vec<SpamField>,
    /// X-Microsoft-Antispam-Mailbox-Delivery fields.
    pub mailbox_delivery: Vec<SpamField>,
    /// Single-valued organization and cross-tenant headers this table knows.
    pub organization: Vec<SpamField>,
    /// Fields of `-Untrusted` copies (another organization's verdict).
    pub untrusted: Vec<SpamField>,
    /// X-CustomSpam value and its meaning.
    pub custom_spam: Option<SpamField>,
    /// The raw header lines, for evidence (`Name: value`).
    pub lines: Vec<String>,
    /// How many X-MS-Exchange-Organization-* headers there are (Exchange stamps many).
    pub organization_header_count: usize,
}

/// Why the spam filter did not judge the message, as far as the stamps say. The reason
/// decides who acts: nobody for internal mail, an admin for a rule or an allow list, the
/// user for a Safe Senders entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterSkip {
    /// Mail from inside the organization (`AuthAs: Internal`, `DIR:INT`, `Originating`):
    /// Exchange Online does not spam-filter it, and stamps SCL -1.
    Internal,
    /// `SFV:SKN` (documented: a mail flow rule), or SCL -1 with nothing else to explain
    /// it (setting SCL -1 is what bypass rules do).
    Rule,
    /// `SFV:SFE`: the user's Safe Senders list.
    SafeSender,
    /// `SFV:SKA` or `IPV:CAL`: an anti-spam policy allow list or the IP Allow List.
    AllowList,
}

const ORGANIZATION_PREFIX: &str = "X-MS-Exchange-Organization-";

/// The most a header value is split into fields.
const MAX_FIELDS: usize = 200;

/// Splits a `KEY:value;KEY:value;` header on `;`, each part on its first `:`.
pub fn split_pairs(value: &str) -> Vec<(&str, &str)> {
    value
        .split(';')
        .filter_map(|part| {
            let part = part.trim();
            if part.is_empty() {
                return None;
            }
            let (key, value) = part.split_once(':').unwrap_or((part, ""));
            let value = value.trim();
            let value = if value.eq_ignore_ascii_case("(null)") {
                ""
            } else {
                value
            };
            Some((key.trim(), value))
        })
        .take(MAX_FIELDS)
        .collect()
}

fn decode(table: &AntispamFields, header: &str, key: &str, value: &str) -> SpamField {
    let decoded = table.decode(header, key, value);
    SpamField {
        header: header.to_owned(),
        key: key.to_owned(),
        value: value.to_owned(),
        name: decoded.name.to_owned(),
        meaning: decoded.field_meaning.map(str::to_owned),
        value_meaning: decoded.value_meaning.map(str::to_owned),
        advice: decoded.advice.map(str::to_owned),
        source: decoded.source.map(str::to_owned),
    }
}

fn line(header: &str, value: &str) -> String {
    let value: String = value.chars().take(1000).collect();
    format!("{header}: {value}")
}

impl AntispamFacts {
    /// Reads the anti-spam headers of `block` (the topmost of each is the one this
    /// organization stamped).
    pub fn read(block: &HeaderBlock, table: &AntispamFields) -> Self {
        let mut facts = Self::default();
        let pairs_headers = [
            "X-Forefront-Antispam-Report",
            "X-Microsoft-Antispam",
            "X-Microsoft-Antispam-Mailbox-Delivery",
        ];
        for (n, header) in pairs_headers.iter().enumerate() {
            let Some(field) = block.all(header).next() else {
                continue;
            };
            facts.lines.push(line(&field.name, &field.value));
            let decoded: Vec<SpamField> = split_pairs(&field.value)
                .into_iter()
                .map(|(k, v)| decode(table, header, k, v))
                .collect();
            match n {
                0 => facts.report = decoded,
                1 => facts.microsoft = decoded,
                _ => facts.mailbox_delivery = decoded,
            }
        }
        for header in [
            "X-Forefront-Antispam-Report-Untrusted",
            "X-Microsoft-Antispam-Untrusted",
        ] {
            if let Some(field) = block.all(header).next() {
                facts.lines.push(line(&field.name, &field.value));
                facts.untrusted.extend(
                    split_pairs(&field.value)
                        .into_iter()
                        .map(|(k, v)| decode(table, header, k, v)),
                );
            }
        }
        for entry in table.fields().iter().filter(|f| f.key.is_empty()) {
            if let Some(value) = block.get(&entry.header) {
                facts
                    .organization
                    .push(decode(table, &entry.header, "", value.trim()));
            }
        }
        facts.organization_header_count = block
            .fields
            .iter()
            .filter(|f| {
                f.name
                    .get(..ORGANIZATION_PREFIX.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(ORGANIZATION_PREFIX))
            })
            .count();
        if let Some(value) = block.get("X-CustomSpam") {
            let entry = table.custom_spam(value);
            facts.custom_spam = Some(SpamField {
                header: "X-CustomSpam".into(),
                key: String::new(),
                value: value.to_owned(),
                name: "Advanced Spam Filter".into(),
                meaning: Some("An Advanced Spam Filter (ASF) setting matched.".into()),
                value_meaning: entry.map(|e| e.meaning.clone()),
                advice: Some(
                    "ASF settings are no longer recommended by Microsoft; turn this setting off in the anti-spam policy if it catches legitimate mail.".into(),
                ),
                source: entry.map(|e| e.source.clone()),
            });
        }
        facts
    }

    /// The value of `key` in the X-Forefront-Antispam-Report.
    pub fn report_value(&self, key: &str) -> Option<&str> {
        find(&self.report, key)
    }

    /// The value of `key` in X-Microsoft-Antispam.
    pub fn microsoft_value(&self, key: &str) -> Option<&str> {
        find(&self.microsoft, key)
    }

    /// The value of `key` in X-Microsoft-Antispam-Mailbox-Delivery.
    pub fn mailbox_value(&self, key: &str) -> Option<&str> {
        find(&self.mailbox_delivery, key)
    }

    /// The value of a single-valued organization header.
    pub fn organization_value(&self, header: &str) -> Option<&str> {
        self.organization
            .iter()
            .find(|f| f.header.eq_ignore_ascii_case(header))
            .map(|f| f.value.as_str())
    }

    /// The decoded report field `key`.
    pub fn report_field(&self, key: &str) -> Option<&SpamField> {
        self.report.iter().find(|f| f.key.eq_ignore_ascii_case(key))
    }

    /// True when Exchange Online stamped any anti-spam header.
    pub fn stamped(&self) -> bool {
        !self.report.is_empty() || !self.microsoft.is_empty() || !self.mailbox_delivery.is_empty()
    }

    /// SCL: the report's, else the organization header's.
    pub fn scl(&self) -> Option<i32> {
        number(self.report_value("SCL"))
            .or_else(|| number(self.organization_value("X-MS-Exchange-Organization-SCL")))
    }

    /// BCL: X-Microsoft-Antispam's, else the organization header's.
    pub fn bcl(&self) -> Option<i32> {
        number(self.microsoft_value("BCL"))
            .or_else(|| number(self.organization_value("X-MS-Exchange-Organization-BCL")))
    }

    /// PCL: X-Microsoft-Antispam's, else the report's, else the organization header's.
    pub fn pcl(&self) -> Option<i32> {
        number(self.microsoft_value("PCL"))
            .or_else(|| number(self.report_value("PCL")))
            .or_else(|| number(self.organization_value("X-MS-Exchange-Organization-PCL")))
    }

    /// True when the organization's own stamps say the message came from inside it.
    /// Exchange Online removes these headers from mail arriving from outside, so a
    /// spoofed internal sender reads `AuthAs: Anonymous`, never `Internal`.
    pub fn internal(&self) -> bool {
        let is = |header: &str, value: &str| {
            self.organization_value(header)
                .is_some_and(|v| v.trim().eq_ignore_ascii_case(value))
        };
        is("X-MS-Exchange-Organization-AuthAs", "Internal")
            || is(
                "X-MS-Exchange-Organization-MessageDirectionality",
                "Originating",
            )
            || self
                .report_value("DIR")
                .is_some_and(|d| d.trim().eq_ignore_ascii_case("INT"))
    }

    /// True when the spam filter's own stamps call the message clean (SFV:NSPM, or SCL 0–1
    /// without a spam verdict): a Junk placement then came from the recipient's junk
    /// settings, not from the filter.
    pub fn filter_said_not_spam(&self) -> bool {
        let sfv = self.verdict("SFV").unwrap_or_default();
        sfv == "NSPM" || (self.scl().is_some_and(|s| (0..=1).contains(&s)) && sfv != "SPM")
    }

    /// Why spam filtering did not judge the message, when it did not (see
    /// [`FilterSkip`]); `None` when it did, or the stamps do not say.
    pub fn filter_skip(&self) -> Option<FilterSkip> {
        let sfv = self.verdict("SFV").unwrap_or_default();
        let skipped = self.scl() == Some(-1) || matches!(sfv.as_str(), "SKN" | "SKI");
        if sfv == "SKN" {
            return Some(FilterSkip::Rule);
        }
        if self.internal() && skipped {
            return Some(FilterSkip::Internal);
        }
        match sfv.as_str() {
            "SFE" => return Some(FilterSkip::SafeSender),
            "SKA" => return Some(FilterSkip::AllowList),
            _ => {}
        }
        if self.verdict("IPV").as_deref() == Some("CAL") {
            return Some(FilterSkip::AllowList);
        }
        (self.scl() == Some(-1)).then_some(FilterSkip::Rule)
    }

    /// A report value in upper case, empty values as none (`SFV`, `CAT`, `IPV`, `SRV`).
    pub fn verdict(&self, key: &str) -> Option<String> {
        self.report_value(key)
            .filter(|v| !v.is_empty())
            .map(str::to_ascii_uppercase)
    }
}

fn find<'a>(fields: &'a [SpamField], key: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|f| f.key.eq_ignore_ascii_case(key))
        .map(|f| f.value.as_str())
}

fn number(value: Option<&str>) -> Option<i32> {
    value.and_then(|v| v.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::HeaderField;

    fn block(fields: &[(&str, &str)]) -> HeaderBlock {
        HeaderBlock {
            fields: fields
                .iter()
                .map(|(n, v)| HeaderField {
                    name: (*n).to_owned(),
                    value: (*v).to_owned(),
                    raw: format!("{n}: {v}"),
                })
                .collect(),
            ..HeaderBlock::default()
        }
    }

    #[test]
    fn splits_spaced_folded_reports_and_ipv6_cips() {
        let pairs = split_pairs(
            "CIP:2001:db8:1f0::25; CTRY:US; LANG:en; SCL:6; SRV:BULK; IPV:NLI; SFV:SPM; H:o140.example.com; CAT:BULK; SFS:(1)(2); DIR:INB; PTR:(null);",
        );
        assert_eq!(pairs.first(), Some(&("CIP", "2001:db8:1f0::25")));
        assert!(pairs.contains(&("SFV", "SPM")));
        assert!(pairs.contains(&("PTR", "")));
        assert_eq!(pairs.len(), 12);
    }

    #[test]
    fn decodes_every_field_and_keeps_unknown_ones() {
        let table = AntispamFields::embedded();
        let facts = AntispamFacts::read(
            &block(&[
                (
                    "X-Forefront-Antispam-Report",
                    "CIP:198.51.100.23;CTRY:US;SCL:-1;SFV:SKN;CAT:NONE;NEWKEY:7;DIR:INB;",
                ),
                ("X-Microsoft-Antispam", "BCL:0;ARA:1|2;"),
                (
                    "X-Microsoft-Antispam-Mailbox-Delivery",
                    "ucf:1;jmr:0;dest:I;",
                ),
                ("X-MS-Exchange-Organization-AuthAs", "Anonymous"),
                ("X-MS-Exchange-Organization-SCL", "-1"),
                ("X-CustomSpam", "SPF Record Fail"),
                ("X-Forefront-Antispam-Report-Untrusted", "SFV:SPM;"),
            ]),
            &table,
        );
        assert_eq!(facts.scl(), Some(-1));
        assert_eq!(facts.bcl(), Some(0));
        assert_eq!(facts.verdict("SFV").as_deref(), Some("SKN"));
        assert_eq!(facts.mailbox_value("dest"), Some("I"));
        let unknown = facts.report_field("NEWKEY").unwrap();
        assert!(unknown.describe().contains("not documented"));
        let sfv = facts.report_field("SFV").unwrap();
        assert!(
            sfv.describe().contains("mail flow rule"),
            "{}",
            sfv.describe()
        );
        assert_eq!(
            facts.organization_value("X-MS-Exchange-Organization-AuthAs"),
            Some("Anonymous")
        );
        assert!(
            facts
                .custom_spam
                .as_ref()
                .is_some_and(|c| c.value_meaning.is_some())
        );
        assert_eq!(facts.untrusted.len(), 1);
        assert_eq!(facts.organization_header_count, 2);
    }
}
