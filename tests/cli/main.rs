//! Runs the real `mailflow` binary: exit codes, stderr lines, the JSON contract.

#[path = "../support/mod.rs"]
mod support;

mod contract;
mod errors;
mod ndr;
mod online;

/// Runs `mailflow diagnose` with `args`, checks it exited 0 and returns the JSON it printed.
fn diagnose_json<I, S>(args: I) -> serde_json::Value
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(|a| a.as_ref().into()).collect();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mailflow"))
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
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON object")
}
