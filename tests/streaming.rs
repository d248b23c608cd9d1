//! Reading as a stream: the stages hold a window of rows, never the whole
//! sheet. Where every decision is local (within the window), the window
//! changes nothing; where it is not, the results stay sound (every item row
//! read once, ids unique) and the warnings say what happened. A workbook is
//! parsed on a thread of its own while the rows already read are laid out
//! (or on the calling thread, within a parallel batch); rows arrive in
//! batches and are written out as they are numbered.

mod common;

use std::collections::HashSet;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use checksheet::catalog::{self, CatalogOptions, Item};
use proptest::prelude::*;

fn read(path: &Path, window: usize) -> catalog::Catalog {
    let options = CatalogOptions {
        window,
        ..CatalogOptions::default()
    };
    catalog::read(path, &options).expect("a readable checklist")
}

/// What a catalog says of its items and of itself, for comparing readings.
fn digest(cat: &catalog::Catalog) -> (Vec<Item>, Vec<String>) {
    let diagnostics = cat.diagnostics.iter().map(|d| d.to_string()).collect();
    (cat.items.clone(), diagnostics)
}

fn assert_sound(cat: &catalog::Catalog) {
    let ids: HashSet<&str> = cat.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids.len(), cat.items.len(), "ids are unique");
    let rows: Vec<(Option<&str>, u32)> = cat
        .items
        .iter()
        .map(|i| (i.sheet.as_deref(), i.row))
        .collect();
    let mut sorted = rows.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), rows.len(), "no row is read twice");
}

#[test]
fn a_small_window_changes_nothing_where_every_decision_is_local() {
    // The seed's blocks are at most 45 rows, its groups shorter, and each
    // reconstructed number meets the printed ids it must avoid within a
    // few dozen rows: a window of 64 decides everything the whole list does.
    for sample in [
        "hispro-seed.txt",
        "hispro-checklist.xlsx",
        "hispro-checklist-r2.xlsx",
    ] {
        let path = common::root().join("samples").join(sample);
        let whole = read(&path, catalog::WINDOW);
        let windowed = read(&path, 64);
        assert_eq!(digest(&windowed), digest(&whole), "{sample}");
        assert_eq!(windowed.blocks, whole.blocks, "{sample}");
    }
}

/// A catalog csv of group 1-1 whose third row prints no number and whose
/// 30th row prints `3`, the number the third row would be given.
fn far_printed_number(dir: &Path) -> PathBuf {
    let mut text = String::from("大分類,中分類,要件,対策項目\n");
    let mut req = 0;
    for i in 0..40 {
        let printed = match i {
            2 => String::new(),
            29 => "3".to_owned(),
            _ => {
                req += 1;
                // skip 3: it is printed far below
                if req == 3 {
                    req = 4;
                }
                req.to_string()
            }
        };
        text.push_str(&format!("1,1,{printed},要件{i}を満たすこと。\n"));
    }
    let path = dir.join("far.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_number_printed_beyond_the_window_is_reconstructed_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = far_printed_number(dir.path());
    // Whole list: the row without a number avoids the 3 printed below.
    let whole = read(&path, catalog::WINDOW);
    assert_sound(&whole);
    let third = &whole.items[2];
    assert_eq!(third.row, 4);
    assert_ne!(
        third.id, "1-1-3",
        "a printed id is never taken by a rebuilt one"
    );
    assert_eq!(whole.items[29].id, "1-1-3");
    // A window of 8 cannot see that far: the third row takes 3 and the row
    // printing it gets a rebuilt id, with a warning saying why.
    let windowed = read(&path, 8);
    assert_sound(&windowed);
    assert_eq!(windowed.items[2].id, "1-1-3");
    assert_ne!(windowed.items[29].id, "1-1-3");
    let said: Vec<String> = windowed.warnings().map(|d| d.to_string()).collect();
    assert!(
        said.iter()
            .any(|w| w.contains("line 31") && w.contains("already given to the item on row 4")),
        "{said:#?}"
    );
}

/// A checklist csv of `n` rows whose cells stand one column right of their
/// header (an empty column in front), as some exports shift them.
fn shifted_rows(dir: &Path, n: usize) -> PathBuf {
    let mut text = String::from("項番,分類,必須/推奨,対策項目,確認項目\n");
    for i in 0..n {
        text.push_str(&format!(
            ",{}-{},1. 設備・運用,{},要件{i}について、方針を定め文書化すること。,・方針が文書化されているか。\n",
            i / 50 + 1,
            i % 50 + 1,
            if i % 3 == 0 { "推奨" } else { "必須" },
        ));
    }
    let path = dir.join("shifted.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn rows_after_the_window_follow_the_alignment_its_rows_settled() {
    let dir = tempfile::tempdir().unwrap();
    let path = shifted_rows(dir.path(), 300);
    let whole = read(&path, catalog::WINDOW);
    let windowed = read(&path, 20);
    assert_eq!(whole.items.len(), 300);
    assert_eq!(digest(&windowed), digest(&whole));
    let last = whole.items.last().unwrap();
    assert_eq!(last.id, "6-50");
    assert_eq!(last.category, "1. 設備・運用");
    assert!(last.measure.starts_with("要件299"));
    assert_eq!(last.check, "・方針が文書化されているか。");
}

#[test]
fn a_sheet_parsed_on_its_own_thread_or_not_gives_the_items_of_the_same_rows_as_text() {
    // A workbook is parsed on a thread of its own while the rows already
    // read are laid out, its rows handed over in batches; within a parallel
    // batch (a rayon worker) all on the calling thread. A large sheet makes
    // many batches.
    let dir = tempfile::tempdir().unwrap();
    let lines = common::seed_lines();
    let mut csv_text = String::new();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let mut r = 0u32;
    // the seed eight times over, each copy its own chapter
    for copy in 0..8 {
        for (i, line) in lines.iter().enumerate() {
            if copy > 0 && i < 6 {
                continue; // the title and header once
            }
            let cells: Vec<String> = line
                .iter()
                .enumerate()
                .map(|(c, cell)| match (c, common::as_number(cell)) {
                    (0, Some(n)) if i >= 6 => ((n as u32) + copy * 10).to_string(),
                    _ => cell.clone(),
                })
                .collect();
            for (c, cell) in cells.iter().enumerate() {
                if !cell.is_empty() {
                    sheet.write_string(r, c as u16, cell).unwrap();
                }
            }
            let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
            w.write_record(&cells).unwrap();
            csv_text.push_str(&String::from_utf8(w.into_inner().unwrap()).unwrap());
            r += 1;
        }
    }
    let xlsx = dir.path().join("big.xlsx");
    book.save(&xlsx).unwrap();
    let csv = dir.path().join("big.csv");
    std::fs::write(&csv, csv_text).unwrap();
    let from_xlsx = read(&xlsx, catalog::WINDOW);
    let worker = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let on_a_worker = worker.install(|| read(&xlsx, catalog::WINDOW));
    assert_eq!(on_a_worker.items, from_xlsx.items);
    assert_eq!(on_a_worker.diagnostics, from_xlsx.diagnostics);
    let from_csv = read(&csv, catalog::WINDOW);
    assert!(from_xlsx.items.len() > 2000, "{}", from_xlsx.items.len());
    let strip = |items: &[Item]| -> Vec<Item> {
        items
            .iter()
            .map(|i| Item {
                sheet: None,
                ..i.clone()
            })
            .collect()
    };
    assert_eq!(strip(&from_xlsx.items), strip(&from_csv.items));
}

/// A large first sheet (more rows than are ever in flight) that is not
/// chosen, by `--sheet`, hidden, or named as a cover, gives no item, whether
/// the reading thread began on it before the choice came or not (here that
/// is the scheduler's; the tests below, with a visitor that takes its time
/// to choose, make sure it did), and the same items as on one thread.
#[test]
fn a_large_sheet_not_chosen_gives_no_item_however_far_it_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let header = ["項番", "対策項目", "確認項目", "必須/推奨"];
    let write = |name: &str, hidden: bool| -> PathBuf {
        let mut book = rust_xlsxwriter::Workbook::new();
        let first = book.add_worksheet().set_name(name).unwrap();
        for (c, label) in header.iter().enumerate() {
            first.write_string(0, c as u16, *label).unwrap();
        }
        for r in 1..5000u32 {
            first.write_string(r, 0, format!("9-1-1-{r}")).unwrap();
            first
                .write_string(r, 1, format!("使われない対策{r}"))
                .unwrap();
            first.write_string(r, 2, "確認").unwrap();
            first.write_string(r, 3, "必須").unwrap();
        }
        if hidden {
            first.set_hidden(true);
        }
        let second = book.add_worksheet().set_name("チェックリスト").unwrap();
        for (c, label) in header.iter().enumerate() {
            second.write_string(0, c as u16, *label).unwrap();
        }
        for r in 1..4u32 {
            second.write_string(r, 0, format!("1-1-1-{r}")).unwrap();
            second.write_string(r, 1, format!("対策{r}")).unwrap();
            second.write_string(r, 2, "確認").unwrap();
            second.write_string(r, 3, "推奨").unwrap();
        }
        // the active sheet cannot be hidden
        second.set_active(true);
        let path = dir.path().join(format!("{name}-{hidden}.xlsx"));
        book.save(&path).unwrap();
        path
    };
    let only_second = ["1-1-1-1", "1-1-1-2", "1-1-1-3"];
    let ids = |cat: &catalog::Catalog| -> Vec<String> {
        cat.items.iter().map(|i| i.id.clone()).collect()
    };
    let by_option = write("大きな表", false);
    let chosen = CatalogOptions {
        sheet: Some("チェックリスト".into()),
        ..CatalogOptions::default()
    };
    let worker = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    for path in [
        by_option.clone(),
        write("大きな表", true),
        write("表紙", false),
    ] {
        let options = if path == by_option {
            chosen.clone()
        } else {
            CatalogOptions::default()
        };
        let beside = catalog::read(&path, &options).unwrap();
        let read = ids(&beside);
        assert!(
            read == only_second,
            "{}: {} items, first {:?}",
            path.display(),
            read.len(),
            read.first()
        );
        let alone = worker.install(|| catalog::read(&path, &options).unwrap());
        assert_eq!(beside.items, alone.items);
        assert_eq!(beside.diagnostics, alone.diagnostics);
    }
    // and the first sheet, when chosen, is read whole
    let first = CatalogOptions {
        sheet: Some("大きな表".into()),
        ..CatalogOptions::default()
    };
    assert_eq!(catalog::read(&by_option, &first).unwrap().items.len(), 4999);
}

/// A visitor that takes its time to choose (the reading thread has read
/// well into the first sheet by then) and keeps what it is handed.
struct SlowChooser {
    chosen: Vec<bool>,
    handed: Vec<String>,
}

impl checksheet::source::Visitor for SlowChooser {
    fn start(
        &mut self,
        _: checksheet::source::Format,
        _: &[String],
        sheets: &[checksheet::source::SheetMeta],
    ) -> checksheet::Result<Vec<bool>> {
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert_eq!(sheets.len(), self.chosen.len());
        Ok(self.chosen.clone())
    }
    fn begin(
        &mut self,
        sheet: &checksheet::source::SheetMeta,
        _: Vec<checksheet::grid::Region>,
    ) -> checksheet::Result<()> {
        self.handed.push(format!("begin {}", sheet.index));
        Ok(())
    }
    fn row(&mut self, row: checksheet::grid::Row) -> checksheet::Result<()> {
        self.handed.push(row.cells.join("|"));
        Ok(())
    }
    fn end(&mut self) -> checksheet::Result<()> {
        self.handed.push("end".into());
        Ok(())
    }
}

/// Whatever the reading thread read before the choice was made, a visitor is
/// handed the chosen sheets only, whole, and the same as on one thread.
#[test]
fn rows_read_before_the_choice_reach_the_visitor_only_if_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in [("一", 3000u32), ("二", 5), ("三", 2000)] {
        let sheet = book.add_worksheet().set_name(name).unwrap();
        for r in 0..rows {
            sheet.write_string(r, 0, format!("{name}{r}")).unwrap();
        }
    }
    let path = dir.path().join("three.xlsx");
    book.save(&path).unwrap();
    let worker = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    for chosen in [
        vec![false, true, false],
        vec![false, false, true],
        vec![true, false, true],
    ] {
        let mut beside = SlowChooser {
            chosen: chosen.clone(),
            handed: Vec::new(),
        };
        checksheet::source::visit(&path, &Default::default(), &mut beside).unwrap();
        let mut alone = SlowChooser {
            chosen: chosen.clone(),
            handed: Vec::new(),
        };
        worker
            .install(|| checksheet::source::visit(&path, &Default::default(), &mut alone))
            .unwrap();
        assert!(
            beside.handed == alone.handed,
            "{chosen:?}: {} against {} calls",
            beside.handed.len(),
            alone.handed.len()
        );
        let begun: Vec<&String> = beside
            .handed
            .iter()
            .filter(|h| h.starts_with("begin"))
            .collect();
        let expected: Vec<String> = chosen
            .iter()
            .enumerate()
            .filter(|(_, c)| **c)
            .map(|(i, _)| format!("begin {i}"))
            .collect();
        assert_eq!(begun, expected.iter().collect::<Vec<_>>());
    }
}

/// What cannot be read of a sheet that turns out not chosen is no error,
/// whether the reading thread began on it before the choice or not; of a
/// chosen sheet it is the error it always was.
#[test]
fn a_broken_sheet_not_chosen_is_no_error_even_when_read_before_the_choice() {
    let dir = tempfile::tempdir().unwrap();
    let cell = |r: u32, c: &str, t: &str| {
        format!(r#"<c r="{c}{r}" t="inlineStr"><is><t>{t}</t></is></c>"#)
    };
    let sheet = |rows: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
        )
    };
    // many good rows, then a cell past column XFD, which no program writes
    let mut broken: String = (1..=600)
        .map(|r| format!(r#"<row r="{r}">{}</row>"#, cell(r, "A", "表紙")))
        .collect();
    broken.push_str(&format!(r#"<row r="601">{}</row>"#, cell(601, "XFE", "x")));
    let good: String = [
        ("項番", "対策項目"),
        ("1", "一番目の要件を満たすこと。"),
        ("2", "二番目の要件を満たすこと。"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (a, b))| {
        let r = i as u32 + 1;
        format!(
            r#"<row r="{r}">{}{}</row>"#,
            cell(r, "A", a),
            cell(r, "B", b)
        )
    })
    .collect();
    let rels = |n: usize| -> String {
        let r: String = (1..=n)
            .map(|i| format!(r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>"#))
            .collect();
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{r}</Relationships>"#
        )
    };
    let (broken, good, rels) = (sheet(&broken), sheet(&good), rels(2));
    let parts: [(&str, &[u8]); 6] = [
        ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#),
        ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表紙" sheetId="1" r:id="rId1"/><sheet name="チェックリスト" sheetId="2" r:id="rId2"/></sheets></workbook>"#.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", broken.as_bytes()),
        ("xl/worksheets/sheet2.xml", good.as_bytes()),
    ];
    let path = dir.path().join("broken-cover.xlsx");
    std::fs::write(&path, common::zip_bytes(&parts)).unwrap();
    let worker = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    // not chosen: no error, on two threads (read before the choice) or one
    for on_a_worker in [false, true] {
        let mut visitor = SlowChooser {
            chosen: vec![false, true],
            handed: Vec::new(),
        };
        let mut read = || checksheet::source::visit(&path, &Default::default(), &mut visitor);
        let read = if on_a_worker {
            worker.install(read)
        } else {
            read()
        };
        assert!(read.is_ok(), "on a worker: {on_a_worker}: {read:?}");
        assert_eq!(visitor.handed.first().map(String::as_str), Some("begin 1"));
        assert_eq!(visitor.handed.len(), 5, "{:?}", visitor.handed);
    }
    // and the command skips the cover by its name
    let rows = common::catalog(&path, &[]);
    assert_eq!(rows.len(), 2);
    // chosen: the error it always was, naming the sheet
    let mut visitor = SlowChooser {
        chosen: vec![true, true],
        handed: Vec::new(),
    };
    let err = checksheet::source::visit(&path, &Default::default(), &mut visitor)
        .expect_err("a cell past XFD is an error");
    assert!(err.to_string().contains("表紙"), "{err}");
}

#[test]
fn rows_out_of_order_in_the_xml_are_read_without_harm() {
    // No spreadsheet program writes rows backwards, but a hand-made file may.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backwards.xlsx");
    let cell = |r: u32, c: &str, t: &str| {
        format!(r#"<c r="{c}{r}" t="inlineStr"><is><t>{t}</t></is></c>"#)
    };
    let row = |r: u32, cells: &[(&str, &str)]| {
        let inner: String = cells.iter().map(|(c, t)| cell(r, c, t)).collect();
        format!(r#"<row r="{r}">{inner}</row>"#)
    };
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{}{}{}{}</sheetData></worksheet>"#,
        row(1, &[("A", "項番"), ("B", "対策項目")]),
        row(3, &[("A", "2"), ("B", "二番目の要件を満たすこと。")]),
        row(2, &[("A", "1"), ("B", "一番目の要件を満たすこと。")]),
        row(4, &[("A", "3"), ("B", "三番目の要件を満たすこと。")]),
    );
    common::xlsx_with_sheet(&path, &xml);
    let cat = read(&path, catalog::WINDOW);
    assert_sound(&cat);
    let ids: Vec<&str> = cat.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        ["2", "1", "3"],
        "items in the order the file holds them"
    );
}

#[test]
fn a_reader_that_goes_away_ends_the_catalog_quietly() {
    // `checksheet catalog big.xlsx | head -1`: the rows are written as they
    // are read, and a closed pipe is the end, not an error.
    let dir = tempfile::tempdir().unwrap();
    let path = shifted_rows(dir.path(), 20_000);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("checksheet"))
        .args([
            "catalog".as_ref(),
            path.as_os_str(),
            "-f".as_ref(),
            "csv".as_ref(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut header = String::new();
    out.read_line(&mut header).unwrap();
    assert!(header.starts_with("id,major,middle,minor,req"), "{header}");
    drop(out);
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(matches!(status.code(), Some(0 | 1)), "{status:?}: {stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

/// A catalog csv from generated rows: (printed requirement number or not)
/// per row, in groups of `group` rows.
fn generated(dir: &Path, rows: &[Option<u32>], group: usize) -> PathBuf {
    let mut text = String::from("大分類,中分類,要件,対策項目\n");
    for (i, req) in rows.iter().enumerate() {
        let req = req.map(|r| r.to_string()).unwrap_or_default();
        text.push_str(&format!(
            "{},{},{req},要件{i}を満たすこと。\n",
            i / (group * 3) + 1,
            i / group % 3 + 1
        ));
    }
    let path = dir.join("generated.csv");
    std::fs::write(&path, text).unwrap();
    path
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the window, every item row is read once and ids are unique;
    /// a window longer than the list decides as the whole list does.
    #[test]
    fn any_window_reads_every_row_once_with_unique_ids(
        rows in prop::collection::vec(prop::option::weighted(0.8, 1u32..12), 1..120),
        group in 1usize..20,
        window in 1usize..40,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = generated(dir.path(), &rows, group);
        let whole = read(&path, catalog::WINDOW);
        let windowed = read(&path, window);
        assert_sound(&whole);
        assert_sound(&windowed);
        prop_assert_eq!(windowed.items.len(), rows.len());
        let longer = read(&path, rows.len() + 1);
        prop_assert_eq!(digest(&longer), digest(&whole));
    }
}
