//! `checksheet diff`, run as a user runs it: the published sample against its
//! next revision (`samples/hispro-checklist-r2.xlsx`, written with its ground
//! truth by `cargo run --example make_samples`), a checklist against itself,
//! the mapping file round trip, every output format and the terminal view.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Output;

use calamine::{Data, Reader};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

// The generator itself, so that the committed revision and truth can be
// checked against a fresh run of it (its `main` is not used here).
#[allow(dead_code)]
#[path = "../examples/make_samples.rs"]
mod make_samples;

/// The columns of a checklist diff, in order: the contract's nine, then
/// reason, note and the two texts.
const COLUMNS: [&str; 13] = [
    "status",
    "old_id",
    "new_id",
    "changes",
    "similarity",
    "old_sheet",
    "old_row",
    "new_sheet",
    "new_row",
    "reason",
    "note",
    "old_measure",
    "new_measure",
];

/// The statuses, in the order the summary counts them.
const STATUSES: [&str; 6] = [
    "unchanged",
    "changed",
    "added",
    "removed",
    "split",
    "merged",
];

fn sample() -> PathBuf {
    common::root().join("samples/hispro-checklist.xlsx")
}

fn revision() -> PathBuf {
    common::root().join("samples/hispro-checklist-r2.xlsx")
}

fn truth_file() -> PathBuf {
    common::root().join("samples/hispro-checklist-r2.truth.csv")
}

/// Run `checksheet diff OLD NEW -q EXTRA…` with `NO_COLOR=1`.
fn diff(old: &Path, new: &Path, extra: &[&std::ffi::OsStr]) -> Output {
    assert_cmd::Command::cargo_bin("checksheet")
        .expect("the checksheet binary is built")
        .arg("diff")
        .arg(old)
        .arg(new)
        .arg("-q")
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .expect("checksheet runs")
}

/// `checksheet diff OLD NEW -f csv EXTRA…`, asserting the exit status.
fn diff_csv(old: &Path, new: &Path, extra: &[&std::ffi::OsStr], status: i32) -> Vec<u8> {
    let mut args: Vec<&std::ffi::OsStr> = vec!["-f".as_ref(), "csv".as_ref()];
    args.extend_from_slice(extra);
    let out = diff(old, new, &args);
    assert_eq!(
        out.status.code(),
        Some(status),
        "exit status of diff {} {} {extra:?}; stderr: {}",
        old.display(),
        new.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn headers(text: &[u8], delimiter: u8) -> Vec<String> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text)
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_owned)
        .collect()
}

fn assert_columns(found: &[String], what: &str) {
    let found: Vec<&str> = found.iter().map(String::as_str).collect();
    assert_eq!(
        found.get(..COLUMNS.len()),
        Some(&COLUMNS[..]),
        "{what}: the columns are not the diff contract's, in order"
    );
}

/// A pair as the truth and the diff name it: old id, new id (either may be
/// empty).
type Key = (String, String);

/// What is expected of a pair, or what was found: status and change flags.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Verdict {
    status: String,
    changes: String,
}

/// The truth file: pair → verdict.
fn truth() -> BTreeMap<Key, Verdict> {
    let text = std::fs::read(truth_file()).expect("the truth file");
    let rows = common::csv_rows(&text);
    let mut out = BTreeMap::new();
    for row in &rows {
        let key = (row["old_id"].clone(), row["new_id"].clone());
        let verdict = Verdict {
            status: row["kind"].clone(),
            changes: row["changes"].clone(),
        };
        assert!(
            out.insert(key.clone(), verdict).is_none(),
            "the truth names {key:?} twice"
        );
    }
    out
}

/// The change flags, in the contract's order.
const FLAGS: [&str; 10] = [
    "number",
    "group",
    "text",
    "level",
    "check",
    "guideline",
    "ref",
    "answer",
    "evidence",
    "remarks",
];

#[test]
fn truth_file_is_well_formed() {
    let truth = truth();
    for (key, verdict) in &truth {
        assert!(
            STATUSES.contains(&verdict.status.as_str()),
            "{key:?}: kind {:?}",
            verdict.status
        );
        let flags: Vec<&str> = verdict
            .changes
            .split(';')
            .filter(|f| !f.is_empty())
            .collect();
        let mut sorted = flags.clone();
        sorted.sort_by_key(|f| FLAGS.iter().position(|x| x == f).expect("a known flag"));
        assert_eq!(flags, sorted, "{key:?}: flags out of the contract order");
        assert_eq!(
            verdict.status == "unchanged",
            flags.is_empty() && !key.0.is_empty() && !key.1.is_empty(),
            "{key:?}: unchanged exactly when a pair has no flag"
        );
    }
    let count = |status: &str| truth.values().filter(|v| v.status == status).count();
    // What the generator was asked to make (see examples/make_samples.rs).
    assert_eq!(count("added"), 5, "added items");
    assert_eq!(count("removed"), 4, "removed items");
    assert_eq!(count("split"), 2, "one item split in two");
    assert_eq!(count("merged"), 2, "two items merged in one");
    let with = |flag: &str| {
        truth
            .values()
            .filter(|v| v.status == "changed" && v.changes.split(';').any(|f| f == flag))
            .count()
    };
    assert_eq!(with("group"), 3, "moved items");
    assert_eq!(with("level"), 2, "level changes");
    assert_eq!(with("guideline"), 1, "guideline changes");
    assert_eq!(with("text"), 13, "reworded items (one of them moved)");
    assert_eq!(with("check"), 2, "check text changes");
}

// The committed revision and truth are what the generator writes today, byte
// for byte: regenerate them when the seed, the reader or the generator change.
#[test]
fn committed_revision_is_the_generators_output() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (workbook, truth, _) =
        make_samples::make_revision(&common::seed(), dir.path()).expect("generation");
    for (fresh, committed) in [(workbook, revision()), (truth, truth_file())] {
        assert!(
            std::fs::read(&fresh).expect("the fresh file")
                == std::fs::read(&committed).expect("the committed file"),
            "{} is stale: run `cargo run --example make_samples`",
            committed.display()
        );
    }
}

/// The diff's rows: pair → verdict, with what explains a verdict (reason,
/// similarity, note) for messages.
fn found(csv: &[u8]) -> BTreeMap<Key, (Verdict, String)> {
    let mut out = BTreeMap::new();
    for row in common::csv_rows(csv) {
        let key = (row["old_id"].clone(), row["new_id"].clone());
        let verdict = Verdict {
            status: row["status"].clone(),
            changes: row["changes"].clone(),
        };
        let why = format!(
            "reason {:?}, similarity {:?}, note {:?}",
            row["reason"], row["similarity"], row["note"]
        );
        assert!(
            out.insert(key.clone(), (verdict, why)).is_none(),
            "the diff names {key:?} twice"
        );
    }
    out
}

#[test]
fn revision_diff_matches_the_truth() {
    let csv = diff_csv(&sample(), &revision(), &[], 1);
    let expected = truth();
    let got = found(&csv);
    let mut wrong = Vec::new();
    for (key, want) in &expected {
        match got.get(key) {
            None => wrong.push(format!(
                "{}/{}: expected {} [{}], not in the diff",
                key.0, key.1, want.status, want.changes
            )),
            Some((have, why)) if have != want => wrong.push(format!(
                "{}/{}: expected {} [{}], got {} [{}] ({why})",
                key.0, key.1, want.status, want.changes, have.status, have.changes
            )),
            Some(_) => {}
        }
    }
    for (key, (have, why)) in &got {
        if !expected.contains_key(key) {
            wrong.push(format!(
                "{}/{}: not in the truth, got {} [{}] ({why})",
                key.0, key.1, have.status, have.changes
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} rows differ from samples/hispro-checklist-r2.truth.csv:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn revision_diff_csv_snapshot() {
    let csv = diff_csv(&sample(), &revision(), &[], 1);
    insta::assert_snapshot!(
        "revision_diff_csv",
        String::from_utf8(csv).expect("UTF-8 csv")
    );
}

/// A checklist against a list of the same items: every row unchanged, no
/// flag, exit 0.
fn assert_all_unchanged(old: &Path, new: &Path, items: usize) {
    let csv = diff_csv(old, new, &[], 0);
    let rows = common::csv_rows(&csv);
    assert_eq!(
        rows.len(),
        items,
        "rows of diff {} {}",
        old.display(),
        new.display()
    );
    for row in &rows {
        assert_eq!(
            (row["status"].as_str(), row["changes"].as_str()),
            ("unchanged", ""),
            "{} / {}: {row:?}",
            row["old_id"],
            row["new_id"]
        );
        assert_eq!(row["old_id"], row["new_id"], "{row:?}");
        assert_eq!(row["reason"], "same", "{row:?}");
    }
}

#[test]
fn seed_against_itself_is_unchanged() {
    assert_all_unchanged(&common::seed(), &common::seed(), 504);
}

#[test]
fn seed_against_its_published_workbook_is_unchanged() {
    assert_all_unchanged(&common::seed(), &sample(), 504);
    assert_all_unchanged(&sample(), &common::seed(), 504);
}

#[test]
fn revision_against_itself_is_unchanged() {
    let items: BTreeSet<String> = truth()
        .into_keys()
        .map(|(_, new)| new)
        .filter(|new| !new.is_empty())
        .collect();
    assert_all_unchanged(&revision(), &revision(), items.len());
}

/// The csv without one column, for comparing two runs apart from it.
fn without_column(csv: &[u8], column: &str) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_reader(csv);
    let skip = reader
        .headers()
        .expect("a header")
        .iter()
        .position(|h| h == column);
    reader
        .records()
        .map(|r| {
            r.expect("a record")
                .iter()
                .enumerate()
                .filter(|(j, _)| Some(*j) != skip)
                .map(|(_, v)| v.to_owned())
                .collect()
        })
        .collect()
}

// The diff csv is a mapping file: a reviewer who runs again with it unedited
// gets the same diff.
#[test]
fn mapping_round_trip_is_identical() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let first = diff_csv(&sample(), &revision(), &[], 1);
    let mapping = dir.path().join("mapping.csv");
    std::fs::write(&mapping, &first).expect("the mapping file is written");
    let second = diff_csv(
        &sample(),
        &revision(),
        &["--mapping".as_ref(), mapping.as_os_str()],
        1,
    );
    let (a, b) = (
        without_column(&first, "note"),
        without_column(&second, "note"),
    );
    assert_eq!(a.len(), b.len(), "rows of the run with the mapping");
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y, "a row changed when run with its own mapping");
    }
    if first != second {
        let notes = |csv: &[u8]| -> Vec<String> {
            common::csv_rows(csv)
                .into_iter()
                .map(|r| format!("{}/{}: {:?}", r["old_id"], r["new_id"], r["note"]))
                .collect()
        };
        let (na, nb) = (notes(&first), notes(&second));
        let differing: Vec<String> = na
            .iter()
            .zip(&nb)
            .filter(|(x, y)| x != y)
            .map(|(x, y)| format!("{x}  →  {y}"))
            .collect();
        panic!(
            "the run with the diff's own csv as mapping differs in the note column only, \
             in {} of {} rows, e.g.:\n{}",
            differing.len(),
            na.len(),
            differing[..differing.len().min(5)].join("\n")
        );
    }
}

// A reviewer re-pairs two items by swapping their new ids in the mapping:
// the next run pairs them so and says they were pinned.
#[test]
fn edited_mapping_pins_are_followed_and_noted() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let first = diff_csv(&sample(), &revision(), &[], 1);
    let mut reader = csv::Reader::from_reader(&first[..]);
    let header = reader.headers().expect("a header").clone();
    let mut records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (status, old_id, new_id) = (col("status"), col("old_id"), col("new_id"));
    // the first two unchanged items
    let swap: Vec<usize> = (0..records.len())
        .filter(|&i| &records[i][status] == "unchanged")
        .take(2)
        .collect();
    let (a, b) = (swap[0], swap[1]);
    let (old_a, new_a) = (records[a][old_id].to_owned(), records[a][new_id].to_owned());
    let (old_b, new_b) = (records[b][old_id].to_owned(), records[b][new_id].to_owned());
    let with_new = |r: &csv::StringRecord, new: &str| -> csv::StringRecord {
        r.iter()
            .enumerate()
            .map(|(j, v)| if j == new_id { new } else { v })
            .collect()
    };
    records[a] = with_new(&records[a], &new_b);
    records[b] = with_new(&records[b], &new_a);
    let mapping = dir.path().join("mapping.csv");
    let mut w = csv::Writer::from_path(&mapping).expect("the mapping file");
    w.write_record(&header).unwrap();
    for r in &records {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    drop(w);

    let second = diff_csv(
        &sample(),
        &revision(),
        &["--mapping".as_ref(), mapping.as_os_str()],
        1,
    );
    let rows = common::csv_rows(&second);
    let pairs: BTreeSet<Key> = rows
        .iter()
        .map(|r| (r["old_id"].clone(), r["new_id"].clone()))
        .collect();
    for (old, new) in [(&old_a, &new_b), (&old_b, &new_a)] {
        let row = rows
            .iter()
            .find(|r| &r["old_id"] == old && &r["new_id"] == new)
            .unwrap_or_else(|| panic!("the pinned pair {old}/{new} is not in the diff"));
        assert!(
            row["note"].contains("pinned"),
            "{old}/{new}: the note says it is pinned: {row:?}"
        );
        assert_eq!(row["status"], "changed", "{old}/{new}: {row:?}");
        assert!(
            row["changes"].split(';').any(|f| f == "text"),
            "{old}/{new}: two different requirements, text flagged: {row:?}"
        );
    }
    for (old, new) in [(&old_a, &new_a), (&old_b, &new_b)] {
        assert!(
            !pairs.contains(&(old.clone(), new.clone())),
            "the old pair {old}/{new} is still in the diff"
        );
    }
    // every other row as before
    let before = found(&first);
    let after = found(&second);
    for (key, (verdict, _)) in &before {
        if [&old_a, &old_b].contains(&&key.0) {
            continue;
        }
        assert_eq!(
            after.get(key).map(|v| &v.0),
            Some(verdict),
            "{key:?} changed when only two other pairs were re-pinned"
        );
    }
}

/// The keys of a JSON object, in the order they are written.
struct Keys(Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Keys, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some((key, IgnoredAny)) = map.next_entry::<String, IgnoredAny>()? {
                    keys.push(key);
                }
                Ok(Keys(keys))
            }
        }
        deserializer.deserialize_map(KeysVisitor)
    }
}

/// `diff SAMPLE REVISION -f FORMAT`, exit 1.
fn revision_as(format: &str) -> Vec<u8> {
    let out = diff(&sample(), &revision(), &["-f".as_ref(), format.as_ref()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "-f {format}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The number of rows of the csv diff of the revision.
fn revision_rows() -> Vec<std::collections::HashMap<String, String>> {
    common::csv_rows(&diff_csv(&sample(), &revision(), &[], 1))
}

#[test]
fn json_objects_carry_the_columns_in_order() {
    let out = revision_as("json");
    let rows: Vec<Keys> = serde_json::from_slice(&out).expect("-f json is an array of objects");
    assert_eq!(rows.len(), revision_rows().len(), "json rows");
    for (i, keys) in rows.iter().enumerate() {
        assert_columns(&keys.0, &format!("json row {}", i + 1));
    }
    let values: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    let csv = revision_rows();
    for (value, row) in values.iter().zip(&csv) {
        for column in ["status", "old_id", "new_id", "changes"] {
            assert_eq!(value[column], row[column].as_str(), "json {column}");
        }
    }
}

#[test]
fn jsonl_has_one_object_per_row() {
    let out = String::from_utf8(revision_as("jsonl")).expect("UTF-8");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), revision_rows().len(), "jsonl lines");
    for (i, line) in lines.iter().enumerate() {
        let keys: Keys = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("jsonl line {} is not an object: {e}", i + 1));
        assert_columns(&keys.0, &format!("jsonl line {}", i + 1));
    }
}

#[test]
fn tsv_is_the_csv_with_tabs() {
    let tsv = revision_as("tsv");
    assert_columns(&headers(&tsv, b'\t'), "tsv");
    let csv = diff_csv(&sample(), &revision(), &[], 1);
    let records = |text: &[u8], delimiter: u8| -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(text)
            .records()
            .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
            .collect()
    };
    assert_eq!(records(&tsv, b'\t'), records(&csv, b','));
}

#[test]
fn markdown_table_has_the_columns() {
    let md = String::from_utf8(revision_as("md")).expect("UTF-8");
    let header = md
        .lines()
        .find(|l| l.starts_with("| status"))
        .expect("a table header");
    let cells: Vec<String> = header
        .trim_matches('|')
        .split('|')
        .map(|c| c.trim().to_owned())
        .collect();
    assert_columns(&cells, "md");
    // a ticket gets what needs attention: every row but the unchanged ones
    let rows = md.lines().filter(|l| l.starts_with("| ")).count() - 1;
    let attention = revision_rows()
        .iter()
        .filter(|r| r["status"] != "unchanged")
        .count();
    assert_eq!(rows, attention, "md table rows");
}

/// A cell read back from xlsx as the csv shows it.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f:.3}"),
        other => other.to_string(),
    }
}

#[test]
fn xlsx_reads_back_with_the_columns() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("diff.xlsx");
    let out = diff(&sample(), &revision(), &["-o".as_ref(), path.as_os_str()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "-o still wrote to stdout");
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(&path).expect("-o diff.xlsx wrote a workbook calamine opens");
    let names = book.sheet_names();
    let table = names
        .iter()
        .map(|n| book.worksheet_range(n).expect("a readable sheet"))
        .find(|r| r.rows().next().and_then(|r| r.first()).map(cell_text) == Some("status".into()))
        .unwrap_or_else(|| panic!("no sheet whose header starts with status: {names:?}"));
    let mut rows = table.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(cell_text).collect();
    assert_columns(&header, "xlsx");
    let data: Vec<Vec<String>> = rows.map(|r| r.iter().map(cell_text).collect()).collect();
    let csv = revision_rows();
    assert_eq!(data.len(), csv.len(), "xlsx data rows");
    for (i, (row, expected)) in data.iter().zip(&csv).enumerate() {
        for (j, column) in COLUMNS.iter().enumerate() {
            let cell = row.get(j).cloned().unwrap_or_default();
            if *column == "similarity" && !cell.is_empty() {
                let (x, y): (f64, f64) =
                    (cell.parse().unwrap(), expected[*column].parse().unwrap());
                assert!(
                    (x - y).abs() < 5e-4,
                    "xlsx row {} similarity {x} vs {y}",
                    i + 2
                );
                continue;
            }
            assert_eq!(
                cell,
                expected[*column],
                "xlsx row {} column {column}",
                i + 2
            );
        }
    }
}

/// Remove the `[-…-]` / `{+…+}` marks and all white space.
fn unmarked(text: &str) -> String {
    text.replace("[-", "")
        .replace("-]", "")
        .replace("{+", "")
        .replace("+}", "")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn terminal_table_shows_counts_and_marked_rewording() {
    let out = revision_as("table");
    let text = String::from_utf8(out).expect("UTF-8");
    assert!(!text.contains('\x1b'), "NO_COLOR=1: no escape codes");

    let truth = truth();
    let counts: Vec<String> = STATUSES
        .iter()
        .map(|s| {
            let n = truth.values().filter(|v| v.status == *s).count();
            format!("{s}: {n}")
        })
        .collect();
    let summary = counts.join(" · ");
    assert!(
        text.lines().any(|l| l.contains(&summary)),
        "a summary line with {summary:?}:\n{}",
        &text[..text.len().min(800)]
    );

    // the first item that was only reworded
    let (key, _) = truth
        .iter()
        .find(|(_, v)| v.status == "changed" && v.changes == "text")
        .expect("a reworded item in the truth");
    let csv = revision_rows();
    let row = csv
        .iter()
        .find(|r| r["old_id"] == key.0 && r["new_id"] == key.1)
        .expect("the reworded item in the csv");
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| {
            l.starts_with("changed") && l.split_whitespace().nth(1) == Some(key.0.as_str())
        })
        .unwrap_or_else(|| panic!("a heading for {}:\n{text}", key.0));
    let old_line = lines[at + 1].trim_start();
    let new_line = lines[at + 2].trim_start();
    assert!(
        old_line.starts_with("- ") && old_line.contains("[-") && old_line.contains("-]"),
        "the old text with deletions marked: {old_line}"
    );
    assert!(
        new_line.starts_with("+ ") && new_line.contains("{+") && new_line.contains("+}"),
        "the new text with insertions marked: {new_line}"
    );
    let bare = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    assert_eq!(
        unmarked(&old_line[2..]),
        bare(&row["old_measure"]),
        "old line"
    );
    assert_eq!(
        unmarked(&new_line[2..]),
        bare(&row["new_measure"]),
        "new line"
    );
}
