//! Reads every bounce of our own family fixtures and of the sisimai suite in
//! `shared/corpus/sisimai`: from bytes to the bounce's report (input detection, MIME
//! decoding, every recipient's code and reason), then the full diagnosis. The target is a
//! bounce read in under a millisecond.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mailflow::case::Case;
use mailflow::engine::{self, Options};

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            Some((p.file_name()?.to_string_lossy().into_owned(), bytes))
        })
        .collect()
}

fn bounces(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (group_name, dir) in [
        ("bounce-fixtures", root.join("tests/fixtures/ndr/families")),
        (
            "bounce-sisimai",
            root.join("../shared/corpus/sisimai/maildir/bsd"),
        ),
    ] {
        let inputs = files(&dir);
        if inputs.is_empty() {
            continue;
        }
        let bytes: usize = inputs.iter().map(|(_, b)| b.len()).sum();
        let mut group = c.benchmark_group(group_name);
        group.throughput(Throughput::Elements(inputs.len() as u64));
        group.bench_function("read", |b| {
            b.iter(|| {
                for (name, data) in &inputs {
                    black_box(mailflow::input::load_bytes(name, data).ok());
                }
            });
        });
        group.bench_function("diagnose", |b| {
            b.iter(|| {
                for (name, data) in &inputs {
                    if let Ok(input) = mailflow::input::load_bytes(name, data) {
                        let case = Case::from_inputs(vec![input]);
                        black_box(engine::diagnose(&case, &Options::default()).ok());
                    }
                }
            });
        });
        group.finish();
        eprintln!("{group_name}: {} files, {bytes} bytes", inputs.len());
    }
}

criterion_group!(benches, bounces);
criterion_main!(benches);
