//! The floor of reading a workbook: calamine alone, with nothing made of the
//! cells. `bench/compare.py` runs it beside `checksheet catalog` on the same
//! file and times both as whole processes.
//!
//! ```text
//! cargo run --release --example calamine_raw -- FILE
//! ```
//!
//! Opens FILE and reads every worksheet: an xlsx (xlsm) with calamine's
//! streaming `worksheet_cells_reader`, the way that holds no sheet in memory,
//! any other format (xls, xlsb, ods) with `worksheet_range`. Each cell's
//! value is looked at (the bytes of its text summed), so that nothing is
//! skipped. Prints one line: the non-empty cells, the bytes of their texts and
//! the seconds from opening to the last cell, e.g.
//! `cells 10000004 text_bytes 391034562 seconds 3.21`.

use std::path::PathBuf;
use std::time::Instant;

use calamine::{open_workbook, open_workbook_auto, Data, DataRef, Reader, Xlsx};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// What a cell gave: whether it holds anything, and the bytes of its text.
fn touch_ref(value: &DataRef<'_>) -> (bool, usize) {
    match value {
        DataRef::Empty => (false, 0),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => (true, s.len()),
        DataRef::SharedString(s) => (true, s.len()),
        _ => (true, 0),
    }
}

fn touch(value: &Data) -> (bool, usize) {
    match value {
        Data::Empty => (false, 0),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => (true, s.len()),
        _ => (true, 0),
    }
}

fn main() -> Result<()> {
    let path = PathBuf::from(
        std::env::args_os()
            .nth(1)
            .ok_or("usage: calamine_raw FILE")?,
    );
    let started = Instant::now();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let (mut cells, mut bytes) = (0u64, 0u64);
    let mut count = |(filled, len): (bool, usize)| {
        cells += u64::from(filled);
        bytes += len as u64;
    };
    if ext == "xlsx" || ext == "xlsm" {
        let mut book: Xlsx<_> = open_workbook(&path)?;
        for name in book.sheet_names() {
            let mut reader = book.worksheet_cells_reader(&name)?;
            while let Some(cell) = reader.next_cell()? {
                count(touch_ref(cell.get_value()));
            }
        }
    } else {
        let mut book = open_workbook_auto(&path)?;
        for name in book.sheet_names() {
            let range = book.worksheet_range(&name)?;
            for (_, _, value) in range.used_cells() {
                count(touch(value));
            }
        }
    }
    println!(
        "cells {cells} text_bytes {bytes} seconds {:.6}",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
