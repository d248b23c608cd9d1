//! Untrusted input and outputs opened by people: hostile files end in a clean
//! error or a correct result, inputs are never modified, text that a
//! spreadsheet would run is neutralised, and the same inputs give the same
//! bytes whatever the thread count.

mod common;

use std::path::{Path, PathBuf};

fn run_env(args: &[&std::ffi::OsStr], threads: &str) -> std::process::Output {
    assert_cmd::Command::cargo_bin("checksheet")
        .unwrap()
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .unwrap()
}

fn assert_clean_error(out: &std::process::Output, file: &Path, phrase: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains(file.file_name().unwrap().to_str().unwrap()),
        "names the file: {stderr}"
    );
    assert!(stderr.contains(phrase), "says {phrase:?}: {stderr}");
}

/// An ods package with the given table rows.
fn ods(path: &Path, table: &str) {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S">{table}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let entries: [(&str, &[u8]); 3] = [
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("content.xml", content.as_bytes()),
        ("META-INF/manifest.xml", manifest),
    ];
    std::fs::write(path, common::zip_bytes(&entries)).unwrap();
}

#[test]
fn an_ods_whose_repeats_claim_a_billion_cells_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.ods");
    ods(
        &path,
        r#"<table:table-row><table:table-cell office:value-type="string"><text:p>項番</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>対策項目</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1000" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#,
    );
    let out = common::run(["catalog".as_ref(), path.as_os_str()]);
    assert_clean_error(&out, &path, "refusing to expand");
}

#[test]
fn a_cell_of_megabytes_and_a_row_of_300000_columns_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("bigcell.csv");
    std::fs::write(
        &big,
        format!(
            "項番,対策項目,確認項目\n1-1,{},確認\n",
            "あ".repeat(2_000_000)
        ),
    )
    .unwrap();
    let rows = common::catalog(&big, &[]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["measure"].chars().count(), 2_000_000);
    let wide = dir.path().join("wide.csv");
    std::fs::write(
        &wide,
        format!(
            "{}\n項番,対策項目,確認項目\n1-1,方針,確認\n",
            vec!["x"; 300_000].join(",")
        ),
    )
    .unwrap();
    let rows = common::catalog(&wide, &[]);
    assert_eq!(rows.len(), 1);
}

#[test]
fn nul_bytes_odd_xml_and_a_catalog_that_is_no_catalog_are_clean_errors() {
    let dir = tempfile::tempdir().unwrap();
    let nul = dir.path().join("nul.csv");
    std::fs::write(
        &nul,
        b"\xe9\xa0\x85\xe7\x95\xaa,\x00\x00\x00\x00\x00,x\n1,\x00,y\n",
    )
    .unwrap();
    assert_clean_error(
        &common::run(["catalog".as_ref(), nul.as_os_str()]),
        &nul,
        "not a spreadsheet",
    );

    // an xlsx whose sheet is deeply nested unknown XML
    let odd = dir.path().join("odd.xlsx");
    let deep = format!("{}{}", "<x>".repeat(20_000), "</x>".repeat(20_000));
    common::xlsx_with_sheet(
        &odd,
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{deep}<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#
        ),
    );
    let out = common::run(["catalog".as_ref(), odd.as_os_str()]);
    assert!(
        matches!(out.status.code(), Some(2)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));

    let sales = dir.path().join("sales.csv");
    std::fs::write(&sales, "日付,商品,数量\n2026-04-01,りんご,3\n").unwrap();
    let sub = common::root().join("samples/submissions/vendor-b.csv");
    let out = common::run([
        "ingest".as_ref(),
        sub.as_os_str(),
        "--catalog".as_ref(),
        sales.as_os_str(),
    ]);
    assert_clean_error(&out, &sales, "no checklist header");
}

#[test]
fn a_protected_sheet_reads_like_any_other() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("protected.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, label) in ["項番", "対策項目", "確認項目"].iter().enumerate() {
        sheet.write_string(0, c as u16, *label).unwrap();
    }
    sheet.write_string(1, 0, "1-1").unwrap();
    sheet.write_string(1, 1, "方針を定めること。").unwrap();
    sheet.write_string(1, 2, "定めているか").unwrap();
    sheet.protect_with_password("secret");
    book.save(&path).unwrap();
    assert_eq!(common::catalog(&path, &[]).len(), 1);
}

/// A submission whose answers and remarks a spreadsheet would run as formulas.
fn formula_submission(dir: &Path) -> PathBuf {
    let path = dir.join("formulas.csv");
    std::fs::write(
        &path,
        "項番,対策項目,回答,根拠資料,備考\n1-1,方針を定めること。,○,\"=HYPERLINK(\"\"http://x\"\",\"\"規程\"\")\",@SUM(1)\n1-2,見直すこと。,×,+cmd|' /C calc'!A0,-2+3\n",
    )
    .unwrap();
    path
}

#[test]
fn text_a_spreadsheet_would_run_is_neutralised_unless_raw() {
    let dir = tempfile::tempdir().unwrap();
    let sub = formula_submission(dir.path());
    let out = common::run([
        "ingest".as_ref(),
        sub.as_os_str(),
        "--catalog".as_ref(),
        sub.as_os_str(),
        "-f".as_ref(),
        "csv".as_ref(),
    ]);
    let rows = common::csv_rows(&out.stdout);
    assert_eq!(rows[0]["evidence"], "'=HYPERLINK(\"http://x\",\"規程\")");
    assert_eq!(rows[0]["remarks"], "'@SUM(1)");
    assert_eq!(rows[1]["evidence"], "'+cmd|' /C calc'!A0");
    assert_eq!(rows[1]["remarks"], "'-2+3");
    let raw = common::run([
        "ingest".as_ref(),
        sub.as_os_str(),
        "--catalog".as_ref(),
        sub.as_os_str(),
        "-f".as_ref(),
        "csv".as_ref(),
        "--raw".as_ref(),
    ]);
    let rows = common::csv_rows(&raw.stdout);
    assert_eq!(rows[0]["evidence"], "=HYPERLINK(\"http://x\",\"規程\")");
    // xlsx writes them as text: no formula anywhere in the package
    let x = dir.path().join("out.xlsx");
    common::run([
        "ingest".as_ref(),
        sub.as_os_str(),
        "--catalog".as_ref(),
        sub.as_os_str(),
        "-o".as_ref(),
        x.as_os_str(),
    ]);
    let entries = checksheet::render::template::entries(&std::fs::read(&x).unwrap()).unwrap();
    for (name, data) in entries
        .iter()
        .filter(|(n, _)| n.starts_with("xl/worksheets/"))
    {
        assert!(
            !String::from_utf8_lossy(data).contains("<f>"),
            "{name} holds a formula"
        );
    }
    // and html escapes them (the report tests check <script>)
    let html = common::run([
        "ingest".as_ref(),
        sub.as_os_str(),
        "--catalog".as_ref(),
        sub.as_os_str(),
        "-f".as_ref(),
        "html".as_ref(),
    ]);
    assert!(String::from_utf8_lossy(&html.stdout).contains("=HYPERLINK(&quot;http://x&quot;"));
}

fn digest(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn inputs_are_never_modified() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    let inputs = [
        root.join("samples/hispro-checklist.xlsx"),
        root.join("samples/hispro-checklist-r2.xlsx"),
        root.join("samples/submissions/vendor-a.xlsx"),
        root.join("samples/submissions/vendor-b.csv"),
        root.join("samples/submissions/vendor-c.ods"),
    ];
    let before: Vec<Vec<u8>> = inputs.iter().map(|p| digest(p)).collect();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let o = |name: &str| out.join(name);
    common::run([
        "catalog".as_ref(),
        inputs[0].as_os_str(),
        "-o".as_ref(),
        o("c.xlsx").as_os_str(),
    ]);
    common::run([
        "diff".as_ref(),
        inputs[0].as_os_str(),
        inputs[1].as_os_str(),
        "-o".as_ref(),
        o("d.html").as_os_str(),
    ]);
    common::run([
        "ingest".as_ref(),
        inputs[2].as_os_str(),
        inputs[3].as_os_str(),
        inputs[4].as_os_str(),
        "--catalog".as_ref(),
        inputs[0].as_os_str(),
        "-o".as_ref(),
        o("i.xlsx").as_os_str(),
    ]);
    common::run([
        "migrate".as_ref(),
        inputs[2].as_os_str(),
        inputs[1].as_os_str(),
        "-o".as_ref(),
        o("m.xlsx").as_os_str(),
        "--report".as_ref(),
        o("m.csv").as_os_str(),
    ]);
    for (p, b) in inputs.iter().zip(&before) {
        assert!(digest(p) == *b, "{} was modified", p.display());
    }
}

#[test]
fn the_same_inputs_give_the_same_bytes_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    let cat = root.join("samples/hispro-checklist.xlsx");
    let subs = [
        root.join("samples/submissions/vendor-a.xlsx"),
        root.join("samples/submissions/vendor-b.csv"),
        root.join("samples/submissions/vendor-c.xlsx"),
        root.join("samples/submissions/vendor-d.xlsx"),
    ];
    for ext in ["csv", "json", "jsonl", "xlsx", "html", "md"] {
        let mut outputs = Vec::new();
        for threads in ["1", "2", "2"] {
            let out = dir
                .path()
                .join(format!("ingest-{threads}-{}.{ext}", outputs.len()));
            let mut args: Vec<&std::ffi::OsStr> = vec!["ingest".as_ref()];
            args.extend(subs.iter().map(|s| s.as_os_str()));
            args.extend([
                "--catalog".as_ref(),
                cat.as_os_str(),
                "-q".as_ref(),
                "-o".as_ref(),
                out.as_os_str(),
            ]);
            run_env(&args, threads);
            outputs.push(std::fs::read(&out).unwrap());
        }
        assert!(
            outputs.windows(2).all(|w| w[0] == w[1]),
            "ingest -o .{ext} differs between runs"
        );
    }
    let mut workbooks = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("migrated-{threads}.xlsx"));
        run_env(
            &[
                "migrate".as_ref(),
                subs[0].as_os_str(),
                root.join("samples/hispro-checklist-r2.xlsx").as_os_str(),
                "-o".as_ref(),
                out.as_os_str(),
                "-q".as_ref(),
            ],
            threads,
        );
        workbooks.push(std::fs::read(&out).unwrap());
    }
    assert_eq!(
        workbooks[0], workbooks[1],
        "the migrated workbook differs between runs"
    );
}
