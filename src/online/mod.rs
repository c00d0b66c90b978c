//! Opt-in online checks: DNS queries about the sender (blocklists for the sending IP, SPF,
//! DMARC and MX of the sender's domain, reverse DNS, DKIM keys).
//!
//! Nothing here runs unless the user asks: the CLI's `--online`, the GUI's switch. Every
//! query goes through one [`hickory_resolver`] instance built for the run, with a per-query
//! timeout and an overall budget, and answers cached for the run. [`Config::describe`] says
//! what will be sent where before anything is sent; [`run`] blocks the calling thread (it
//! drives its own tokio current-thread runtime), so callers run it on a worker thread.

mod blocklists;
mod dkim_keys;
mod dmarc;
mod mx;
mod ptr;
mod resolver;
mod spf;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::case::Case;
use crate::facts::MessageFacts;
use crate::facts::headers::alignment::domain_of;
use crate::facts::online::{FailedQuery, OnlineResults};
use crate::knowledge::Knowledge;
use crate::knowledge::dnsbl::Blocklist;

pub use resolver::resolvers_built;

/// Which name server answers the queries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Nameserver {
    /// The resolvers this computer is configured with (`/etc/resolv.conf`, the Windows
    /// registry).
    #[default]
    System,
    /// One explicit server (UDP, then TCP), e.g. a company resolver or a test server.
    Address(SocketAddr),
}

impl Nameserver {
    /// A phrase for people: "the system resolver", "192.0.2.53:53".
    pub fn label(&self) -> String {
        match self {
            Self::System => "the system resolver".into(),
            Self::Address(addr) => addr.to_string(),
        }
    }
}

/// How the online checks run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where queries go.
    pub nameserver: Nameserver,
    /// Blocklists asked about the sending IP; `None` (the default): every list of the
    /// knowledge the run is given (`dnsbl.toml`).
    pub blocklists: Option<Vec<Blocklist>>,
    /// How long one query may take.
    pub query_timeout: Duration,
    /// How long all checks together may take; queries not started by then are skipped.
    pub budget: Duration,
}

impl Default for Config {
    /// The system resolver, every bundled blocklist, 2 s per query, 10 s overall.
    fn default() -> Self {
        Self {
            nameserver: Nameserver::System,
            blocklists: None,
            query_timeout: Duration::from_secs(2),
            budget: Duration::from_secs(10),
        }
    }
}

/// What the checks ask about, read from one message's evidence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Targets {
    /// The original sender's IP: the last public address outside our perimeter (never our
    /// own gateway's), else of `CIP`, the entry Received hop and the trace's FromIP (a
    /// private `CIP` behind an internal relay says nothing to a blocklist).
    pub ip: Option<IpAddr>,
    /// The envelope sender's domain (SPF is checked there), else the From domain.
    pub spf_domain: Option<String>,
    /// The From domain (DMARC and MX are checked there), else the envelope domain.
    pub from_domain: Option<String>,
    /// `(d=, s=)` of every DKIM signature.
    pub dkim: Vec<(String, String)>,
}

impl Targets {
    /// The targets of message `selected` of `case` (none when there is no such message).
    pub fn of(case: &Case, selected: usize, knowledge: &Knowledge) -> Self {
        let Some(message) = case.messages.get(selected) else {
            return Self::default();
        };
        let facts = MessageFacts::derive(message, knowledge);
        let headers = facts.headers.as_ref();
        // The original sender, the last IP outside our perimeter: never our own gateway's.
        let perimeter = crate::verdict::perimeter::derive(message, &facts, knowledge);
        let gateway_ips = perimeter.gateway.map(|g| g.ips).unwrap_or_default();
        let candidates = [
            perimeter.sender_ip,
            headers.and_then(|h| h.antispam.client_ip.clone()),
            headers
                .and_then(|h| h.chain.entry_hop())
                .and_then(|hop| hop.fields.from_ip.clone()),
            message.traces.iter().find_map(|t| t.from_ip.clone()),
        ];
        let ip = candidates
            .into_iter()
            .flatten()
            .filter(|text| {
                !gateway_ips.contains(&text.trim().trim_matches(['[', ']']).to_ascii_lowercase())
            })
            .filter_map(|text| text.trim().trim_matches(['[', ']']).parse::<IpAddr>().ok())
            .find(is_public);
        let trace_sender = message
            .traces
            .iter()
            .find_map(|t| t.sender.as_deref().and_then(domain_of));
        let alignment = headers.map(|h| &h.auth.alignment);
        let from_domain = alignment
            .and_then(|a| a.from_domain.clone())
            .or_else(|| trace_sender.clone());
        let spf_domain = alignment
            .and_then(|a| a.mail_from_domain.clone())
            .or_else(|| trace_sender.clone())
            .or_else(|| from_domain.clone());
        let mut dkim: Vec<(String, String)> = Vec::new();
        for check in headers.map(|h| h.auth.dkim.as_slice()).unwrap_or_default() {
            let (Some(d), Some(s)) = (&check.signature.domain, &check.signature.selector) else {
                continue;
            };
            let pair = (d.to_ascii_lowercase(), s.to_ascii_lowercase());
            if !dkim.contains(&pair) {
                dkim.push(pair);
            }
        }
        Self {
            ip,
            spf_domain: spf_domain.map(|d| d.to_ascii_lowercase()),
            from_domain: from_domain.map(|d| d.to_ascii_lowercase()),
            dkim,
        }
    }

    /// True when there is nothing to ask.
    pub fn is_empty(&self) -> bool {
        self.ip.is_none()
            && self.spf_domain.is_none()
            && self.from_domain.is_none()
            && self.dkim.is_empty()
    }
}

/// True for addresses a public blocklist or reverse zone can say something about: not
/// private, loopback, link-local, shared (CGNAT), multicast or unspecified.
fn is_public(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            let cgnat = a == 100 && (64..128).contains(&b);
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || cgnat)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments().first().copied().unwrap_or(0);
            let unique_local = first & 0xfe00 == 0xfc00;
            let link_local = first & 0xffc0 == 0xfe80;
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || unique_local
                || link_local)
        }
    }
}

impl Config {
    /// The blocklists to ask: the configured ones, else every list of `knowledge`.
    pub fn blocklists<'a>(&'a self, knowledge: &'a Knowledge) -> &'a [Blocklist] {
        self.blocklists
            .as_deref()
            .unwrap_or(knowledge.dnsbl.lists.as_slice())
    }

    /// The same checks sent to one explicit name server.
    #[must_use]
    pub fn with_nameserver(mut self, addr: SocketAddr) -> Self {
        self.nameserver = Nameserver::Address(addr);
        self
    }

    /// What will be sent where for `targets`, one sentence a line, so the user can decide
    /// before anything leaves the computer.
    pub fn describe(&self, targets: &Targets, knowledge: &Knowledge) -> Vec<String> {
        let via = self.nameserver.label();
        let mut lines = Vec::new();
        if targets.is_empty() {
            lines.push(
                "Nothing to check: the inputs name no sending IP, sender domain or DKIM signature."
                    .to_owned(),
            );
            return lines;
        }
        if let Some(ip) = targets.ip {
            let lists: Vec<&str> = self
                .blocklists(knowledge)
                .iter()
                .filter(|l| ip.is_ipv4() || l.ipv6)
                .map(|l| l.zone.as_str())
                .collect();
            if !lists.is_empty() {
                lines.push(format!(
                    "DNS queries for {ip} to {} via {via}: the list operators see the IP and your resolver's address.",
                    lists.join(", ")
                ));
            }
            lines.push(format!(
                "A reverse DNS (PTR) query for {ip} and address queries for the names it returns, via {via}."
            ));
        }
        if let Some(domain) = &targets.spf_domain {
            lines.push(format!(
                "TXT queries for {domain} and the domains its SPF record includes (SPF), via {via}."
            ));
        }
        if let Some(domain) = &targets.from_domain {
            lines.push(format!(
                "A TXT query for _dmarc.{domain} (DMARC) and an MX query for {domain}, via {via}."
            ));
        }
        for (domain, selector) in &targets.dkim {
            lines.push(format!(
                "A TXT query for {selector}._domainkey.{domain} (DKIM key), via {via}."
            ));
        }
        lines.push(format!(
            "Each query times out after {} s; all checks stop after {} s. One more query, for the root name servers (.), checks that {via} answers at all. Nothing else is sent: no message content, no addresses.",
            self.query_timeout.as_secs_f32(),
            self.budget.as_secs_f32()
        ));
        lines
    }
}

/// How far a run has got, for a progress display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Checks finished.
    pub done: usize,
    /// Checks in this run.
    pub total: usize,
    /// The check that just finished ("Spamhaus ZEN for 203.0.113.5").
    pub finished: String,
}

/// Why the online checks could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum OnlineError {
    /// The resolver could not be set up (no system DNS configuration).
    #[error("cannot set up the DNS resolver ({0})")]
    Resolver(String),
    /// The async runtime could not start.
    #[error("cannot start the DNS runtime ({0})")]
    Runtime(String),
}

/// One check's result, as a task returns it.
enum Outcome {
    Blocklist(crate::facts::online::BlocklistCheck),
    Spf(crate::facts::online::SpfCheck, Vec<FailedQuery>),
    Dmarc(crate::facts::online::DmarcCheck, Vec<FailedQuery>),
    Mx(crate::facts::online::MxCheck, Vec<FailedQuery>),
    Ptr(crate::facts::online::PtrCheck, Vec<FailedQuery>),
    Dkim(crate::facts::online::DkimKeyCheck, Vec<FailedQuery>),
}

/// Runs every online check for message `selected` of `case` and blocks until they finish
/// or the budget runs out; `progress` is called on this thread after each check.
///
/// Must not be called from inside a tokio runtime.
pub fn run(
    case: &Case,
    selected: usize,
    config: &Config,
    knowledge: &Knowledge,
    progress: &dyn Fn(Progress),
) -> Result<OnlineResults, OnlineError> {
    run_targets(
        &Targets::of(case, selected, knowledge),
        config,
        knowledge,
        progress,
    )
}

/// As [`run`], for targets already read.
pub fn run_targets(
    targets: &Targets,
    config: &Config,
    knowledge: &Knowledge,
    progress: &dyn Fn(Progress),
) -> Result<OnlineResults, OnlineError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| OnlineError::Runtime(e.to_string()))?;
    let started = Instant::now();
    runtime.block_on(async {
        let resolver = Arc::new(resolver::Resolver::new(config)?);
        let mut results = OnlineResults {
            resolver: config.nameserver.label(),
            ..OnlineResults::default()
        };
        let probe = (!targets.is_empty()).then(|| {
            let r = resolver.clone();
            tokio::spawn(async move { r.probe().await })
        });
        let mut tasks = tokio::task::JoinSet::new();
        spawn_checks(&mut tasks, &resolver, targets, config, knowledge);
        let total = tasks.len();
        let mut done = 0;
        // Every query stops at the deadline on its own; the grace covers the bookkeeping.
        let hard_stop =
            tokio::time::Instant::from_std(resolver.deadline()) + Duration::from_millis(500);
        loop {
            let next = tokio::time::timeout_at(hard_stop, tasks.join_next()).await;
            let Ok(next) = next else {
                tasks.abort_all();
                results.budget_exhausted = true;
                break;
            };
            let Some(joined) = next else { break };
            let Ok((label, outcome)) = joined else {
                continue;
            };
            done += 1;
            let failed = record(&mut results, outcome);
            for f in failed {
                if !results.failures.contains(&f) {
                    results.failures.push(f);
                }
            }
            progress(Progress {
                done,
                total,
                finished: label,
            });
        }
        results.budget_exhausted |= resolver.ran_out_of_budget();
        let server_answers = match probe {
            Some(probe) => tokio::time::timeout(config.query_timeout, probe)
                .await
                .is_ok_and(|joined| joined.unwrap_or(false)),
            None => true,
        };
        if resolver.answered_nothing() && !server_answers {
            // Every check failed for the same local reason; their failures would blame
            // the sender's domain for our resolver being down.
            results = OnlineResults {
                resolver: results.resolver,
                resolver_silent: true,
                ..OnlineResults::default()
            };
        }
        results.blocklists.sort_by_key(|c| {
            config
                .blocklists(knowledge)
                .iter()
                .position(|l| l.zone == c.zone)
                .unwrap_or(usize::MAX)
        });
        results.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(results)
    })
}

/// Starts every check `targets` calls for on `tasks`, each labelled for the progress
/// display.
fn spawn_checks(
    tasks: &mut tokio::task::JoinSet<(String, Outcome)>,
    resolver: &Arc<resolver::Resolver>,
    targets: &Targets,
    config: &Config,
    knowledge: &Knowledge,
) {
    if let Some(ip) = targets.ip {
        for list in config.blocklists(knowledge) {
            let (r, list) = (resolver.clone(), list.clone());
            let label = format!("{} for {ip}", list.name);
            tasks.spawn(async move {
                (
                    label,
                    Outcome::Blocklist(blocklists::check(&r, ip, &list).await),
                )
            });
        }
        let r = resolver.clone();
        tasks.spawn(async move {
            let (check, failed) = ptr::check(&r, ip).await;
            (format!("reverse DNS of {ip}"), Outcome::Ptr(check, failed))
        });
    }
    if let Some(domain) = targets.spf_domain.clone() {
        let (r, ip) = (resolver.clone(), targets.ip);
        tasks.spawn(async move {
            let (check, failed) = spf::check(&r, &domain, ip).await;
            (format!("SPF of {domain}"), Outcome::Spf(check, failed))
        });
    }
    if let Some(domain) = targets.from_domain.clone() {
        let r = resolver.clone();
        let d = domain.clone();
        let organisational = knowledge.antispam.organizational_domain(&d);
        tasks.spawn(async move {
            let (check, failed) = dmarc::check(&r, &d, &organisational).await;
            (format!("DMARC of {d}"), Outcome::Dmarc(check, failed))
        });
        let r = resolver.clone();
        tasks.spawn(async move {
            let (check, failed) = mx::check(&r, &domain).await;
            (format!("MX of {domain}"), Outcome::Mx(check, failed))
        });
    }
    for (domain, selector) in targets.dkim.clone() {
        let r = resolver.clone();
        tasks.spawn(async move {
            let (check, failed) = dkim_keys::check(&r, &domain, &selector).await;
            (
                format!("DKIM key {selector}._domainkey.{domain}"),
                Outcome::Dkim(check, failed),
            )
        });
    }
}

/// Files a finished check's result in `results`; returns its failed queries.
fn record(results: &mut OnlineResults, outcome: Outcome) -> Vec<FailedQuery> {
    match outcome {
        Outcome::Blocklist(check) => {
            results.blocklists.push(check);
            Vec::new()
        }
        Outcome::Spf(check, failed) => {
            results.spf = Some(check);
            failed
        }
        Outcome::Dmarc(check, failed) => {
            results.dmarc = Some(check);
            failed
        }
        Outcome::Mx(check, failed) => {
            results.mx = Some(check);
            failed
        }
        Outcome::Ptr(check, failed) => {
            results.ptr = Some(check);
            failed
        }
        Outcome::Dkim(check, failed) => {
            results.dkim_keys.push(check);
            failed
        }
    }
}

/// The reverse-lookup name of `ip` under `zone`: `5.113.0.203.<zone>` for IPv4, nibbles
/// for IPv6 (RFC 5782 for blocklists, the same layout as in-addr.arpa / ip6.arpa).
fn reverse_name(ip: IpAddr, zone: &str) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            format!("{d}.{c}.{b}.{a}.{zone}")
        }
        IpAddr::V6(v6) => {
            let mut labels: Vec<String> = v6
                .octets()
                .iter()
                .flat_map(|byte| [byte >> 4, byte & 0x0f])
                .map(|nibble| format!("{nibble:x}"))
                .collect();
            labels.reverse();
            format!("{}.{zone}", labels.join("."))
        }
    }
}

/// The reverse zone for PTR queries.
fn arpa_zone(ip: IpAddr) -> &'static str {
    if ip.is_ipv4() {
        "in-addr.arpa"
    } else {
        "ip6.arpa"
    }
}

/// The evidence line of a query that was answered: `TXT name → "v=spf1 …", "…"`, or
/// `TXT name → no records` for an empty answer. (A failed query's line is
/// [`FailedQuery::evidence`](crate::facts::online::FailedQuery::evidence).)
fn answer_line(record_type: &str, name: &str, shown: &[String]) -> String {
    if shown.is_empty() {
        format!("{record_type} {name} → no records")
    } else {
        format!("{record_type} {name} → {}", shown.join(", "))
    }
}

/// Shortens a record for an evidence line.
fn quote(text: &str) -> String {
    let short: String = text.chars().take(300).collect();
    if short.len() < text.len() {
        format!("\"{short}…\"")
    } else {
        format!("\"{short}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_names_follow_rfc_5782() {
        let v4: IpAddr = "203.0.113.5".parse().unwrap();
        assert_eq!(
            reverse_name(v4, "zen.spamhaus.org"),
            "5.113.0.203.zen.spamhaus.org"
        );
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        let name = reverse_name(v6, "ip6.arpa");
        assert!(name.starts_with("1.0.0.0.0.0.0.0"), "{name}");
        assert!(name.ends_with("8.b.d.0.1.0.0.2.ip6.arpa"), "{name}");
    }

    #[test]
    fn private_and_shared_addresses_are_not_checked() {
        for ip in [
            "10.1.2.3",
            "192.168.0.1",
            "100.64.0.1",
            "127.0.0.1",
            "fd00::1",
        ] {
            assert!(!is_public(&ip.parse().unwrap()), "{ip}");
        }
        assert!(is_public(&"203.0.113.5".parse().unwrap()));
    }

    #[test]
    fn describe_names_every_destination() {
        let targets = Targets {
            ip: Some("203.0.113.5".parse().unwrap()),
            spf_domain: Some("example.net".into()),
            from_domain: Some("example.net".into()),
            dkim: vec![("example.net".into(), "s1".into())],
        };
        let text = Config::default()
            .describe(&targets, crate::testing::knowledge())
            .join("\n");
        assert!(text.contains("203.0.113.5 to zen.spamhaus.org, bl.spamcop.net"));
        assert!(text.contains("via the system resolver"));
        assert!(text.contains("_dmarc.example.net"));
        assert!(text.contains("s1._domainkey.example.net"));
        assert!(text.contains("after 2 s"));
    }
}
