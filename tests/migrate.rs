//! `checksheet migrate`: answers carried into the template itself, every
//! other part of the package untouched, the result readable by ingest and by
//! LibreOffice, no answer lost.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{DataValidation, Format, Note, Workbook};

const MARKS: [&str; 7] = ["○", "×", "△", "－", "はい", "", "○（実施済み）"];

/// An answered submission of the seed as a csv: every item with an answer,
/// an evidence text and, for some, a remark.
fn submission(dir: &Path, skip: &[usize]) -> PathBuf {
    let items = common::catalog(&common::seed(), &[]);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "項番",
        "対策項目",
        "確認項目",
        "必須/推奨",
        "回答",
        "根拠資料",
        "備考",
    ])
    .unwrap();
    for (k, item) in items.iter().enumerate() {
        if skip.contains(&k) {
            continue;
        }
        let remark = if k % 5 == 0 {
            format!("補足{k}")
        } else {
            String::new()
        };
        let level = if item["level"] == "required" {
            "必須"
        } else {
            "推奨"
        };
        w.write_record([
            item["id"].as_str(),
            item["measure"].as_str(),
            item["check"].as_str(),
            level,
            MARKS[k % MARKS.len()],
            &format!("規程{k}"),
            &remark,
        ])
        .unwrap();
    }
    let path = dir.join("submission.csv");
    std::fs::write(&path, w.into_inner().unwrap()).unwrap();
    path
}

fn migrate(
    old: &Path,
    template: &Path,
    out: &Path,
    extra: &[&str],
) -> (Vec<HashMap<String, String>>, String, Option<i32>) {
    let mut args: Vec<std::ffi::OsString> = vec![
        "migrate".into(),
        old.into(),
        template.into(),
        "-o".into(),
        out.into(),
        "-f".into(),
        "csv".into(),
    ];
    args.extend(extra.iter().map(|s| s.into()));
    let run = common::run(args);
    (
        common::csv_rows(&run.stdout),
        String::from_utf8_lossy(&run.stderr).into_owned(),
        run.status.code(),
    )
}

fn entries(path: &Path) -> BTreeMap<String, Vec<u8>> {
    checksheet::render::template::entries(&std::fs::read(path).unwrap()).expect("a zip package")
}

#[test]
fn answers_go_into_the_template_and_nothing_else_changes() {
    let dir = tempfile::tempdir().unwrap();
    let old = submission(dir.path(), &[]);
    let template = common::root().join("samples/hispro-checklist.xlsx");
    let out = dir.path().join("migrated.xlsx");
    let (rows, stderr, code) = migrate(&old, &template, &out, &[]);
    assert_eq!(code, Some(0), "all carried: exit 0 ({stderr})");
    assert_eq!(rows.len(), 504);
    assert_eq!(
        rows[0]
            .keys()
            .filter(|k| [
                "new_id",
                "new_row",
                "old_id",
                "old_row",
                "action",
                "answer",
                "evidence",
                "remarks",
                "similarity"
            ]
            .contains(&k.as_str()))
            .count(),
        9
    );
    assert!(
        rows.iter().all(|r| r["action"] == "carried"),
        "the same items: everything carried"
    );

    // the package: only the edited sheet, the styles, the parts that list
    // sheets and the added sheet differ
    let before = entries(&template);
    let after = entries(&out);
    let allowed = [
        "xl/worksheets/sheet3.xml",
        "xl/styles.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
    ];
    for (name, bytes) in &before {
        let now = after
            .get(name)
            .unwrap_or_else(|| panic!("{name} disappeared"));
        if !allowed.contains(&name.as_str()) {
            assert_eq!(
                now, bytes,
                "{name} must be byte-identical to the template's"
            );
        }
    }
    let added: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert_eq!(added.len(), 1, "one sheet added: {added:?}");

    // ingest of the migrated workbook against the template gives the answers back
    let back = common::run([
        "ingest".as_ref(),
        out.as_os_str(),
        "--catalog".as_ref(),
        template.as_os_str(),
        "-f".as_ref(),
        "csv".as_ref(),
        "-q".as_ref(),
    ]);
    let back = common::csv_rows(&back.stdout);
    assert_eq!(back.len(), 504);
    for (r, m) in back.iter().zip(&rows) {
        assert_eq!(r["id"], m["new_id"]);
        assert_eq!(r["status"], "ok", "{}", r["id"]);
        assert_eq!(r["answer_raw"], m["answer_raw"], "{}", r["id"]);
        assert_eq!(r["evidence"], m["evidence"], "{}", r["id"]);
        assert_eq!(r["remarks"], m["remarks"], "{}", r["id"]);
        assert_eq!(r["sheet"], "チェックリスト");
        assert_eq!(
            r["row"], m["new_row"],
            "the answer stands on the item's own row"
        );
    }
}

#[test]
fn the_migrated_workbook_opens_in_libreoffice_with_the_answers() {
    let Some(_) = common::soffice() else {
        eprintln!("LibreOffice is not installed: the open-without-repair check is skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let old = submission(dir.path(), &[]);
    let template = common::root().join("samples/hispro-checklist.xlsx");
    let out = dir.path().join("migrated.xlsx");
    migrate(&old, &template, &out, &[]);
    // LibreOffice re-saves it as xlsx; a package it could not read gives none
    let conv = dir.path().join("conv");
    std::fs::create_dir(&conv).unwrap();
    let converted = common::convert(&out, "xlsx", &conv);
    let items = common::catalog(&converted, &["--sheet", "チェックリスト"]);
    assert_eq!(items.len(), 504);
    let back = common::run([
        "ingest".as_ref(),
        converted.as_os_str(),
        "--catalog".as_ref(),
        template.as_os_str(),
        "-f".as_ref(),
        "csv".as_ref(),
        "-q".as_ref(),
    ]);
    let back = common::csv_rows(&back.stdout);
    let answered = back.iter().filter(|r| !r["answer_raw"].is_empty()).count();
    assert_eq!(
        answered,
        504 - 504 / MARKS.len(),
        "every non-empty answer reads back"
    );
    assert_eq!(back[0]["answer_raw"], "○");
    assert_eq!(back[6]["answer_raw"], "○（実施済み）");
}

/// A template with empty answer columns, data validation, a comment and
/// merged header cells, as an owner prepares the yearly form.
fn template_with_answer_columns(dir: &Path) -> PathBuf {
    let items = common::catalog(&common::seed(), &[]);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("回答様式").unwrap();
    let head = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let cell = Format::new()
        .set_border(rust_xlsxwriter::FormatBorder::Thin)
        .set_text_wrap();
    sheet
        .merge_range(
            0,
            0,
            0,
            5,
            "2026年度 チェックシート（回答用）",
            &Format::new(),
        )
        .unwrap();
    for (c, label) in ["項番", "対策項目", "必須/推奨", "回答", "根拠資料", "備考"]
        .iter()
        .enumerate()
    {
        sheet
            .write_string_with_format(2, c as u16, *label, &head)
            .unwrap();
    }
    for (k, item) in items.iter().take(60).enumerate() {
        let r = 3 + k as u32;
        sheet
            .write_string_with_format(r, 0, &item["id"], &cell)
            .unwrap();
        sheet
            .write_string_with_format(r, 1, &item["measure"], &cell)
            .unwrap();
        let level = if item["level"] == "required" {
            "必須"
        } else {
            "推奨"
        };
        sheet.write_string_with_format(r, 2, level, &cell).unwrap();
        for c in 3..6 {
            sheet.write_blank(r, c, &cell).unwrap();
        }
    }
    let validation = DataValidation::new()
        .allow_list_strings(&["○", "×", "△", "－"])
        .unwrap();
    sheet.add_data_validation(3, 3, 62, 3, &validation).unwrap();
    sheet
        .insert_note(2, 3, &Note::new("○×△－から選択してください"))
        .unwrap();
    sheet.set_column_width(1, 60).unwrap();
    sheet.set_freeze_panes(3, 0).unwrap();
    let path = dir.join("template.xlsx");
    book.save(&path).unwrap();
    path
}

#[test]
fn a_template_with_answer_columns_gets_the_answers_in_them() {
    let dir = tempfile::tempdir().unwrap();
    let template = template_with_answer_columns(dir.path());
    let old = submission(dir.path(), &[]);
    let out = dir.path().join("migrated.xlsx");
    let (rows, stderr, _) = migrate(&old, &template, &out, &[]);
    assert_eq!(
        rows.len(),
        60 + 444,
        "60 items carried, the other 444 old answers dropped ({stderr})"
    );
    assert_eq!(rows.iter().filter(|r| r["action"] == "carried").count(), 60);
    // every old item has an evidence text, so each one not in the template is dropped
    assert_eq!(
        rows.iter().filter(|r| r["action"] == "dropped").count(),
        444
    );
    // the answers stand in the template's own columns D, E, F
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    use calamine::Reader;
    let range = book.worksheet_range("回答様式").unwrap();
    assert_eq!(
        range.get_value((3, 3)).map(|v| v.to_string()),
        Some("○".to_owned())
    );
    assert_eq!(
        range.get_value((3, 4)).map(|v| v.to_string()),
        Some("規程0".to_owned())
    );
    assert_eq!(
        range.get_value((3, 5)).map(|v| v.to_string()),
        Some("補足0".to_owned())
    );
    assert_eq!(range.get_value((2, 6)), None, "no column added");
    // the parts the owner made stay as they were: the note and validation
    let before = entries(&template);
    let after = entries(&out);
    for name in before
        .keys()
        .filter(|n| n.contains("comments") || n.contains("vmlDrawing"))
    {
        assert_eq!(before[name], after[name], "{name}");
    }
    let sheet_xml = String::from_utf8(after["xl/worksheets/sheet1.xml"].clone()).unwrap();
    assert!(
        sheet_xml.contains("<dataValidations"),
        "data validation kept"
    );
    assert!(sheet_xml.contains("<mergeCell "), "merged cells kept");
    assert!(sheet_xml.contains("<pane "), "frozen panes kept");
}

#[test]
fn reworded_and_removed_items_are_marked_and_no_answer_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    // the template: the seed's first 60 items, item 3 reworded, item 5
    // removed, one new item
    let items = common::catalog(&common::seed(), &[]);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("CL").unwrap();
    for (c, label) in ["項番", "対策項目", "必須/推奨", "回答", "根拠資料", "備考"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *label).unwrap();
    }
    let mut r = 1;
    for (k, item) in items.iter().take(60).enumerate() {
        if k == 5 {
            continue;
        }
        let measure = if k == 3 {
            format!("{}また、年に一度見直すこと。", item["measure"])
        } else {
            item["measure"].clone()
        };
        sheet.write_string(r, 0, &item["id"]).unwrap();
        sheet.write_string(r, 1, &measure).unwrap();
        sheet
            .write_string(
                r,
                2,
                if item["level"] == "required" {
                    "必須"
                } else {
                    "推奨"
                },
            )
            .unwrap();
        r += 1;
    }
    sheet.write_string(r, 0, "9-9-9-1").unwrap();
    sheet
        .write_string(
            r,
            1,
            "生成AIの利用に関する方針を定め、従業員に周知すること。",
        )
        .unwrap();
    sheet.write_string(r, 2, "必須").unwrap();
    let template = dir.path().join("r2.xlsx");
    book.save(&template).unwrap();

    let old = submission(dir.path(), &[]);
    let out = dir.path().join("migrated.xlsx");
    let (rows, _, code) = migrate(&old, &template, &out, &[]);
    assert_eq!(code, Some(1), "review, new and dropped rows: exit 1");
    let by_new: HashMap<&str, &HashMap<String, String>> = rows
        .iter()
        .filter(|r| !r["new_id"].is_empty())
        .map(|r| (r["new_id"].as_str(), r))
        .collect();
    assert_eq!(by_new[items[3]["id"].as_str()]["action"], "review");
    assert_eq!(
        by_new[items[3]["id"].as_str()]["answer_raw"],
        MARKS[3],
        "the answer is copied but marked"
    );
    assert_eq!(by_new["9-9-9-1"]["action"], "new");
    assert!(by_new["9-9-9-1"]["answer"].is_empty());
    // every answered old item is carried, reviewed or dropped
    let accounted: std::collections::HashSet<String> = rows
        .iter()
        .filter(|r| r["action"] != "new")
        .flat_map(|r| {
            r["old_id"]
                .split(';')
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    for item in &items {
        assert!(
            accounted.contains(&item["id"]),
            "the answer of {} is neither carried nor dropped",
            item["id"]
        );
    }
    assert!(rows
        .iter()
        .any(|r| r["action"] == "dropped" && r["old_id"] == items[5]["id"]));
    // the review cell is highlighted: its style differs from a carried one's
    let sheet_xml = String::from_utf8(entries(&out)["xl/worksheets/sheet1.xml"].clone()).unwrap();
    let style_of = |a1: &str| {
        let at = sheet_xml
            .find(&format!("<c r=\"{a1}\""))
            .unwrap_or_else(|| panic!("cell {a1}"));
        let tail = &sheet_xml[at..at + 80];
        tail.split("s=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or("")
            .to_owned()
    };
    assert_ne!(
        style_of("D5"),
        style_of("D3"),
        "the reviewed answer (row 5) is highlighted"
    );
    let styles = String::from_utf8(entries(&out)["xl/styles.xml"].clone()).unwrap();
    assert!(styles.contains("FFFFEB9C"), "a highlight fill was added");
}

#[test]
fn a_text_or_xls_template_gives_a_clean_workbook_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let old = submission(dir.path(), &[]);
    let out = dir.path().join("migrated.xlsx");
    let (rows, stderr, _) = migrate(&old, &common::seed(), &out, &[]);
    assert_eq!(rows.len(), 504);
    assert!(stderr.contains("cannot be edited in place"), "{stderr}");
    let back = common::run([
        "ingest".as_ref(),
        out.as_os_str(),
        "--catalog".as_ref(),
        common::seed().as_os_str(),
        "-f".as_ref(),
        "csv".as_ref(),
        "-q".as_ref(),
    ]);
    let back = common::csv_rows(&back.stdout);
    assert_eq!(back.iter().filter(|r| r["status"] == "ok").count(), 504);
    assert_eq!(back[0]["answer_raw"], "○");
}

#[test]
fn an_xls_template_gives_a_clean_workbook_of_its_contents() {
    if common::soffice().is_none() {
        eprintln!("LibreOffice is not installed: the xls template case is skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let old = submission(dir.path(), &[]);
    let xls = common::convert(
        &common::root().join("samples/hispro-checklist.xlsx"),
        "xls",
        dir.path(),
    );
    let out = dir.path().join("migrated.xlsx");
    let (rows, stderr, _) = migrate(&old, &xls, &out, &[]);
    assert!(stderr.contains("cannot be edited in place"), "{stderr}");
    assert_eq!(
        rows.iter().filter(|r| r["action"] == "carried").count(),
        504
    );
    // the clean workbook keeps the template's sheets and reads back
    let book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    use calamine::Reader;
    let names = book.sheet_names();
    assert!(
        names.iter().any(|n| n == "チェックリスト") && names.iter().any(|n| n == "表紙"),
        "{names:?}"
    );
    let back = common::run([
        "ingest".as_ref(),
        out.as_os_str(),
        "--catalog".as_ref(),
        xls.as_os_str(),
        "-f".as_ref(),
        "csv".as_ref(),
        "-q".as_ref(),
    ]);
    let back = common::csv_rows(&back.stdout);
    assert_eq!(back.iter().filter(|r| r["status"] == "ok").count(), 504);
    for (r, m) in back.iter().zip(&rows) {
        assert_eq!(r["answer_raw"], m["answer_raw"], "{}", r["id"]);
    }
}
