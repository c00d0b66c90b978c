//! SMTP reply and enhanced status codes found in trace details, NDRs and DSNs.
//!
//! The primary code of a reason wins over codes nested inside a `[Message=…]` part, and
//! `2.x.x` codes (`250 2.1.5 RESOLVER.GRP.Expanded`) are success notices, never NDRs.

use std::sync::LazyLock;

use regex::Regex;

/// Where a code was seen, so the decisive one can be chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CodeOrigin {
    /// A trace Defer event.
    Defer,
    /// A trace Fail (or Drop) event.
    Fail,
    /// An NDR or DSN.
    Ndr,
    /// Anything else (a Receive detail, a per-recipient status column).
    Other,
}

/// One status code occurrence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeSeen {
    /// Enhanced status code, `5.1.10`.
    pub code: String,
    /// SMTP reply before it (`550`), when given.
    pub reply: Option<u16>,
    /// The text after the code, up to the end of the reason.
    pub text: String,
    /// The Exchange component token (`RESOLVER.ADR.RecipientNotFound`), when present.
    pub component: Option<String>,
    /// Anti-spam tag (`AS(761)`, `AS761`), logged, never interpreted.
    pub antispam_tag: Option<String>,
    /// Where it was seen.
    pub origin: CodeOrigin,
    /// The whole line it came from, for evidence.
    pub source_line: String,
    /// True when the code came from the remote server (`IsSmtpResponseFromExternalServer`,
    /// `Remote Server returned`).
    pub from_remote: bool,
    /// True when the code stands inside a `[Message=…]` / `[LastAttempted…]` part: the
    /// contract's `ndr` prefers the primary code of a reason.
    pub nested: bool,
}

impl CodeSeen {
    /// True when our own Exchange Online generated the code: it stands in a trace event
    /// and no remote server answered it. A rule code in our trace is our tenant's.
    pub fn generated_locally(&self) -> bool {
        matches!(self.origin, CodeOrigin::Defer | CodeOrigin::Fail) && !self.from_remote
    }

    /// The class digit: 2 success, 4 transient, 5 permanent.
    pub fn class(&self) -> u8 {
        self.code
            .as_bytes()
            .first()
            .map_or(0, |b| b.saturating_sub(b'0'))
    }
}

static CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\b([245]\d\d)[ \-])?\s*(?:#)?\b([245])\.(\d{1,3})\.(\d{1,3})\b")
        .expect("static regex")
});
static COMPONENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b((?:RESOLVER|STOREDRV|QUEUE|ROUTING|SMTPSEND|SMTPRECEIVE|DNS|CAT|TRANSPORT)\.[A-Za-z0-9_.:]+)")
        .expect("static regex")
});
/// `Remote Server returned '550 …'`: the recipient's side answered.
static REMOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)remote server returned").expect("static regex"));
static AS_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(AS\(\d{3,}\)|AS\d{3,})").expect("static regex"));

/// The part of a reason before any nested `[Message=…]` / `[LastAttempted…]` tag: codes in
/// there are primary.
fn primary_part(text: &str) -> &str {
    let cut = ["[Message=", "[LastAttempted", "[Stage:"]
        .iter()
        .filter_map(|tag| text.find(tag))
        .min()
        .unwrap_or(text.len());
    text.get(..cut).unwrap_or(text)
}

/// True when `start..end` sits inside a longer dotted number (an IP address, a version).
fn is_part_of_dotted_number(haystack: &str, start: usize, end: usize) -> bool {
    let bytes = haystack.as_bytes();
    let before = start.checked_sub(1).and_then(|i| bytes.get(i));
    let after = bytes.get(end);
    let after_next = bytes.get(end + 1);
    matches!(before, Some(b'.' | b'0'..=b'9'))
        || (after == Some(&b'.') && after_next.is_some_and(u8::is_ascii_digit))
}

/// Every enhanced status code in `text`, primary ones first. The scan is one linear pass of
/// the `regex` crate per pattern.
pub fn scan(text: &str, origin: CodeOrigin) -> Vec<CodeSeen> {
    let primary = primary_part(text);
    let remote = REMOTE.is_match(text);
    let mut codes: Vec<CodeSeen> = Vec::new();
    let mut push = |haystack: &str, nested: bool| {
        for caps in CODE.captures_iter(haystack) {
            let (Some(class), Some(subject), Some(detail)) =
                (caps.get(2), caps.get(3), caps.get(4))
            else {
                continue;
            };
            if is_part_of_dotted_number(haystack, class.start(), detail.end()) {
                continue;
            }
            let code = format!(
                "{}.{}.{}",
                class.as_str(),
                subject.as_str(),
                detail.as_str()
            );
            if codes.iter().any(|c| c.code == code) {
                continue;
            }
            let end = caps.get(0).map_or(0, |m| m.end());
            let rest = haystack.get(end..).unwrap_or("");
            let rest = rest
                .split(['}', ']'])
                .next()
                .unwrap_or("")
                .trim_matches(|c: char| c.is_whitespace() || c == ';' || c == '\'');
            codes.push(CodeSeen {
                code,
                reply: caps.get(1).and_then(|m| m.as_str().parse().ok()),
                text: rest.chars().take(400).collect(),
                component: COMPONENT
                    .captures(haystack)
                    .and_then(|c| c.get(1))
                    .map(|m| m.as_str().trim_end_matches(['.', ';']).to_owned()),
                antispam_tag: AS_TAG
                    .captures(haystack)
                    .and_then(|c| c.get(1))
                    .map(|m| m.as_str().to_owned()),
                origin,
                source_line: text.chars().take(600).collect(),
                from_remote: remote,
                nested,
            });
        }
    };
    push(primary, false);
    if primary.len() < text.len() {
        push(text.get(primary.len()..).unwrap_or(""), true);
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_led_strings() {
        let codes = scan(
            "Reason: [{LED=550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup};{MSG=};{FQDN=};{IP=};{LRT=}]",
            CodeOrigin::Fail,
        );
        assert_eq!(codes[0].code, "5.1.10");
        assert_eq!(codes[0].reply, Some(550));
        assert_eq!(
            codes[0].component.as_deref(),
            Some("RESOLVER.ADR.RecipientNotFound")
        );
    }

    #[test]
    fn primary_code_comes_before_nested_message() {
        let codes = scan(
            "The message was deferred. 450 4.4.316 Connection refused [Message=451 4.4.0 Primary target IP address responded with: 421 4.2.1 busy] [LastAttemptedServerName=mail.example.org]",
            CodeOrigin::Defer,
        );
        assert_eq!(codes[0].code, "4.4.316");
        assert!(!codes[0].nested);
        assert!(codes.iter().any(|c| c.code == "4.4.0" && c.nested));
    }

    #[test]
    fn reads_throttling_tags() {
        let codes = scan(
            "451 4.7.500 Server busy. Please try again later from [203.0.113.10]. (AS761)",
            CodeOrigin::Defer,
        );
        assert_eq!(codes[0].code, "4.7.500");
        assert_eq!(codes[0].antispam_tag.as_deref(), Some("AS761"));
    }

    #[test]
    fn remote_server_returned_means_the_remote_side_answered() {
        let codes = scan(
            "Remote Server returned '550 5.7.705 Access denied, tenant has exceeded threshold. AS831'",
            CodeOrigin::Fail,
        );
        assert!(codes[0].from_remote);
        assert!(!codes[0].generated_locally());
        let local = scan(
            "550 5.7.901 Executable attachments are not accepted",
            CodeOrigin::Fail,
        );
        assert!(local[0].generated_locally());
    }

    #[test]
    fn ip_addresses_are_not_codes() {
        assert!(scan("from 192.0.2.1 at 10.4.2.3 and 5.6.7.8", CodeOrigin::Other).is_empty());
    }
}
