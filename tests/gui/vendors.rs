//! The window diagnoses with the knowledge it was opened with: `mailflow --vendors DIR`
//! gives the worker the folder's gateway profiles, which name the gateway's Received hop.

use std::path::Path;

use mailflow::knowledge::Knowledge;
use mailflow::ui::App;

use super::{fixture, harness, settle};

#[test]
fn a_profile_from_a_folder_labels_a_hop_through_the_worker() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("vendors/shieldmail.toml"),
        dir.path().join("shieldmail.toml"),
    )
    .unwrap();
    let knowledge = Knowledge::with_vendor_dir(Path::new(dir.path())).expect("profiles load");
    let mut app = App::new_with_files(&[fixture("vendors/headers-behind-shieldmail.txt")]);
    // The window keeps its knowledge for its whole life, as `main` does.
    app.set_knowledge(Box::leak(Box::new(knowledge)));
    let mut harness = harness(app);
    settle(&mut harness);
    let operators: Vec<Option<String>> = harness
        .state()
        .analysis()
        .expect("analysed")
        .diagnosis
        .hops
        .iter()
        .map(|h| h.operator.clone())
        .collect();
    assert_eq!(
        operators,
        [
            Some("gateway:shieldmail".to_owned()),
            Some("microsoft365".to_owned())
        ]
    );
}
