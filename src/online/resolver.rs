//! The one resolver of a run: hickory's tokio resolver with a per-query timeout, an overall
//! deadline, and a cache so a name asked twice (an SPF include shared by two records, the
//! forward lookup of a PTR name) is asked once.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{Name, RData, RecordType};

use super::{Config, Nameserver, OnlineError};
use crate::facts::online::DnsFailure;

/// Resolvers built by this process. Nothing else opens a socket for DNS, so a count that
/// stays at zero proves a run without online checks sent nothing.
static BUILT: AtomicUsize = AtomicUsize::new(0);

/// How many resolvers this process has built (see [`BUILT`]); tests use it to prove that
/// diagnosing without online checks never constructs one.
pub fn resolvers_built() -> usize {
    BUILT.load(Ordering::SeqCst)
}

/// An answer: the records of the asked type (empty for NODATA), or why there are none.
pub(crate) type Answer = Result<Vec<RData>, DnsFailure>;

/// The resolver of one run.
pub(crate) struct Resolver {
    inner: TokioResolver,
    timeout: Duration,
    deadline: Instant,
    out_of_budget: AtomicBool,
    /// Queries sent to the server (cache hits and budget skips not counted).
    asked: AtomicUsize,
    /// Queries the server answered in any way, NXDOMAIN, SERVFAIL and REFUSED included:
    /// an answer proves the server is there, a timeout or a refused socket does not.
    answered: AtomicUsize,
    cache: parking_lot::Mutex<HashMap<(String, RecordType), Answer>>,
}

impl Resolver {
    /// Builds the resolver `config` asks for; the budget starts now.
    pub(crate) fn new(config: &Config) -> Result<Self, OnlineError> {
        let mut builder = match config.nameserver {
            Nameserver::System => {
                TokioResolver::builder_tokio().map_err(|e| OnlineError::Resolver(e.to_string()))?
            }
            Nameserver::Address(addr) => {
                TokioResolver::builder_with_config(explicit(addr), TokioRuntimeProvider::default())
            }
        };
        let options: &mut ResolverOpts = builder.options_mut();
        options.timeout = config.query_timeout;
        options.attempts = 1;
        options.num_concurrent_reqs = 1;
        let inner = builder
            .build()
            .map_err(|e| OnlineError::Resolver(e.to_string()))?;
        BUILT.fetch_add(1, Ordering::SeqCst);
        Ok(Self {
            inner,
            timeout: config.query_timeout,
            deadline: Instant::now() + config.budget,
            out_of_budget: AtomicBool::new(false),
            asked: AtomicUsize::new(0),
            answered: AtomicUsize::new(0),
            cache: parking_lot::Mutex::new(HashMap::new()),
        })
    }

    /// When the budget runs out.
    pub(crate) fn deadline(&self) -> Instant {
        self.deadline
    }

    /// A `mail-auth` authenticator over this resolver: same name server, timeouts and
    /// hickory cache, no second resolver.
    pub(crate) fn authenticator(&self) -> mail_auth::MessageAuthenticator {
        mail_auth::MessageAuthenticator(self.inner.clone())
    }

    /// Time left in the budget.
    pub(crate) fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// True when a query was skipped or cut short by the budget.
    pub(crate) fn ran_out_of_budget(&self) -> bool {
        self.out_of_budget.load(Ordering::SeqCst)
    }

    /// True when queries were sent and the server answered none of them: either our own
    /// resolver is down or every name asked has dead servers ([`Self::probe`] decides).
    pub(crate) fn answered_nothing(&self) -> bool {
        self.asked.load(Ordering::SeqCst) > 0 && self.answered.load(Ordering::SeqCst) == 0
    }

    /// True when the server answers at all: asks it for the root's name servers, which
    /// any working resolver knows, outside the counts and the cache. A domain whose own
    /// servers never answer times out like a dead resolver; this tells the two apart.
    pub(crate) async fn probe(&self) -> bool {
        let lookup = self.inner.lookup(Name::root(), RecordType::NS);
        match tokio::time::timeout(self.timeout, lookup).await {
            Err(_) => false,
            Ok(Ok(_)) => true,
            Ok(Err(error)) => matches!(
                failure(&error),
                Ok(_) | Err(DnsFailure::NxDomain | DnsFailure::ServFail | DnsFailure::Refused)
            ),
        }
    }

    /// Asks for `record_type` records of `name` (an absolute name, no search domains).
    pub(crate) async fn query(&self, name: &str, record_type: RecordType) -> Answer {
        let key = (name.trim_end_matches('.').to_ascii_lowercase(), record_type);
        if let Some(answer) = self.cache.lock().get(&key).cloned() {
            return answer;
        }
        let answer = self.ask(&key.0, record_type).await;
        self.cache.lock().insert(key, answer.clone());
        answer
    }

    async fn ask(&self, name: &str, record_type: RecordType) -> Answer {
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            self.out_of_budget.store(true, Ordering::SeqCst);
            return Err(DnsFailure::OutOfBudget);
        }
        let Ok(fqdn) = Name::from_ascii(format!("{name}.")) else {
            return Err(DnsFailure::Other(format!("{name:?} is not a DNS name")));
        };
        let limit = self.timeout.min(remaining);
        self.asked.fetch_add(1, Ordering::SeqCst);
        let answer = match tokio::time::timeout(limit, self.inner.lookup(fqdn, record_type)).await {
            Err(_) if limit < self.timeout => {
                self.out_of_budget.store(true, Ordering::SeqCst);
                Err(DnsFailure::OutOfBudget)
            }
            Err(_) => Err(DnsFailure::Timeout),
            Ok(Ok(lookup)) => Ok(lookup
                .answers()
                .iter()
                .filter(|r| r.record_type() == record_type)
                .map(|r| r.data.clone())
                .collect()),
            Ok(Err(error)) => failure(&error),
        };
        if matches!(
            answer,
            Ok(_) | Err(DnsFailure::NxDomain | DnsFailure::ServFail | DnsFailure::Refused)
        ) {
            self.answered.fetch_add(1, Ordering::SeqCst);
        }
        answer
    }

    /// TXT records of `name`, each record's strings joined.
    pub(crate) async fn txt(&self, name: &str) -> Result<Vec<String>, DnsFailure> {
        let records = self.query(name, RecordType::TXT).await?;
        Ok(records
            .iter()
            .filter_map(|r| match r {
                RData::TXT(txt) => Some(
                    txt.txt_data
                        .iter()
                        .map(|part| String::from_utf8_lossy(part).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect())
    }

    /// Addresses of `name` of the family of `like` (A for IPv4, AAAA for IPv6).
    pub(crate) async fn addresses(&self, name: &str, like: IpAddr) -> Answer {
        let record_type = if like.is_ipv4() {
            RecordType::A
        } else {
            RecordType::AAAA
        };
        self.query(name, record_type).await
    }
}

/// One explicit server, UDP first and TCP for truncated answers.
fn explicit(addr: SocketAddr) -> ResolverConfig {
    let mut udp = ConnectionConfig::udp();
    udp.port = addr.port();
    let mut tcp = ConnectionConfig::tcp();
    tcp.port = addr.port();
    ResolverConfig::from_name_servers(vec![NameServerConfig::new(addr.ip(), true, vec![udp, tcp])])
}

/// Maps a resolver error to what it means for the checks: NODATA is an empty answer, not a
/// failure.
fn failure(error: &NetError) -> Answer {
    match error {
        NetError::Dns(DnsError::NoRecordsFound(none)) => match none.response_code {
            ResponseCode::NXDomain => Err(DnsFailure::NxDomain),
            ResponseCode::ServFail => Err(DnsFailure::ServFail),
            ResponseCode::Refused => Err(DnsFailure::Refused),
            _ => Ok(Vec::new()),
        },
        NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail)) => Err(DnsFailure::ServFail),
        NetError::Dns(DnsError::ResponseCode(ResponseCode::Refused)) => Err(DnsFailure::Refused),
        NetError::Dns(DnsError::ResponseCode(ResponseCode::NXDomain)) => Err(DnsFailure::NxDomain),
        NetError::Timeout => Err(DnsFailure::Timeout),
        other => Err(DnsFailure::Other(other.to_string())),
    }
}
