//! Parses and diagnoses large generated traces: a 100 000-row `Get-MessageTraceV2 |
//! Export-Csv` and a 100 000-row UTF-16 LE historical extended report.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mailflow::case::Case;
use mailflow::engine::{self, Options};

mod support;

const ROWS: usize = 100_000;

/// A V2 summary export: one row per message and recipient, statuses mixed.
fn v2_csv() -> Vec<u8> {
    let mut out = String::from(
        "\"Organization\",\"MessageId\",\"Received\",\"SenderAddress\",\"RecipientAddress\",\"Subject\",\"Status\",\"ToIP\",\"FromIP\",\"Size\",\"MessageTraceId\"\n",
    );
    let statuses = [
        "Delivered",
        "Failed",
        "Pending",
        "FilteredAsSpam",
        "Quarantined",
        "Expanded",
    ];
    for i in 0..ROWS {
        let _ = writeln!(
            out,
            "\"contoso.onmicrosoft.com\",\"<m{i}@mail.example.com>\",\"1/{}/2025 {}:{:02}:{:02} AM\",\"sender{}@example.com\",\"user{}@contoso.com\",\"Subject {i}\",\"{}\",\"\",\"198.51.100.{}\",\"{}\",\"{:08x}-0000-4000-8000-{:012x}\"",
            i % 28 + 1,
            i % 12 + 1,
            i % 60,
            (i * 7) % 60,
            i % 500,
            i % 2000,
            statuses[i % statuses.len()],
            i % 250,
            1000 + i,
            i,
            i
        );
    }
    out.into_bytes()
}

/// An extended report: ten events per message, UTF-16 LE with BOM.
fn extended_utf16() -> Vec<u8> {
    let mut out = String::from(
        "date_time_utc,client_ip,client_hostname,server_ip,server_hostname,source_context,connector_id,source,event_id,internal_message_id,message_id,network_message_id,recipient_address,recipient_status,total_bytes,recipient_count,related_recipient_address,reference,message_subject,sender_address,return_path,message_info,directionality,tenant_id,original_client_ip,original_server_ip,custom_data\n",
    );
    let events = [
        "RECEIVE",
        "AGENTINFO",
        "AGENTINFO",
        "DEFER",
        "AGENTINFO",
        "RECEIVE",
        "SEND",
        "AGENTINFO",
        "DELIVER",
        "AGENTINFO",
    ];
    for i in 0..ROWS {
        let message = i / events.len();
        let event = events[i % events.len()];
        let status = if event == "DEFER" {
            "451 4.7.500 Server busy. Please try again later (AS761)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "2025-01-{:02}T{:02}:{:02}:{:02}.{:03}Z,203.0.113.{},mail.example.com,,CH0PR00MB5555.namprd00.prod.outlook.com,Agent,,SMTP,{event},{message},<m{message}@example.com>,{:08x}-0000-4000-8000-000000000000,user{}@contoso.com,{status},2048,1,,,Subject {message},sender@example.com,sender@example.com,,Incoming,7d0c3b5e-2f1a-4c8b-9e77-0a1b2c3d4e5f,203.0.113.{},,S:SFA=SUM|SFV=NSPM|SCL=1",
            message % 28 + 1,
            (message / 60) % 24,
            message % 60,
            i % 60,
            i % 1000,
            message % 250,
            message,
            message % 300,
            message % 250
        );
    }
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(out.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

fn diagnose(name: &str, bytes: &[u8]) -> usize {
    let input = mailflow::input::load_bytes(name, bytes).expect("generated input parses");
    let case = Case::from_inputs(vec![input]);
    let diagnosis = engine::diagnose(&case, &Options::default()).expect("diagnosis");
    diagnosis.messages.len()
}

fn large_traces(c: &mut Criterion) {
    let mut group = c.benchmark_group("large-traces");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS as u64));
    let csv = v2_csv();
    group.bench_function("v2-csv-100k-rows", |b| {
        b.iter(|| diagnose("v2.csv", black_box(&csv)));
    });
    let extended = extended_utf16();
    group.bench_function("extended-utf16-100k-rows", |b| {
        b.iter(|| diagnose("extended.csv", black_box(&extended)));
    });
    group.finish();
    if let Ok(dir) = std::env::var("MAILFLOW_BENCH_WRITE") {
        let dir = std::path::Path::new(&dir);
        std::fs::write(dir.join("v2-100k.csv"), &csv).expect("write csv");
        std::fs::write(dir.join("extended-100k-utf16.csv"), &extended).expect("write extended");
    }
}

criterion_group!(benches, large_traces);
criterion_main!(benches);
