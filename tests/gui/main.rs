//! The desktop wizard, driven headless through AccessKit by the labels a person reads.
//! No display, GPU or network: kittest runs egui without a renderer.

mod dialogs;
#[path = "../support/dns.rs"]
#[expect(
    dead_code,
    reason = "shared with the engine tests; this binary uses only SERVER"
)]
mod dns;
mod hops;
mod inputs;
mod landing;
mod layout;
mod messages;
mod navigation;
mod online;
mod snapshots;
mod summary;
mod vendors;
mod walk;
mod who_acts;

use std::path::{Path, PathBuf};
use std::time::Duration;

use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mailflow::ui::App;

/// Upper bound of frames to wait for the worker (at 5 ms each, 20 s).
const MAX_WAIT_FRAMES: usize = 4000;

/// A harness around `app`, large enough for every page.
fn harness(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size([1200.0, 900.0])
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut App| app.show(ui), app)
}

/// Steps frames until the worker is idle; `run()` never settles while a spinner spins.
fn settle(harness: &mut Harness<'_, App>) {
    for _ in 0..MAX_WAIT_FRAMES {
        harness.step();
        if !harness.state().is_busy() {
            harness.run_steps(3);
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("the worker did not finish within {MAX_WAIT_FRAMES} frames");
}

/// True when some widget's label contains `text`.
fn shows(harness: &Harness<'_, App>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

/// Asserts that each of `texts` is shown.
fn assert_shows(harness: &Harness<'_, App>, texts: &[&str]) {
    for text in texts {
        assert!(
            shows(harness, text),
            "expected {text:?} on {:?}",
            harness.state().page()
        );
    }
}

/// A file of the bundled sample case.
fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/samples")
        .join(name)
}

/// A file of the project's own test fixtures, by its path under `tests/fixtures/`.
fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// A file of the shared samples beside the checkout, by its path under `samples/`.
fn shared_sample(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/samples")
        .join(path)
}

/// A file egui-winit hands the app when something is dropped on the window.
#[derive(Debug)]
struct FakeDrop(PathBuf);

impl egui::DroppedFile for FakeDrop {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}
