//! Each format on the seed fixtures (tests/fixtures/import/), time per file and MB/s: the reader
//! alone (group SEED), and the whole import, reading and recognising (group SEED/import).
//! PDFs: the whole import of each LibreOffice PDF layout and of the Chromium prints (group
//! SEED/pdf); the Kazanlak plan in Letter portrait with equal columns is 59 pages.
//! Run: cargo bench --bench readers

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn fixture(path: &str) -> Vec<u8> {
    let path = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn readers(c: &mut Criterion) {
    for seed in ["plovdiv-2022-2024", "kazanlak-2021-2023"] {
        let mut group = c.benchmark_group(seed);
        for ext in ["docx", "html", "xlsx", "ods", "csv"] {
            let name = format!("{seed}.{ext}");
            let bytes = fixture(&format!("tests/fixtures/import/{name}"));
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            group.bench_function(ext, |b| {
                b.iter(|| planmon::import::read_document(&name, black_box(&bytes)))
            });
        }
        let text = fixture(&format!("demo/{seed}.txt"));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function("txt", |b| {
            b.iter(|| planmon::import::read_document("plan.txt", black_box(&text)))
        });
        group.finish();
        let mut group = c.benchmark_group(format!("{seed}/import"));
        let options = planmon::import::ImportOptions::default();
        for ext in ["txt", "docx", "html", "xlsx", "ods", "csv"] {
            let bytes = if ext == "txt" {
                fixture(&format!("demo/{seed}.txt"))
            } else {
                fixture(&format!("tests/fixtures/import/{seed}.{ext}"))
            };
            let name = format!("{seed}.{ext}");
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            group.bench_function(ext, |b| {
                b.iter(|| planmon::import::load::import_bytes(&name, black_box(&bytes), &options))
            });
        }
        group.finish();
        let mut group = c.benchmark_group(format!("{seed}/pdf"));
        for layout in [
            "a4-landscape",
            "a4-portrait",
            "letter-equal",
            "chromium-a4-landscape",
            "chromium-a4-portrait",
        ] {
            let name = format!("{seed}.{layout}.pdf");
            let bytes = fixture(&format!("tests/fixtures/import/{name}"));
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            group.bench_function(layout, |b| {
                b.iter(|| planmon::import::load::import_bytes(&name, black_box(&bytes), &options))
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = readers
}
criterion_main!(benches);
