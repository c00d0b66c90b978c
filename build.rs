//! Embeds every vendor profile in `assets/vendors/` so that adding a profile is adding a
//! file: no code change, no list to update.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new("assets/vendors");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| {
                    std::path::Path::new(n)
                        .extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("toml"))
                        && !n.starts_with('_')
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = String::from(
        "/// Every embedded vendor profile: (file name, TOML text).\npub const VENDOR_FILES: &[(&str, &str)] = &[\n",
    );
    for name in names {
        println!("cargo:rerun-if-changed=assets/vendors/{name}");
        writeln!(
            code,
            "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/assets/vendors/{name}\"))),"
        )
        .ok();
    }
    code.push_str("];\n");
    let out = std::env::var("OUT_DIR").map(std::path::PathBuf::from);
    if let Ok(out) = out {
        std::fs::write(out.join("vendor_files.rs"), code).ok();
    }
}
