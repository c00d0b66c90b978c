//! Bad input: one line on stderr naming the file and the reason, exit 2, nothing on stdout.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn mailflow(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mailflow"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run mailflow")
}

fn assert_refused(output: &Output, name: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(output.stdout.is_empty(), "stdout must stay empty");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(name), "names the file: {stderr}");
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path.display().to_string()
}

#[test]
fn empty_binary_image_and_unknown_text_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 7] = [
        (
            "cut.csv",
            b"\"Received\",\"SenderAddress\",\"RecipientAddress\",\"Status\",\"MessageTraceId\"\n\"1/1/2025 1:00 AM\",\"a@example.com\",\"b@exa",
            "truncated",
        ),
        (
            "header-only.csv",
            b"\"Received\",\"SenderAddress\",\"RecipientAddress\",\"Status\",\"MessageTraceId\"\n",
            "no rows",
        ),
        ("empty.txt", b"", "empty"),
        ("blank.csv", b"\n\n  \r\n", "empty"),
        (
            "photo.txt",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0",
            "PNG",
        ),
        (
            "random.bin",
            &[0u8, 1, 2, 3, 255, 254, 0, 0, 7, 8, 9, 0, 0, 0, 1, 2],
            "binary",
        ),
        (
            "notes.txt",
            b"Hi team,\nthe printer on floor 3 is jammed again.\nThanks\n",
            "not a message trace",
        ),
    ];
    for (name, bytes, reason) in cases {
        let path = write(dir.path(), name, bytes);
        let output = mailflow(&["diagnose", "--format", "json", &path]);
        assert_refused(&output, name);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(reason), "{name}: {stderr}");
    }
}

#[test]
fn one_bad_input_fails_the_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "empty.eml", b"");
    let good = super::support::sample("01-eac-copytext-delivered-singleline-enUS.txt");
    let output = mailflow(&["diagnose", good.to_str().unwrap(), &bad]);
    assert_refused(&output, "empty.eml");
}

#[test]
fn a_missing_file_is_refused() {
    let output = mailflow(&["diagnose", "/nonexistent/trace.csv"]);
    assert_refused(&output, "trace.csv");
}

#[test]
fn an_oversized_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.csv");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(mailflow::input::MAX_INPUT_BYTES + 1).unwrap();
    let output = mailflow(&["diagnose", path.to_str().unwrap()]);
    assert_refused(&output, "huge.csv");
    assert!(String::from_utf8_lossy(&output.stderr).contains("too large"));
}

#[test]
fn stdin_is_read_with_a_dash() {
    let text = std::fs::read(super::support::sample(
        "02-eac-copytext-junk-multiline-enGB.txt",
    ))
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailflow"))
        .args(["diagnose", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["inputs"][0]["name"], "stdin");
    assert_eq!(json["verdict"]["status"], "junk");
}

#[test]
fn an_unknown_message_selection_is_an_error() {
    let sample = super::support::sample("07-ps-get-messagetracev2-exportcsv-pending.csv");
    let output = mailflow(&[
        "diagnose",
        "--message",
        "<nope@example.com>",
        sample.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}

/// `--vendors DIR`: a profile written there is used; a broken one is refused with one line
/// naming the file, before any report is written.
#[test]
fn vendor_profiles_from_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("vendors");
    std::fs::create_dir(&profiles).unwrap();
    write(
        &profiles,
        "shieldmail.toml",
        b"id = \"shieldmail\"\ndisplay_name = \"ShieldMail\"\nkind = \"mx-gateway\"\nhost_suffixes = [\"shieldmail.example\"]\nconfidence = \"inferred\"\n",
    );
    let headers = write(
        dir.path(),
        "headers.txt",
        b"Received: from mx1.shieldmail.example (203.0.113.40) by AM4PEPF00027A6C.mail.protection.outlook.com\n (10.167.16.75) with Microsoft SMTP Server id 15.20.8511.15 via Frontend Transport;\n Fri, 7 Mar 2025 08:21:53 +0000\nFrom: alex@example.com\nTo: lee.gu@contoso.com\nSubject: Invoice\nDate: Fri, 7 Mar 2025 08:21:50 +0000\nMessage-ID: <inv-1@example.com>\n",
    );
    let vendors = profiles.display().to_string();
    let output = mailflow(&[
        "diagnose",
        "--format",
        "md",
        "--vendors",
        &vendors,
        &headers,
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("ShieldMail handled"));

    write(&profiles, "broken.toml", b"id = [");
    let output = mailflow(&["diagnose", "--vendors", &vendors, &headers]);
    assert_refused(&output, "broken.toml");
}
