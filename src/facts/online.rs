//! Results of the opt-in online checks (DNS blocklists, SPF, DMARC, MX, PTR, DKIM keys).
//!
//! Plain data: [`crate::online`] fills it from DNS answers, the step-5 analyzers turn it
//! into findings. Keeping the network code out of here lets the analyzers and their tests
//! work on results built by hand, with no resolver anywhere.

use std::fmt;

/// Why a DNS query gave no usable answer. A failure of the sender's own domain is a finding
/// in its own right: "their domain has DNS errors" is a common reason mail does not arrive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DnsFailure {
    /// The name does not exist (NXDOMAIN).
    NxDomain,
    /// The domain's name servers failed to answer (SERVFAIL): broken or lame delegation,
    /// DNSSEC failure, or servers that are down.
    ServFail,
    /// The server refused the query (REFUSED).
    Refused,
    /// No answer within the per-query timeout.
    Timeout,
    /// Not asked: the overall time budget of the checks was used up.
    OutOfBudget,
    /// Any other error (network unreachable, malformed answer, …), as the resolver said.
    Other(String),
}

impl fmt::Display for DnsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NxDomain => f.write_str("NXDOMAIN (the name does not exist)"),
            Self::ServFail => f.write_str("SERVFAIL (the domain's name servers failed)"),
            Self::Refused => f.write_str("REFUSED (the server refused the query)"),
            Self::Timeout => f.write_str("timeout (no answer in time)"),
            Self::OutOfBudget => f.write_str("not asked (the time budget was used up)"),
            Self::Other(reason) => write!(f, "error ({reason})"),
        }
    }
}

/// A query that failed where an answer was needed, with what it was for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedQuery {
    /// The queried name.
    pub name: String,
    /// The record type (`TXT`, `MX`, …).
    pub record_type: String,
    /// The domain the failure says something about (the sender's domain, a DKIM domain).
    pub domain: String,
    /// What the answer was needed for ("SPF record", "MX records", …).
    pub purpose: String,
    /// What went wrong.
    pub failure: DnsFailure,
}

impl FailedQuery {
    /// The failure of a `record_type` query for `name`, about `domain`, needed for
    /// `purpose`.
    pub fn new(
        record_type: &str,
        name: &str,
        domain: &str,
        purpose: impl Into<String>,
        failure: DnsFailure,
    ) -> Self {
        Self {
            name: name.to_owned(),
            record_type: record_type.to_owned(),
            domain: domain.to_owned(),
            purpose: purpose.into(),
            failure,
        }
    }

    /// An evidence line: `TXT example.net → SERVFAIL (…)`.
    pub fn evidence(&self) -> String {
        format!("{} {} → {}", self.record_type, self.name, self.failure)
    }
}

/// What one blocklist said about the sending IP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlocklistOutcome {
    /// Listed: each answer with its documented meaning.
    Listed(Vec<BlocklistAnswer>),
    /// Not listed (NXDOMAIN).
    NotListed,
    /// The list refused the query or reported an error: no listing information.
    Refused(Vec<BlocklistAnswer>),
    /// The query failed.
    Failed(DnsFailure),
    /// The list does not cover this kind of address (an IPv6 address on an IPv4-only list).
    NotApplicable,
}

/// One answer address from a blocklist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlocklistAnswer {
    /// The answer (`127.0.0.2`).
    pub address: String,
    /// Its documented meaning.
    pub meaning: String,
    /// True for an end-user / policy listing rather than a spam listing.
    pub policy: bool,
}

/// One blocklist query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlocklistCheck {
    /// The IP queried.
    pub ip: String,
    /// The list's name.
    pub list: String,
    /// The list's zone.
    pub zone: String,
    /// Where a person can look the IP up and request removal.
    pub lookup: String,
    /// What the list said.
    pub outcome: BlocklistOutcome,
    /// The query and its answer, quoted.
    pub evidence: Vec<String>,
}

/// How the SPF record of a domain evaluates, independent of any sending IP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpfVerdict {
    /// A single valid record within the lookup limits.
    Valid,
    /// The domain publishes no SPF record.
    Missing,
    /// Receivers evaluate the record to `permerror` (syntax, several records, more than
    /// 10 DNS-querying terms, more than 2 void lookups): SPF fails for every message.
    PermError(String),
    /// Part of the record could not be fetched: receivers get `temperror`.
    TempError(String),
}

/// The SPF record of the sender's domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpfCheck {
    /// The domain checked.
    pub domain: String,
    /// The `v=spf1` record at the domain, if one.
    pub record: Option<String>,
    /// DNS-querying terms in the whole include tree (`include`, `a`, `mx`, `ptr`,
    /// `exists`, `redirect`); RFC 7208 allows 10.
    pub lookups: u32,
    /// Lookups that returned no records or NXDOMAIN; RFC 7208 suggests allowing 2.
    pub void_lookups: u32,
    /// The verdict.
    pub verdict: SpfVerdict,
    /// What `mail-auth` evaluates the record to for the sending IP, when one is known.
    pub ip_result: Option<SpfIpResult>,
    /// The records and answers, quoted.
    pub evidence: Vec<String>,
}

/// The SPF result for one IP, as a receiver would compute it (RFC 7208 `check_host`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpfIpResult {
    /// The sending IP.
    pub ip: String,
    /// `pass`, `fail`, `softfail`, `neutral`, `none`, `temperror` or `permerror`.
    pub result: String,
}

/// The DMARC record of the From domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DmarcOutcome {
    /// A record was found (at the domain or its organisational domain).
    Found(DmarcRecord),
    /// Neither the domain nor its organisational domain publishes one.
    Missing,
    /// A `v=DMARC1` record that cannot be read.
    Invalid(String),
    /// The query failed.
    Failed(DnsFailure),
}

/// A parsed DMARC record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DmarcRecord {
    /// The name it was found at (`_dmarc.example.com`).
    pub found_at: String,
    /// The record text.
    pub record: String,
    /// `p=`: none, quarantine or reject.
    pub policy: String,
    /// `sp=`, when given.
    pub subdomain_policy: Option<String>,
    /// `pct=` (100 when absent).
    pub pct: u8,
    /// `adkim=`: `r` relaxed (default) or `s` strict.
    pub adkim: String,
    /// `aspf=`: `r` relaxed (default) or `s` strict.
    pub aspf: String,
    /// `rua=`, when given.
    pub rua: Option<String>,
}

/// The DMARC check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DmarcCheck {
    /// The From domain checked.
    pub domain: String,
    /// What was found.
    pub outcome: DmarcOutcome,
    /// The queries and answers, quoted.
    pub evidence: Vec<String>,
}

/// The MX records of the sender's domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MxCheck {
    /// The domain.
    pub domain: String,
    /// `(preference, host)`, lowest preference first.
    pub hosts: Vec<(u16, String)>,
    /// A null MX (`0 .`): the domain says it accepts no mail.
    pub null_mx: bool,
    /// The query failure, if it failed.
    pub failure: Option<DnsFailure>,
    /// The query and answer, quoted.
    pub evidence: Vec<String>,
}

/// Reverse DNS of the sending IP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PtrCheck {
    /// The IP.
    pub ip: String,
    /// Names its PTR records give; empty when it has none.
    pub names: Vec<String>,
    /// Names whose A/AAAA records lead back to the IP (forward-confirmed reverse DNS).
    pub confirmed: Vec<String>,
    /// The PTR query failure, other than "no PTR".
    pub failure: Option<DnsFailure>,
    /// The queries and answers, quoted.
    pub evidence: Vec<String>,
}

/// What the DNS holds for one DKIM signature's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DkimKeyOutcome {
    /// A key is published.
    Present {
        /// `k=` (rsa when absent).
        key_type: String,
        /// The key size in bits, when it can be read.
        bits: Option<usize>,
    },
    /// The key record has an empty `p=`: the key was revoked.
    Revoked,
    /// No key record at `s._domainkey.d`.
    Missing,
    /// A record that is not a valid DKIM key.
    Invalid(String),
    /// The query failed.
    Failed(DnsFailure),
}

/// One DKIM key lookup, per `d=`/`s=` pair seen in the headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DkimKeyCheck {
    /// `d=`.
    pub domain: String,
    /// `s=`.
    pub selector: String,
    /// What was found.
    pub outcome: DkimKeyOutcome,
    /// The query and answer, quoted.
    pub evidence: Vec<String>,
}

/// What the online checks found for one message; present only when the user switched
/// them on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OnlineResults {
    /// The resolver asked ("the system resolver", "127.0.0.1:5353").
    pub resolver: String,
    /// Wall-clock time the checks took, in milliseconds.
    pub elapsed_ms: u64,
    /// True when the overall time budget ran out before every check was done.
    pub budget_exhausted: bool,
    /// One entry per blocklist queried.
    pub blocklists: Vec<BlocklistCheck>,
    /// The sender domain's SPF record.
    pub spf: Option<SpfCheck>,
    /// The From domain's DMARC record.
    pub dmarc: Option<DmarcCheck>,
    /// The sender domain's MX records.
    pub mx: Option<MxCheck>,
    /// Reverse DNS of the sending IP.
    pub ptr: Option<PtrCheck>,
    /// One entry per DKIM signature's key.
    pub dkim_keys: Vec<DkimKeyCheck>,
    /// Every query that failed where an answer was needed.
    pub failures: Vec<FailedQuery>,
    /// True when our DNS server answered no query at all (it is down, unreachable or not
    /// a DNS server): then every check above is left empty, since a failure says nothing
    /// about the domains asked, and the one finding is about our side.
    pub resolver_silent: bool,
}
