//! The codes of a failure: which enhanced status code decides among those a report names,
//! and the SMTP reply code beside it.
//!
//! A report often names several codes: the reporting server's `Status:` summary, the remote
//! server's own reply in `Diagnostic-Code:`, the codes of earlier attempts. The remote's
//! reply is its own words and the summary a translation, so a specific code in the reply
//! wins over a summary of the same class; a summary that only says "failed" (`5.0.0`) or
//! "retries expired" (`4.4.7`) gives way to the specific cause named beside it.

use std::sync::LazyLock;

use regex::Regex;

/// An enhanced status code that is not part of a longer dotted number (an IP, a version),
/// qmail's `#5.5.0` included.
static CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d.])([245]\.\d{1,3}\.\d{1,3})(?:$|[^\d.]|\.\D|\.$)").expect("static regex")
});

/// An enhanced code right after a reply code (`550 5.1.1`, `550-'5.7.1`): the remote
/// server's own, where a bare code beside it may be a relay's translation.
static ATTACHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d.])[245]\d\d[ -]['\x22]?([245]\.\d{1,3}\.\d{1,3})(?:$|[^\d.]|\.\D|\.$)")
        .expect("static regex")
});

/// A reply code: before an enhanced code, after a server's "said:", or opening a line of
/// the reply (`550 Unknown user`, `550-5.7.26 …`).
static REPLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?im)(?:^|[^\d.])([245]\d\d)[ -]+[245]\.\d{1,3}\.\d{1,3}|(?:said|returned|replied|response|error)\s*:?\s*'?\(?([45]\d\d)[ -]|(?:^|[:;]\s{0,4}|<<<\s)([45]\d\d)[ -]\S",
    )
    .expect("static regex")
});

/// False when `text` holds neither an enhanced code nor a reply code: both start with an
/// ASCII `2`, `4` or `5` followed by a `.` or a digit (`\d` is any Unicode digit, so any
/// non-ASCII byte counts as one). A byte scan that lets prose and unknown files skip the
/// bounce phrases, which are parsed, and the code expressions, which are compiled, on first
/// use (2.7 % of a run on a 12-byte unknown file, 1.9 % with the phrases read as JSON).
pub fn may_hold_code(text: &str) -> bool {
    text.as_bytes().windows(2).any(|pair| {
        matches!(pair, [b'2' | b'4' | b'5', next] if *next == b'.' || next.is_ascii_digit() || !next.is_ascii())
    })
}

/// The enhanced codes of class 4 or 5 in `text`, in order.
pub fn failure_codes(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(c) = text.get(at..).and_then(|rest| CODE.captures(rest)) {
        let Some(m) = c.get(1) else { break };
        if !m.as_str().starts_with('2') {
            out.push(m.as_str());
        }
        // Continue after the code's own characters (the expression ate one before it).
        at += m.end();
    }
    out
}

/// The failure codes of `text` that follow a reply code, then the others, each once.
fn by_reply(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = ATTACHED
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str())
        .filter(|c| !c.starts_with('2'))
        .collect();
    for code in failure_codes(text) {
        if !out.contains(&code) {
            out.push(code);
        }
    }
    out
}

/// The reply code of `text`'s failure, when it names one.
pub fn reply_code(text: &str) -> Option<u16> {
    REPLY.captures_iter(text).find_map(|c| {
        [1, 2, 3]
            .into_iter()
            .find_map(|i| c.get(i))
            .and_then(|m| m.as_str().parse().ok())
            .filter(|reply: &u16| *reply / 100 != 2)
    })
}

/// Only the class: `5.0.0`, `4.0.0` say that delivery failed and nothing else.
fn is_generic(code: &str) -> bool {
    code.get(1..) == Some(".0.0")
}

/// The expiry codes `4.4.7` / `5.4.7`: the retries ran out, because of another error.
fn is_expiry(code: &str) -> bool {
    code.get(1..) == Some(".4.7")
}

fn class(code: &str) -> Option<char> {
    code.chars().next()
}

/// True when `code` names more than `base` says: the same class, and neither a summary
/// nor an expiry itself.
fn says_more(base: &str, code: &str) -> bool {
    class(code) == class(base) && code != base && !is_generic(code) && !is_expiry(code)
}

/// The code that decides a failure: its `status` field (when the report has one) weighed
/// against the codes of the remote server's `reply` and of the rest of its `text`.
pub fn decide(status: Option<&str>, reply: &str, text: &str) -> Option<String> {
    let reply_codes = by_reply(reply);
    let text_codes = failure_codes(text);
    let status = status.and_then(|s| failure_codes(s).first().copied());
    let Some(status) = status else {
        let first = reply_codes.first().or_else(|| text_codes.first())?;
        if is_generic(first) || is_expiry(first) {
            let better = reply_codes
                .iter()
                .chain(&text_codes)
                .find(|c| says_more(first, c))
                .unwrap_or(first);
            return Some((*better).to_owned());
        }
        return Some((*first).to_owned());
    };
    let better = if is_expiry(status) {
        reply_codes
            .iter()
            .chain(&text_codes)
            .find(|c| says_more(status, c))
    } else {
        reply_codes.iter().find(|c| says_more(status, c))
    };
    Some(better.map_or(status, |c| *c).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_inside_addresses_and_versions_are_not_codes() {
        assert_eq!(
            failure_codes("host 192.0.2.5 v4.8.3.54 said 550 5.1.1 user (#5.5.0) 2.0.0 ok"),
            vec!["5.1.1", "5.5.0"]
        );
    }

    #[test]
    fn a_specific_reply_wins_over_a_summary_status() {
        assert_eq!(
            decide(Some("5.0.0"), "550 5.7.1 Relaying denied", "").as_deref(),
            Some("5.7.1")
        );
        assert_eq!(
            decide(Some("5.1.1"), "550 5.7.1 IP address blacklisted", "").as_deref(),
            Some("5.7.1")
        );
        assert_eq!(
            decide(Some("5.0.0"), "550 Bad SPF records", "").as_deref(),
            Some("5.0.0")
        );
        assert_eq!(
            decide(Some("5.1.1"), "550 4.4.2 timeout", "").as_deref(),
            Some("5.1.1"),
            "a reply of another class is another attempt's"
        );
    }

    #[test]
    fn an_expiry_gives_way_to_the_error_that_made_it_expire() {
        assert_eq!(
            decide(
                Some("4.4.7"),
                "554 4.4.7 Message expired: <421 4.4.2 Connection timed out>",
                ""
            )
            .as_deref(),
            Some("4.4.2")
        );
        assert_eq!(
            decide(
                None,
                "",
                "550 4.4.7 QUEUE.Expired\n441 4.4.1 Error communicating"
            )
            .as_deref(),
            Some("4.4.1")
        );
        assert_eq!(
            decide(None, "", "550 4.4.7 QUEUE.Expired").as_deref(),
            Some("4.4.7")
        );
    }

    #[test]
    fn the_code_pre_check_passes_every_text_with_a_code() {
        for text in [
            "Status: 5.1.1",
            "550 Unknown user",
            "said: 452-too many",
            "Status: 4.\u{0663}.1",
            "450\u{0663}",
        ] {
            assert!(may_hold_code(text), "{text}");
        }
        for text in [
            "hello world\n",
            "Status: 3.1.1 and 1.0",
            "no code 2 here 4 or 5",
        ] {
            assert!(
                !may_hold_code(text)
                    && failure_codes(text).is_empty()
                    && reply_code(text).is_none(),
                "{text}"
            );
        }
    }

    #[test]
    fn reply_codes_before_codes_after_said_and_at_line_starts() {
        assert_eq!(
            reply_code("Diagnostic: 550-5.7.26 Unauthenticated"),
            Some(550)
        );
        assert_eq!(
            reply_code("remote host 192.0.2.32 said: 550 Unknown user"),
            Some(550)
        );
        assert_eq!(reply_code("<<< 554 Transaction failed"), Some(554));
        assert_eq!(
            reply_code("Out: 250 2.0.0 Ok\nOut: 451 4.3.0 Error"),
            Some(451)
        );
        assert_eq!(reply_code("mail for 2024 users"), None);
    }
}
