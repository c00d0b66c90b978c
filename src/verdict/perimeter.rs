//! Our perimeter: the tenant plus what fronts it — a security gateway the vendor profiles
//! recognise (or an inbound connector names), our hybrid on-premises servers. Whatever
//! happens inside it is ours to fix: a delay on one of its hops, an authentication failure
//! it caused (our gateway rewrote the body; Exchange Online checked SPF against our
//! gateway's IP because Enhanced Filtering is off). Outside it are the sender and the
//! recipient, and the reputation checks must look at the last IP outside it — the original
//! sender — never at our own gateway.

use std::net::IpAddr;

use crate::case::{CaseMessage, EventKind};
use crate::diagnosis::{Side, Status};
use crate::facts::MessageFacts;
use crate::facts::headers::AuthResult;
use crate::facts::headers::{BodyCheck, HeaderFacts, Operator};
use crate::knowledge::Knowledge;

/// Which way the message travelled, seen from our organisation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Direction {
    /// From outside to one of our mailboxes.
    Inbound,
    /// From one of our mailboxes to outside.
    Outbound,
    /// Between two of our mailboxes.
    Internal,
    /// The evidence does not say.
    #[default]
    Unknown,
}

/// Our gateway in front of the tenant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OurGateway {
    /// The vendor profile's id.
    pub vendor: String,
    /// The vendor's name for people.
    pub display_name: String,
    /// The IPs the gateway handed mail to Exchange Online from.
    pub ips: Vec<String>,
    /// Whether Enhanced Filtering for Connectors looks past the gateway: `Some(false)` when
    /// the connecting IP Exchange Online judged is the gateway's own, `Some(true)` when it
    /// is the original sender's, `None` when the headers do not say.
    pub enhanced_filtering: Option<bool>,
}

/// What the evidence says about our perimeter for one message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Perimeter {
    /// Inbound, outbound or internal.
    pub direction: Direction,
    /// Domains the evidence shows as ours (lower case): the domains of recipients whose
    /// mailboxes we deliver to, the sender's domain of mail our organisation sent.
    pub our_domains: Vec<String>,
    /// Our gateway in front of the tenant, when one relayed the message in.
    pub gateway: Option<OurGateway>,
    /// Received hops (1-based) whose receiving host is inside the perimeter.
    pub inside_hops: Vec<u32>,
    /// The last IP outside the perimeter: the server of the original sender, the one a
    /// blocklist, PTR or reputation check is about.
    pub sender_ip: Option<String>,
    /// The IP Exchange Online checked SPF against.
    pub spf_ip: Option<String>,
    /// SPF did not pass because Exchange Online checked it against our gateway's IP
    /// (Enhanced Filtering off): a failure caused inside the perimeter.
    pub spf_against_gateway: bool,
    /// DKIM's body hash no longer matches and the only system between the sender's server
    /// and Exchange Online is our gateway: it rewrote the body.
    pub body_rewritten_by_gateway: bool,
}

impl Perimeter {
    /// True when an authentication failure was caused inside the perimeter.
    pub fn auth_fault_inside(&self) -> bool {
        self.spf_against_gateway || self.body_rewritten_by_gateway
    }

    /// True when the message came from outside to us.
    pub fn inbound(&self) -> bool {
        self.direction == Direction::Inbound
    }

    /// True when our organisation sent it (outbound or internal).
    pub fn we_sent(&self) -> bool {
        matches!(self.direction, Direction::Outbound | Direction::Internal)
    }

    /// True when `text` (a defer or bounce reason) names our gateway's IP: a code about
    /// the connection from our own gateway is about our side, not the sender's.
    pub fn names_our_gateway(&self, text: &str) -> bool {
        self.gateway.as_ref().is_some_and(|g| {
            g.ips
                .iter()
                .any(|ip| text.contains(&format!("[{ip}]")) || text.contains(&format!(" {ip} ")))
        })
    }

    /// The side a status code's table entry names, read against the perimeter: a
    /// "sender" code about the connection from our own gateway (EOP throttling the
    /// gateway's IP) is our tenant's to fix.
    pub fn code_side(&self, side: Side, reason: &str) -> Side {
        match side {
            Side::Sender if self.names_our_gateway(reason) => Side::Tenant,
            side => side,
        }
    }

    /// True when the Received hop `index` (1-based) was received inside the perimeter.
    pub fn hop_inside(&self, index: u32) -> bool {
        self.inside_hops.contains(&index)
    }
}

fn domain_of(address: &str) -> Option<String> {
    let address = address.trim().trim_matches(['<', '>']);
    let domain = address.rsplit_once('@')?.1.trim().trim_end_matches('>');
    (!domain.is_empty()).then(|| domain.to_ascii_lowercase())
}

fn bare_ip(text: &str) -> String {
    text.trim().trim_matches(['[', ']']).to_ascii_lowercase()
}

fn is_public(text: &str) -> bool {
    match bare_ip(text).parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || (a == 100 && (64..128).contains(&b)))
        }
        Ok(IpAddr::V6(v6)) => {
            let first = v6.segments().first().copied().unwrap_or(0);
            !(v6.is_loopback()
                || v6.is_unspecified()
                || first & 0xfe00 == 0xfc00
                || first & 0xffc0 == 0xfe80)
        }
        Err(_) => false,
    }
}

/// The direction the anti-spam stamps give (`DIR:INB`, `DIR:OUT`, `DIR:INT`).
fn stamped_direction(headers: &HeaderFacts) -> Option<Direction> {
    match headers.spam.verdict("DIR").as_deref() {
        Some("INB") => Some(Direction::Inbound),
        Some("OUT") => Some(Direction::Outbound),
        Some("INT") => Some(Direction::Internal),
        _ if headers.spam.internal() => Some(Direction::Internal),
        _ => None,
    }
}

/// The direction a trace's directionality column gives (`Incoming`/`1`,
/// `Originating`/`2`).
fn traced_direction(message: &CaseMessage) -> Option<Direction> {
    message
        .traces
        .iter()
        .filter_map(|t| t.directionality.as_deref())
        .find_map(|d| match d.trim().to_ascii_lowercase().as_str() {
            "incoming" | "inbound" | "1" => Some(Direction::Inbound),
            "originating" | "outbound" | "outgoing" | "2" => Some(Direction::Outbound),
            _ => None,
        })
}

/// Derives the perimeter of one message.
pub fn derive(message: &CaseMessage, facts: &MessageFacts, knowledge: &Knowledge) -> Perimeter {
    let headers = facts.headers.as_ref();
    let sender_domain = message
        .traces
        .iter()
        .find_map(|t| t.sender.as_deref())
        .or_else(|| message.headers.first().and_then(|h| h.from.as_deref()))
        .or_else(|| {
            message
                .ndrs
                .iter()
                .find_map(|n| n.original_sender.as_deref())
        })
        .and_then(domain_of);
    // The recipients the trace names, else the bounce's.
    let mut recipient_domains: Vec<String> = facts
        .recipients
        .iter()
        .flat_map(|r| r.recipient.split(','))
        .filter_map(domain_of)
        .collect();
    if recipient_domains.is_empty() {
        recipient_domains = message
            .ndrs
            .iter()
            .flat_map(|n| &n.recipients)
            .filter_map(|r| domain_of(r))
            .collect();
    }

    // Accepted domains the evidence shows: a mailbox we delivered to (a folder, not a
    // hand-off) is ours; mail we sent is from our domain.
    let mut our_domains: Vec<String> = Vec::new();
    for r in &facts.recipients {
        let in_folder = matches!(r.status, Status::Delivered | Status::Junk)
            && r.location.as_ref().is_some_and(|l| !l.is_hand_off());
        let in_mailbox = in_folder || r.status == Status::Quarantined;
        if in_mailbox {
            our_domains.extend(r.recipient.split(',').filter_map(domain_of));
        }
    }
    let stamped = headers.and_then(stamped_direction);
    let traced = traced_direction(message);
    let declared = stamped.or(traced);
    match declared {
        Some(Direction::Inbound) => our_domains.extend(recipient_domains.iter().cloned()),
        Some(Direction::Outbound | Direction::Internal) => {
            our_domains.extend(sender_domain.clone());
        }
        _ => {}
    }
    // A bounce a user brings to the help desk answers mail our organisation sent; a
    // message submitted from a mailbox (a Submit event, `MapiSubmit`) is ours too.
    let submitted = message.traces.iter().flat_map(|t| &t.events).any(|e| {
        e.kind == EventKind::Submit
            || e.data_value("SourceContext")
                .is_some_and(|c| c.eq_ignore_ascii_case("MapiSubmit"))
    });
    if submitted || (!message.ndrs.is_empty() && message.traces.is_empty()) {
        our_domains.extend(sender_domain.clone());
    }
    // Our own Exchange Online's resolver answering "recipient not found" looked the address
    // up among our accepted domains.
    if facts
        .codes
        .iter()
        .any(|c| c.generated_locally() && c.source_line.contains("RESOLVER.ADR"))
    {
        our_domains.extend(recipient_domains.iter().cloned());
    }
    our_domains.sort();
    our_domains.dedup();

    let ours = |d: &String| our_domains.contains(d);
    let sender_ours = sender_domain.as_ref().is_some_and(ours);
    let recipients_ours = !recipient_domains.is_empty() && recipient_domains.iter().all(ours);
    let direction = match declared {
        Some(Direction::Outbound) if recipients_ours => Direction::Internal,
        Some(d) => d,
        None if sender_ours && recipients_ours => Direction::Internal,
        None if sender_ours => Direction::Outbound,
        None if recipients_ours => Direction::Inbound,
        None => Direction::Unknown,
    };

    let mut perimeter = Perimeter {
        direction,
        our_domains,
        ..Perimeter::default()
    };
    if let Some(headers) = headers {
        inspect_chain(&mut perimeter, message, facts, headers, knowledge);
    }
    if perimeter.sender_ip.is_none() && perimeter.direction == Direction::Inbound {
        perimeter.sender_ip = message
            .traces
            .iter()
            .filter_map(|t| t.from_ip.as_deref())
            .find(|ip| is_public(ip))
            .map(bare_ip);
    }
    perimeter
}

/// Reads the Received chain and the authentication stamps against our gateway.
fn inspect_chain(
    perimeter: &mut Perimeter,
    message: &CaseMessage,
    facts: &MessageFacts,
    headers: &HeaderFacts,
    knowledge: &Knowledge,
) {
    find_our_gateway(perimeter, message, facts, headers, knowledge);
    mark_inside_hops(perimeter, headers);
    check_against_gateway(perimeter, headers);
}

/// Our gateway: the vendor whose host handed the message to Microsoft 365's entry hop, or
/// one the trace shows on our connectors; with its IPs and whether Enhanced Filtering
/// looked past it.
fn find_our_gateway(
    perimeter: &mut Perimeter,
    message: &CaseMessage,
    facts: &MessageFacts,
    headers: &HeaderFacts,
    knowledge: &Knowledge,
) {
    let chain = &headers.chain;
    let entry = chain.entry_hop();
    // Our gateway: the vendor whose host handed the message to Microsoft 365's entry hop,
    // or one the trace shows on our connectors.
    let entry_from_vendor = entry.and_then(|hop| {
        [hop.fields.from.as_deref(), hop.fields.helo.as_deref()]
            .into_iter()
            .flatten()
            .flat_map(str::split_whitespace)
            .find_map(|host| knowledge.vendors.for_host(host))
    });
    let gateway = facts.gateways.iter().find(|g| {
        entry_from_vendor.is_some_and(|p| p.id == g.vendor)
            || !g.arrivals.is_empty()
            || !g.hand_offs.is_empty()
    });
    if perimeter.direction != Direction::Outbound
        && let Some(g) = gateway
    {
        let mut ips: Vec<String> = entry
            .filter(|_| entry_from_vendor.is_some_and(|p| p.id == g.vendor))
            .and_then(|hop| hop.fields.from_ip.as_deref())
            .map(bare_ip)
            .into_iter()
            .collect();
        ips.extend(
            g.arrivals
                .iter()
                .filter_map(|&n| facts.journeys.get(n))
                .filter_map(|j| message.traces.get(j.record))
                .filter_map(|r| r.from_ip.as_deref())
                .map(bare_ip),
        );
        ips.sort();
        ips.dedup();
        let cip = headers.antispam.client_ip.as_deref().map(bare_ip);
        let original_sender_stamp = headers
            .spam
            .organization_value("X-MS-Exchange-ExternalOriginalInternetSender")
            .is_some()
            || message.headers.first().is_some_and(|h| {
                h.block
                    .get("X-MS-Exchange-ExternalOriginalInternetSender")
                    .is_some()
            });
        let enhanced_filtering = match &cip {
            Some(ip) if ips.contains(ip) => Some(false),
            Some(_) if !ips.is_empty() => Some(true),
            _ if original_sender_stamp => Some(true),
            _ => None,
        };
        perimeter.gateway = Some(OurGateway {
            vendor: g.vendor.clone(),
            display_name: g.display_name.clone(),
            ips,
            enhanced_filtering,
        });
    }
}

/// The hops received inside our perimeter, and the last public IP outside it.
fn mark_inside_hops(perimeter: &mut Perimeter, headers: &HeaderFacts) {
    let chain = &headers.chain;
    // Hops received inside the perimeter: Microsoft 365's and our gateway's, and for mail
    // we sent, our own servers before Microsoft 365 (hybrid on-premises).
    let ours_vendor = perimeter.gateway.as_ref().map(|g| g.vendor.clone());
    let our_host = |host: Option<&str>| {
        host.and_then(|h| h.split_whitespace().next())
            .map(|h| h.trim_end_matches('.').to_ascii_lowercase())
            .is_some_and(|h| {
                perimeter
                    .our_domains
                    .iter()
                    .any(|d| h == *d || h.ends_with(&format!(".{d}")))
            })
    };
    let mut inside = Vec::new();
    for hop in &chain.hops {
        let receiver_ours = match &hop.operator {
            Operator::Microsoft365 => true,
            Operator::Gateway { id, .. } => ours_vendor.as_deref() == Some(id.as_str()),
            Operator::Sender | Operator::Unknown => {
                perimeter.direction != Direction::Inbound && our_host(hop.fields.by.as_deref())
            }
            Operator::Recipient => perimeter.direction == Direction::Internal,
        };
        if receiver_ours {
            inside.push(hop.index);
        }
    }
    // The last IP outside: the sending IP of the first hop received inside, for mail from
    // outside; a private address (a relay behind the sender's edge) says nothing.
    if perimeter.direction != Direction::Outbound && perimeter.direction != Direction::Internal {
        perimeter.sender_ip = chain
            .hops
            .iter()
            .find(|h| inside.contains(&h.index))
            .and_then(|h| h.fields.from_ip.as_deref())
            .filter(|ip| is_public(ip))
            .map(bare_ip)
            .filter(|ip| {
                !perimeter
                    .gateway
                    .as_ref()
                    .is_some_and(|g| g.ips.contains(ip))
            })
            .or_else(|| {
                headers
                    .antispam
                    .client_ip
                    .as_deref()
                    .filter(|ip| is_public(ip))
                    .map(bare_ip)
                    .filter(|ip| {
                        !perimeter
                            .gateway
                            .as_ref()
                            .is_some_and(|g| g.ips.contains(ip))
                    })
            });
    }
    perimeter.inside_hops = inside;
}

/// Whether SPF was checked against our gateway's IP, and whether our gateway changed the
/// body after the sender signed it.
fn check_against_gateway(perimeter: &mut Perimeter, headers: &HeaderFacts) {
    let chain = &headers.chain;
    let entry = chain.entry_hop();
    // The IP SPF was checked against: Received-SPF's client-ip, the "sender IP is" comment,
    // else the CIP.
    let auth = &headers.auth;
    let spf_result = auth.trusted().and_then(|t| t.first("spf"));
    let spf_ip = auth
        .received_spf
        .first()
        .and_then(|s| s.client_ip.as_deref())
        .or_else(|| {
            spf_result
                .and_then(|r| r.comment.as_deref())
                .and_then(|c| c.trim().strip_prefix("sender IP is"))
        })
        .or(headers.antispam.client_ip.as_deref())
        .map(bare_ip);
    let spf_failed = spf_result.is_some_and(|r| {
        !matches!(
            r.result,
            AuthResult::Pass | AuthResult::BestGuessPass | AuthResult::None
        )
    });
    if let Some(g) = &perimeter.gateway {
        perimeter.spf_against_gateway = spf_failed
            && g.enhanced_filtering != Some(true)
            && spf_ip.as_ref().is_some_and(|ip| g.ips.contains(ip));
        // The body changed after signing, and our gateway is the only system between the
        // sender's last server and Microsoft 365.
        let body_changed = auth
            .dkim
            .iter()
            .any(|c| matches!(c.body, BodyCheck::Differs { .. }))
            || auth.trusted().is_some_and(|t| {
                t.all("dkim").any(|r| {
                    r.result == AuthResult::Fail
                        && r.comment
                            .as_deref()
                            .is_some_and(|c| c.to_ascii_lowercase().contains("body hash"))
                })
            });
        let gateway_hops: Vec<u32> = chain
            .hops
            .iter()
            .filter(|h| matches!(&h.operator, Operator::Gateway { id, .. } if *id == g.vendor))
            .map(|h| h.index)
            .collect();
        let only_gateway_between = entry.is_some_and(|e| {
            !gateway_hops.is_empty()
                && chain
                    .hops
                    .iter()
                    .filter(|h| h.index < e.index)
                    .skip_while(|h| !gateway_hops.contains(&h.index))
                    .all(|h| gateway_hops.contains(&h.index))
        });
        perimeter.body_rewritten_by_gateway = body_changed && only_gateway_between;
    }
    perimeter.spf_ip = spf_ip;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_shared_addresses_are_not_senders() {
        assert!(!is_public("10.20.4.17"));
        assert!(!is_public("[100.64.1.1]"));
        assert!(!is_public("fe80::1"));
        assert!(is_public("192.0.2.25"));
        assert!(is_public("2001:db8::25"));
    }

    #[test]
    fn domains_are_read_from_addresses() {
        assert_eq!(
            domain_of("<Megan.Bowen@Contoso.com>").as_deref(),
            Some("contoso.com")
        );
        assert_eq!(domain_of("no address"), None);
    }
}
