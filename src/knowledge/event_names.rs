//! Event names (`assets/knowledge/event_names.toml`): localised admin-centre names and
//! tracking-log EventIds mapped to [`EventKind`].

use std::collections::HashMap;

use serde::Deserialize;

use crate::case::EventKind;

const ASSET: super::Source<'static> = embedded_table!("event_names");

#[derive(Deserialize)]
struct File {
    event: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    kind: EventKind,
    names: Vec<String>,
}

/// Lookup from any known event name to its kind.
#[derive(Debug, Default)]
pub struct EventNames {
    by_name: HashMap<String, EventKind>,
}

impl EventNames {
    /// Parses the embedded table.
    ///
    /// # Panics
    /// Only if the embedded asset is invalid, which the asset test rules out.
    pub fn embedded() -> Self {
        Self::parse(ASSET).expect("embedded event_names.toml is valid")
    }

    fn parse(text: super::Source<'_>) -> Result<Self, super::AssetError> {
        let file: File = text.read("event_names.toml")?;
        let mut by_name = HashMap::new();
        for entry in file.event {
            for name in entry.names {
                by_name.insert(name.trim().to_lowercase(), entry.kind);
            }
        }
        Ok(Self { by_name })
    }

    /// The kind of `name`; unknown names are [`EventKind::Other`] (and are kept verbatim by
    /// the parsers, never dropped).
    pub fn kind(&self, name: &str) -> EventKind {
        self.by_name
            .get(&name.trim().to_lowercase())
            .copied()
            .unwrap_or(EventKind::Other)
    }

    /// True when `name` is a known event name in any language.
    pub fn is_known(&self, name: &str) -> bool {
        self.by_name.contains_key(&name.trim().to_lowercase())
    }

    /// Every known name, longest first (for tokenizers that must try "Send external"
    /// before "Send").
    pub fn names_longest_first(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.by_name.keys().map(String::as_str).collect();
        names.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_asset_parses_and_maps_german_names() {
        let names = EventNames::embedded();
        assert_eq!(names.kind("Zustellen"), EventKind::Deliver);
        assert_eq!(names.kind("Extern senden"), EventKind::SendExternal);
        assert_eq!(names.kind("SENDEXTERNAL"), EventKind::SendExternal);
        assert_eq!(names.kind("Expand DL"), EventKind::Expand);
        assert_eq!(names.kind("Something new"), EventKind::Other);
    }
}
