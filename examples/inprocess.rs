//! Library timings in one process, for `bench/compare.py`: what a whole
//! process measures too, without its start and exit.
//!
//! ```text
//! cargo run --release --example inprocess -- read FILE     # catalog vs calamine
//! cargo run --release --example inprocess -- diff OLD NEW  # align + changes
//! ```
//!
//! `read` times `checksheet::catalog::read` of FILE and calamine's raw read
//! of the same file (every worksheet's cells through the streaming cells
//! reader, as `examples/calamine_raw.rs` reads it) in turn, so that both see
//! the same machine, and prints the medians: `catalog_seconds C raw_seconds
//! R runs N`. `diff` reads two catalogs once, then times what `checksheet
//! diff` does with them (the alignment and the changes of every pair, what
//! daff's compare does with its parsed tables) and prints `seconds S runs N`.
//! The binary's allocator is used, as in the command line.

use std::path::Path;
use std::time::{Duration, Instant};

use calamine::{open_workbook_auto, Reader};
use checksheet::catalog::{self, CatalogOptions};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64()
}

/// Runs that fit in about two seconds, between 5 and 200.
fn runs_for(once: Duration) -> usize {
    ((2.0 / once.as_secs_f64().max(1e-6)) as usize).clamp(5, 200)
}

fn raw(path: &Path) -> usize {
    let mut book = open_workbook_auto(path).expect("a workbook");
    let mut cells = 0;
    for name in book.sheet_names() {
        match &mut book {
            calamine::Sheets::Xlsx(x) => {
                let mut reader = x.worksheet_cells_reader(&name).expect("a sheet");
                while let Ok(Some(_)) = reader.next_cell() {
                    cells += 1;
                }
            }
            other => {
                cells += other
                    .worksheet_range(&name)
                    .map(|r| r.used_cells().count())
                    .unwrap_or(0)
            }
        }
    }
    cells
}

fn read(path: &Path) {
    let options = CatalogOptions::default();
    let catalog = || {
        catalog::read(path, &options)
            .expect("a checklist")
            .items
            .len()
    };
    let start = Instant::now();
    std::hint::black_box(catalog());
    std::hint::black_box(raw(path));
    let runs = runs_for(start.elapsed());
    let (mut ours, mut floor) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(catalog());
        ours.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(raw(path));
        floor.push(t.elapsed());
    }
    println!(
        "catalog_seconds {:.6} raw_seconds {:.6} runs {runs}",
        median(ours),
        median(floor)
    );
}

fn diff(old: &Path, new: &Path) {
    let options = CatalogOptions::default();
    let old = catalog::read(old, &options).expect("the old checklist");
    let new = catalog::read(new, &options).expect("the new checklist");
    let once = || {
        let alignment = checksheet::align::align(&old.items, &new.items, &Default::default());
        let shared = checksheet::change::Shared::of(&old, &new);
        checksheet::change::diff(&old.items, &new.items, &alignment, shared, None)
            .rows
            .len()
    };
    let start = Instant::now();
    std::hint::black_box(once());
    let runs = runs_for(start.elapsed()).min(25);
    let times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(once());
            t.elapsed()
        })
        .collect();
    println!("seconds {:.6} runs {runs}", median(times));
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["read", file] => read(Path::new(file)),
        ["diff", old, new] => diff(Path::new(old), Path::new(new)),
        _ => {
            eprintln!("usage: inprocess read FILE | inprocess diff OLD NEW");
            std::process::exit(2);
        }
    }
}
