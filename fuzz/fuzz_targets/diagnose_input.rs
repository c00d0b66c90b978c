//! Any bytes, as any input kind, through detection, parsing, the whole engine and every
//! exporter: nothing may panic, and the exporters keep their invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailflow::case::Case;
use mailflow::engine::{self, Options};
use mailflow::export::{self, Format};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = mailflow::input::load_bytes("fuzz", data) else {
        return;
    };
    let case = Case::from_inputs(vec![input]);
    let Ok(diagnosis) = engine::diagnose(&case, &Options::default()) else {
        return;
    };
    for format in [Format::Json, Format::Markdown, Format::Text] {
        let out = export::render(&diagnosis, format);
        assert!(!out.contains('\u{1b}'), "no terminal escapes in {format:?}");
    }
});
