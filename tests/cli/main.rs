//! Runs the real `mailflow` binary: exit codes, stderr lines, the JSON contract.

#[path = "../support/mod.rs"]
mod support;

mod contract;
mod errors;
mod ndr;
mod online;
mod trace;
mod vendors;

/// Runs `mailflow diagnose` with `args`, checks it exited 0 and returns the JSON it printed.
fn diagnose_json<I, S>(args: I) -> serde_json::Value
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    serde_json::from_slice(&support::diagnose_cli(args)).expect("stdout is one JSON object")
}
