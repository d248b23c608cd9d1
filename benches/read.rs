//! Reading benchmarks: the whole `catalog` of a checklist beside calamine's
//! (and the csv crate's) own raw read of the same file — the floor.
//!
//! Run with `cargo bench --bench read`. The target: the catalog within
//! 1.5× of calamine's raw read of the sample workbook.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Reader, Xlsx};
use criterion::{criterion_group, criterion_main, Criterion};

use checksheet::catalog::{self, CatalogOptions};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

/// calamine's raw read: every worksheet as a dense range.
fn calamine_range(bytes: &[u8]) -> usize {
    let mut book = Xlsx::new(Cursor::new(bytes)).expect("an xlsx");
    let names = book.sheet_names();
    names
        .iter()
        .map(|n| book.worksheet_range(n).map(|r| r.get_size().0).unwrap_or(0))
        .sum()
}

/// calamine's streaming cell reader over every worksheet.
fn calamine_cells(bytes: &[u8]) -> usize {
    let mut book = Xlsx::new(Cursor::new(bytes)).expect("an xlsx");
    let names = book.sheet_names();
    let mut n = 0;
    for name in names {
        let mut cells = book.worksheet_cells_reader(&name).expect("a sheet");
        while let Ok(Some(_)) = cells.next_cell() {
            n += 1;
        }
    }
    n
}

fn workbook(c: &mut Criterion) {
    let path = sample("hispro-checklist.xlsx");
    let bytes = std::fs::read(&path)
        .expect("samples/hispro-checklist.xlsx (cargo run --example make_samples)");
    let mut group = c.benchmark_group("sample workbook (504 items)");
    group.bench_function("calamine worksheet_range (raw floor)", |b| {
        b.iter(|| calamine_range(&bytes))
    });
    group.bench_function("calamine cells reader (raw floor)", |b| {
        b.iter(|| calamine_cells(&bytes))
    });
    group.bench_function("checksheet catalog", |b| {
        b.iter(|| {
            let book =
                checksheet::source::read_bytes(&path, bytes.clone(), &Default::default()).unwrap();
            catalog::from_book(&path, &book, &CatalogOptions::default())
                .unwrap()
                .items
                .len()
        })
    });
    group.finish();
}

fn seed_text(c: &mut Criterion) {
    let path = sample("hispro-seed.txt");
    let bytes = std::fs::read(&path).expect("the seed");
    let mut group = c.benchmark_group("seed text (504 items)");
    group.bench_function("csv crate raw read (floor)", |b| {
        b.iter(|| {
            let mut r = csv::ReaderBuilder::new()
                .delimiter(b'\t')
                .has_headers(false)
                .flexible(true)
                .from_reader(&bytes[..]);
            r.records().count()
        })
    });
    group.bench_function("checksheet catalog", |b| {
        b.iter(|| {
            let book =
                checksheet::source::read_bytes(&path, bytes.clone(), &Default::default()).unwrap();
            catalog::from_book(&path, &book, &CatalogOptions::default())
                .unwrap()
                .items
                .len()
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = workbook, seed_text
}
criterion_main!(benches);
