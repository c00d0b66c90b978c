//! DNS blocklists and the meaning of each list's answers (`assets/knowledge/dnsbl.toml`).
//!
//! The table says which answers are listings and which are errors: Spamhaus answers
//! 127.255.255.254 to a query that arrives through a public resolver, and reading that as
//! "listed" would blame an innocent sender.

use std::net::Ipv4Addr;

use serde::Deserialize;

const ASSET: super::Source<'static> = embedded_table!("dnsbl");

#[derive(Deserialize)]
struct File {
    list: Vec<Blocklist>,
}

/// What an answer from a blocklist means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnswerKind {
    /// The IP is listed for its sending behaviour.
    Listed,
    /// The IP is in a range that should not send mail directly (end-user addresses).
    Policy,
    /// The list refused the query or reported an error: no listing information.
    Refused,
}

/// One documented answer of a list.
#[derive(Clone, Debug, Deserialize)]
pub struct Answer {
    /// One address or an inclusive range `a-b`.
    pub address: String,
    /// What kind of answer it is.
    pub kind: AnswerKind,
    /// What it means, for people.
    pub meaning: String,
}

impl Answer {
    fn covers(&self, answer: Ipv4Addr) -> bool {
        let parse = |s: &str| s.trim().parse::<Ipv4Addr>().ok();
        let (low, high) = match self.address.split_once('-') {
            Some((a, b)) => (parse(a), parse(b)),
            None => (parse(&self.address), parse(&self.address)),
        };
        matches!((low, high), (Some(l), Some(h)) if l <= answer && answer <= h)
    }
}

/// One DNS blocklist.
#[derive(Clone, Debug, Deserialize)]
pub struct Blocklist {
    /// Stable id (`spamhaus-zen`).
    pub id: String,
    /// Name for people.
    pub name: String,
    /// The DNS zone queried (`zen.spamhaus.org`).
    pub zone: String,
    /// True when the list answers for IPv6 addresses too.
    #[serde(default)]
    pub ipv6: bool,
    /// Where a person can look the IP up and request removal.
    #[serde(default)]
    pub lookup: String,
    /// Where the answer meanings come from.
    pub source: String,
    /// The source's date.
    pub date: String,
    /// The documented answers.
    #[serde(default)]
    pub answer: Vec<Answer>,
}

impl Blocklist {
    /// The documented meaning of `answer`, if the table has one.
    pub fn meaning(&self, answer: Ipv4Addr) -> Option<&Answer> {
        self.answer.iter().find(|a| a.covers(answer))
    }
}

/// Every blocklist of the table, in table order (the default set of the online checks).
#[derive(Clone, Debug, Default)]
pub struct Blocklists {
    /// The lists.
    pub lists: Vec<Blocklist>,
}

impl Blocklists {
    /// Parses the embedded table.
    ///
    /// # Panics
    /// Only if the embedded asset is invalid, which the asset test rules out.
    pub fn embedded() -> Self {
        let file: File = ASSET
            .read("dnsbl.toml")
            .expect("embedded dnsbl.toml is valid");
        Self { lists: file.list }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_asset_parses_with_valid_addresses() {
        let lists = Blocklists::embedded();
        assert_eq!(lists.lists.len(), 3);
        for list in &lists.lists {
            assert!(!list.answer.is_empty(), "{}", list.id);
            for answer in &list.answer {
                let first = answer.address.split('-').next().unwrap_or("");
                assert!(
                    first.trim().parse::<Ipv4Addr>().is_ok(),
                    "{}",
                    answer.address
                );
            }
        }
    }

    #[test]
    fn spamhaus_public_resolver_answer_is_refused_not_listed() {
        let lists = Blocklists::embedded();
        let zen = lists.lists.iter().find(|l| l.id == "spamhaus-zen").unwrap();
        let refused = zen.meaning(Ipv4Addr::new(127, 255, 255, 254)).unwrap();
        assert_eq!(refused.kind, AnswerKind::Refused);
        let xbl = zen.meaning(Ipv4Addr::new(127, 0, 0, 5)).unwrap();
        assert_eq!(xbl.kind, AnswerKind::Listed);
        assert!(zen.meaning(Ipv4Addr::new(127, 0, 0, 200)).is_none());
    }
}
