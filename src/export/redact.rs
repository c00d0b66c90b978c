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
//! Also replaced: tenant IDs (a GUID after `TenantId`, `CrossTenant-Id`, `tid=` …, then
//! wherever that GUID appears), the local part of addresses a console cut short
//! (`nestor.wilke@contoso...`), quoted (`"gwendolyn fairweather"@contoso.com`), at a host
//! without a dot (`postmaster@EXCH01`, whose host goes too) or at an address literal
//! (`root@[10.1.2.3]`), and workstation names a client gave as its HELO (`laptop-gwendolyn`).
//!
//! Every string of the serialised diagnosis is walked ([`crate::diagnosis::cap`]); only the
//! fields of [`KEPT`] (codes, enum words, times, hashes) stay as they are, so a field added
//! later is redacted by default. Every string is capped first, so a hostile 64 MB header
//! costs no more than a screenful.
//!
//! Two passes: the first learns every value to hide from the structured fields and from
//! all free text, the second rewrites every string, so a name first seen in evidence is
//! also hidden in a headline written before it. Pseudonyms are numbered in the order
//! values are first seen, so a report redacts the same way every time.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::{Captures, Regex};

use crate::diagnosis::Diagnosis;
use crate::diagnosis::cap::{self, KeyPath, path_is};

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

/// A local part at anything ADDRESS does not take: a quoted local part, a host without a
/// dot (`postmaster@EXCH01`), an address literal (`root@[10.1.2.3]`) or a domain a console
/// cut short (`nestor.wilke@contoso...`).
static LOOSE_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"("[^"\r\n@]+"|[\w!#$%&'*+=^{}~.-]+)@(\[[0-9A-Fa-f.:]+\]|[\w-]+(?:\.[\w-]+)*)(\.{2,3}|…)?"#,
    )
    .expect("static loose address pattern is valid")
});

/// A tenant ID: a GUID after a tenant label (`X-MS-Exchange-CrossTenant-Id: …`,
/// `TenantId=…`, `tenant …`) or `tid=`.
static TENANT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:tenant[\w-]*|\btid)\W{1,4}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b",
    )
    .expect("static tenant pattern is valid")
});

/// A machine name without a dot where a Received line or a HELO names one: `from
/// laptop-gwendolyn (`, `by EXCH01 (`, `helo=laptop-gwendolyn`. Only names with a digit or a
/// dash are taken, so a plain word (`mail`) is never hidden throughout the report.
static MACHINE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:\b(?:from|by)\s+([a-z0-9][a-z0-9-]{0,61}[a-z0-9])\s+\(|\b(?:helo|ehlo)[=\s]+\[?([a-z0-9][a-z0-9-]{0,61}[a-z0-9])(?:[^.\w-]|$))",
    )
    .expect("static machine-name pattern is valid")
});

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:user\d+|message-\d+|Subject-\d+|Person-\d+|host-\d+|internal-ip-\d+|input-\d+|tenant-\d+)$",
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
    tenants: Pseudonyms,
    literals: Option<AhoCorasick>,
    /// The pseudonym of each literal pattern, in pattern order.
    literal_tokens: Vec<String>,
    /// Literals longer than [`LONG_LITERAL_BYTES`] (a cut 64 KiB subject), in ASCII lower
    /// case and longest first, with their pseudonyms: found by a substring search instead
    /// of the automaton.
    long_literals: Vec<(String, String)>,
}

/// Literals longer than this stay out of the automaton: its states cost about 150 bytes per
/// pattern byte while it is built, 20 MB for one cut 64 KiB Message-ID (twice as a
/// pattern), more than a 10 MB input itself. No real subject or name comes near it.
const LONG_LITERAL_BYTES: usize = 4096;

/// Fields that stay as they are, as dot-separated key paths from the diagnosis's root
/// (array positions left out): codes, enum words, times and hashes, which carry no personal
/// data and must still read as their type. Everything else is redacted.
pub const KEPT: &[&str] = &[
    "tool.name",
    "tool.version",
    "inputs.kind",
    "inputs.sha256",
    "verdict.status",
    "verdict.decided_by",
    "verdict.who_acts",
    "messages.verdict.status",
    "messages.verdict.decided_by",
    "messages.verdict.who_acts",
    "steps.id",
    "steps.title",
    "steps.findings.code",
    "steps.findings.severity",
    "steps.findings.analyzer",
    "trace.journeys.status",
    "trace.journeys.events.time",
    "hops.time",
    "hops.tls",
    "authentication.spf",
    "authentication.dkim",
    "authentication.dmarc",
    "authentication.arc",
    "authentication.compauth",
    "authentication.compauth_reason",
    "authentication.alignment.spf",
    "authentication.alignment.dkim.aligned",
    "antispam.sfv",
    "antispam.cat",
    "antispam.ipv",
    "antispam.country",
    "rules.id",
    "ndr.code",
    "ndr.side",
    "ndr.reason",
    "recipients.status",
    "recipients.code",
    "recipients.reason",
    "next_actions.who",
];

fn is_kept(path: &KeyPath<'_>) -> bool {
    KEPT.iter().any(|pattern| path_is(path, pattern))
}

fn is_one_of(path: &KeyPath<'_>, patterns: &[&str]) -> bool {
    patterns.iter().any(|pattern| path_is(path, pattern))
}

/// Where the message's subject is a whole field.
const SUBJECT_FIELDS: &[&str] = &["message.subject", "messages.subject"];
/// Where a Message-ID is a whole field.
const MESSAGE_ID_FIELDS: &[&str] = &["message.message_id", "messages.message_id"];
/// Where an address is a whole field: the parties of the messages and recipients.
const ADDRESS_FIELDS: &[&str] = &[
    "message.sender",
    "message.recipients",
    "messages.sender",
    "messages.recipients",
    "recipients.recipient",
];
/// Where a host name of a hop is a whole field.
const HOP_HOST_FIELDS: &[&str] = &["hops.from", "hops.by"];
/// Where an input's file name is.
const INPUT_NAME_FIELD: &str = "inputs.name";

/// The values the structured fields hold, gathered in one walk.
#[derive(Default)]
struct Structured {
    /// With the rank of their field in [`ADDRESS_FIELDS`]: the sender is `user1`.
    addresses: Vec<(usize, String)>,
    subjects: Vec<String>,
    message_ids: Vec<String>,
    hop_hosts: Vec<String>,
    inputs: Vec<String>,
}

/// What a field holds, for redaction.
#[derive(Clone, Copy)]
enum Field {
    /// One of [`KEPT`].
    Kept,
    /// An address, with the rank of its field in [`ADDRESS_FIELDS`].
    Address(usize),
    /// The message's subject.
    Subject,
    /// A Message-ID.
    MessageId,
    /// An input's file name.
    InputName,
    /// A hop's `from` or `by` name.
    HopHost,
    /// Free text.
    Text,
}

/// Each key path's [`Field`], worked out once per path rather than once per string.
#[derive(Default)]
struct FieldKinds(HashMap<String, Field>);

impl FieldKinds {
    fn of(&mut self, path: &KeyPath<'_>) -> Field {
        let key = path.join(".");
        if let Some(&kind) = self.0.get(&key) {
            return kind;
        }
        let kind = if is_kept(path) {
            Field::Kept
        } else if let Some(rank) = ADDRESS_FIELDS.iter().position(|p| path_is(path, p)) {
            Field::Address(rank)
        } else if is_one_of(path, SUBJECT_FIELDS) {
            Field::Subject
        } else if is_one_of(path, MESSAGE_ID_FIELDS) {
            Field::MessageId
        } else if path_is(path, INPUT_NAME_FIELD) {
            Field::InputName
        } else if is_one_of(path, HOP_HOST_FIELDS) {
            Field::HopHost
        } else {
            Field::Text
        };
        self.0.insert(key, kind);
        kind
    }
}

/// What a redacted report says when the diagnosis could not be walked (a bug): nothing of
/// the input, rather than the input unredacted.
fn withheld(diagnosis: &Diagnosis) -> Diagnosis {
    let mut out = Diagnosis {
        schema_version: diagnosis.schema_version,
        tool: diagnosis.tool.clone(),
        inputs: Vec::new(),
        verdict: crate::diagnosis::Verdict {
            status: diagnosis.verdict.status,
            location: None,
            decided_by: diagnosis.verdict.decided_by,
            headline: "The redacted report could not be made; its content is withheld.".into(),
            who_acts: diagnosis.verdict.who_acts,
        },
        messages: Vec::new(),
        selected_message: 0,
        steps: diagnosis.steps.clone(),
        message: None,
        trace: None,
        hops: Vec::new(),
        authentication: None,
        antispam: None,
        rules: Vec::new(),
        ndr: None,
        recipients: Vec::new(),
        decision_chain: Vec::new(),
        next_actions: Vec::new(),
    };
    for step in &mut out.steps {
        step.findings.clear();
    }
    out
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

/// Characters a pattern cannot match without, looked for once per string so that most
/// strings skip most patterns: an address needs `@`, a subject line or an IPv6 address
/// `:`, a host or IPv4 address `.`, a tenant GUID `-`, a Received clause a space.
struct Cues {
    at: bool,
    colon: bool,
    dot: bool,
    dash: bool,
    space: bool,
}

impl Cues {
    fn of(text: &str) -> Self {
        let bytes = text.as_bytes();
        Self {
            at: memchr::memchr(b'@', bytes).is_some(),
            colon: memchr::memchr(b':', bytes).is_some(),
            dot: memchr::memchr(b'.', bytes).is_some(),
            dash: memchr::memchr(b'-', bytes).is_some(),
            space: memchr::memchr2(b' ', b'\t', bytes).is_some(),
        }
    }
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
        match self.redact_in_place(&mut out) {
            Ok(()) => out,
            Err(_) => withheld(diagnosis),
        }
    }

    fn redact_in_place(&mut self, out: &mut Diagnosis) -> Result<(), serde_json::Error> {
        cap::cap_diagnosis(out)?;
        let mut kinds = FieldKinds::default();
        let mut found = Structured::default();
        // Free text in the order met, each distinct string once: a trace of 100 000
        // messages repeats its verdict sentences 100 000 times.
        let mut texts: Vec<String> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        cap::visit_strings(out, &mut |path, s| {
            match kinds.of(path) {
                Field::Kept => return,
                Field::Address(rank) => {
                    // learn_structured reads it as text too.
                    found.addresses.push((rank, s.to_owned()));
                    return;
                }
                Field::Subject => found.subjects.push(s.to_owned()),
                Field::MessageId => found.message_ids.push(s.to_owned()),
                Field::InputName => found.inputs.push(s.to_owned()),
                Field::HopHost => found.hop_hosts.push(s.to_owned()),
                Field::Text => {}
            }
            if seen.insert(s.to_owned()) {
                texts.push(s.to_owned());
            }
        })?;
        self.learn_structured(&mut found);
        for text in &texts {
            self.learn_text(text);
        }
        drop(texts);
        drop(seen);
        self.build_literals();
        let mut rewritten: HashMap<String, String> = HashMap::new();
        cap::rewrite_strings(out, &mut |path, s| {
            *s = match kinds.of(path) {
                Field::Kept => return,
                Field::Subject => self.subject_token(s),
                Field::MessageId => self.message_id_token(s),
                Field::InputName => self.input_token(s),
                Field::Address(_) | Field::HopHost | Field::Text => {
                    if let Some(done) = rewritten.get(s.as_str()) {
                        done.clone()
                    } else {
                        let done = self.text(s);
                        rewritten.insert(s.clone(), done.clone());
                        done
                    }
                }
            };
        })
    }

    /// Learns from the fields whose meaning is known: addresses, subjects, Message-IDs,
    /// hop hosts and input names, in that order, so numbering follows the report.
    fn learn_structured(&mut self, found: &mut Structured) {
        found.addresses.sort_by_key(|(rank, _)| *rank);
        for (_, a) in &found.addresses {
            if let Some(caps) = ADDRESS.captures(a) {
                let domain = caps.get(2).map_or("", |m| m.as_str()).to_ascii_lowercase();
                if !self.org_domains.contains(&domain) {
                    self.org_domains.push(domain);
                }
            }
            self.learn_text(a);
        }
        for s in &found.subjects {
            self.subject_token(s);
        }
        for id in &found.message_ids {
            self.message_id_token(id);
        }
        for host in &found.hop_hosts {
            self.learn_hop_host(host);
        }
        for input in &found.inputs {
            self.input_token(input);
        }
    }

    /// A hop's `from` or `by` name without a dot is a machine of the organisation (a
    /// workstation's HELO `laptop-gwendolyn`, a server `EXCH01`): hidden as a host.
    fn learn_hop_host(&mut self, host: &str) {
        let host = host.trim().trim_matches(['[', ']']);
        let single_label = !host.contains(['.', ':', ' ']) && !host.is_empty();
        if single_label && host.parse::<IpAddr>().is_err() && !TOKEN.is_match(host) {
            self.hosts
                .get_or_add(&host.to_ascii_lowercase(), |n| format!("host-{n}"));
        }
    }

    /// Learns what `text` reveals: quoted subjects, display names, addresses, internal
    /// IPs and hosts.
    fn learn_text(&mut self, text: &str) {
        let cues = Cues::of(text);
        if cues.colon {
            for caps in SUBJECT_LINE.captures_iter(text) {
                if let Some(v) = caps.get(2) {
                    self.subject_token(v.as_str());
                }
            }
        }
        if cues.at {
            for caps in DISPLAY_NAME.captures_iter(text) {
                if let Some(name) = caps.get(1).or_else(|| caps.get(2)) {
                    self.name_token(name.as_str());
                }
            }
            for caps in ADDRESS.captures_iter(text) {
                self.address_token(&caps);
            }
        }
        if cues.dash {
            for caps in TENANT.captures_iter(text) {
                if let Some(id) = caps.get(1) {
                    self.tenant_token(id.as_str());
                }
            }
        }
        if cues.space || text.contains('=') {
            for caps in MACHINE_NAME.captures_iter(text) {
                if let Some(name) = caps.get(1).or_else(|| caps.get(2)) {
                    let name = name.as_str();
                    if name.contains(|c: char| c.is_ascii_digit() || c == '-') {
                        self.learn_hop_host(name);
                    }
                }
            }
        }
        if cues.at {
            for caps in LOOSE_ADDRESS.captures_iter(text) {
                self.loose_address_token(&caps);
            }
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

    fn tenant_token(&mut self, id: &str) -> String {
        self.tenants
            .get_or_add(&id.to_ascii_lowercase(), |n| format!("tenant-{n}"))
    }

    /// A [`LOOSE_ADDRESS`] with its local part replaced (the pseudonym of the whole address
    /// it was cut from, when one was seen) and a host without a dot hidden too.
    fn loose_address_token(&mut self, caps: &Captures<'_>) -> String {
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let (Some(local), Some(domain)) = (caps.get(1), caps.get(2)) else {
            return whole.to_owned();
        };
        let local = local.as_str();
        if TOKEN.is_match(local.trim_matches('"')) {
            return whole.to_owned();
        }
        let domain = domain.as_str();
        let cut = caps.get(3).map_or("", |m| m.as_str());
        let key = format!("{local}@{domain}").to_lowercase();
        let known = (!cut.is_empty())
            .then(|| {
                self.addresses
                    .order
                    .iter()
                    .find(|full| full.starts_with(&key))
                    .and_then(|full| self.addresses.get(full))
                    .cloned()
            })
            .flatten();
        let token = match known {
            Some(token) => token,
            None => self.addresses.get_or_add(&key, |n| format!("user{n}")),
        };
        let single_label = !domain.contains('.') && !domain.starts_with('[') && cut.is_empty();
        let domain = if single_label && !TOKEN.is_match(domain) {
            self.hosts
                .get_or_add(&domain.to_ascii_lowercase(), |n| format!("host-{n}"))
        } else {
            domain.to_owned()
        };
        format!("{token}@{domain}{cut}")
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
        let cues = Cues::of(text);
        if !cues.dot && !cues.colon {
            return text.to_owned();
        }
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
        if !text.contains('.') {
            return text.to_owned();
        }
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
        for cat in [
            &self.subjects,
            &self.names,
            &self.hosts,
            &self.inputs,
            &self.tenants,
        ] {
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
        let short_at = pairs.partition_point(|(k, _)| k.len() > LONG_LITERAL_BYTES);
        self.long_literals = pairs
            .drain(..short_at)
            .map(|(k, t)| (k.to_ascii_lowercase(), t))
            .collect();
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
        if !self.long_literals.is_empty() {
            return self.replace_with_long_literals(text);
        }
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

    /// [`Self::replace_literals`] when some literals are long: the automaton's matches and
    /// the long literals' merged as one leftmost-longest search would find them (the
    /// earliest start wins, then the longest), each kept only where it is a whole word.
    fn replace_with_long_literals(&self, text: &str) -> String {
        let lower = text.to_ascii_lowercase();
        // The next start of each long literal at or after the search position.
        let mut next: Vec<Option<usize>> = self
            .long_literals
            .iter()
            .map(|(literal, _)| lower.find(literal.as_str()))
            .collect();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut at = 0;
        while at <= text.len() {
            let mut found = self.literals.as_ref().and_then(|matcher| {
                let m = matcher.find(aho_corasick::Input::new(text).span(at..text.len()))?;
                let token = self.literal_tokens.get(m.pattern().as_usize())?;
                Some((m.start(), m.end(), token.as_str()))
            });
            for ((literal, token), next) in self.long_literals.iter().zip(&mut next) {
                if next.is_some_and(|start| start < at) {
                    *next = lower
                        .get(at..)
                        .and_then(|rest| rest.find(literal.as_str()))
                        .map(|i| i + at);
                }
                let Some(start) = *next else {
                    continue;
                };
                let end = start + literal.len();
                let better = found.is_none_or(|(s, e, _)| start < s || (start == s && end > e));
                if better {
                    found = Some((start, end, token.as_str()));
                }
            }
            let Some((start, end, token)) = found else {
                break;
            };
            // An empty literal (a Message-ID `<>`) matches everywhere: step over a character.
            at = if end > start {
                end
            } else {
                start
                    + text
                        .get(start..)
                        .and_then(|r| r.chars().next())
                        .map_or(1, char::len_utf8)
            };
            if !whole_word(text, start, end) {
                continue;
            }
            out.push_str(text.get(copied..start).unwrap_or_default());
            out.push_str(token);
            copied = end;
        }
        out.push_str(text.get(copied..).unwrap_or_default());
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
        let mut text = self.replace_literals(text);
        let cues = Cues::of(&text);
        if cues.colon {
            text = SUBJECT_LINE
                .replace_all(&text, |caps: &Captures<'_>| {
                    let label = caps.get(1).map_or("", |m| m.as_str());
                    let value = caps.get(2).map_or("", |m| m.as_str());
                    format!("{label}{}", self.subject_token(value))
                })
                .into_owned();
        }
        if cues.at {
            text = DISPLAY_NAME
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
            text = ADDRESS
                .replace_all(&text, |caps: &Captures<'_>| self.address_token(caps))
                .into_owned();
            text = LOOSE_ADDRESS
                .replace_all(&text, |caps: &Captures<'_>| self.loose_address_token(caps))
                .into_owned();
        }
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

    /// Issue 19 item 9: what the audit found left in redacted reports.
    #[test]
    fn tenant_ids_cut_quoted_and_dotless_addresses_and_machine_names_go() {
        let d = with_evidence(&[
            "X-MS-Exchange-CrossTenant-Id: 72f988bf-86f1-41af-91ab-2d7cd011db47",
            "tenant 72F988BF-86F1-41AF-91AB-2D7CD011DB47 again",
            "Sender: nestor.wilke@contoso.com, shown as nestor.wilke@contoso...",
            "From: \"gwendolyn fairweather\"@contoso.com",
            "Received: from laptop-gwendolyn (192.168.1.20) by EXCH01 (10.1.2.3) with SMTP",
            "Return-Path: postmaster@EXCH01 and root@[10.1.2.3]",
            "the laptop-gwendolyn workstation relayed through exch01",
        ]);
        let r = redact(&d);
        let text = evidence(&r).join("\n");
        for secret in [
            "72f988bf",
            "72F988BF",
            "nestor",
            "gwendolyn",
            "fairweather",
            "EXCH01",
            "exch01",
            "postmaster",
            "root@",
            "10.1.2.3",
            "192.168.1.20",
        ] {
            assert!(!text.contains(secret), "{secret} survived:\n{text}");
        }
        let nestor = text
            .split("Sender: ")
            .nth(1)
            .and_then(|rest| rest.split('@').next())
            .unwrap_or_default();
        assert!(nestor.starts_with("user"), "{text}");
        assert!(text.contains("tenant-1 again"), "{text}");
        assert!(
            text.contains(&format!("shown as {nestor}@contoso...")),
            "{nestor}: {text}"
        );
    }

    /// Issue 19 item 2: a megabyte subject, Message-ID and Received name once took minutes
    /// (the matcher was quadratic); now they are capped and redacted in one pass.
    /// Issue 19 item 3: a literal past [`LONG_LITERAL_BYTES`] is found by substring search,
    /// in any ASCII case, wherever it stands whole, next to the automaton's literals.
    #[test]
    fn long_literals_are_replaced_without_the_automaton() {
        let long = format!("Quarterly {}", "numbers ".repeat(LONG_LITERAL_BYTES / 4));
        let long = long.trim_end().to_owned();
        let mut d = with_evidence(&[
            &format!(
                "<abc.123@mail.contoso.com> said \"{}\" then {long}.",
                long.to_uppercase()
            ),
            &format!("x{long}"),
        ]);
        if let Some(m) = &mut d.message {
            m.subject = Some(long.clone());
        }
        let mut redactor = Redactor::new();
        let r = redactor.redact(&d);
        assert_eq!(redactor.long_literals.len(), 1);
        let m = r.message.as_ref().unwrap();
        assert_eq!(m.subject.as_deref(), Some("Subject-1"));
        let id = m.message_id.clone().unwrap_or_default();
        assert!(id.starts_with("<message-"), "{id}");
        let lines = evidence(&r);
        assert_eq!(lines[0], format!("{id} said \"Subject-1\" then Subject-1."));
        // Not a whole word: it stays.
        assert_eq!(lines[1], format!("x{long}"));
    }

    #[test]
    fn a_megabyte_header_line_is_capped_and_redacted() {
        let long = "ab ".repeat(350_000);
        let mut d = with_evidence(&[
            &format!("Subject: {long}"),
            &format!(
                "Received: from exch01.corp.contoso.com by {}",
                "h".repeat(1 << 20)
            ),
        ]);
        if let Some(m) = &mut d.message {
            m.subject = Some(long.clone());
            m.message_id = Some(format!("<{}@contoso.com>", "m".repeat(1 << 20)));
        }
        let r = redact(&d);
        let m = r.message.as_ref().unwrap();
        assert_eq!(m.subject.as_deref(), Some("Subject-1"));
        assert!(
            m.message_id
                .as_deref()
                .is_some_and(|id| id.starts_with("<message-"))
        );
        let lines = evidence(&r);
        // The quoted line was cut with its label, so it is a subject of its own.
        assert!(
            lines
                .first()
                .is_some_and(|l| l.starts_with("Subject: Subject-")),
            "{:?}",
            lines.first().map(|l| l.get(..40))
        );
        assert!(
            lines.iter().all(|l| l.len() <= cap::MAX_TEXT_BYTES),
            "{:?}",
            lines.iter().map(String::len).collect::<Vec<_>>()
        );
        assert!(
            lines
                .get(1)
                .is_some_and(|l| l.contains("host-") && l.contains("[cut by Mailflow"))
        );
    }
}
