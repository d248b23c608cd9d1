//! The published sample workbook, `samples/hispro-checklist.xlsx` (written by
//! `cargo run --example make_samples`), read by the real binary: it must give
//! exactly the seed's items, each at the row where it stands in the sheet, and
//! its cover and revision-history sheets must be skipped with a note.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

use calamine::{open_workbook, Data, Reader, Xlsx};

// The generator itself, so that the committed file can be checked against a
// fresh run of it (its `main` is not used here).
#[allow(dead_code)]
#[path = "../examples/make_samples.rs"]
mod make_samples;

/// The checklist sheet of the sample workbook.
const SHEET: &str = "チェックリスト";
/// 0-based column of 対策項目 in the checklist sheet.
const MEASURE_COL: u32 = 6;
/// The generator breaks the measure text of every 7th item.
const BREAK_EVERY: usize = 7;
/// Fields that must be identical to the seed's (measure is compared apart).
const FIELDS: [&str; 9] = [
    "major",
    "middle",
    "minor",
    "req",
    "category",
    "level",
    "guideline",
    "ref",
    "check",
];

type Item = HashMap<String, String>;

fn workbook() -> PathBuf {
    common::root().join("samples/hispro-checklist.xlsx")
}

/// The cells of the checklist sheet, read back with calamine.
fn checklist_cells() -> calamine::Range<Data> {
    let mut book: Xlsx<_> = open_workbook(workbook()).expect("the sample workbook opens");
    book.worksheet_range(SHEET).expect("the checklist sheet")
}

/// The text of a cell, by 1-based row and 0-based column.
fn cell(cells: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match cells.get_value((row - 1, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// The 1-based rows of the sheet that hold an item: below the first header,
/// a text in the 対策項目 column other than the header label itself.
fn item_rows(cells: &calamine::Range<Data>) -> Vec<u32> {
    let last = cells.end().expect("the sheet is not empty").0 + 1;
    let first_header = (1..=last)
        .find(|&r| cell(cells, r, MEASURE_COL) == "対策項目")
        .expect("a header row");
    (first_header + 1..=last)
        .filter(|&r| {
            let text = cell(cells, r, MEASURE_COL);
            !text.is_empty() && text != "対策項目"
        })
        .collect()
}

/// The 1-based rows where the header (its 対策項目 label) stands.
fn header_rows(cells: &calamine::Range<Data>) -> Vec<u32> {
    let last = cells.end().expect("the sheet is not empty").0 + 1;
    (1..=last)
        .filter(|&r| cell(cells, r, MEASURE_COL) == "対策項目")
        .collect()
}

/// `book` holds the seed's items, in its order, each standing at its row of
/// the checklist sheet.
fn assert_seed_items(book: &[Item]) {
    let seed = common::catalog(&common::seed(), &[]);
    assert_eq!(seed.len(), 504, "the seed has 504 items");
    assert_eq!(book.len(), seed.len(), "item count of the workbook");
    let ids = |items: &[Item]| -> Vec<String> { items.iter().map(|i| i["id"].clone()).collect() };
    assert_eq!(ids(book), ids(&seed), "ids of the workbook, in order");

    let mut wrong = Vec::new();
    for (index, (old, new)) in seed.iter().zip(book).enumerate() {
        let id = &old["id"];
        for field in FIELDS {
            if old[field] != new[field] {
                wrong.push(format!(
                    "{id} {field}: expected {:?}, got {:?}",
                    old[field], new[field]
                ));
            }
        }
        // The generator wrote a line break into these measures, nothing else.
        let broken = (index + 1) % BREAK_EVERY == 0;
        let measure = &new["measure"];
        if broken != measure.contains('\n') || measure.replace('\n', "") != old["measure"] {
            wrong.push(format!(
                "{id} measure: expected {:?} (with a line break: {broken}), got {measure:?}",
                old["measure"]
            ));
        }
        if new["sheet"] != SHEET {
            wrong.push(format!(
                "{id} sheet: expected {SHEET}, got {:?}",
                new["sheet"]
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} differences from the seed, the first ones:\n{}",
        wrong.len(),
        wrong[..wrong.len().min(20)].join("\n")
    );

    let cells = checklist_cells();
    let rows: Vec<u32> = book
        .iter()
        .map(|i| i["row"].parse().expect("a row number"))
        .collect();
    // The first item, the first one after the header repeated at a page
    // break, and the last one, by what the sheet itself holds.
    let headers = header_rows(&cells);
    assert!(headers.len() > 1, "the header is repeated: {headers:?}");
    let standing = item_rows(&cells);
    let after_break = standing
        .iter()
        .position(|&r| r > headers[1])
        .expect("items after the repeated header");
    for (what, index) in [
        ("the first item", 0),
        ("the first item after a repeated header", after_break),
        ("the last item", book.len() - 1),
    ] {
        let item = &book[index];
        assert_eq!(
            rows[index], standing[index],
            "{what} ({}) stands at row {}",
            item["id"], standing[index]
        );
        assert_eq!(
            cell(&cells, rows[index], MEASURE_COL),
            item["measure"],
            "{what} ({}): the 対策項目 cell at its row {}",
            item["id"],
            rows[index]
        );
    }
    assert_eq!(rows, standing, "rows of all items");
    for (item, &row) in book.iter().zip(&rows) {
        assert_eq!(
            cell(&cells, row, MEASURE_COL),
            item["measure"],
            "{}: the 対策項目 cell at its row {row}",
            item["id"]
        );
    }
}

#[test]
fn workbook_gives_the_seed_items_at_their_rows() {
    assert_seed_items(&common::catalog(&workbook(), &[]));
}

#[test]
fn sheet_option_gives_the_same_items() {
    let only = common::catalog(&workbook(), &["--sheet", SHEET]);
    assert_seed_items(&only);
    assert_eq!(
        only,
        common::catalog(&workbook(), &[]),
        "--sheet {SHEET} and the whole workbook"
    );
}

#[test]
fn cover_sheet_has_no_checklist_header() {
    let out = common::run([
        "catalog".as_ref(),
        workbook().as_os_str(),
        "-f".as_ref(),
        "csv".as_ref(),
        "--sheet".as_ref(),
        "表紙".as_ref(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "exit status; stderr: {stderr}");
    assert!(
        stderr.contains("no checklist header"),
        "the error says no header was found: {stderr}"
    );
    assert!(out.stdout.is_empty(), "no output on error");
}

#[test]
fn cover_and_history_sheets_are_skipped_with_a_note() {
    let out = common::run([
        "catalog".as_ref(),
        workbook().as_os_str(),
        "-f".as_ref(),
        "csv".as_ref(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "catalog succeeds; stderr: {stderr}"
    );
    for sheet in ["表紙", "改訂履歴"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with("note:") && l.contains(sheet) && l.contains("skipped")),
            "a note says sheet {sheet} was skipped: {stderr}"
        );
    }
    assert!(
        !stderr
            .lines()
            .any(|l| l.contains(SHEET) && l.contains("skipped")),
        "the checklist sheet is not skipped: {stderr}"
    );
}

// The committed workbook is what the generator writes today, byte for byte:
// document properties are pinned, so a difference means the seed, the reader
// or the generator changed and the sample must be regenerated.
#[test]
fn committed_workbook_is_the_generators_output() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let fresh = make_samples::make_samples(&common::seed(), dir.path()).expect("generation");
    let fresh = std::fs::read(fresh).expect("the fresh workbook");
    let committed = std::fs::read(workbook()).expect("the committed workbook");
    assert!(
        fresh == committed,
        "samples/hispro-checklist.xlsx is stale: run `cargo run --example make_samples`"
    );
}
