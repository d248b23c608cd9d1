//! Migrate benchmarks: last year's answers (`samples/submissions/vendor-a.xlsx`)
//! carried into the next revision's template (`samples/hispro-checklist-r2.xlsx`),
//! through the same library calls as `checksheet migrate`.
//!
//! Run with `cargo bench --bench migrate`. Groups: the plan alone (both
//! checklists already read: responses, alignment, moves), and the whole of
//! it — both files read (`catalog::read`, `source::read_bytes`,
//! `catalog::from_book`), the plan, `report::migrate` and the migrated
//! workbook (`render::template::migrated_workbook`, the template edited in
//! place).

mod common;
use common::sample;

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};

use checksheet::align::Mapping;
use checksheet::answer::Vocabulary;
use checksheet::catalog::{self, Catalog, CatalogOptions};
use checksheet::render::template;
use checksheet::{migrate, report, source, submission};

/// The plan of carrying `old`'s answers into `new`.
fn plan(old: &Catalog, new: &Catalog, vocabulary: &Vocabulary) -> migrate::Plan {
    let old_responses = submission::responses(old, vocabulary);
    let orphans = submission::of_records(&old.orphans, vocabulary);
    migrate::plan(old, &old_responses, &orphans, new, &Mapping::default())
}

/// Everything `checksheet migrate` does but writing the file: the bytes of
/// the migrated workbook.
fn migrated(old_path: &Path, template_path: &Path, vocabulary: &Vocabulary) -> Vec<u8> {
    let options = CatalogOptions::default();
    let old = catalog::read(old_path, &options).expect("last year's submission");
    let bytes = std::fs::read(template_path).expect("the template");
    let book = source::read_bytes(template_path, bytes.clone(), &options.read).expect("a workbook");
    let new = catalog::from_book(template_path, &book, &options).expect("the template's items");
    let plan = plan(&old, &new, vocabulary);
    let rep = report::migrate(&old, &new, &plan);
    let (workbook, _fallback) =
        template::migrated_workbook(template_path, &bytes, &book, &new, &plan, &rep)
            .expect("the migrated workbook");
    workbook
}

fn migrating(c: &mut Criterion) {
    let old_path = sample("submissions/vendor-a.xlsx");
    let template_path = sample("hispro-checklist-r2.xlsx");
    let vocabulary = Vocabulary::default();
    let options = CatalogOptions::default();
    let old = catalog::read(&old_path, &options).expect("last year's submission");
    let new = catalog::read(&template_path, &options).expect("the template");

    let mut group = c.benchmark_group("migrate vendor-a.xlsx into hispro-checklist-r2.xlsx");
    group.bench_function("plan (both read beforehand)", |b| {
        b.iter(|| plan(&old, &new, &vocabulary).moves.len())
    });
    group.bench_function("whole: read, plan, report, migrated workbook", |b| {
        b.iter(|| migrated(&old_path, &template_path, &vocabulary).len())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config(3);
    targets = migrating
}
criterion_main!(benches);
