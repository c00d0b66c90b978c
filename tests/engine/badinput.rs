//! Hostile input: every file of `../shared/badinput/` and every file its generator writes
//! goes through the whole pipeline (load → diagnose every message → every exporter) on the
//! default test-thread stack. A refusal must be an `InputError`; nothing may panic, hang
//! or abort.

use std::path::{Path, PathBuf};
use std::process::Command;

use mailflow::case::Case;
use mailflow::engine::{self, Options};
use mailflow::export::{self, Format};

use super::support;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "gen") {
                files_under(&path, out);
            }
        } else if !path
            .extension()
            .is_some_and(|e| e == "md" || e == "py" || e == "dict")
        {
            out.push(path);
        }
    }
}

/// Runs one file through everything; returns whether it was accepted.
fn run(path: &Path) -> bool {
    let Ok(input) = mailflow::input::load_path(path) else {
        return false;
    };
    let case = Case::from_inputs(vec![input]);
    for index in 0..case.messages.len().min(5) {
        let options = Options {
            selected: Some(index.to_string()),
        };
        let diagnosis =
            engine::diagnose(&case, &options).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for format in Format::ALL {
            assert!(
                !export::render(&diagnosis, format).is_empty(),
                "{}: empty {format:?}",
                path.display()
            );
        }
    }
    true
}

#[test]
fn every_public_bad_input_is_diagnosed_or_refused() {
    let mut files = Vec::new();
    files_under(&support::shared().join("badinput"), &mut files);
    assert!(files.len() > 100, "the corpus is there: {}", files.len());
    let accepted = files.iter().filter(|f| run(f)).count();
    assert!(accepted > 0, "some bad inputs are still mail");
}

#[test]
fn every_generated_hostile_file_is_diagnosed_or_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let status = Command::new("python3")
        .arg(support::shared().join("badinput/gen/gen_badinput.py"))
        .arg("--out")
        .arg(dir.path())
        .output()
        .expect("python3 runs the generator (CI installs it)");
    assert!(status.status.success(), "generator failed: {status:?}");
    let mut files = Vec::new();
    files_under(dir.path(), &mut files);
    assert!(files.len() > 40, "generated: {}", files.len());
    let refused: Vec<String> = files
        .iter()
        .filter(|f| !run(f))
        .filter_map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    for must_refuse in ["empty.eml", "png_renamed.eml", "random_binary_64k.eml"] {
        assert!(
            refused.iter().any(|r| r == must_refuse),
            "{must_refuse} is refused: {refused:?}"
        );
    }
}

/// Windows gives the main thread 1 MiB of stack: reading a bounce-titled message nested
/// 20 000 levels deep in spellings a substring count misses must hold there too.
#[test]
fn deep_bounce_nesting_is_read_on_a_one_mebibyte_stack() {
    for level in [
        &b"content-type:message /rfc822\n\n"[..],
        b"content-type:message(x)/rfc822\n\n",
    ] {
        let mut bytes = b"From: a@example.com\r\nTo: b@example.net\r\nSubject: Undeliverable: x\r\nMessage-ID: <d@example.com>\r\nContent-Type: message /rfc822\r\n\r\n".to_vec();
        bytes.extend(level.repeat(20_000));
        bytes.extend_from_slice(b"From: x@example.com\n\ninner\n");
        let accepted = std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(move || mailflow::input::load_bytes("deep.eml", &bytes).is_ok())
            .unwrap()
            .join()
            .unwrap();
        assert!(accepted);
    }
}
