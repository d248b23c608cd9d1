//! Checklists laid out as other owners and vendors lay them out: English
//! headers, one-cell ids, other column orders, merged cells, cover sheets,
//! answer columns, several checklist sheets. Each workbook is written here
//! with rust_xlsxwriter and read by the real binary.

mod common;

use std::collections::HashMap;
use std::path::Path;

use rust_xlsxwriter::{Format, Workbook};

type Rows = Vec<HashMap<String, String>>;

/// Write rows of cells (numbers where a cell parses as one) into a sheet.
fn put(sheet: &mut rust_xlsxwriter::Worksheet, first_row: u32, first_col: u16, rows: &[&[&str]]) {
    for (i, row) in rows.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            let (r, c) = (first_row + i as u32, first_col + j as u16);
            if cell.is_empty() {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(n)
                    if !cell.contains('.')
                        || cell.matches('.').count() == 1 && !cell.ends_with('.') =>
                {
                    sheet.write_number(r, c, n).unwrap();
                }
                _ => {
                    sheet.write_string(r, c, *cell).unwrap();
                }
            }
        }
    }
}

fn field<'a>(rows: &'a Rows, i: usize, name: &str) -> &'a str {
    rows[i].get(name).map(String::as_str).unwrap_or("")
}

fn ids(rows: &Rows) -> Vec<&str> {
    rows.iter().map(|r| r["id"].as_str()).collect()
}

fn save(book: &mut Workbook, dir: &Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    book.save(&path).unwrap();
    path
}

#[test]
fn english_checklist_with_one_cell_ids_and_another_column_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Checklist").unwrap();
    put(
        sheet,
        0,
        0,
        &[
            &["Cloud service security checklist v2"],
            &[],
            &[
                "Requirement ID",
                "Control",
                "Check points",
                "Mandatory/Recommended",
                "Domain",
                "Guideline",
                "Reference",
            ],
            &[
                "1.1.1",
                "Management shall approve an information security policy.",
                "Is the policy approved and signed?",
                "Mandatory",
                "1. Organisation",
                "ISO/IEC 27017",
                "5.1.1",
            ],
            &[
                "1.1.2",
                "The policy shall be reviewed at planned intervals.",
                "Is there a review record?",
                "Mandatory",
                "",
                "ISO/IEC 27017",
                "5.1.2",
            ],
            &[
                "1.2.1",
                "Roles and responsibilities shall be defined.",
                "Is there an organisation chart with roles?",
                "Recommended",
                "",
                "ISO/IEC 27017",
                "6.1.1",
            ],
            &[
                "2.1.1",
                "Backups shall be taken and tested.",
                "Are restores tested yearly?",
                "Mandatory",
                "2. Operations",
                "ISO/IEC 27017",
                "12.3.1",
            ],
        ],
    );
    let path = save(&mut book, dir.path(), "english.xlsx");
    let rows = common::catalog(&path, &[]);
    assert_eq!(ids(&rows), ["1-1-1", "1-1-2", "1-2-1", "2-1-1"]);
    assert_eq!(
        field(&rows, 0, "measure"),
        "Management shall approve an information security policy."
    );
    assert_eq!(
        field(&rows, 0, "check"),
        "Is the policy approved and signed?"
    );
    assert_eq!(field(&rows, 0, "level"), "required");
    assert_eq!(field(&rows, 2, "level"), "recommended");
    assert_eq!(
        field(&rows, 1, "category"),
        "1. Organisation",
        "the category fills down"
    );
    assert_eq!(field(&rows, 3, "category"), "2. Operations");
    assert_eq!(field(&rows, 3, "ref"), "12.3.1");
    assert_eq!(field(&rows, 3, "guideline"), "ISO/IEC 27017");
    assert_eq!(field(&rows, 0, "row"), "4");
    assert_eq!(field(&rows, 0, "sheet"), "Checklist");
    assert_eq!(
        (
            field(&rows, 0, "major"),
            field(&rows, 0, "middle"),
            field(&rows, 0, "req")
        ),
        ("1", "1", "1")
    );
}

#[test]
fn vendor_copy_with_cover_merged_ids_answers_and_full_width_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = Workbook::new();
    let cover = book.add_worksheet().set_name("表紙").unwrap();
    put(
        cover,
        1,
        1,
        &[
            &["セキュリティチェックシート 回答書"],
            &["提出日", "2026年4月1日"],
            &["会社名", "株式会社サンプル"],
        ],
    );
    let sheet = book.add_worksheet().set_name("回答").unwrap();
    let wrap = Format::new().set_text_wrap();
    // title block, header starting in column B, two-row header with 項番 merged
    sheet
        .merge_range(
            0,
            1,
            0,
            9,
            "外部委託先チェックシート（回答用）",
            &Format::new(),
        )
        .unwrap();
    sheet
        .merge_range(2, 1, 2, 3, "項番", &Format::new())
        .unwrap();
    put(sheet, 3, 1, &[&["大分類", "中分類", "要件"]]);
    for (c, label) in [
        (4u16, "分類"),
        (5, "必須/推奨"),
        (6, "対策項目"),
        (7, "回答（○/×）"),
        (8, "根拠資料"),
        (9, "備考"),
    ] {
        sheet
            .merge_range(2, c, 3, c, label, &Format::new())
            .unwrap();
    }
    // major merged over the rows of its group; a hidden helper column K
    sheet.merge_range(4, 1, 6, 1, "１", &Format::new()).unwrap();
    put(
        sheet,
        4,
        2,
        &[
            &[
                "1",
                "1",
                "1. 組織",
                "必須",
                "情報セキュリティ基本方針を定め、経営陣が承認すること。",
                "○",
                "基本方針 第2版",
                "",
            ],
            &[
                "1",
                "2",
                "",
                "必須",
                "基本方針を定期的に見直すこと。",
                "○（年1回）",
                "",
                "次回は来年4月",
            ],
            &[
                "2",
                "1",
                "",
                "推奨",
                "情報セキュリティ委員会を設置すること。",
                "×",
                "",
                "検討中",
            ],
        ],
    );
    sheet
        .write_string_with_format(5, 6, "基本方針を定期的に\n見直すこと。", &wrap)
        .unwrap();
    put(
        sheet,
        7,
        1,
        &[&["※ 回答欄には○または×を記入してください。"]],
    );
    sheet.set_column_hidden(10).unwrap();
    put(sheet, 4, 10, &[&["x"], &["x"], &["x"]]);
    let path = save(&mut book, dir.path(), "vendor.xlsx");
    let out = common::run([
        "catalog".as_ref(),
        path.as_os_str(),
        "-f".as_ref(),
        "csv".as_ref(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("表紙"),
        "the cover sheet is named in a note: {stderr}"
    );
    let rows = common::csv_rows(&out.stdout);
    assert_eq!(ids(&rows), ["1-1-1", "1-1-2", "1-2-1"]);
    assert_eq!(
        field(&rows, 1, "measure"),
        "基本方針を定期的に\n見直すこと。"
    );
    assert_eq!(field(&rows, 2, "category"), "1. 組織");
    assert_eq!(field(&rows, 2, "level"), "recommended");
    assert_eq!(field(&rows, 0, "row"), "5");
    assert_eq!(field(&rows, 2, "row"), "7");
}

#[test]
fn several_checklist_sheets_form_one_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = Workbook::new();
    for (name, major) in [("1.設備", "1"), ("2.機能", "2")] {
        let sheet = book.add_worksheet().set_name(name).unwrap();
        put(
            sheet,
            0,
            0,
            &[
                &["項番", "対策項目", "確認項目", "必須/推奨"],
                &[&format!("{major}-1-1-1"), "対策A", "確認A", "必須"],
                &[&format!("{major}-1-1-2"), "対策B", "確認B", "推奨"],
            ],
        );
    }
    let path = save(&mut book, dir.path(), "sheets.xlsx");
    let rows = common::catalog(&path, &[]);
    assert_eq!(ids(&rows), ["1-1-1-1", "1-1-1-2", "2-1-1-1", "2-1-1-2"]);
    assert_eq!(field(&rows, 2, "sheet"), "2.機能");
    let only = common::catalog(&path, &["--sheet", "2.機能"]);
    assert_eq!(ids(&only), ["2-1-1-1", "2-1-1-2"]);
}

#[test]
fn checklist_without_numbers_gets_ordinal_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.csv");
    std::fs::write(
        &path,
        "Requirement,Check points,Level\nEncrypt data at rest.,Is storage encrypted?,Mandatory\nLog admin access.,Are logs kept for a year?,Recommended\n",
    )
    .unwrap();
    let rows = common::catalog(&path, &[]);
    assert_eq!(ids(&rows), ["1", "2"]);
    assert_eq!(field(&rows, 1, "row"), "3");
    assert_eq!(field(&rows, 1, "check"), "Are logs kept for a year?");
}

#[test]
fn vertically_merged_group_and_level_cells_reach_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("CL").unwrap();
    put(
        sheet,
        0,
        0,
        &[&[
            "大分類",
            "中分類",
            "小分類",
            "要件",
            "分類",
            "必須／推奨",
            "対策項目",
            "確認項目",
        ]],
    );
    let f = Format::new();
    sheet.merge_range(1, 0, 4, 0, "1", &f).unwrap();
    sheet.merge_range(1, 1, 4, 1, "2", &f).unwrap();
    sheet.merge_range(1, 2, 2, 2, "1", &f).unwrap();
    sheet.merge_range(3, 2, 4, 2, "2", &f).unwrap();
    sheet
        .merge_range(1, 4, 4, 4, "1. 設備・運用 2) 医療", &f)
        .unwrap();
    sheet.merge_range(1, 5, 3, 5, "必須", &f).unwrap();
    put(
        sheet,
        1,
        3,
        &[
            &["1", "", "", "対策1", "確認1"],
            &["2", "", "", "対策2", "確認2"],
            &["1", "", "", "対策3", "確認3"],
            &["2", "", "推奨", "対策4", "確認4"],
        ],
    );
    let path = save(&mut book, dir.path(), "merged.xlsx");
    let rows = common::catalog(&path, &[]);
    assert_eq!(ids(&rows), ["1-2-1-1", "1-2-1-2", "1-2-2-1", "1-2-2-2"]);
    assert!(rows
        .iter()
        .all(|r| r["category"] == "1. 設備・運用 2) 医療"));
    let levels: Vec<&str> = rows.iter().map(|r| r["level"].as_str()).collect();
    assert_eq!(levels, ["required", "required", "required", "recommended"]);
    // The same sheet as ods and xls: calamine reports no merges for ods, the
    // reader takes them from content.xml.
    if common::soffice().is_none() {
        eprintln!("LibreOffice is not installed: ods/xls merged cells not checked");
        return;
    }
    for ext in ["ods", "xls"] {
        let converted = common::convert(&path, ext, dir.path());
        let again = common::catalog(&converted, &[]);
        assert_eq!(ids(&again), ids(&rows), "{ext}");
        let levels: Vec<&str> = again.iter().map(|r| r["level"].as_str()).collect();
        assert_eq!(
            levels,
            ["required", "required", "required", "recommended"],
            "{ext}"
        );
    }
}

#[test]
fn repeated_and_missing_numbers_are_reconstructed_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dups.csv");
    std::fs::write(
        &path,
        "No.,対策項目,確認項目\n1-1-1,対策1,確認1\n1-1-2,対策2,確認2\n1-1-2,対策3,確認3\n,対策4,確認4\n1-1-5,対策5,確認5\n",
    )
    .unwrap();
    let out = common::run([
        "catalog".as_ref(),
        path.as_os_str(),
        "-f".as_ref(),
        "csv".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(1), "warnings make exit 1");
    let rows = common::csv_rows(&out.stdout);
    let got = ids(&rows);
    let unique: std::collections::HashSet<&&str> = got.iter().collect();
    assert_eq!(unique.len(), 5, "ids are unique: {got:?}");
    assert_eq!(got[0], "1-1-1");
    assert_eq!(got[1], "1-1-2");
    assert_eq!(got[4], "1-1-5");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 4") && stderr.contains("line 5"),
        "{stderr}"
    );
}

#[test]
fn a_catalog_exported_as_csv_or_json_reads_back_as_the_same_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let original = common::catalog(&common::seed(), &[]);
    for ext in ["csv", "json", "jsonl", "tsv"] {
        let out = dir.path().join(format!("catalog.{ext}"));
        let run = common::run([
            "catalog".as_ref(),
            common::seed().as_os_str(),
            "-q".as_ref(),
            "-o".as_ref(),
            out.as_os_str(),
        ]);
        assert!(
            run.status.code().is_some_and(|c| c < 2),
            "{ext}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let again = common::catalog(&out, &[]);
        assert_eq!(again.len(), 504, "{ext}");
        for (a, b) in original.iter().zip(&again) {
            for key in [
                "id",
                "major",
                "middle",
                "minor",
                "req",
                "category",
                "level",
                "measure",
                "guideline",
                "ref",
                "check",
            ] {
                assert_eq!(a[key], b[key], "{ext}: {key} of {}", a["id"]);
            }
        }
    }
}

#[test]
fn an_unlabeled_column_of_answer_marks_is_the_answer_column_but_a_labeled_one_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub.csv");
    std::fs::write(
        &sub,
        "項番,対策項目,,備考\n1-1-1-1,方針を定めること。,○,\n1-1-1-2,見直すこと。,×,来期\n1-1-1-3,周知すること。,△,\n1-1-1-4,教育すること。,○,\n",
    )
    .unwrap();
    let out = common::run([
        "ingest".as_ref(),
        sub.as_os_str(),
        "--catalog".as_ref(),
        sub.as_os_str(),
        "-f".as_ref(),
        "csv".as_ref(),
    ]);
    let rows = common::csv_rows(&out.stdout);
    let answers: Vec<&str> = rows.iter().map(|r| r["answer_raw"].as_str()).collect();
    assert_eq!(answers, ["○", "×", "△", "○"]);
    let read = common::run([
        "catalog".as_ref(),
        sub.as_os_str(),
        "-f".as_ref(),
        "csv".as_ref(),
    ]);
    assert!(
        String::from_utf8_lossy(&read.stderr).contains("without a label"),
        "the column is named in a note"
    );

    // `クラウド ○` marks where an item applies: not answers, but kept in the
    // note of an ingest so nothing the vendor wrote is lost
    let applicability = dir.path().join("applicability.csv");
    std::fs::write(
        &applicability,
        "項番,対策項目,クラウド,回答\n1-1-1-1,方針を定めること。,○,はい\n1-1-1-2,見直すこと。,○,いいえ\n1-1-1-3,周知すること。,○,\n",
    )
    .unwrap();
    let out = common::run([
        "ingest".as_ref(),
        applicability.as_os_str(),
        "--catalog".as_ref(),
        applicability.as_os_str(),
        "-f".as_ref(),
        "csv".as_ref(),
    ]);
    let rows = common::csv_rows(&out.stdout);
    let answers: Vec<&str> = rows.iter().map(|r| r["answer"].as_str()).collect();
    assert_eq!(answers, ["yes", "no", ""]);
}

// A sheet claiming A1:XFD1048576, with a merge over all of it, once took
// 21 GB and a minute: spreading and aligning now cost what the sheet holds.
#[test]
fn a_sheet_claiming_the_whole_grid_costs_only_its_cells() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.xlsx");
    common::xlsx_with_sheet(
        &path,
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>項番</t></is></c><c r="B1" t="inlineStr"><is><t>対策項目</t></is></c><c r="C1" t="inlineStr"><is><t>確認項目</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>1-1</t></is></c><c r="B2" t="inlineStr"><is><t>方針を定めること。</t></is></c><c r="C2" t="inlineStr"><is><t>定めているか</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>"#,
    );
    let started = std::time::Instant::now();
    let out = common::run([
        "catalog".as_ref(),
        path.as_os_str(),
        "-f".as_ref(),
        "csv".as_ref(),
        "-q".as_ref(),
    ]);
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}
