//! `checksheet ingest` on the vendor submissions of `samples/submissions/`
//! (written by `cargo run --example make_submissions`): every submission must
//! give, field by field, the result its generator recorded in
//! `<name>.expected.csv`; batch mode, an unreadable file among others,
//! `--answers`, json and xlsx output.

mod common;

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use common::{csv_rows, root, run, seed};

/// The fields of the contract that the expected results pin.
const FIELDS: [&str; 8] = [
    "id",
    "status",
    "answer",
    "answer_raw",
    "evidence",
    "remarks",
    "sheet",
    "row",
];

/// Free text: compared with line breaks normalised.
const TEXT_FIELDS: [&str; 3] = ["answer_raw", "evidence", "remarks"];

/// Each submission and the name of its expected result.
const CASES: [(&str, &str); 6] = [
    ("vendor-a.xlsx", "vendor-a"),
    ("vendor-b.csv", "vendor-b"),
    ("vendor-c.xlsx", "vendor-c"),
    ("vendor-c.xls", "vendor-c"),
    ("vendor-c.ods", "vendor-c"),
    ("vendor-d.xlsx", "vendor-d"),
];

type Row = HashMap<String, String>;

fn submissions() -> PathBuf {
    root().join("samples/submissions")
}

fn submission(name: &str) -> PathBuf {
    submissions().join(name)
}

/// `checksheet ingest FILES… --catalog samples/hispro-seed.txt EXTRA…`
fn ingest_args(files: &[PathBuf], extra: &[&str]) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["ingest".into()];
    args.extend(files.iter().map(|f| f.as_os_str().to_owned()));
    args.extend(["--catalog".into(), seed().into_os_string()]);
    args.extend(extra.iter().map(OsString::from));
    args
}

/// How to run one case by hand.
fn reproduce(file: &str) -> String {
    format!(
        "cargo run -q -- ingest samples/submissions/{file} --catalog samples/hispro-seed.txt -f csv"
    )
}

/// The csv output marks a cell that a spreadsheet would run as a formula
/// with a leading `'` (DESIGN: vendor text is untrusted); the expected
/// results hold the vendor's text as written.
fn as_output(field: &str, value: &str) -> String {
    let formula_like = matches!(
        value.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    ) && value != "-"
        && !(value.len() > 1 && value[1..].parse::<f64>().is_ok());
    let value = if formula_like && field != "row" {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if TEXT_FIELDS.contains(&field) {
        value.replace("\r\n", "\n")
    } else {
        value
    }
}

fn field<'a>(row: &'a Row, name: &str) -> &'a str {
    row.get(name).map(String::as_str).unwrap_or("")
}

/// The differences between an ingest result and its expected rows: the
/// catalog items in order, then the extra rows matched by where they stand.
fn differences(got: &[Row], expected: &[Row]) -> Vec<String> {
    let mut out = Vec::new();
    let items = |rows: &[Row]| -> Vec<Row> {
        rows.iter()
            .filter(|r| field(r, "status") != "extra")
            .cloned()
            .collect()
    };
    let (got_items, want_items) = (items(got), items(expected));
    if got_items.len() != want_items.len() {
        out.push(format!(
            "{} catalog-item rows, expected {}",
            got_items.len(),
            want_items.len()
        ));
    }
    for (k, (g, w)) in got_items.iter().zip(&want_items).enumerate() {
        let mut fields = Vec::new();
        for name in FIELDS {
            let want = as_output(name, field(w, name));
            let have = if TEXT_FIELDS.contains(&name) {
                field(g, name).replace("\r\n", "\n")
            } else {
                field(g, name).to_owned()
            };
            if want != have {
                fields.push(format!("{name}: expected {want:?}, got {have:?}"));
            }
        }
        if !fields.is_empty() {
            out.push(format!(
                "item #{} {}: {} (note: {:?})",
                k + 1,
                field(w, "id"),
                fields.join("; "),
                field(g, "note")
            ));
        }
    }
    let extras = |rows: &[Row]| -> HashMap<(String, String), Row> {
        rows.iter()
            .filter(|r| field(r, "status") == "extra")
            .map(|r| {
                (
                    (field(r, "sheet").to_owned(), field(r, "row").to_owned()),
                    r.clone(),
                )
            })
            .collect()
    };
    let (got_extra, want_extra) = (extras(got), extras(expected));
    let mut keys: Vec<&(String, String)> = got_extra.keys().chain(want_extra.keys()).collect();
    keys.sort_by_key(|(sheet, row)| (sheet.clone(), row.parse::<u32>().unwrap_or(0)));
    keys.dedup();
    for key in keys {
        let place = format!("sheet {:?} row {}", key.0, key.1);
        match (got_extra.get(key), want_extra.get(key)) {
            (Some(g), None) => out.push(format!(
                "unexpected extra row at {place}: id {:?}, answer_raw {:?} (note: {:?})",
                field(g, "id"),
                field(g, "answer_raw"),
                field(g, "note")
            )),
            (None, Some(w)) => out.push(format!(
                "missing extra row at {place}: id {:?}, answer_raw {:?}, remarks {:?}",
                field(w, "id"),
                field(w, "answer_raw"),
                field(w, "remarks")
            )),
            (Some(g), Some(w)) => {
                let fields: Vec<String> = FIELDS
                    .iter()
                    .filter(|name| as_output(name, field(w, name)) != field(g, name))
                    .map(|name| {
                        format!(
                            "{name}: expected {:?}, got {:?}",
                            as_output(name, field(w, name)),
                            field(g, name)
                        )
                    })
                    .collect();
                if !fields.is_empty() {
                    out.push(format!("extra row at {place}: {}", fields.join("; ")));
                }
            }
            (None, None) => {}
        }
    }
    out
}

fn expected(name: &str) -> Vec<Row> {
    let path = submissions().join(format!("{name}.expected.csv"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (cargo run --example make_submissions)",
            path.display()
        )
    });
    csv_rows(&bytes)
}

/// Run one case and assert its result is the expected one, listing every
/// difference.
fn assert_case(file: &str, name: &str) {
    let path = submission(file);
    assert!(path.exists(), "{} is missing", path.display());
    let out = run(ingest_args(&[path], &["-f", "csv"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{file}: panicked:\n{stderr}");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{file}: every sample has problems to report (exit 1); stderr:\n{stderr}"
    );
    let got = csv_rows(&out.stdout);
    let diffs = differences(&got, &expected(name));
    if !diffs.is_empty() {
        let shown: Vec<&String> = diffs.iter().take(15).collect();
        panic!(
            "{file}: {} differences from {name}.expected.csv (first {}):\n  {}\nreproduce: {}",
            diffs.len(),
            shown.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n  "),
            reproduce(file)
        );
    }
}

#[test]
fn vendor_a_xlsx_three_sheets_merged_header_edits() {
    assert_case("vendor-a.xlsx", "vendor-a");
}

#[test]
fn vendor_b_csv_cp932_english_headers_reordered() {
    assert_case("vendor-b.csv", "vendor-b");
}

#[test]
fn vendor_c_xlsx_float_and_full_width_numbers() {
    assert_case("vendor-c.xlsx", "vendor-c");
}

#[test]
fn vendor_c_xls_saved_by_libreoffice() {
    assert_case("vendor-c.xls", "vendor-c");
}

#[test]
fn vendor_c_ods_saved_by_libreoffice() {
    assert_case("vendor-c.ods", "vendor-c");
}

#[test]
fn vendor_d_xlsx_answers_only() {
    assert_case("vendor-d.xlsx", "vendor-d");
}

/// The summary lines on stderr, by the file they name.
fn summaries(stderr: &str, files: &[PathBuf]) -> Vec<(String, usize)> {
    files
        .iter()
        .map(|f| {
            let name = f.display().to_string();
            let prefix = format!("{name}: items ");
            let n = stderr.lines().filter(|l| l.starts_with(&prefix)).count();
            (name, n)
        })
        .collect()
}

/// The rows of one file in a batch output, without the `file` column.
fn rows_of(batch: &[Row], file: &Path) -> Vec<Row> {
    let name = file.display().to_string();
    batch
        .iter()
        .filter(|r| field(r, "file") == name)
        .map(|r| {
            let mut r = r.clone();
            r.remove("file");
            r
        })
        .collect()
}

fn header(stdout: &[u8]) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(stdout);
    reader
        .headers()
        .expect("a csv header")
        .iter()
        .map(str::to_owned)
        .collect()
}

#[test]
fn batch_gives_every_file_its_rows_and_summary() {
    let files: Vec<PathBuf> = CASES.iter().map(|(f, _)| submission(f)).collect();
    let out = run(ingest_args(&files, &["-f", "csv"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr:\n{stderr}");
    let columns = header(&out.stdout);
    assert_eq!(
        columns
            .iter()
            .take(11)
            .map(String::as_str)
            .collect::<Vec<_>>(),
        [
            "file",
            "id",
            "status",
            "answer",
            "answer_raw",
            "evidence",
            "remarks",
            "sheet",
            "row",
            "similarity",
            "note"
        ],
        "batch columns"
    );
    for (name, n) in summaries(&stderr, &files) {
        assert_eq!(n, 1, "{name}: {n} summary lines on stderr:\n{stderr}");
    }
    let batch = csv_rows(&out.stdout);
    for file in &files {
        let single = run(ingest_args(std::slice::from_ref(file), &["-f", "csv"]));
        let alone = csv_rows(&single.stdout);
        let together = rows_of(&batch, file);
        assert_eq!(
            together.len(),
            alone.len(),
            "{}: {} rows in the batch, {} alone",
            file.display(),
            together.len(),
            alone.len()
        );
        for (k, (t, a)) in together.iter().zip(&alone).enumerate() {
            assert_eq!(
                t,
                a,
                "{}: row {} differs in the batch",
                file.display(),
                k + 1
            );
        }
    }
    assert_eq!(
        batch.len(),
        files
            .iter()
            .map(|f| rows_of(&batch, f).len())
            .sum::<usize>(),
        "every batch row names one of the files"
    );
}

#[test]
fn batch_with_a_missing_file_names_it_and_still_reports_the_others() {
    let missing = submission("vendor-z-not-sent.xlsx");
    let files = vec![
        submission("vendor-a.xlsx"),
        missing.clone(),
        submission("vendor-c.xlsx"),
    ];
    let out = run(ingest_args(&files, &["-f", "csv"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "panicked:\n{stderr}");
    assert_eq!(out.status.code(), Some(2), "stderr:\n{stderr}");
    assert!(
        stderr.contains(&missing.display().to_string()),
        "stderr does not name {}:\n{stderr}",
        missing.display()
    );
    let batch = csv_rows(&out.stdout);
    assert_eq!(header(&out.stdout)[0], "file");
    for file in [&files[0], &files[2]] {
        let rows = rows_of(&batch, file);
        assert!(
            rows.len() >= 504,
            "{}: {} rows printed",
            file.display(),
            rows.len()
        );
    }
    assert!(rows_of(&batch, &missing).is_empty());
    for (name, n) in summaries(&stderr, &[files[0].clone(), files[2].clone()]) {
        assert_eq!(n, 1, "{name}: {n} summary lines:\n{stderr}");
    }
}

/// Several files named, one of them unreadable: every format has the
/// leading `file` column, whether its report is written as the results come
/// (csv, tsv, json) or built whole (markdown, table).
#[test]
fn several_files_one_unreadable_keep_the_file_column_in_every_format() {
    let files = vec![
        submission("vendor-a.xlsx"),
        submission("vendor-z-not-sent.xlsx"),
    ];
    let first_column = |format: &str| -> String {
        let out = run(ingest_args(&files, &["-f", format, "-q"]));
        assert_eq!(out.status.code(), Some(2), "-f {format}");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        match format {
            "csv" => header(&out.stdout)[0].clone(),
            "tsv" => text
                .lines()
                .next()
                .unwrap_or("")
                .split('\t')
                .next()
                .unwrap_or("")
                .to_owned(),
            // the first key of the first object, as written (a parsed map
            // would sort its keys)
            "json" => text
                .split_once("{\"")
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(key, _)| key.to_owned())
                .unwrap_or_default(),
            _ => text
                .lines()
                .find(|l| l.starts_with('|'))
                .and_then(|l| l.trim_start_matches('|').split('|').next())
                .unwrap_or("")
                .trim()
                .to_owned(),
        }
    };
    for format in ["csv", "tsv", "json", "md"] {
        assert_eq!(first_column(format), "file", "-f {format}");
    }
}

#[test]
fn user_notations_turn_pending_answers_into_partial() {
    let file = submission("vendor-a.xlsx");
    let pending = |rows: &[Row]| -> Vec<(String, String)> {
        rows.iter()
            .filter(|r| field(r, "answer_raw") == "検討中")
            .map(|r| (field(r, "id").to_owned(), field(r, "answer").to_owned()))
            .collect()
    };
    let plain = csv_rows(&run(ingest_args(std::slice::from_ref(&file), &["-f", "csv"])).stdout);
    let before = pending(&plain);
    assert!(before.len() >= 2, "vendor-a has 検討中 answers: {before:?}");
    assert!(
        before.iter().all(|(_, a)| a == "other"),
        "without --answers 検討中 is other: {before:?}"
    );

    let dir = tempfile::tempdir().expect("a temporary folder");
    let answers = dir.path().join("answers.csv");
    std::fs::write(&answers, "検討中,partial\n").expect("the answers file is written");
    let answers_arg = answers.display().to_string();
    let out = run(ingest_args(
        std::slice::from_ref(&file),
        &["-f", "csv", "--answers", &answers_arg],
    ));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr:\n{stderr}");
    let after = pending(&csv_rows(&out.stdout));
    assert_eq!(after.len(), before.len(), "the same rows: {after:?}");
    assert!(
        after.iter().all(|(_, a)| a == "partial"),
        "with --answers 検討中 is partial: {after:?}"
    );
    // Nothing else moves.
    let rest = |rows: &[Row]| -> Vec<(String, String)> {
        rows.iter()
            .filter(|r| field(r, "answer_raw") != "検討中")
            .map(|r| (field(r, "id").to_owned(), field(r, "answer").to_owned()))
            .collect()
    };
    assert_eq!(rest(&csv_rows(&out.stdout)), rest(&plain));
}

#[test]
fn json_output_has_the_contract_keys_and_the_csv_rows() {
    let file = submission("vendor-c.xlsx");
    let csv_out = csv_rows(&run(ingest_args(std::slice::from_ref(&file), &["-f", "csv"])).stdout);
    let out = run(ingest_args(std::slice::from_ref(&file), &["-f", "json"]));
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).expect("json is UTF-8");
    let value: serde_json::Value = serde_json::from_str(&text).expect("valid json");
    let rows = value.as_array().expect("an array of rows");
    assert_eq!(rows.len(), csv_out.len());
    // Key order is the contract's: check it in the text of the first object.
    let first_line = text.lines().nth(1).expect("a first object");
    let mut at = 0;
    for key in FIELDS {
        let pos = first_line[at..]
            .find(&format!("\"{key}\":"))
            .unwrap_or_else(|| panic!("key {key} missing or out of order in {first_line}"));
        at += pos + 1;
    }
    for (j, c) in rows.iter().zip(&csv_out) {
        for name in ["id", "status", "answer", "answer_raw", "sheet"] {
            assert_eq!(
                j[name].as_str().unwrap_or_default(),
                field(c, name),
                "json {name} of {}",
                field(c, "id")
            );
        }
        let row = match &j["row"] {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        assert_eq!(row, field(c, "row"), "json row of {}", field(c, "id"));
    }
}

#[test]
fn xlsx_output_reads_back() {
    use calamine::{Data, Reader};
    let file = submission("vendor-a.xlsx");
    let csv_out = csv_rows(&run(ingest_args(std::slice::from_ref(&file), &["-f", "csv"])).stdout);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let xlsx = dir.path().join("out.xlsx");
    let xlsx_arg = xlsx.display().to_string();
    let out = run(ingest_args(std::slice::from_ref(&file), &["-o", &xlsx_arg]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr:\n{stderr}");
    assert!(out.stdout.is_empty(), "-o writes nothing to stdout");
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(&xlsx).expect("-o out.xlsx wrote a workbook calamine opens");
    let names = book.sheet_names();
    let items = names
        .iter()
        .find(|n| {
            book.worksheet_range(n).ok().is_some_and(|r| {
                r.rows().next().is_some_and(|h| {
                    h.first() == Some(&Data::String("id".into()))
                        && h.get(1) == Some(&Data::String("status".into()))
                })
            })
        })
        .cloned()
        .unwrap_or_else(|| panic!("no sheet of {names:?} has the id, status header"));
    let range = book.worksheet_range(&items).expect("the items sheet reads");
    let text = |d: &Data| match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        other => other.to_string(),
    };
    let mut rows = range.rows();
    let head: Vec<String> = rows.next().expect("a header").iter().map(text).collect();
    let col = |name: &str| head.iter().position(|h| h == name).expect(name);
    let body: Vec<&[Data]> = rows.collect();
    assert_eq!(body.len(), csv_out.len(), "as many rows as the csv");
    for (x, c) in body.iter().zip(&csv_out) {
        for name in ["id", "status", "answer", "sheet", "row"] {
            assert_eq!(
                text(&x[col(name)]),
                field(c, name),
                "xlsx {name} of {}",
                field(c, "id")
            );
        }
    }
}

#[test]
fn a_batch_of_more_files_than_are_read_at_once_keeps_their_order_in_every_output() {
    // Submissions are read 32 at a time and written as they come: 70 files
    // (the six samples over and over) span three such batches.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let files: Vec<PathBuf> = (0..70)
        .map(|k| {
            let (name, _) = CASES[k % CASES.len()];
            let ext = Path::new(name).extension().unwrap().to_str().unwrap();
            let copy = dir.path().join(format!("{k:02}-{}.{ext}", &name[..8]));
            std::fs::copy(submission(name), &copy).expect("a copy");
            copy
        })
        .collect();
    let csv_out = dir.path().join("batch.csv");
    let xlsx_out = dir.path().join("batch.xlsx");
    for out in [&csv_out, &xlsx_out] {
        let result = run(ingest_args(&files, &["-q", "-o", out.to_str().unwrap()]));
        assert_eq!(
            result.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
    }
    let rows = csv_rows(&std::fs::read(&csv_out).unwrap());
    let order: Vec<String> = rows.iter().fold(Vec::new(), |mut seen, r| {
        if seen.last().map(String::as_str) != Some(field(r, "file")) {
            seen.push(field(r, "file").to_owned());
        }
        seen
    });
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    assert_eq!(order, names, "rows come file by file, in the order given");
    // each sample once, in each of the three batches
    for (k, file) in files.iter().enumerate().filter(|(k, _)| k % 32 < 6) {
        let alone = csv_rows(&run(ingest_args(std::slice::from_ref(file), &["-f", "csv"])).stdout);
        assert_eq!(rows_of(&rows, file), alone, "file {k}");
    }

    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx_out).expect("the xlsx report opens");
    assert_eq!(book.sheet_names(), ["Summary", "Placed", "Matrix"]);
    let placed = book.worksheet_range("Placed").expect("the detail sheet");
    assert_eq!(
        placed.height(),
        rows.len() + 1,
        "one detail row per csv row"
    );
    let cell = |r: usize, c: usize| match placed.get((r, c)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => f.to_string(),
        _ => String::new(),
    };
    for (k, row) in rows.iter().enumerate().step_by(97) {
        assert_eq!(cell(k + 1, 0), field(row, "file"), "row {k}");
        assert_eq!(cell(k + 1, 1), field(row, "id"), "row {k}");
        assert_eq!(cell(k + 1, 2), field(row, "status"), "row {k}");
    }
    let matrix = book.worksheet_range("Matrix").expect("the matrix sheet");
    assert_eq!(matrix.width(), files.len() + 2, "a column per file");
    let summary = book.worksheet_range("Summary").expect("the summary sheet");
    let said: Vec<String> = summary
        .rows()
        .filter_map(|r| match r.first() {
            Some(Data::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect();
    for name in &names {
        assert!(said.contains(name), "the summary names {name}");
    }
}
