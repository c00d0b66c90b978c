//! Image snapshots of every page with the sample case, at the smallest supported window
//! (1024×700) and a large one (1600×1000), light and dark: 28 images under
//! `tests/snapshots/`, compared with a small tolerance, so a change of layout (a cut card,
//! a collapsed column, a shifted button) fails the test. The README's screenshots are
//! these images.
//!
//! Rendering needs a wgpu adapter: Mesa's llvmpipe through EGL (`WGPU_BACKEND=gl`, Debian
//! `libegl1 libegl-mesa0 libgl1-mesa-dri`), as `.ci/run` sets up. Regenerate after a change
//! of findings text or layout with:
//!
//! ```sh
//! WGPU_BACKEND=gl UPDATE_SNAPSHOTS=force cargo test --test gui snapshots
//! ```

use eframe::egui;
use egui_kittest::{Harness, SnapshotOptions, SnapshotResults};
use mailflow::step::Step;
use mailflow::ui::{App, Page};

use super::settle;

/// The window sizes snapshotted: the smallest supported and a large one.
const SIZES: [(f32, f32); 2] = [(1024.0, 700.0), (1600.0, 1000.0)];

/// A file name for a page.
fn slug(page: Page) -> &'static str {
    match page {
        Page::Inputs => "inputs",
        Page::Step(Step::Trace) => "step1-trace",
        Page::Step(Step::Status) => "step2-status",
        Page::Step(Step::Rules) => "step3-rules",
        Page::Step(Step::Headers) => "step4-headers",
        Page::Step(Step::External) => "step5-external",
        Page::Summary => "summary",
    }
}

/// Tolerant of Mesa's rasterisation noise (a few anti-aliased edge pixels), not of a
/// moved widget: egui's own threshold for renderers other than the reference one, and a
/// few hundred differing pixels (a shifted line of text differs in thousands).
fn options() -> SnapshotOptions {
    SnapshotOptions::new().threshold(2.0).max_failed_pixels(300)
}

fn snapshot_theme(theme: egui::Theme, name: &str, results: &mut SnapshotResults) {
    for (width, height) in SIZES {
        let mut harness = Harness::builder()
            .with_size([width, height])
            .with_theme(theme)
            .allow_missing_glyphs()
            .build_ui_state(|ui, app: &mut App| app.show(ui), App::default());
        harness.state_mut().load_sample();
        settle(&mut harness);
        for page in Page::ALL {
            harness.state_mut().set_page(page);
            harness.run();
            let file = format!("{}-{width}x{height}-{name}", slug(page));
            results.add(harness.try_snapshot_options(file, &options()));
        }
    }
}

#[test]
fn every_page_light() {
    let mut results = SnapshotResults::new();
    snapshot_theme(egui::Theme::Light, "light", &mut results);
}

#[test]
fn every_page_dark() {
    let mut results = SnapshotResults::new();
    snapshot_theme(egui::Theme::Dark, "dark", &mut results);
}
