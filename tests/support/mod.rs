//! Helpers shared by the integration test binaries.

#![allow(dead_code, reason = "each test binary uses a different subset")]

pub mod dns;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

use mailflow::case::Case;
use mailflow::diagnosis::Diagnosis;
use mailflow::engine::{self, Options};

/// `../shared` beside the checkout (CI always has it).
pub fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// A file under `../shared/samples/trace/`.
pub fn sample(name: &str) -> PathBuf {
    shared().join("samples/trace").join(name)
}

/// A file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Loads files into a case; panics with the input error (tests only).
pub fn case(paths: &[PathBuf]) -> Case {
    let inputs = paths
        .iter()
        .map(|p| mailflow::input::load_path(p).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    Case::from_inputs(inputs)
}

/// Loads text as one input named `name`.
pub fn case_from_text(name: &str, text: &str) -> Case {
    let input =
        mailflow::input::load_bytes(name, text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    Case::from_inputs(vec![input])
}

/// Diagnoses text as one input named `name`, first message selected.
pub fn diagnose_text(name: &str, text: &str) -> Diagnosis {
    engine::diagnose(&case_from_text(name, text), &Options::default()).expect("diagnosis")
}

/// Diagnoses files, first message selected.
pub fn diagnose(paths: &[PathBuf]) -> Diagnosis {
    engine::diagnose(&case(paths), &Options::default()).expect("diagnosis")
}

/// Every finding code of a diagnosis, all steps.
pub fn codes(d: &Diagnosis) -> Vec<String> {
    d.steps
        .iter()
        .flat_map(|s| s.findings.iter().map(|f| f.code.clone()))
        .collect()
}

/// Runs the `mailflow` binary's `diagnose` with `args`, checks it exited 0 (showing its
/// stderr when not) and returns what it printed.
pub fn diagnose_cli<I, S>(args: I) -> Vec<u8>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<OsString> = args.into_iter().map(|a| a.as_ref().into()).collect();
    let output = Command::new(env!("CARGO_BIN_EXE_mailflow"))
        .arg("diagnose")
        .args(&args)
        .output()
        .expect("run mailflow");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}
