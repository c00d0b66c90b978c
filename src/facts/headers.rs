//! What a header block proves: the Received chain, authentication results and the
//! anti-spam verdict, in the contract's terms ([`Hop`], [`Authentication`], [`Antispam`])
//! and in full detail for the step-4 analyzers.
//!
//! The verdict Microsoft 365 recorded is the authority: the Authentication-Results it
//! stamped (no authserv-id, carries `compauth`, sits above the hop where it received the
//! message) wins over any other receiver's or any stamped before it arrived.

pub mod alignment;
pub mod antispam;
pub mod arc;
pub mod auth_results;
pub mod chain;
pub mod dkim_body;
pub mod dkim_signature;
pub mod received;
pub mod received_date;
pub mod received_tls;

use super::location::{HandOffTarget, InboxNote, JunkNote, Location, QuarantineNote};
use crate::case::{HeaderBlock, HeaderSource, MessageHeaders};
use crate::diagnosis::{Antispam, Authentication, Hop, Status};
use crate::knowledge::Knowledge;

pub use alignment::Alignment;
pub use antispam::{AntispamFacts, FilterSkip, SpamField};
pub use arc::ArcChain;
pub use auth_results::{AuthResult, AuthResults, MethodResult, ReceivedSpf};
pub use chain::{Operator, ReceivedChain, ReceivedHop};
pub use dkim_body::BodyCheck;
pub use dkim_signature::DkimSignature;

/// A DKIM signature and what the offline body-hash check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DkimCheck {
    /// The signature's tags.
    pub signature: DkimSignature,
    /// The body-hash comparison.
    pub body: BodyCheck,
}

/// Microsoft's composite authentication, decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Compauth {
    /// `pass`, `fail`, `softpass`, `none`.
    pub result: AuthResult,
    /// The reason code (`001`).
    pub reason: Option<String>,
    /// What the reason code means.
    pub meaning: Option<String>,
    /// What to do about it.
    pub advice: Option<String>,
}

/// Who wrote the Authentication-Results the contract reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AuthAuthority {
    /// Microsoft 365 stamped it.
    Microsoft365,
    /// Another receiver (the message was read from another mailbox system).
    OtherReceiver,
    /// No Authentication-Results could be trusted.
    #[default]
    None,
}

/// Every authentication header of the message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthFacts {
    /// Every Authentication-Results-like header (`Authentication-Results`,
    /// `Authentication-Results-Original`, `X-MS-Exchange-Authentication-Results`), topmost
    /// first.
    pub results: Vec<AuthResults>,
    /// Index into `results` of the one the contract reports.
    pub trusted: Option<usize>,
    /// Who wrote the trusted one.
    pub authority: AuthAuthority,
    /// The trusted one sits below the hop where Microsoft 365 received the message, where
    /// Exchange Online never writes it: the headers were reordered, or it is forged.
    pub trusted_out_of_place: bool,
    /// Received-SPF headers, topmost first.
    pub received_spf: Vec<ReceivedSpf>,
    /// The ARC chain.
    pub arc: ArcChain,
    /// DKIM signatures with their body-hash checks, topmost first.
    pub dkim: Vec<DkimCheck>,
    /// Identifier alignment.
    pub alignment: Alignment,
    /// compauth, decoded.
    pub compauth: Option<Compauth>,
}

impl AuthFacts {
    /// The trusted Authentication-Results.
    pub fn trusted(&self) -> Option<&AuthResults> {
        self.trusted.and_then(|i| self.results.get(i))
    }

    /// The trusted result of `method`.
    pub fn result(&self, method: &str) -> Option<&AuthResult> {
        self.trusted()
            .and_then(|r| r.first(method))
            .map(|r| &r.result)
    }
}

/// Facts derived from one message's headers.
#[derive(Clone, Debug, Default)]
pub struct HeaderFacts {
    /// Received hops, oldest first (contract form).
    pub hops: Vec<Hop>,
    /// Authentication results as Microsoft 365 recorded them (contract form).
    pub authentication: Authentication,
    /// Anti-spam verdict fields (contract form).
    pub antispam: Antispam,
    /// Where the headers prove the message was placed (`dest:J` → Junk, a quarantine
    /// stamp, …), used when no trace says so.
    pub placement: Option<(Status, Location)>,
    /// The Received chain in detail.
    pub chain: ReceivedChain,
    /// Authentication in detail.
    pub auth: AuthFacts,
    /// Every anti-spam field, decoded.
    pub spam: AntispamFacts,
    /// The input had a body (the DKIM body hash could be checked).
    pub has_body: bool,
    /// Where the headers came from.
    pub source: Option<HeaderSource>,
    /// The From header as written.
    pub from: Option<String>,
}

/// Categories that quarantine by default when no mailbox delivery stamp says otherwise.
const QUARANTINE_CATEGORIES: &[&str] = &["HPHSH", "HPHISH", "PHSH", "MALW", "AMP", "SAP", "FTBP"];

/// Derives the header facts of `headers` with `knowledge` (whose gateway profiles name
/// the Received hops).
pub fn derive(headers: &MessageHeaders, knowledge: &Knowledge) -> HeaderFacts {
    let block = &headers.block;
    let chain = chain::build(block, knowledge);
    let spam = AntispamFacts::read(block, &knowledge.antispam);
    let from = block
        .get("From")
        .map(str::to_owned)
        .or_else(|| headers.from.clone());
    let auth = auth_facts(headers, &chain, from.as_deref(), knowledge);
    let hops = chain
        .hops
        .iter()
        .map(|h| Hop {
            index: h.index,
            from: h.fields.from.clone(),
            by: h.fields.by.clone(),
            with: h.fields.with.clone(),
            time: h.fields.date.map(|d| d.time.to_rfc3339()),
            delay_seconds: h.delay_ms.map(|d| d as f64 / 1000.0),
            tls: h.fields.tls_version.clone(),
            ip: h.fields.from_ip.clone(),
            operator: Some(h.operator.contract()),
        })
        .collect();
    HeaderFacts {
        hops,
        authentication: contract_authentication(&auth),
        antispam: contract_antispam(&spam),
        placement: outbound_placement(&spam, &chain)
            .or_else(|| senders_copy_placement(&spam, &chain, block))
            .or_else(|| placement(&spam)),
        chain,
        auth,
        spam,
        has_body: headers.body.is_some(),
        source: Some(headers.source),
        from,
    }
}

fn is_microsoft_results(results: &AuthResults, knowledge: &Knowledge) -> bool {
    match results.authserv_id.as_deref() {
        Some(id) => knowledge.antispam.is_microsoft_host(id),
        None => {
            results.has_compauth()
                || results
                    .first("spf")
                    .and_then(|r| r.comment.as_deref())
                    .is_some_and(|c| c.to_ascii_lowercase().starts_with("sender ip is"))
        }
    }
}

/// Every authentication field of the block, read: results, Received-SPF, DKIM
/// signatures with their body hash checked.
fn read_fields(headers: &MessageHeaders) -> AuthFacts {
    let block = &headers.block;
    let mut facts = AuthFacts::default();
    for (position, field) in block.fields.iter().enumerate() {
        let name = field.name.to_ascii_lowercase();
        match name.as_str() {
            "authentication-results"
            | "authentication-results-original"
            | "x-ms-exchange-authentication-results" => {
                let (instance, authserv_id, results) = auth_results::parse(&field.value);
                facts.results.push(AuthResults {
                    header: field.name.clone(),
                    position,
                    instance,
                    authserv_id,
                    results,
                    value: field.value.clone(),
                });
            }
            "received-spf" => facts
                .received_spf
                .push(auth_results::parse_received_spf(&field.value, position)),
            "dkim-signature" => {
                let signature = DkimSignature::parse(&field.value, position);
                let body = if facts.dkim.len() < dkim_body::MAX_CHECKED {
                    dkim_body::check(&signature, headers.body.as_deref())
                } else {
                    BodyCheck::NotChecked(dkim_body::NotChecked::TooMany)
                };
                facts.dkim.push(DkimCheck { signature, body });
            }
            _ => {}
        }
    }
    facts
}

/// Which Authentication-Results to trust: Microsoft's own above the entry hop, else one
/// out of place (a reordered paste), else another receiver's above the entry hop.
fn choose_trusted(facts: &mut AuthFacts, chain: &ReceivedChain, knowledge: &Knowledge) {
    // Stamped after the message reached Microsoft 365: above the entry hop's Received.
    let entry_position = chain.entry_hop().map(|h| h.position);
    let after_entry = |r: &AuthResults| entry_position.is_none_or(|p| r.position < p);
    let primary = |r: &AuthResults| r.header.eq_ignore_ascii_case("Authentication-Results");
    let microsoft = facts
        .results
        .iter()
        .position(|r| primary(r) && after_entry(r) && is_microsoft_results(r, knowledge));
    // A Microsoft-style result below the entry hop: the paste reordered the headers.
    let reordered = facts
        .results
        .iter()
        .position(|r| primary(r) && is_microsoft_results(r, knowledge));
    let other = facts
        .results
        .iter()
        .position(|r| primary(r) && after_entry(r));
    let (trusted, authority) = match (microsoft, reordered, other) {
        (Some(i), _, _) => (Some(i), AuthAuthority::Microsoft365),
        (None, Some(i), _) => {
            facts.trusted_out_of_place = true;
            (Some(i), AuthAuthority::Microsoft365)
        }
        (None, None, Some(i)) => (Some(i), AuthAuthority::OtherReceiver),
        (None, None, None) => (None, AuthAuthority::None),
    };
    facts.trusted = trusted;
    facts.authority = authority;
}

fn auth_facts(
    headers: &MessageHeaders,
    chain: &ReceivedChain,
    from: Option<&str>,
    knowledge: &Knowledge,
) -> AuthFacts {
    let block = &headers.block;
    let mut facts = read_fields(headers);
    facts.arc = arc::chain(block);
    facts
        .arc
        .mark_microsoft(|host| knowledge.antispam.is_microsoft_host(host));

    choose_trusted(&mut facts, chain, knowledge);
    let entry_position = chain.entry_hop().map(|h| h.position);

    let trusted = facts.trusted.and_then(|i| facts.results.get(i));
    facts.compauth = trusted.and_then(|r| r.first("compauth")).map(|c| {
        let entry = c
            .reason
            .as_deref()
            .and_then(|reason| knowledge.antispam.compauth(reason));
        Compauth {
            result: c.result.clone(),
            reason: c.reason.clone(),
            meaning: entry.map(|e| e.meaning.clone()),
            advice: entry.and_then(|e| e.advice.clone()),
        }
    });

    let header_from = trusted
        .and_then(|r| r.first("dmarc"))
        .and_then(|d| d.property("header.from"))
        .map(str::to_owned)
        .or_else(|| from.map(str::to_owned));
    let mail_from = trusted
        .and_then(|r| r.first("spf"))
        .and_then(|s| s.property("smtp.mailfrom"))
        .map(str::to_owned)
        .or_else(|| {
            facts
                .received_spf
                .iter()
                .find(|s| entry_position.is_none_or(|p| s.position < p))
                .and_then(|s| s.envelope_from.clone())
        })
        .or_else(|| block.get("Return-Path").map(str::to_owned));
    let mut dkim_domains: Vec<(String, Option<AuthResult>)> = trusted
        .map(|r| {
            r.all("dkim")
                .filter_map(|d| {
                    d.property("header.d")
                        .or_else(|| d.property("header.i"))
                        .map(|domain| (domain.to_owned(), Some(d.result.clone())))
                })
                .collect()
        })
        .unwrap_or_default();
    for check in &facts.dkim {
        let Some(domain) = check.signature.domain.as_deref() else {
            continue;
        };
        let known = dkim_domains
            .iter()
            .any(|(d, _)| alignment::domain_of(d).as_deref() == Some(domain));
        if !known {
            dkim_domains.push((domain.to_owned(), None));
        }
    }
    facts.alignment = alignment::align(
        header_from.as_deref(),
        mail_from.as_deref(),
        &dkim_domains,
        &knowledge.antispam,
    );
    facts
}

fn contract_authentication(auth: &AuthFacts) -> Authentication {
    let trusted = auth.trusted();
    let word = |method: &str| {
        trusted
            .and_then(|r| r.first(method))
            .and_then(MethodResult::contract_result)
    };
    let dkim = trusted.and_then(|r| {
        r.all("dkim")
            .find(|d| d.result == AuthResult::Pass)
            .or_else(|| r.first("dkim"))
            .and_then(MethodResult::contract_result)
    });
    let spf = word("spf").or_else(|| {
        if trusted.is_some() {
            return None;
        }
        auth.received_spf
            .first()
            .and_then(|s| AuthResult::parse(&s.result).contract())
            .map(str::to_owned)
    });
    // Microsoft's own ARC-Authentication-Results, then the trusted results; otherwise the
    // newest seal's cv= (a chain broken in its structure fails).
    let arc = auth
        .arc
        .microsoft_result()
        .or_else(|| word("arc"))
        .or_else(|| auth.arc.is_broken().then(|| "fail".to_owned()))
        .or_else(|| auth.arc.newest_cv());
    Authentication {
        spf,
        dkim,
        dmarc: word("dmarc"),
        arc,
        compauth: word("compauth"),
        compauth_reason: auth.compauth.as_ref().and_then(|c| c.reason.clone()),
        alignment: auth.alignment.contract(),
    }
}

fn contract_antispam(spam: &AntispamFacts) -> Antispam {
    let nonempty = |v: Option<&str>| v.filter(|v| !v.is_empty()).map(str::to_owned);
    Antispam {
        scl: spam
            .scl()
            .filter(|s| (-1..=9).contains(s))
            .and_then(|s| i8::try_from(s).ok()),
        bcl: spam
            .bcl()
            .filter(|s| (0..=9).contains(s))
            .and_then(|s| u8::try_from(s).ok()),
        pcl: spam
            .pcl()
            .filter(|s| (0..=8).contains(s))
            .and_then(|s| u8::try_from(s).ok()),
        sfv: spam.verdict("SFV"),
        cat: spam.verdict("CAT"),
        ipv: spam.verdict("IPV"),
        country: nonempty(spam.report_value("CTRY")),
        client_ip: nonempty(spam.report_value("CIP")),
    }
}

/// Where an outgoing message went: Exchange Online stamps `DIR:OUT` on mail the
/// organization sends, and its verdict is the outbound filter's, not a mailbox's. Headers
/// with it are the recipient's copy; the first hop after Microsoft 365 names the server it
/// was handed to, and where that server filed it is the receiving side's to tell.
fn outbound_placement(spam: &AntispamFacts, chain: &ReceivedChain) -> Option<(Status, Location)> {
    if !spam
        .report_value("DIR")
        .is_some_and(|d| d.trim().eq_ignore_ascii_case("OUT"))
    {
        return None;
    }
    let handed_to = chain
        .hops
        .iter()
        .skip_while(|h| h.operator != Operator::Microsoft365)
        .find(|h| h.operator != Operator::Microsoft365)
        .and_then(|h| h.fields.by.clone());
    Some((
        Status::Delivered,
        Location::HandedTo(HandOffTarget::Outgoing(handed_to)),
    ))
}

/// The sender's own copy: stamped inside the organization at submission, with no hop past
/// the client's submission (`with mapi`, HTTP) and none of the stamps transport and the
/// recipient's mailbox write (the spam filter's report, the mailbox folder, the end-to-end
/// latency). Read as a delivered copy it would say "Delivered to Inbox" about a message
/// that may never have arrived.
fn senders_copy_placement(
    spam: &AntispamFacts,
    chain: &ReceivedChain,
    block: &HeaderBlock,
) -> Option<(Status, Location)> {
    // Most messages come from outside: the internal stamps are asked first.
    let submitted_only = || {
        chain.hops.iter().all(|hop| {
            hop.fields.with.as_deref().is_some_and(|with| {
                ["mapi", "http", "https"]
                    .iter()
                    .any(|client| with.eq_ignore_ascii_case(client))
            })
        })
    };
    let delivery_stamped = || {
        spam.mailbox_value("dest").is_some()
            || block.get("X-Forefront-Antispam-Report").is_some()
            || block
                .get("X-MS-Exchange-Transport-EndToEndLatency")
                .is_some()
    };
    (spam.internal() && submitted_only() && !delivery_stamped())
        .then_some((Status::Unknown, Location::SendersCopy))
}

/// Where the headers prove the message was placed, when no trace says so.
fn placement(spam: &AntispamFacts) -> Option<(Status, Location)> {
    let sfv = spam.verdict("SFV").unwrap_or_default();
    let cat = spam.verdict("CAT").unwrap_or_default();
    let scl = spam.scl();
    let dest = spam
        .mailbox_value("dest")
        .map(|d| d.trim().to_ascii_uppercase())
        .filter(|d| !d.is_empty());
    let skip = spam.filter_skip();
    let quarantine_stamp = spam
        .organization_value("X-MS-Exchange-Organization-Quarantine")
        .is_some()
        && sfv != "SKQ";
    if dest.is_none() && (quarantine_stamp || QUARANTINE_CATEGORIES.contains(&cat.as_str())) {
        return Some((
            Status::Quarantined,
            Location::Quarantine(QuarantineNote::HeaderCategory(if cat.is_empty() {
                "?".to_owned()
            } else {
                cat.clone()
            })),
        ));
    }
    if let Some(dest) = dest {
        // A message the spam filter called clean and the mailbox filed in Junk: the
        // recipient's Blocked Senders, or their "Safe Senders only" option, decided.
        return match dest.as_str() {
            "J" if spam.filter_said_not_spam() => {
                Some((Status::Junk, Location::Junk(JunkNote::UserSettings)))
            }
            "J" => Some((Status::Junk, Location::Junk(JunkNote::Plain))),
            "I" => Some((
                Status::Delivered,
                Location::Inbox(skip.map_or(InboxNote::Plain, InboxNote::Skipped)),
            )),
            "C" => Some((Status::Delivered, Location::CustomFolder)),
            "D" => Some((Status::Delivered, Location::DeletedItems)),
            _ => None,
        };
    }
    if let Some(skip @ (FilterSkip::Rule | FilterSkip::Internal)) = skip {
        return Some((Status::Delivered, Location::Inbox(InboxNote::Skipped(skip))));
    }
    if matches!(sfv.as_str(), "SPM" | "SKS" | "SKB" | "BLK") || scl.is_some_and(|s| s >= 5) {
        return Some((Status::Junk, Location::Junk(JunkNote::DefaultSpamAction)));
    }
    if matches!(sfv.as_str(), "NSPM" | "SFE" | "SKA" | "SKI" | "SKQ") {
        return Some((Status::Delivered, Location::Inbox(InboxNote::NotFiltered)));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{HeaderBlock, HeaderField};

    fn headers(fields: &[(&str, &str)]) -> MessageHeaders {
        MessageHeaders::new(
            HeaderSource::Pasted,
            HeaderBlock {
                fields: fields
                    .iter()
                    .map(|(n, v)| HeaderField {
                        name: (*n).to_owned(),
                        value: (*v).to_owned(),
                        raw: format!("{n}: {v}"),
                    })
                    .collect(),
                ..HeaderBlock::default()
            },
        )
    }

    const ENTRY: &str = "from mx.sender.example (203.0.113.77) by CH1PEPF0000AD7C.mail.protection.outlook.com (10.167.244.84) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8511.15 via Frontend Transport; Thu, 6 Mar 2025 13:40:10 +0000";

    #[test]
    fn trusts_microsofts_results_above_the_entry_hop_only() {
        let facts = derive(
            &headers(&[
                (
                    "Received",
                    "from CH1PEPF0000AD7C.namprd04.prod.outlook.com (2603:10b6:610:cd:cafe::f3) by CH0PR03CA0099.outlook.office365.com with Microsoft SMTP Server; Thu, 6 Mar 2025 13:40:11 +0000",
                ),
                (
                    "Authentication-Results",
                    "spf=fail (sender IP is 203.0.113.77) smtp.mailfrom=sender.example; dkim=none (message not signed) header.d=none;dmarc=fail action=oreject header.from=bank.example;compauth=fail reason=000",
                ),
                ("Received", ENTRY),
                (
                    "Authentication-Results",
                    "mx.sender.example; spf=pass smtp.mailfrom=bank.example; dkim=pass header.d=bank.example; dmarc=pass",
                ),
                ("From", "Bank <alerts@bank.example>"),
            ]),
            crate::testing::knowledge(),
        );
        assert_eq!(facts.auth.authority, AuthAuthority::Microsoft365);
        assert_eq!(facts.authentication.spf.as_deref(), Some("fail"));
        assert_eq!(facts.authentication.dmarc.as_deref(), Some("fail"));
        assert_eq!(facts.authentication.compauth.as_deref(), Some("fail"));
        assert_eq!(facts.authentication.compauth_reason.as_deref(), Some("000"));
        assert!(
            facts
                .auth
                .compauth
                .as_ref()
                .is_some_and(|c| c.meaning.is_some())
        );
        assert_eq!(facts.hops.len(), 2);
        assert_eq!(facts.hops[0].operator.as_deref(), Some("microsoft365"));
        assert_eq!(facts.hops[0].ip.as_deref(), Some("203.0.113.77"));
        assert_eq!(facts.hops[0].tls.as_deref(), Some("TLS1.2"));
        assert_eq!(facts.hops[1].delay_seconds, Some(1.0));
    }

    #[test]
    fn placement_from_the_stamps() {
        let place = |fields: &[(&str, &str)]| {
            derive(&headers(fields), crate::testing::knowledge())
                .placement
                .map(|p| p.0)
        };
        assert_eq!(
            place(&[("X-Microsoft-Antispam-Mailbox-Delivery", "ucf:0;dest:J;")]),
            Some(Status::Junk)
        );
        assert_eq!(
            place(&[("X-Forefront-Antispam-Report", "SCL:9;SFV:SPM;CAT:HPHISH;")]),
            Some(Status::Quarantined)
        );
        assert_eq!(
            place(&[("X-Forefront-Antispam-Report", "SCL:6;SFV:SPM;CAT:SPM;")]),
            Some(Status::Junk)
        );
        assert_eq!(
            place(&[("X-Forefront-Antispam-Report", "SCL:-1;SFV:SKN;CAT:NONE;")]),
            Some(Status::Delivered)
        );
        assert_eq!(
            place(&[
                ("X-Forefront-Antispam-Report", "SCL:1;SFV:NSPM;CAT:NONE;"),
                ("X-Microsoft-Antispam-Mailbox-Delivery", "dest:I;"),
            ]),
            Some(Status::Delivered)
        );
        assert_eq!(place(&[("Subject", "x")]), None);
    }

    #[test]
    fn contract_levels_stay_in_range() {
        let facts = derive(
            &headers(&[
                (
                    "X-Forefront-Antispam-Report",
                    "CIP:2001:db8::1;SCL:42;CTRY:;",
                ),
                ("X-Microsoft-Antispam", "BCL:7;PCL:-9990;"),
            ]),
            crate::testing::knowledge(),
        );
        assert_eq!(facts.antispam.scl, None);
        assert_eq!(facts.antispam.bcl, Some(7));
        assert_eq!(facts.antispam.pcl, None);
        assert_eq!(facts.antispam.client_ip.as_deref(), Some("2001:db8::1"));
        assert_eq!(facts.antispam.country, None);
    }
}
