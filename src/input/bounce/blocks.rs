//! The per-recipient paragraphs of a bounce written as text (qmail, Exim, Sendmail, Postfix,
//! Gmail, DragonFly, OpenSMTPD, Yahoo and the others that send no delivery-status part):
//! a line that names a failed recipient opens its paragraph, which runs to the next such
//! line. The shapes differ by server but reduce to three:
//!
//! - the address alone on its line, maybe in `<…>` and with a colon (qmail, Exim, Gmail,
//!   Sendmail's list, Exchange's administrator section), the reply on the lines below;
//! - the address opening its line, the reply after a colon (`<a@b>: host … said: 550 …`,
//!   OpenSMTPD's `a@b: 550 5.1.1 …`);
//! - a sentence that names the address as the one delivery failed to ("There was an error
//!   delivering your mail to <a@b>.", "The following recipients returned permanent errors:
//!   a@b.").

use std::sync::LazyLock;

use regex::Regex;

use crate::knowledge::bounce_phrases::BouncePhrases;

static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[a-z0-9._%+'=/-]{1,64}@[a-z0-9.-]{1,253}\.[a-z]{2,63}|(?i)[a-z0-9._%+'=/-]{1,64}@\[[0-9.]{7,15}\]")
        .expect("static regex")
});

/// Words before an address in a sentence that name it as the failed recipient.
static RECIPIENT_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:\bto|\brecipients?|\baddress(?:es)?|\bfor|\berrors?|\bdeliver(?:ing|ed)?(?: your (?:mail|message))? to)\s*:?\s*<?$",
    )
    .expect("static regex")
});

/// One recipient's paragraph.
#[derive(Debug, PartialEq, Eq)]
pub struct Block {
    /// The address, as written.
    pub address: String,
    /// Its lines, the recipient line first; paragraphs of the same address joined.
    pub text: String,
}

/// The recipients' paragraphs of `report`, in order of first mention; `own` lists addresses
/// that are never the failed recipient (the bounce's own sender and recipient).
pub fn read(report: &str, own: &[String]) -> Vec<Block> {
    let phrases = BouncePhrases::embedded();
    let mut blocks: Vec<Block> = Vec::new();
    let mut current: Option<usize> = None;
    for line in report.lines() {
        if let Some(address) = recipient_of(line, own, phrases) {
            let index = blocks
                .iter()
                .position(|b| b.address.eq_ignore_ascii_case(address))
                .unwrap_or_else(|| {
                    blocks.push(Block {
                        address: address.to_owned(),
                        text: String::new(),
                    });
                    blocks.len() - 1
                });
            current = Some(index);
        }
        if let Some(block) = current.and_then(|i| blocks.get_mut(i)) {
            block.text.push_str(line);
            block.text.push('\n');
        }
    }
    blocks
}

/// The failed recipient `line` names, when it is a recipient line.
fn recipient_of<'a>(line: &'a str, own: &[String], phrases: &BouncePhrases) -> Option<&'a str> {
    let trimmed = line.trim();
    let lower = trimmed.to_ascii_lowercase();
    if phrases
        .not_recipient
        .iter()
        .any(|p| lower.starts_with(p.as_str()))
    {
        return None;
    }
    let found = ADDRESS.find(trimmed)?;
    let address = found.as_str().trim_end_matches('.');
    let local = address
        .split('@')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if own.iter().any(|o| o.eq_ignore_ascii_case(address))
        || local == "postmaster"
        || local == "mailer-daemon"
    {
        return None;
    }
    let before = trimmed.get(..found.start()).unwrap_or_default();
    let after = trimmed.get(found.end()..).unwrap_or_default();
    let before_bare = before.trim_matches(|c: char| c == '<' || c == '"' || c.is_whitespace());
    let after_bare = after.trim_start_matches(['>', '"']);
    let opens_line = before_bare.is_empty();
    let alone = opens_line
        && after_bare
            .trim_matches(|c: char| c == ':' || c == '.' || c == ',' || c.is_whitespace())
            .trim_start_matches('(')
            .trim_end_matches(')')
            .split_whitespace()
            .all(|w| ADDRESS.is_match(w) || w.eq_ignore_ascii_case(address));
    let with_reply = opens_line && (after_bare.starts_with(':') || after_bare.starts_with("..."));
    let in_sentence = !opens_line && RECIPIENT_CUE.is_match(before);
    (alone || with_reply || in_sentence).then_some(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addresses(report: &str) -> Vec<String> {
        read(report, &["sender@example.jp".to_owned()])
            .into_iter()
            .map(|b| b.address)
            .collect()
    }

    #[test]
    fn every_shape_of_recipient_line_opens_a_paragraph() {
        let report = "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n<a@example.org>:\nremote host said: 550 Unknown user\n\n  b@example.org\n    SMTP error from remote mail server after RCPT TO:<b@example.org>:\n    550 5.1.1 unknown\nc@example.org: 550 5.1.1 no such user\nThere was an error delivering your mail to <d@example.org>.\nThe following recipients returned permanent errors: e@example.org. Reason: 554 5.4.6 loop\n";
        assert_eq!(
            addresses(report),
            vec![
                "a@example.org",
                "b@example.org",
                "c@example.org",
                "d@example.org",
                "e@example.org"
            ]
        );
        let blocks = read(report, &[]);
        assert!(blocks[1].text.contains("550 5.1.1 unknown"));
        assert!(!blocks[0].text.contains("5.1.1"));
    }

    #[test]
    fn the_bounces_own_addresses_and_header_lines_are_not_recipients() {
        let report = "To: sender@example.jp\nA message sent by\n  <sender@example.jp>\nsender@example.jp\npostmaster@example.org\nsaid: 550 mail from <x@example.org> refused\n";
        assert!(addresses(report).is_empty());
    }
}
