//! Frame time of the wizard, headless (kittest, no renderer): Step 1 with a generated
//! 100 000-event trace, and the bundled sample case on every page. Target: < 16 ms.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use mailflow::step::Step;
use mailflow::ui::{App, Page};

mod support;

const EVENTS: usize = 100_000;

/// An extended report of one message whose journey has 100 000 events.
fn huge_trace(dir: &Path) -> PathBuf {
    let mut out = String::from(
        "date_time_utc,client_ip,client_hostname,server_ip,server_hostname,source_context,connector_id,source,event_id,internal_message_id,message_id,network_message_id,recipient_address,recipient_status,total_bytes,recipient_count,related_recipient_address,reference,message_subject,sender_address,return_path,message_info,directionality,tenant_id,original_client_ip,original_server_ip,custom_data\n",
    );
    let events = ["RECEIVE", "AGENTINFO", "DEFER", "AGENTINFO", "SEND"];
    for i in 0..EVENTS {
        let event = events[i % events.len()];
        let status = if event == "DEFER" {
            "451 4.7.500 Server busy. Please try again later (AS761)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "2025-01-{:02}T{:02}:{:02}:{:02}.{:03}Z,203.0.113.9,mail.example.com,,CH0PR00MB5555.namprd00.prod.outlook.com,Agent,,SMTP,{event},1,<big@example.com>,0000abcd-0000-4000-8000-000000000000,user@contoso.com,{status},2048,1,,,Big journey,sender@example.com,sender@example.com,,Incoming,7d0c3b5e-2f1a-4c8b-9e77-0a1b2c3d4e5f,203.0.113.9,,S:SFA=SUM|SFV=NSPM|SCL=1",
            i / 86_400 % 28 + 1,
            i / 3600 % 24,
            i / 60 % 60,
            i % 60,
            i % 1000,
        );
    }
    let path = dir.join("huge-trace.csv");
    std::fs::write(&path, out).expect("write the generated trace");
    path
}

/// A harness with `app` loaded and the worker finished.
fn loaded(app: App) -> Harness<'static, App> {
    let mut harness = Harness::builder()
        .with_size([1280.0, 900.0])
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut App| app.show(ui), app);
    for _ in 0..60_000 {
        harness.step();
        if !harness.state().is_busy() {
            return harness;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("the case did not load");
}

fn frames(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut big = loaded(App::new_with_files(&[huge_trace(dir.path())]));
    big.state_mut().set_page(Page::Step(Step::Trace));
    big.step();
    let rows = big.state().analysis().map_or(0, |a| a.timeline.rows.len());
    assert!(rows >= EVENTS, "the timeline has {rows} rows");
    c.bench_function("step1_100k_rows_frame", |b| {
        b.iter(|| big.step());
    });

    let mut sample = Harness::builder()
        .with_size([1280.0, 900.0])
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut App| app.show(ui), App::default());
    sample.state_mut().load_sample();
    for _ in 0..60_000 {
        sample.step();
        if !sample.state().is_busy() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    for page in Page::ALL {
        sample.state_mut().set_page(page);
        sample.step();
        let name = format!(
            "sample_frame_{}",
            page.title().replace(['.', ' ', '&'], "_")
        );
        c.bench_function(&name, |b| {
            b.iter(|| sample.step());
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(3));
    targets = frames
}
criterion_main!(benches);
