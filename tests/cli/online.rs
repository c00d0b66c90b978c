//! `mailflow diagnose --online --dns-server …` against the test DNS server: the step-5
//! findings come from real DNS answers; `--dns-server` without `--online` is refused.

use std::io::Write as _;
use std::process::Command;

use super::support::dns::SERVER;

const HEADERS: &str = "Received: from mail.heavy.example (mail.heavy.example [203.0.113.5])\r
 by AM0PR01MB1234.eurprd01.prod.outlook.com with ESMTPS; Tue, 6 Dec 2022 17:31:00 +0000\r
X-Forefront-Antispam-Report: CIP:203.0.113.5;CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mail.heavy.example;PTR:;CAT:SPM;DIR:INB;\r
From: Alice <alice@heavy.example>\r
To: bob@contoso.com\r
Subject: Offer\r
Message-ID: <cli-online@heavy.example>\r
Date: Tue, 6 Dec 2022 17:30:58 +0000\r
\r
";

#[test]
fn online_findings_come_from_the_dns_server() {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(HEADERS.as_bytes()).expect("write headers");
    let server = SERVER.to_string();
    let json = super::diagnose_json([
        "--format".as_ref(),
        "json".as_ref(),
        "--online".as_ref(),
        "--dns-server".as_ref(),
        server.as_ref(),
        file.path().as_os_str(),
    ]);
    super::contract::assert_valid(&super::contract::schema(), &json, "--online output");
    let codes: Vec<&str> = json["steps"][4]["findings"]
        .as_array()
        .expect("step 5 findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    for code in ["ip-blocklisted", "spf-permerror", "dmarc-record-missing"] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
}

#[test]
fn a_dns_server_without_online_is_refused() {
    let output = Command::new(env!("CARGO_BIN_EXE_mailflow"))
        .args(["diagnose", "--dns-server", "127.0.0.1:53"])
        .arg(super::support::sample(
            "01-eac-copytext-delivered-singleline-enUS.txt",
        ))
        .output()
        .expect("run mailflow");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}
