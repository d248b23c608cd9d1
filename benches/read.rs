//! Reading benchmarks: the whole `catalog` of a checklist in each input
//! format beside the raw read of the same file by the library beneath — the
//! floor.
//!
//! Run with `cargo bench --bench read`. Each group reads one file from disk
//! with the public API, `catalog::read(&path, &CatalogOptions::default())`,
//! and with the reader alone:
//!
//! - xlsx: `samples/hispro-checklist.xlsx` (504 items); calamine's streaming
//!   cells reader and `worksheet_range` over every worksheet;
//! - xls and ods: the same workbook converted by LibreOffice
//!   (`soffice --headless --convert-to`) into a temporary folder when the
//!   bench starts; calamine's `worksheet_range` (groups skipped with a message
//!   where `soffice` is not on PATH);
//! - csv in CP932: the seed's catalog as `checksheet catalog -f csv` writes
//!   it, encoded as Excel on Japanese Windows saves csv (what CP932 cannot
//!   hold becomes `?`); encoding_rs decoding plus the csv crate's records.
//!   Under the tool's own header it is read without a header search or a
//!   block alignment to settle; the same file with its header spelt `ID,…`
//!   is read by the general layout, timed beside it (the two take about
//!   the same: typing each row's cells, which both do, is most of it);
//! - the seed text itself (tab-separated, UTF-8); the csv crate's records.
//!
//! The target: the catalog within 1.5× of calamine's raw read of the
//! sample workbook (`bench/compare.py` measures it on whole processes).

mod common;
use common::sample;

use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook, open_workbook_auto, Reader, Xlsx};
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};

use checksheet::catalog::{self, CatalogOptions};
use checksheet::render::{self, Format};
use checksheet::report;

/// The whole catalog of a file, as `checksheet catalog` reads it.
fn checksheet_catalog(path: &Path) -> usize {
    catalog::read(path, &CatalogOptions::default())
        .expect("a readable checklist")
        .items
        .len()
}

/// calamine's streaming cell reader over every worksheet of an xlsx.
fn calamine_cells(path: &Path) -> usize {
    let mut book: Xlsx<_> = open_workbook(path).expect("an xlsx");
    let mut n = 0;
    for name in book.sheet_names() {
        let mut cells = book.worksheet_cells_reader(&name).expect("a sheet");
        while let Ok(Some(_)) = cells.next_cell() {
            n += 1;
        }
    }
    n
}

/// calamine's raw read of every worksheet as a dense range, any format.
fn calamine_range(path: &Path) -> usize {
    let mut book = open_workbook_auto(path).expect("a workbook");
    let names = book.sheet_names();
    names
        .iter()
        .map(|n| book.worksheet_range(n).map(|r| r.get_size().0).unwrap_or(0))
        .sum()
}

/// The csv crate's records of a file, decoded first when it is CP932.
fn csv_records(path: &Path, delimiter: u8, cp932: bool) -> usize {
    let bytes = std::fs::read(path).expect("the file");
    let text = if cp932 {
        encoding_rs::SHIFT_JIS.decode(&bytes).0.into_owned()
    } else {
        String::from_utf8(bytes).expect("UTF-8")
    };
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .count()
}

/// The seed's catalog as csv in CP932, written into `dir` as `name`; with
/// `respelt`, its header's first label is `ID` instead of the tool's `id`.
fn cp932_catalog(dir: &Path, name: &str, respelt: bool) -> PathBuf {
    let cat =
        catalog::read(&sample("hispro-seed.txt"), &CatalogOptions::default()).expect("the seed");
    let utf8 = render::render(&report::catalog(&cat), Format::Csv, &Default::default())
        .expect("csv rendering");
    let mut text = String::from_utf8(utf8).expect("csv is UTF-8");
    if respelt {
        text.replace_range(..2, "ID");
    }
    let safe: String = text
        .chars()
        .map(|c| {
            let mut buf = [0u8; 4];
            let (_, _, lost) = encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf));
            if lost {
                '?'
            } else {
                c
            }
        })
        .collect();
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&safe);
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("a temporary file");
    path
}

/// `input` converted by LibreOffice into `dir` as `ext`; `None` (said on
/// stderr) where soffice is not on PATH or fails.
fn converted(input: &Path, ext: &str, dir: &Path) -> Option<PathBuf> {
    let soffice = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("soffice"))
            .find(|p| p.is_file())
    });
    let Some(soffice) = soffice else {
        eprintln!("soffice is not on PATH: the {ext} group is skipped");
        return None;
    };
    let profile = dir.join("libreoffice-profile");
    let out = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", ext, "--outdir"])
        .arg(dir)
        .arg(input)
        .output();
    let path = dir.join(input.with_extension(ext).file_name()?);
    match out {
        Ok(o) if o.status.success() && path.exists() => Some(path),
        Ok(o) => {
            eprintln!(
                "soffice could not convert to {ext} ({}): the {ext} group is skipped",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            None
        }
        Err(e) => {
            eprintln!("soffice could not run ({e}): the {ext} group is skipped");
            None
        }
    }
}

fn with_catalog(group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>, path: &Path) {
    group.bench_function("checksheet catalog::read", |b| {
        b.iter(|| checksheet_catalog(path))
    });
}

fn reading(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let xlsx = sample("hispro-checklist.xlsx");
    assert!(
        xlsx.exists(),
        "samples/hispro-checklist.xlsx (cargo run --example make_samples)"
    );

    let mut group = c.benchmark_group("xlsx: sample workbook (504 items)");
    group.bench_function("calamine cells reader (raw floor)", |b| {
        b.iter(|| calamine_cells(&xlsx))
    });
    group.bench_function("calamine worksheet_range (raw floor)", |b| {
        b.iter(|| calamine_range(&xlsx))
    });
    with_catalog(&mut group, &xlsx);
    group.finish();

    for ext in ["xls", "ods"] {
        let Some(path) = converted(&xlsx, ext, dir.path()) else {
            continue;
        };
        let mut group = c.benchmark_group(format!("{ext}: sample workbook (504 items)"));
        group.bench_function("calamine worksheet_range (raw floor)", |b| {
            b.iter(|| calamine_range(&path))
        });
        with_catalog(&mut group, &path);
        group.finish();
    }

    let csv = cp932_catalog(dir.path(), "catalog-cp932.csv", false);
    let general = cp932_catalog(dir.path(), "catalog-cp932-id.csv", true);
    let mut group = c.benchmark_group("csv in CP932: the seed's catalog (504 items)");
    group.bench_function("encoding_rs + csv crate records (raw floor)", |b| {
        b.iter(|| csv_records(&csv, b',', true))
    });
    with_catalog(&mut group, &csv);
    group.bench_function(
        "checksheet catalog::read, general layout (header spelt ID)",
        |b| b.iter(|| checksheet_catalog(&general)),
    );
    group.finish();

    let seed = sample("hispro-seed.txt");
    let mut group = c.benchmark_group("seed text (504 items, tab-separated UTF-8)");
    group.bench_function("csv crate records (raw floor)", |b| {
        b.iter(|| csv_records(&seed, b'\t', false))
    });
    with_catalog(&mut group, &seed);
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config(3);
    targets = reading
}
criterion_main!(benches);
