//! Redaction: personal data in a diagnosis replaced by stable pseudonyms, so a report can
//! go into a ticket and the story still reads. The same address is the same token
//! throughout (`lee.gu@contoso.com` → `user1@contoso.com` in the verdict, the evidence and
//! the JSON alike); domains stay, because they are the diagnosis.
//!
//! Replaced: the local part of every address, display names (`"Lee Gu" <…>`, `Lee Gu <…>`),
//! subjects (the message's and any `Subject:` line quoted as evidence), Message-IDs,
//! internal IP addresses (private, loopback, link-local, shared and unique-local ranges),
//! internal host names (under `.local`, `.corp`, … or under a domain of the message's own
//! addresses, i.e. the organisations' own hosts, not Microsoft's or a gateway's), and input
//! file names. Public IP addresses, Microsoft and gateway host names, status codes and
//! rule names stay (a rule name is redacted only where it contains one of the above).
//!
//! Two passes: the first learns every value to hide from the structured fields and from
//! all free text, the second rewrites every string, so a name first seen in evidence is
//! also hidden in a headline written before it. Pseudonyms are numbered in the order
//! values are first seen, so a report redacts the same way every time.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::{Captures, Regex};

use crate::diagnosis::Diagnosis;

/// Literal values (names, subjects) shorter than this are hidden only where they stand as
/// a whole field or a quoted header, never inside prose: "Al" would otherwise eat "Already".
const MIN_LITERAL_CHARS: usize = 4;

/// Top-level names that only exist inside organisations.
const INTERNAL_TLDS: &[&str] = &[
    "local",
    "localdomain",
    "localhost",
    "internal",
    "intranet",
    "intra",
    "lan",
    "corp",
    "home",
    "private",
];

static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)([\w!#$%&*+=^{}~-](?:[\w!#$%&'*+=^{}~.-]*[\w!#$%&*+=^{}~-])?)@((?:[\w](?:[\w-]*[\w])?\.)+[a-z\p{L}][\w-]*[\w])",
    )
    .expect("static address pattern is valid")
});

static DISPLAY_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:"([^"\r\n]{1,256})"|((?:[\w'.=?+&-]+[ \t]+){0,4}[\w'.=?+&-]+))[ \t]*<[^<>\s@]{1,256}@[^<>\s]{1,256}>"#,
    )
    .expect("static display-name pattern is valid")
});

static SUBJECT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?mi)^([ \t>]*(?:subject|betreff|objet|asunto|oggetto|onderwerp|assunto|emne|ämne|aihe|temat|件名|主题)[ \t]*:[ \t]*)(\S[^\r\n]*)$",
    )
    .expect("static subject-line pattern is valid")
});

static IPV4: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b").expect("static IPv4 pattern is valid")
});

static IPV6: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}")
        .expect("static IPv6 pattern is valid")
});

static HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z](?:[a-z0-9-]*[a-z0-9])?\b")
        .expect("static host pattern is valid")
});

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:user\d+|message-\d+|Subject-\d+|Person-\d+|host-\d+|internal-ip-\d+|input-\d+)$",
    )
    .expect("static token pattern is valid")
});

/// A diagnosis with personal data replaced by pseudonyms (see the module docs).
pub fn redact(diagnosis: &Diagnosis) -> Diagnosis {
    Redactor::default().redact(diagnosis)
}

/// One category of hidden values and the pseudonyms given so far.
#[derive(Debug, Default)]
struct Pseudonyms {
    map: HashMap<String, String>,
    order: Vec<String>,
}

impl Pseudonyms {
    /// The pseudonym of `key` (already normalised), made with `make(n)` on first sight.
    fn get_or_add(&mut self, key: &str, make: impl FnOnce(usize) -> String) -> String {
        if let Some(token) = self.map.get(key) {
            return token.clone();
        }
        let token = make(self.map.len() + 1);
        self.map.insert(key.to_owned(), token.clone());
        self.order.push(key.to_owned());
        token
    }

    fn get(&self, key: &str) -> Option<&String> {
        self.map.get(key)
    }
}

/// Replaces personal data with pseudonyms that stay the same within one redactor, so
/// several exports of one case (the HTML, JSON and Markdown of a bundle) agree.
#[derive(Debug, Default)]
pub struct Redactor {
    /// Domains of the message's own addresses: their sub-hosts are organisation hosts.
    org_domains: Vec<String>,
    addresses: Pseudonyms,
    names: Pseudonyms,
    subjects: Pseudonyms,
    message_ids: Pseudonyms,
    ips: Pseudonyms,
    hosts: Pseudonyms,
    inputs: Pseudonyms,
    literals: Option<AhoCorasick>,
    /// The pseudonym of each literal pattern, in pattern order.
    literal_tokens: Vec<String>,
}

/// Every free-text string of a diagnosis, for both passes.
fn each_text(d: &mut Diagnosis, f: &mut dyn FnMut(&mut String)) {
    let verdicts =
        std::iter::once(&mut d.verdict).chain(d.messages.iter_mut().map(|m| &mut m.verdict));
    for v in verdicts {
        f(&mut v.headline);
        v.location.iter_mut().for_each(&mut *f);
    }
    for m in &mut d.messages {
        m.sender.iter_mut().for_each(&mut *f);
        m.recipients.iter_mut().for_each(&mut *f);
    }
    for step in &mut d.steps {
        for finding in &mut step.findings {
            f(&mut finding.title);
            f(&mut finding.detail);
            finding.evidence.iter_mut().for_each(&mut *f);
            f(&mut finding.advice);
        }
    }
    if let Some(m) = &mut d.message {
        m.sender.iter_mut().for_each(&mut *f);
        m.recipients.iter_mut().for_each(&mut *f);
    }
    if let Some(trace) = &mut d.trace {
        for j in &mut trace.journeys {
            j.recipients.iter_mut().for_each(&mut *f);
            for e in &mut j.events {
                f(&mut e.event);
                e.detail.iter_mut().for_each(&mut *f);
                e.original_name.iter_mut().for_each(&mut *f);
            }
        }
    }
    for h in &mut d.hops {
        for s in [&mut h.from, &mut h.by, &mut h.with, &mut h.ip] {
            s.iter_mut().for_each(&mut *f);
        }
    }
    if let Some(a) = &mut d.antispam {
        a.client_ip.iter_mut().for_each(&mut *f);
    }
    for r in &mut d.rules {
        f(&mut r.name);
    }
    if let Some(n) = &mut d.ndr {
        f(&mut n.meaning);
    }
    for r in &mut d.recipients {
        f(&mut r.recipient);
        r.location.iter_mut().for_each(&mut *f);
    }
    d.decision_chain.iter_mut().for_each(&mut *f);
    for a in &mut d.next_actions {
        f(&mut a.text);
    }
}

fn is_internal_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => {
            let first = v6.segments().first().copied().unwrap_or(0);
            v6.is_loopback()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || v6.to_ipv4_mapped().is_some_and(is_internal_v4)
        }
    }
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || (a == 100 && (64..128).contains(&b))
}

/// True when the characters around `start..end` of `text` do not continue a word.
fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = text.get(..start).and_then(|s| s.chars().next_back());
    let after = text.get(end..).and_then(|s| s.chars().next());
    let first = text.get(start..).and_then(|s| s.chars().next());
    let last = text.get(..end).and_then(|s| s.chars().next_back());
    let joins = |outer: Option<char>, inner: Option<char>| {
        outer.is_some_and(char::is_alphanumeric) && inner.is_some_and(char::is_alphanumeric)
    };
    !joins(before, first) && !joins(after, last)
}

impl Redactor {
    /// A redactor with nothing learned yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// `diagnosis` with personal data replaced. Calling it again on another diagnosis of
    /// the same case keeps the pseudonyms already given.
    pub fn redact(&mut self, diagnosis: &Diagnosis) -> Diagnosis {
        let mut out = diagnosis.clone();
        self.learn_structured(&out);
        each_text(&mut out, &mut |s| self.learn_text(s));
        self.build_literals();

        let subject = |r: &mut Self, s: &mut Option<String>| {
            if let Some(v) = s {
                *v = r.subject_token(v);
            }
        };
        if let Some(m) = &mut out.message {
            subject(self, &mut m.subject);
            m.message_id = m.message_id.as_deref().map(|id| self.message_id_token(id));
        }
        for m in &mut out.messages {
            subject(self, &mut m.subject);
            m.message_id = m.message_id.as_deref().map(|id| self.message_id_token(id));
        }
        for input in &mut out.inputs {
            input.name = self.input_token(&input.name);
        }
        each_text(&mut out, &mut |s| *s = self.text(s));
        out
    }

    /// Learns from the fields whose meaning is known: addresses, subjects, Message-IDs,
    /// hop hosts and input names, in report order, so numbering follows the report.
    fn learn_structured(&mut self, d: &Diagnosis) {
        let mut addresses: Vec<&str> = Vec::new();
        if let Some(m) = &d.message {
            addresses.extend(m.sender.as_deref());
            addresses.extend(m.recipients.iter().map(String::as_str));
        }
        for m in &d.messages {
            addresses.extend(m.sender.as_deref());
            addresses.extend(m.recipients.iter().map(String::as_str));
        }
        addresses.extend(d.recipients.iter().map(|r| r.recipient.as_str()));
        for a in addresses {
            if let Some(caps) = ADDRESS.captures(a) {
                let domain = caps.get(2).map_or("", |m| m.as_str()).to_ascii_lowercase();
                if !self.org_domains.contains(&domain) {
                    self.org_domains.push(domain);
                }
            }
            self.learn_text(a);
        }
        let subjects = d
            .message
            .iter()
            .filter_map(|m| m.subject.as_deref())
            .chain(d.messages.iter().filter_map(|m| m.subject.as_deref()));
        for s in subjects {
            self.subject_token(s);
        }
        let ids = d
            .message
            .iter()
            .filter_map(|m| m.message_id.as_deref())
            .chain(d.messages.iter().filter_map(|m| m.message_id.as_deref()));
        for id in ids {
            self.message_id_token(id);
        }
        for hop in &d.hops {
            for host in [&hop.from, &hop.by].into_iter().flatten() {
                let host = host.trim().trim_matches(['[', ']']);
                let single_label = !host.contains(['.', ':', ' ']) && !host.is_empty();
                if single_label && host.parse::<IpAddr>().is_err() {
                    self.hosts
                        .get_or_add(&host.to_ascii_lowercase(), |n| format!("host-{n}"));
                }
            }
        }
        for input in &d.inputs {
            self.input_token(&input.name);
        }
    }

    /// Learns what `text` reveals: quoted subjects, display names, addresses, internal
    /// IPs and hosts.
    fn learn_text(&mut self, text: &str) {
        for caps in SUBJECT_LINE.captures_iter(text) {
            if let Some(v) = caps.get(2) {
                self.subject_token(v.as_str());
            }
        }
        for caps in DISPLAY_NAME.captures_iter(text) {
            if let Some(name) = caps.get(1).or_else(|| caps.get(2)) {
                self.name_token(name.as_str());
            }
        }
        for caps in ADDRESS.captures_iter(text) {
            self.address_token(&caps);
        }
        // Replacing numbers what it meets; the rewritten text itself is not needed yet.
        self.replace_ips(text);
        self.replace_hosts(text);
    }

    fn subject_token(&mut self, subject: &str) -> String {
        let subject = subject.trim();
        if TOKEN.is_match(subject) {
            return subject.to_owned();
        }
        self.subjects
            .get_or_add(subject, |n| format!("Subject-{n}"))
    }

    fn name_token(&mut self, name: &str) -> String {
        let name = name.trim();
        if TOKEN.is_match(name) || name.is_empty() {
            return name.to_owned();
        }
        self.names.get_or_add(name, |n| format!("Person-{n}"))
    }

    fn message_id_token(&mut self, id: &str) -> String {
        let id = id.trim();
        let bare = id.trim_start_matches('<').trim_end_matches('>');
        if let Some(token) = self.message_ids.get(bare) {
            return token.clone();
        }
        let domain = match bare.rsplit_once('@') {
            Some((_, d)) => {
                let d = self.replace_ips(d);
                self.replace_hosts(&d)
            }
            None => "redacted.invalid".into(),
        };
        self.message_ids
            .get_or_add(bare, |n| format!("<message-{n}@{domain}>"))
    }

    fn input_token(&mut self, name: &str) -> String {
        let extension = name
            .rsplit_once('.')
            .map(|(_, e)| e)
            .filter(|e| (1..=5).contains(&e.len()) && e.chars().all(|c| c.is_ascii_alphanumeric()))
            .map(|e| format!(".{}", e.to_ascii_lowercase()))
            .unwrap_or_default();
        self.inputs
            .get_or_add(name, |n| format!("input-{n}{extension}"))
    }

    fn address_token(&mut self, caps: &Captures<'_>) -> String {
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let (Some(local), Some(domain)) = (caps.get(1), caps.get(2)) else {
            return whole.to_owned();
        };
        if TOKEN.is_match(local.as_str()) {
            return whole.to_owned();
        }
        let key = whole.to_lowercase();
        let token = self.addresses.get_or_add(&key, |n| format!("user{n}"));
        format!("{token}@{}", domain.as_str())
    }

    /// `text` with internal IP addresses replaced (public ones stay: blocklists and SPF
    /// are reasoned about with them).
    fn replace_ips(&mut self, text: &str) -> String {
        let mut token = |ip: IpAddr| -> Option<String> {
            is_internal_ip(ip).then(|| {
                self.ips
                    .get_or_add(&ip.to_string(), |n| format!("internal-ip-{n}"))
            })
        };
        let text = IPV4.replace_all(text, |caps: &Captures<'_>| {
            let raw = caps.get(0).map_or("", |m| m.as_str());
            raw.parse::<Ipv4Addr>()
                .ok()
                .and_then(|ip| token(IpAddr::V4(ip)))
                .unwrap_or_else(|| raw.to_owned())
        });
        IPV6.replace_all(&text, |caps: &Captures<'_>| {
            let raw = caps.get(0).map_or("", |m| m.as_str());
            raw.parse::<Ipv6Addr>()
                .ok()
                .filter(|ip| !ip.is_unspecified())
                .and_then(|ip| token(IpAddr::V6(ip)))
                .unwrap_or_else(|| raw.to_owned())
        })
        .into_owned()
    }

    /// True when `host` is an organisation's own: under an internal top-level name or a
    /// strict sub-host of one of the message's address domains.
    fn is_internal_host(&self, host: &str) -> bool {
        let lower = host.to_ascii_lowercase();
        let tld = lower.rsplit('.').next().unwrap_or_default();
        INTERNAL_TLDS.contains(&tld)
            || self.org_domains.iter().any(|d| {
                lower.len() > d.len() + 1
                    && lower.ends_with(d.as_str())
                    && lower
                        .get(..lower.len() - d.len())
                        .is_some_and(|head| head.ends_with('.'))
            })
    }

    /// `text` with internal host names replaced; the organisation's domain stays, so
    /// `exch01.corp.contoso.com` reads `host-1.contoso.com`.
    fn replace_hosts(&mut self, text: &str) -> String {
        HOST.replace_all(text, |caps: &Captures<'_>| {
            let raw = caps.get(0).map_or("", |m| m.as_str());
            let first_label = raw.split('.').next().unwrap_or_default();
            if TOKEN.is_match(first_label) || !self.is_internal_host(raw) {
                return raw.to_owned();
            }
            let lower = raw.to_ascii_lowercase();
            let suffix = self
                .org_domains
                .iter()
                .filter(|d| lower.ends_with(&format!(".{d}")))
                .max_by_key(|d| d.len())
                .cloned()
                .unwrap_or_else(|| lower.rsplit('.').next().unwrap_or_default().to_owned());
            self.hosts
                .get_or_add(&lower, |n| format!("host-{n}.{suffix}"))
        })
        .into_owned()
    }

    /// Builds the matcher of every learned literal (subjects, names, Message-IDs, single-
    /// label hosts, input names), longest first.
    fn build_literals(&mut self) {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for cat in [&self.subjects, &self.names, &self.hosts, &self.inputs] {
            for key in &cat.order {
                if key.chars().count() >= MIN_LITERAL_CHARS
                    && let Some(token) = cat.get(key)
                {
                    pairs.push((key.clone(), token.clone()));
                }
            }
        }
        for key in &self.message_ids.order {
            if let Some(token) = self.message_ids.get(key) {
                pairs.push((format!("<{key}>"), token.clone()));
                let bare = token.trim_start_matches('<').trim_end_matches('>');
                pairs.push((key.clone(), bare.to_owned()));
            }
        }
        pairs.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
        // An NFA, never the DFA the builder picks for few patterns: building that DFA
        // from one long repetitive pattern (a 40 000-character subject) is quadratic.
        self.literals = AhoCorasickBuilder::new()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(pairs.iter().map(|(k, _)| k))
            .ok();
        self.literal_tokens = pairs.into_iter().map(|(_, t)| t).collect();
    }

    fn replace_literals(&self, text: &str) -> String {
        let Some(matcher) = &self.literals else {
            return text.to_owned();
        };
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for m in matcher.find_iter(text) {
            if !whole_word(text, m.start(), m.end()) {
                continue;
            }
            let Some(token) = self.literal_tokens.get(m.pattern().as_usize()) else {
                continue;
            };
            out.push_str(text.get(at..m.start()).unwrap_or_default());
            out.push_str(token);
            at = m.end();
        }
        out.push_str(text.get(at..).unwrap_or_default());
        out
    }

    /// `text` with everything learned replaced.
    fn text(&mut self, text: &str) -> String {
        let trimmed = text.trim();
        if let Some(token) = self
            .subjects
            .get(trimmed)
            .or_else(|| self.names.get(trimmed))
        {
            return token.clone();
        }
        let text = self.replace_literals(text);
        let text = SUBJECT_LINE
            .replace_all(&text, |caps: &Captures<'_>| {
                let label = caps.get(1).map_or("", |m| m.as_str());
                let value = caps.get(2).map_or("", |m| m.as_str());
                format!("{label}{}", self.subject_token(value))
            })
            .into_owned();
        let text = DISPLAY_NAME
            .replace_all(&text, |caps: &Captures<'_>| {
                let whole = caps.get(0).map_or("", |m| m.as_str());
                let Some(name) = caps.get(1).or_else(|| caps.get(2)) else {
                    return whole.to_owned();
                };
                let token = self.name_token(name.as_str());
                let rel = name.start() - caps.get(0).map_or(0, |m| m.start());
                let head = whole.get(..rel).unwrap_or_default();
                let tail = whole.get(rel + name.as_str().len()..).unwrap_or_default();
                format!("{head}{token}{tail}")
            })
            .into_owned();
        let text = ADDRESS
            .replace_all(&text, |caps: &Captures<'_>| self.address_token(caps))
            .into_owned();
        let text = self.replace_ips(&text);
        self.replace_hosts(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::{Finding, MessageInfo, Severity};

    fn with_evidence(lines: &[&str]) -> Diagnosis {
        let mut d = super::super::fixture::minimal();
        d.message = Some(MessageInfo {
            subject: Some("Quarterly numbers".into()),
            sender: Some("Lee.Gu@Contoso.com".into()),
            recipients: vec!["pat@fabrikam.example".into()],
            message_id: Some("<abc.123@mail.contoso.com>".into()),
            size_bytes: None,
        });
        if let Some(step) = d.steps.first_mut() {
            step.findings
                .push(Finding::new("x", Severity::Info, "t").evidence_lines(lines.iter().copied()));
        }
        d
    }

    fn evidence(d: &Diagnosis) -> Vec<String> {
        d.steps
            .first()
            .and_then(|s| s.findings.first())
            .map(|f| f.evidence.clone())
            .unwrap_or_default()
    }

    #[test]
    fn addresses_keep_their_domain_and_one_token_each() {
        let d = with_evidence(&[
            "to lee.gu@contoso.com and PAT@fabrikam.example, again lee.gu@contoso.com",
        ]);
        let r = redact(&d);
        let m = r.message.as_ref().unwrap();
        assert_eq!(m.sender.as_deref(), Some("user1@Contoso.com"));
        assert_eq!(m.recipients, ["user2@fabrikam.example"]);
        assert_eq!(
            evidence(&r),
            ["to user1@contoso.com and user2@fabrikam.example, again user1@contoso.com"]
        );
    }

    #[test]
    fn subjects_names_and_message_ids_become_tokens() {
        let d = with_evidence(&[
            "Subject: Quarterly numbers",
            "betreff: Re: Quarterly numbers",
            "From: \"Gu, Lee\" <lee.gu@contoso.com>, Pat Doe <pat@fabrikam.example>",
            "Message-ID: <abc.123@mail.contoso.com>",
            "Lee Gu asked about Quarterly numbers",
        ]);
        let r = redact(&d);
        let m = r.message.as_ref().unwrap();
        assert_eq!(m.subject.as_deref(), Some("Subject-1"));
        assert_eq!(
            m.message_id.as_deref(),
            Some("<message-1@host-1.contoso.com>")
        );
        assert_eq!(
            evidence(&r),
            [
                "Subject: Subject-1",
                "betreff: Subject-2",
                "From: \"Person-1\" <user1@contoso.com>, Person-2 <user2@fabrikam.example>",
                "Message-ID: <message-1@host-1.contoso.com>",
                "Lee Gu asked about Subject-1",
            ]
        );
    }

    #[test]
    fn internal_addresses_and_hosts_go_public_ones_stay() {
        // host-1 is the Message-ID's host; sub-hosts of both parties' domains are theirs.
        let d = with_evidence(&[
            "from exch01.corp.contoso.com (10.1.2.3) by AM0PR00MB5678.eurprd00.prod.outlook.com (2603:10a6:208:1::12)",
            "client [192.168.0.7] via fd12:3456::1 and 100.64.0.9, public 198.51.100.20",
            "host nas.local and EXCH01.contoso.local; partner mail.fabrikam.example stays? no",
            "10.1.2.3 again; version 1.2.3.4; time 17:31:00",
        ]);
        let r = redact(&d);
        assert_eq!(
            evidence(&r),
            [
                "from host-2.contoso.com (internal-ip-1) by AM0PR00MB5678.eurprd00.prod.outlook.com (2603:10a6:208:1::12)",
                "client [internal-ip-2] via internal-ip-4 and internal-ip-3, public 198.51.100.20",
                "host host-3.local and host-4.local; partner host-5.fabrikam.example stays? no",
                "internal-ip-1 again; version 1.2.3.4; time 17:31:00",
            ]
        );
    }

    #[test]
    fn short_literals_do_not_eat_words() {
        assert!(whole_word("Al said", 0, 2));
        assert!(!whole_word("Already", 0, 2));
        assert!(whole_word("x (Al)", 3, 5));
        let mut d = with_evidence(&["Hi there, Hi", "Subject: Hi"]);
        if let Some(m) = &mut d.message {
            m.subject = Some("Hi".into());
        }
        let r = redact(&d);
        assert_eq!(
            r.message.as_ref().unwrap().subject.as_deref(),
            Some("Subject-1")
        );
        assert_eq!(evidence(&r), ["Hi there, Hi", "Subject: Subject-1"]);
    }

    #[test]
    fn input_names_are_replaced_with_their_extension() {
        let mut d = with_evidence(&["read from lee-gu-trace.csv"]);
        d.inputs.push(crate::diagnosis::InputRef {
            name: "lee-gu-trace.csv".into(),
            kind: "trace-csv".into(),
            size_bytes: 1,
            sha256: "00".into(),
        });
        let r = redact(&d);
        assert_eq!(
            r.inputs.first().map(|i| i.name.as_str()),
            Some("input-1.csv")
        );
        assert_eq!(evidence(&r), ["read from input-1.csv"]);
    }
}
