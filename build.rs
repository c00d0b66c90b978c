//! Embeds the knowledge: every table of `assets/knowledge/` and every vendor profile in
//! `assets/vendors/` (adding a profile is adding a file: no code change, no list to update),
//! each converted from TOML to JSON here, at build time.
//!
//! Parsing TOML at run time was most of what a header diagnosis spent on its knowledge:
//! reading its tables was 18 % of the profile of an Exchange Online message (`toml` builds
//! a document with spans and formatting first); as JSON the same tables take 7.8 %. A table
//! that is not valid TOML now fails the build. The JSON is written in the key order of
//! `toml`'s tables, which only structs read (no table keeps its key order).

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    knowledge_tables();
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
        "/// Every embedded vendor profile: (file name, the profile as JSON).\npub const VENDOR_FILES: &[(&str, &str)] = &[\n",
    );
    for name in names {
        println!("cargo:rerun-if-changed=assets/vendors/{name}");
        let json = toml_file_as_json(&dir.join(&name));
        writeln!(code, "    ({name:?}, {json:?}),").ok();
    }
    code.push_str("];\n");
    std::fs::write(out_dir().join("vendor_files.rs"), code).expect("OUT_DIR is writable");
    windows_resources();
}

fn out_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
}

/// Writes `$OUT_DIR/knowledge/NAME.json` for every `assets/knowledge/NAME.toml`.
fn knowledge_tables() {
    let dir = Path::new("assets/knowledge");
    println!("cargo:rerun-if-changed={}", dir.display());
    let out = out_dir().join("knowledge");
    std::fs::create_dir_all(&out).expect("OUT_DIR is writable");
    let entries = std::fs::read_dir(dir).expect("assets/knowledge is part of the source tree");
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "toml") {
            println!("cargo:rerun-if-changed={}", path.display());
            let json = toml_file_as_json(&path);
            let name = path.with_extension("json");
            let name = name.file_name().expect("a file name");
            std::fs::write(out.join(name), json).expect("OUT_DIR is writable");
        }
    }
}

/// The TOML file at `path` as one JSON document; a file that is not valid TOML stops the
/// build with the parser's message.
fn toml_file_as_json(path: &Path) -> String {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let value: toml::Value = toml::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid TOML: {e}", path.display()));
    let mut json = String::with_capacity(text.len());
    write_json(&value, &mut json, path);
    json
}

fn write_json(value: &toml::Value, out: &mut String, path: &Path) {
    match value {
        toml::Value::String(s) => write_json_string(s, out),
        toml::Value::Integer(i) => write!(out, "{i}").expect("writing to a String"),
        toml::Value::Float(f) if f.is_finite() => {
            write!(out, "{f:?}").expect("writing to a String");
        }
        toml::Value::Boolean(b) => write!(out, "{b}").expect("writing to a String"),
        toml::Value::Float(_) | toml::Value::Datetime(_) => panic!(
            "{}: JSON has no infinite numbers or dates; the knowledge holds none",
            path.display()
        ),
        toml::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out, path);
            }
            out.push(']');
        }
        toml::Value::Table(table) => {
            out.push('{');
            for (i, (key, item)) in table.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(key, out);
                out.push(':');
                write_json(item, out, path);
            }
            out.push('}');
        }
    }
}

fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                write!(out, "\\u{:04x}", u32::from(c)).expect("writing to a String");
            }
            c => out.push(c),
        }
    }
    out.push('"');
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
