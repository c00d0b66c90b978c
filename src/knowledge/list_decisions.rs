//! Allow/block list decisions (`assets/knowledge/list_decisions.toml`): which list an
//! anti-spam stamp or status code names, and what to change.

use serde::Deserialize;

const ASSET: super::Source<'static> = embedded_table!("list_decisions");

#[derive(Deserialize)]
struct File {
    decision: Vec<ListDecision>,
}

/// One list decision.
#[derive(Clone, Debug, Deserialize)]
pub struct ListDecision {
    /// `SFV`, `IPV` or `code`.
    pub field: String,
    /// The field value, or a status code (a range `a-b` for codes).
    pub value: String,
    /// The list that decided, in words.
    pub list: String,
    /// `allowed` or `blocked`.
    pub effect: String,
    /// What to change, and who does it.
    pub change: String,
    /// Where the meaning comes from.
    pub source: String,
}

/// The table of list decisions.
#[derive(Debug, Default)]
pub struct ListDecisions {
    entries: Vec<ListDecision>,
}

fn code_number(code: &str) -> Option<u32> {
    let mut parts = code.trim().split('.').map(|p| p.parse::<u32>().ok());
    Some(parts.next()?? * 1_000_000 + parts.next()?? * 1_000 + parts.next()??)
}

impl ListDecisions {
    /// Parses the embedded table.
    ///
    /// # Panics
    /// Only if the embedded asset is invalid, which the asset test rules out.
    pub fn embedded() -> Self {
        let file: File = ASSET
            .read("list_decisions.toml")
            .expect("embedded list_decisions.toml is valid");
        Self {
            entries: file.decision,
        }
    }

    /// The decision a header field value stands for (`SFV`, `SKN`).
    pub fn for_field(&self, field: &str, value: &str) -> Option<&ListDecision> {
        self.entries.iter().find(|d| {
            d.field.eq_ignore_ascii_case(field) && d.value.eq_ignore_ascii_case(value.trim())
        })
    }

    /// The decision a status code stands for (`5.7.703`, or a code in a range).
    pub fn for_code(&self, code: &str) -> Option<&ListDecision> {
        let n = code_number(code)?;
        self.entries
            .iter()
            .filter(|d| d.field == "code")
            .find(|d| match d.value.split_once('-') {
                Some((low, high)) => {
                    code_number(low).is_some_and(|l| l <= n)
                        && code_number(high).is_some_and(|h| n <= h)
                }
                None => code_number(&d.value) == Some(n),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_answers_fields_and_code_ranges() {
        let table = ListDecisions::embedded();
        assert_eq!(
            table.for_field("sfv", "skn").map(|d| d.effect.as_str()),
            Some("allowed")
        );
        assert!(table.for_code("5.7.703").is_some());
        assert!(table.for_code("5.7.620").is_some());
        assert!(table.for_code("5.7.1").is_none());
    }
}
