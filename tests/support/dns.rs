//! A real DNS server on 127.0.0.1 for the online-check tests: hickory's server crate with
//! in-memory zones written here, so no test touches the network. Names under
//! `broken.example` answer SERVFAIL, names under `slow.example` never answer.

use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::{Arc, LazyLock};

use hickory_server::Server;
use hickory_server::net::runtime::{Time, TokioRuntimeProvider};
use hickory_server::proto::op::ResponseCode;
use hickory_server::proto::rr::rdata::{A, MX, PTR, SOA, TXT};
use hickory_server::proto::rr::{LowerName, Name, RData, Record};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{
    AxfrPolicy, Catalog, MessageResponseBuilder, ZoneHandler as _, ZoneType,
};

/// The test server's address; started once per test binary.
pub static SERVER: LazyLock<SocketAddr> = LazyLock::new(|| start(false));

/// A UDP socket that receives queries and never answers them.
pub static SILENT: LazyLock<SocketAddr> = LazyLock::new(|| start(true));

/// An RSA-2048-sized key (294 bytes of SubjectPublicKeyInfo), base64.
pub fn dkim_key() -> String {
    "A".repeat(392)
}

fn name(text: &str) -> Name {
    Name::from_str(text).expect("test name")
}

fn zone(origin: &str, records: &[(&str, RData)]) -> InMemoryZoneHandler<TokioRuntimeProvider> {
    let origin_name = name(origin);
    let mut handler =
        InMemoryZoneHandler::empty(origin_name.clone(), ZoneType::Primary, AxfrPolicy::Deny);
    let soa = SOA::new(
        name(&format!("ns.{origin}")),
        name(&format!("hostmaster.{origin}")),
        1,
        3600,
        600,
        86400,
        60,
    );
    handler.upsert_mut(Record::from_rdata(origin_name, 60, RData::SOA(soa)), 1);
    for (owner, data) in records {
        handler.upsert_mut(Record::from_rdata(name(owner), 60, data.clone()), 1);
    }
    handler
}

/// A TXT record, split into the 255-byte strings DNS allows (receivers join them).
fn txt(text: &str) -> RData {
    let parts = text
        .as_bytes()
        .chunks(255)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    RData::TXT(TXT::new(parts))
}

fn a(ip: &str) -> RData {
    RData::A(A(ip.parse().expect("test IPv4")))
}

fn catalog() -> Catalog {
    let includes: Vec<String> = (1..=11)
        .map(|n| format!("include:i{n}.heavy.example"))
        .collect();
    let heavy_spf = format!("v=spf1 {} -all", includes.join(" "));
    let mut heavy: Vec<(String, RData)> = vec![("heavy.example.".into(), txt(&heavy_spf))];
    for n in 1..=11 {
        heavy.push((
            format!("i{n}.heavy.example."),
            txt(&format!("v=spf1 ip4:192.0.2.{n} -all")),
        ));
    }
    let heavy: Vec<(&str, RData)> = heavy.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
    let key = format!("v=DKIM1; k=rsa; p={}", dkim_key());
    let zones = [
        zone(
            "zen.spamhaus.org.",
            &[
                ("5.113.0.203.zen.spamhaus.org.", a("127.0.0.2")),
                ("7.113.0.203.zen.spamhaus.org.", a("127.255.255.254")),
            ],
        ),
        zone("bl.spamcop.net.", &[]),
        zone("b.barracudacentral.org.", &[]),
        zone(
            "113.0.203.in-addr.arpa.",
            &[(
                "5.113.0.203.in-addr.arpa.",
                RData::PTR(PTR(name("mail.good.example."))),
            )],
        ),
        zone(
            "good.example.",
            &[
                (
                    "good.example.",
                    txt("v=spf1 ip4:203.0.113.0/24 include:_spf.good.example -all"),
                ),
                ("_spf.good.example.", txt("v=spf1 ip4:198.51.100.0/24 -all")),
                (
                    "_dmarc.good.example.",
                    txt("v=DMARC1; p=reject; pct=100; rua=mailto:d@good.example"),
                ),
                (
                    "good.example.",
                    RData::MX(MX::new(10, name("mail.good.example."))),
                ),
                ("mail.good.example.", a("203.0.113.5")),
                ("sel1._domainkey.good.example.", txt(&key)),
            ],
        ),
        zone("heavy.example.", &heavy),
    ];
    let mut catalog = Catalog::new();
    for handler in zones {
        let origin: LowerName = handler.origin().clone();
        catalog.upsert(origin, vec![Arc::new(handler)]);
    }
    catalog
}

/// The zones, plus SERVFAIL for `broken.example` and silence for `slow.example`.
struct Handler {
    catalog: Catalog,
}

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        mut response_handle: R,
    ) -> ResponseInfo {
        let asked = request
            .request_info()
            .map(|info| info.query.name().to_string())
            .unwrap_or_default();
        if asked.ends_with("slow.example.") {
            std::future::pending::<()>().await;
        }
        if asked.ends_with("broken.example.") {
            let response = MessageResponseBuilder::from_message_request(request)
                .error_msg(&request.metadata, ResponseCode::ServFail);
            return response_handle
                .send_response(response)
                .await
                .expect("send SERVFAIL");
        }
        self.catalog
            .handle_request::<R, T>(request, response_handle)
            .await
    }
}

fn start(silent: bool) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(if silent { "silent-dns" } else { "test-dns" }.into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("test runtime");
            runtime.block_on(async move {
                let socket = tokio::net::UdpSocket::bind("127.0.0.1:0")
                    .await
                    .expect("bind 127.0.0.1:0");
                tx.send(socket.local_addr().expect("bound address"))
                    .expect("report address");
                if silent {
                    std::future::pending::<()>().await;
                }
                let mut server = Server::new(Handler { catalog: catalog() });
                server.register_socket(socket);
                server.block_until_done().await.expect("test DNS server");
            });
        })
        .expect("spawn test DNS server");
    rx.recv().expect("test DNS server address")
}
