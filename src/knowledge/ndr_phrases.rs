//! NDR phrases in languages other than English (`assets/knowledge/ndr_phrases.toml`):
//! Exchange Online writes a non-delivery report in the sender's language, so a support
//! desk outside the English-speaking world pastes NDRs whose headings and labels the
//! English markers never match.

use serde::Deserialize;

const ASSET: super::Source<'static> = embedded_table!("ndr_phrases");

const NAME: &str = "ndr_phrases.toml";

#[derive(Deserialize)]
struct File {
    language: Vec<Language>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Language {
    code: String,
    source: String,
    delivery_failed: Vec<String>,
    diagnostic_heading: Vec<String>,
    generating_server: Vec<String>,
    remote_returned: Vec<String>,
    original_headers: Vec<String>,
    subject: Vec<String>,
}

/// Every language's phrases, ASCII-lower-cased for matching against an ASCII-lower-cased
/// text (accented letters are kept as written).
#[derive(Debug, Default)]
pub struct NdrPhrases {
    /// Headings and phrases only an NDR carries (diagnostic heading, the words before the
    /// quoted SMTP response).
    pub markers: Vec<String>,
    /// The user section's opening sentences.
    pub delivery_failed: Vec<String>,
    /// Labels of the generating-server line.
    pub generating_server: Vec<String>,
    /// Labels before the original message's headers.
    pub original_headers: Vec<String>,
    /// The reports' subjects before the original subject.
    pub subjects: Vec<String>,
}

impl NdrPhrases {
    /// Parses the embedded table.
    ///
    /// # Panics
    /// Only if the embedded asset is invalid, which the asset test rules out.
    pub fn embedded() -> Self {
        Self::parse(ASSET).expect("embedded ndr_phrases.toml is valid")
    }

    fn parse(text: super::Source<'_>) -> Result<Self, super::AssetError> {
        let file: File = text.read(NAME)?;
        let mut phrases = Self::default();
        for Language {
            code,
            source,
            delivery_failed,
            diagnostic_heading,
            generating_server,
            remote_returned,
            original_headers,
            subject,
        } in file.language
        {
            let invalid = |reason: &str| super::AssetError::Invalid {
                reason: format!("{reason} for language {code}"),
                name: NAME.into(),
            };
            if source.is_empty() {
                return Err(invalid("no source"));
            }
            let lower = |list: Vec<String>| -> Result<Vec<String>, super::AssetError> {
                list.into_iter()
                    .map(|p| {
                        let p = p.trim().to_ascii_lowercase();
                        if p.is_empty() {
                            Err(invalid("an empty phrase"))
                        } else {
                            Ok(p)
                        }
                    })
                    .collect()
            };
            phrases.markers.extend(lower(diagnostic_heading)?);
            phrases.markers.extend(lower(remote_returned)?);
            phrases.delivery_failed.extend(lower(delivery_failed)?);
            phrases.generating_server.extend(lower(generating_server)?);
            phrases.original_headers.extend(lower(original_headers)?);
            phrases.subjects.extend(lower(subject)?);
        }
        Ok(phrases)
    }

    /// True when `line` starts, after white space, with one of `labels` in any ASCII case
    /// and a colon (French puts a space before it): the rest of the line after the colon.
    pub fn after_label<'a>(labels: &[String], line: &'a str) -> Option<&'a str> {
        let line = line.trim_start();
        labels.iter().find_map(|label| {
            // Equal bytes up to ASCII case end where the label ends: on a character boundary.
            let head = line.as_bytes().get(..label.len())?;
            if !head.eq_ignore_ascii_case(label.as_bytes()) {
                return None;
            }
            let rest = line.get(label.len()..)?.trim_start_matches([' ', '\u{a0}']);
            rest.strip_prefix(':')
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_asset_parses_every_language() {
        let phrases = NdrPhrases::embedded();
        assert!(phrases.markers.iter().any(|m| m == "remoteserver hat"));
        assert!(
            phrases
                .generating_server
                .iter()
                .any(|m| m == "serveur de génération")
        );
        assert_eq!(
            NdrPhrases::after_label(
                &phrases.generating_server,
                "  serveur de génération : am6pr04mb5638"
            ),
            Some(" am6pr04mb5638")
        );
        assert_eq!(
            NdrPhrases::after_label(
                &phrases.generating_server,
                "  Serveur de génération : AM6PR04MB5638"
            ),
            Some(" AM6PR04MB5638")
        );
        assert_eq!(
            NdrPhrases::after_label(&phrases.generating_server, "generierender server am6"),
            None
        );
    }

    #[test]
    fn empty_phrases_and_unknown_keys_are_refused() {
        let entry = |extra: &str| {
            format!(
                "version = 1\n[[language]]\ncode = \"xx\"\nsource = \"I\"\ndelivery_failed = [\"a\"]\ndiagnostic_heading = [\"b\"]\ngenerating_server = [\"c\"]\nremote_returned = [\"d\"]\noriginal_headers = [\"{extra}\"]\nsubject = [\"f\"]\n"
            )
        };
        let parse = |text: &str| NdrPhrases::parse(crate::knowledge::Source::Toml(text));
        assert!(parse(&entry("e")).is_ok());
        assert!(parse(&entry(" ")).is_err());
        assert!(parse(&(entry("e") + "colour = 1\n")).is_err());
    }
}
