//! `--vendors DIR`: a gateway profile the built-in ones do not know, loaded from a folder,
//! names the Received hop its gateway wrote (the header facts once ignored it).

use std::path::Path;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vendors")
        .join(name)
}

#[test]
fn a_profile_from_a_folder_labels_its_gateways_received_hop() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("shieldmail.toml"),
        dir.path().join("shieldmail.toml"),
    )
    .unwrap();
    let headers = fixture("headers-behind-shieldmail.txt");
    let operators = |d: &serde_json::Value| -> Vec<String> {
        d["hops"]
            .as_array()
            .expect("hops")
            .iter()
            .map(|h| h["operator"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let with = super::diagnose_json([
        "--vendors".as_ref(),
        dir.path().as_os_str(),
        headers.as_os_str(),
    ]);
    assert_eq!(operators(&with), ["gateway:shieldmail", "microsoft365"]);
    let without = super::diagnose_json([headers.as_os_str()]);
    assert_eq!(operators(&without), ["sender", "microsoft365"]);
}
