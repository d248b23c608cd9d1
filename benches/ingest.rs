//! Ingest benchmarks: vendor submissions placed on the catalog through the
//! library, as `checksheet ingest` does it (the catalog read once, then per
//! file `catalog::read`, `submission::responses`, `submission::of_records`
//! and `ingest::ingest`).
//!
//! Run with `cargo bench --bench ingest`. Groups: one submission alone
//! (`samples/submissions/vendor-a.xlsx`, the owner's workbook filled in, and
//! `vendor-c.xlsx`, one plain sheet); a batch of 100 (50 times each of the
//! two) in parallel over rayon as the binary does, without and with the xlsx
//! matrix report (`report::ingest` rendered as xlsx). Issue 7's target, 1,000
//! submissions with the xlsx report within 15 s on 2 cores, is measured on the
//! whole process by `bench/compare.py`.

mod common;
use common::sample;

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use rayon::prelude::*;

use checksheet::answer::Vocabulary;
use checksheet::catalog::{self, Catalog, CatalogOptions};
use checksheet::ingest::{self, Ingest};
use checksheet::render::{self, Format};
use checksheet::{report, submission};

/// One submission read and placed on the catalog.
fn ingest_one(cat: &Catalog, path: &Path, vocabulary: &Vocabulary) -> Ingest {
    let sub = catalog::read(path, &CatalogOptions::default()).expect("a readable submission");
    let responses = submission::responses(&sub, vocabulary);
    let orphans = submission::of_records(&sub.orphans, vocabulary);
    ingest::ingest(cat, &sub, &responses, &orphans)
}

fn ingesting(c: &mut Criterion) {
    let options = CatalogOptions::default();
    let cat = catalog::read(&sample("hispro-checklist.xlsx"), &options).expect("the catalog");
    let vocabulary = Vocabulary::default();
    let a = sample("submissions/vendor-a.xlsx");
    let vendor_c = sample("submissions/vendor-c.xlsx");

    let mut group = c.benchmark_group("ingest one submission (504 items)");
    group.sample_size(20);
    for (name, path) in [("vendor-a.xlsx", &a), ("vendor-c.xlsx", &vendor_c)] {
        group.bench_function(name, |b| {
            b.iter(|| ingest_one(&cat, path, &vocabulary).rows.len())
        });
    }
    group.finish();

    let batch: Vec<&PathBuf> = (0..50).flat_map(|_| [&a, &vendor_c]).collect();
    let names: Vec<String> = batch.iter().map(|p| p.display().to_string()).collect();
    let mut group = c.benchmark_group("ingest a batch of 100 submissions (rayon)");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("placed on the catalog", |b| {
        b.iter(|| {
            batch
                .par_iter()
                .map(|p| ingest_one(&cat, p, &vocabulary).rows.len())
                .sum::<usize>()
        })
    });
    group.bench_function("placed, and the xlsx matrix report written", |b| {
        b.iter(|| {
            let results: Vec<Ingest> = batch
                .par_iter()
                .map(|p| ingest_one(&cat, p, &vocabulary))
                .collect();
            let done: Vec<(String, &Ingest)> = names.iter().cloned().zip(&results).collect();
            let rep = report::ingest(&cat, &done, done.len() > 1);
            render::render(&rep, Format::Xlsx, &Default::default())
                .expect("xlsx rendering")
                .len()
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config(4).sample_size(100);
    targets = ingesting
}
criterion_main!(benches);
