//! Diagnoses whole messages next to `mail-parser`'s bare parse of the same bytes: a 20-hop
//! Exchange Online message with a one-line body (a diagnosis reads headers, so this is
//! its worst case next to the parse), the same headers with the text and HTML body Outlook
//! sends, every message in `shared/corpus` (real public messages and authored Exchange
//! Online ones; those under 16 KB apart from the larger ones), and a 150 MB message (a
//! 149 MB base64 attachment, the shape `shared/badinput/gen/gen_badinput.py --big` writes
//! as `huge_150mb.eml`).
//!
//! The target is a full diagnosis within twice the bare parse.

use std::fmt::Write as _;
use std::hint::black_box;

use base64::Engine as _;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mailflow::case::Case;
use mailflow::engine::{self, Options};

mod support;

/// Twenty Received hops, oldest last as on the wire: the sender's relays, a gateway, EOP
/// and the Exchange Online mailbox servers, with the usual authentication and anti-spam
/// stamps.
fn twenty_hops() -> Vec<u8> {
    let mut out = String::new();
    for hop in (0..20).rev() {
        let (from, by) = match hop {
            0..=5 => (
                format!("relay{hop}.mail.example.com (198.51.100.{hop})"),
                format!("relay{}.mail.example.com", hop + 1),
            ),
            6..=9 => (
                format!("gw{hop}.gateway.example.net (203.0.113.{hop})"),
                format!("gw{}.gateway.example.net", hop + 1),
            ),
            10 => (
                "gw10.gateway.example.net (203.0.113.10)".to_owned(),
                "AM4PEPF00027A6C.mail.protection.outlook.com (10.167.16.75)".to_owned(),
            ),
            _ => (
                format!(
                    "AM{hop}PR07CA0{hop:03}.eurprd07.prod.outlook.com (2603:10a6:20b:{hop}::1)"
                ),
                format!(
                    "DB{}PR03MB{:04}.eurprd03.prod.outlook.com",
                    hop + 1,
                    hop * 37
                ),
            ),
        };
        let second = 10 + hop;
        let _ = write!(
            out,
            "Received: from {from}\r\n by {by} with Microsoft SMTP Server\r\n (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8511.{hop};\r\n Fri, 7 Mar 2025 08:21:{second:02} +0000\r\n"
        );
    }
    out.push_str(concat!(
        "Authentication-Results: spf=pass (sender IP is 203.0.113.10)\r\n",
        " smtp.mailfrom=example.com; dkim=pass (signature was verified)\r\n",
        " header.d=example.com;dmarc=pass action=none header.from=example.com;compauth=pass\r\n",
        " reason=100\r\n",
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=s1;\r\n",
        " h=from:to:subject:date:message-id; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n",
        " b=dGVzdHNpZ25hdHVyZQ==\r\n",
        "From: \"Alex Sender\" <alex@example.com>\r\n",
        "To: lee.gu@contoso.com\r\n",
        "Subject: Quarterly report\r\n",
        "Date: Fri, 7 Mar 2025 08:21:05 +0000\r\n",
        "Message-ID: <report-2025-03@example.com>\r\n",
        "X-MS-Exchange-Organization-Network-Message-Id: 1e2d3c4b-5a69-4788-9766-08dd5d4a2c10\r\n",
        "X-MS-Exchange-Organization-SCL: 1\r\n",
        "X-Forefront-Antispam-Report: CIP:203.0.113.10;CTRY:NL;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:gw10.gateway.example.net;PTR:gw10.gateway.example.net;CAT:NONE;SFS:(13230040)(4022899009);DIR:INB;\r\n",
        "X-Microsoft-Antispam: BCL:0;ARA:13230040|4022899009;\r\n",
        "MIME-Version: 1.0\r\n",
        "Content-Type: text/plain; charset=utf-8\r\n",
        "\r\n",
        "The report is attached to the shared folder.\r\n",
    ));
    out.into_bytes()
}

/// The same headers with the body Outlook sends: `multipart/alternative` with a text part
/// and a quoted-printable HTML part, about 45 KB.
fn twenty_hops_with_html_body() -> Vec<u8> {
    let headers = String::from_utf8(twenty_hops()).expect("ASCII");
    let cut = headers
        .find("MIME-Version")
        .expect("the headers end with MIME fields");
    let mut out = headers.get(..cut).unwrap_or_default().to_owned();
    out.push_str(concat!(
        "MIME-Version: 1.0\r\n",
        "Content-Type: multipart/alternative; boundary=\"_000_report_\"\r\n\r\n",
        "--_000_report_\r\n",
        "Content-Type: text/plain; charset=\"utf-8\"\r\n",
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
    ));
    for line in 0..80 {
        let _ = write!(
            out,
            "Line {line} of the quarterly report: revenue, costs and the r=C3=A9sum=C3=A9 f=\r\nor the board.\r\n"
        );
    }
    out.push_str(concat!(
        "\r\n--_000_report_\r\n",
        "Content-Type: text/html; charset=\"utf-8\"\r\n",
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
        "<html><head><meta http-equiv=3D\"Content-Type\" content=3D\"text/html; charset=3Dutf-8\">=\r\n</head><body>\r\n",
    ));
    for paragraph in 0..400 {
        let _ = write!(
            out,
            "<p class=3D\"MsoNormal\" style=3D\"margin:0;font-family:Aptos,sans-serif\">Paragraph {paragraph} of the report, r=C3=A9sum=C3=A9 and figures</p>\r\n"
        );
    }
    out.push_str("</body></html>\r\n\r\n--_000_report_--\r\n");
    out.into_bytes()
}

/// Every `.eml` under `shared/corpus`, when the shared folder is beside the checkout.
fn corpus_messages() -> Vec<Vec<u8>> {
    fn walk(dir: &std::path::Path, out: &mut Vec<Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "eml")
                && let Ok(bytes) = std::fs::read(&path)
            {
                out.push(bytes);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        &mut out,
    );
    out
}

/// 150 MB: a short text part and a base64 attachment of pseudo-random bytes.
fn huge_message() -> Vec<u8> {
    let mut out = Vec::with_capacity(151_000_000);
    out.extend_from_slice(concat!(
        "Received: from mail.example.com (198.51.100.7) by AM4PEPF00027A6C.mail.protection.outlook.com\r\n",
        " (10.167.16.75) with Microsoft SMTP Server id 15.20.8511.15; Fri, 7 Mar 2025 08:21:53 +0000\r\n",
        "From: alex@example.com\r\nTo: lee.gu@contoso.com\r\nSubject: huge\r\n",
        "Message-ID: <huge@example.com>\r\nMIME-Version: 1.0\r\n",
        "Content-Type: multipart/mixed; boundary=\"h\"\r\n\r\n--h\r\n",
        "Content-Type: text/plain\r\n\r\nsee attachment\r\n--h\r\n",
        "Content-Type: application/octet-stream; name=\"big.bin\"\r\n",
        "Content-Transfer-Encoding: base64\r\n\r\n",
    ).as_bytes());
    let mut state: u64 = 99;
    let random: Vec<u8> = (0..57 * 1000)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 56) as u8
        })
        .collect();
    let mut chunk = String::new();
    for line in random.chunks(57) {
        chunk.push_str(&base64::engine::general_purpose::STANDARD.encode(line));
        chunk.push_str("\r\n");
    }
    while out.len() < 150_000_000 {
        out.extend_from_slice(chunk.as_bytes());
    }
    out.extend_from_slice(b"--h--\r\n");
    out
}

fn diagnose(bytes: &[u8]) -> usize {
    let parsed = mailflow::input::load_bytes("message.eml", bytes).expect("message loads");
    let case = Case::from_inputs(vec![parsed]);
    let diagnosis = engine::diagnose(&case, &Options::default()).expect("diagnoses");
    diagnosis.hops.len()
}

fn bare_parse(bytes: &[u8]) -> usize {
    mail_parser::MessageParser::default()
        .parse(bytes)
        .map_or(0, |m| m.parts.len())
}

/// Diagnosis and bare parse of `message`, side by side in one group.
fn compare(c: &mut Criterion, name: &str, message: &[u8]) {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(message.len() as u64));
    group.bench_function("mailflow-diagnosis", |b| {
        b.iter(|| diagnose(black_box(message)));
    });
    group.bench_function("mail-parser-parse", |b| {
        b.iter(|| bare_parse(black_box(message)));
    });
    group.finish();
}

/// Messages under this size are benchmarked apart from the others.
const SHORT_MESSAGE: usize = 16 * 1024;

/// Diagnosis and bare parse of every message of `corpus`, in one group named with its
/// message count.
fn compare_corpus(c: &mut Criterion, name: &str, corpus: &[Vec<u8>]) {
    if corpus.is_empty() {
        return;
    }
    let mut group = c.benchmark_group(format!("{name}-{}-messages", corpus.len()));
    group.throughput(Throughput::Bytes(
        corpus.iter().map(|m| m.len() as u64).sum(),
    ));
    group.bench_function("mailflow-diagnosis", |b| {
        b.iter(|| corpus.iter().map(|m| diagnose(black_box(m))).sum::<usize>());
    });
    group.bench_function("mail-parser-parse", |b| {
        b.iter(|| {
            corpus
                .iter()
                .map(|m| bare_parse(black_box(m)))
                .sum::<usize>()
        });
    });
    group.finish();
}

fn messages(c: &mut Criterion) {
    compare(c, "message-20-hops", &twenty_hops());
    compare(
        c,
        "message-20-hops-html-body",
        &twenty_hops_with_html_body(),
    );

    let corpus: Vec<Vec<u8>> = corpus_messages()
        .into_iter()
        .filter(|m| mailflow::input::load_bytes("message.eml", m).is_ok())
        .collect();
    if corpus.is_empty() {
        eprintln!("shared/corpus is not beside the checkout: the corpus benchmarks are skipped");
    }
    // Apart, because together the large NDRs (40-70 KB, where the bare parse is slow)
    // would hide how short messages compare.
    let (short, long): (Vec<Vec<u8>>, Vec<Vec<u8>>) =
        corpus.into_iter().partition(|m| m.len() < SHORT_MESSAGE);
    compare_corpus(c, "corpus-under-16kb", &short);
    compare_corpus(c, "corpus-16kb-and-over", &long);

    let huge = huge_message();
    let mut group = c.benchmark_group("message-150mb");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(huge.len() as u64));
    group.bench_function("mailflow-diagnosis", |b| {
        b.iter(|| diagnose(black_box(&huge)));
    });
    group.bench_function("mail-parser-parse", |b| {
        b.iter(|| bare_parse(black_box(&huge)));
    });
    group.finish();
}

criterion_group!(benches, messages);
criterion_main!(benches);
