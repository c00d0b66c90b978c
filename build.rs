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
    windows_resources();
}

/// Windows builds carry their icon, version information and manifest inside the .exe
/// (Explorer, the Start menu, "Open with" and the installer show them): the template
/// `dist/windows/mailflow.rc` gets the version and absolute paths, then mingw-w64's `windres`
/// (through `embed-resource`) compiles it. Other targets skip this entirely.
fn windows_resources() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("dist/windows");
    for file in ["mailflow.rc", "mailflow.ico", "mailflow.exe.manifest"] {
        println!("cargo:rerun-if-changed={}", dir.join(file).display());
    }
    let version = env!("CARGO_PKG_VERSION");
    let numbers: Vec<&str> = version
        .split(['.', '-', '+'])
        .take(3)
        .chain(std::iter::repeat("0"))
        .take(4)
        .collect();
    let template = std::fs::read_to_string(dir.join("mailflow.rc"))
        .expect("dist/windows/mailflow.rc is part of the source tree");
    let rc = template
        .replace("@ICON@", &dir.join("mailflow.ico").display().to_string())
        .replace(
            "@MANIFEST@",
            &dir.join("mailflow.exe.manifest").display().to_string(),
        )
        .replace("@VERSION_COMMAS@", &numbers.join(","))
        .replace("@VERSION@", version)
        .replace("@DESCRIPTION@", env!("CARGO_PKG_DESCRIPTION"));
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("mailflow.rc");
    std::fs::write(&out, rc).expect("OUT_DIR is writable");
    embed_resource::compile_for(&out, ["mailflow"], embed_resource::NONE)
        .manifest_required()
        .expect("windres (Debian: mingw-w64) compiles the Windows resources");
}
