//! Rendering benchmarks: each output format written from a report held in
//! memory, through `render::render(&report, format, &options)`.
//!
//! Run with `cargo bench --bench render`. Two reports: the diff of the sample
//! revision pair (`samples/hispro-checklist.xlsx` → `-r2.xlsx`: 510 rows with
//! their change flags and inline character marks), and the catalog of the
//! sample workbook (504 items). Formats: csv, tsv, json, jsonl, md, html,
//! xlsx and the terminal table (120 columns wide, no colour).

mod common;
use common::sample;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

use checksheet::catalog::{self, CatalogOptions};
use checksheet::render::{self, Format, Options};
use checksheet::report::{self, Report};
use checksheet::{align, change};

const FORMATS: [(&str, Format); 8] = [
    ("csv", Format::Csv),
    ("tsv", Format::Tsv),
    ("json", Format::Json),
    ("jsonl", Format::Jsonl),
    ("md", Format::Md),
    ("html", Format::Html),
    ("xlsx", Format::Xlsx),
    ("table", Format::Table),
];

/// The diff report of the sample revision pair, as `checksheet diff` makes it
/// (its texts borrowed from the lists, which live as long as the bench).
fn diff_report() -> Report<'static> {
    let options = CatalogOptions::default();
    let old = catalog::read(&sample("hispro-checklist.xlsx"), &options).expect("the sample");
    let new = catalog::read(&sample("hispro-checklist-r2.xlsx"), &options).expect("the revision");
    let alignment = align::align(&old.items, &new.items, &align::Mapping::default());
    let shared = change::Shared::of(&old, &new);
    let diff = change::diff(&old.items, &new.items, &alignment, shared, None);
    let (old, new, diff) = (
        Box::leak(Box::new(old)),
        Box::leak(Box::new(new)),
        Box::leak(Box::new(diff)),
    );
    report::diff(old, new, diff, None)
}

fn catalog_report() -> Report<'static> {
    let cat = catalog::read(&sample("hispro-checklist.xlsx"), &CatalogOptions::default())
        .expect("the sample");
    report::catalog(Box::leak(Box::new(cat)))
}

fn rendering(c: &mut Criterion) {
    let options = Options {
        raw: false,
        color: false,
        width: Some(120),
    };
    for (name, report) in [
        ("render the diff report of the sample pair", diff_report()),
        ("render the catalog report of the sample", catalog_report()),
    ] {
        let mut group = c.benchmark_group(name);
        for (format_name, format) in FORMATS {
            group.bench_with_input(
                BenchmarkId::from_parameter(format_name),
                &format,
                |b, &format| {
                    b.iter(|| {
                        render::render(&report, format, &options)
                            .expect("rendering")
                            .len()
                    })
                },
            );
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = common::config(2);
    targets = rendering
}
criterion_main!(benches);
