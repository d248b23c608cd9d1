//! Outputs of `checksheet catalog`: `-o` by extension, the machine-readable
//! formats of the contract (columns named and ordered as DESIGN.md says), and
//! output files replaced only by a run that succeeds.

mod common;

use std::fmt;
use std::path::Path;

use calamine::{Data, Reader};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

/// The catalog columns of the output contract, in order.
const COLUMNS: [&str; 13] = [
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
    "sheet",
    "row",
];

const SEED_ITEMS: usize = 504;

/// Run `checksheet catalog SEED ARGS…`, asserting it succeeded (0 or 1).
fn catalog_seed(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let seed = common::seed();
    let mut all: Vec<&std::ffi::OsStr> = vec!["catalog".as_ref(), seed.as_os_str()];
    all.extend_from_slice(args);
    let out = common::run(&all);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "checksheet {all:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
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

fn assert_keys_are_the_columns(keys: &Keys, what: &str) {
    let keys: Vec<&str> = keys.0.iter().map(String::as_str).collect();
    assert_eq!(
        keys.get(..COLUMNS.len()),
        Some(&COLUMNS[..]),
        "{what}: keys are not the contract's columns in order"
    );
}

/// A cell read back from xlsx as the text csv would show.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

#[test]
fn csv_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    let to_file = catalog_seed(&["-o".as_ref(), path.as_os_str()]);
    assert!(to_file.stdout.is_empty(), "-o still wrote to stdout");
    let written = std::fs::read(&path).expect("-o out.csv wrote the file");
    let rows = common::csv_rows(&written);
    assert_eq!(rows.len(), SEED_ITEMS);
    let headers: Vec<String> = csv::Reader::from_reader(&written[..])
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        headers.get(..COLUMNS.len()),
        Some(&COLUMNS.map(String::from)[..])
    );
    let to_stdout = catalog_seed(&["-f".as_ref(), "csv".as_ref()]);
    assert_eq!(written, to_stdout.stdout, "the file differs from -f csv");
}

#[test]
fn xlsx_to_a_file_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.xlsx");
    catalog_seed(&["-o".as_ref(), path.as_os_str()]);
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(&path).expect("-o out.xlsx wrote a workbook calamine opens");
    let names = book.sheet_names();
    let mut tables = Vec::new();
    for name in &names {
        let range = book.worksheet_range(name).expect("a readable sheet");
        let first = range.rows().next().map(|r| r.first().map(cell_text));
        if first == Some(Some("id".to_owned())) {
            tables.push(range);
        }
    }
    assert_eq!(
        tables.len(),
        1,
        "expected one sheet whose header starts with id, sheets: {names:?}"
    );
    let table = &tables[0];
    let mut rows = table.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(cell_text).collect();
    assert_eq!(header, COLUMNS.map(String::from));
    let data: Vec<Vec<String>> = rows.map(|r| r.iter().map(cell_text).collect()).collect();
    assert_eq!(data.len(), SEED_ITEMS, "data rows in the xlsx");

    // The same items as the csv output, cell for cell.
    let csv = common::catalog(&common::seed(), &[]);
    for (i, (row, item)) in data.iter().zip(&csv).enumerate() {
        for (j, column) in COLUMNS.iter().enumerate() {
            assert_eq!(
                row[j],
                item[*column],
                "xlsx row {} column {column} differs from the csv output",
                i + 2
            );
        }
    }
}

#[test]
fn xlsx_output_is_byte_identical_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.xlsx");
    let second = dir.path().join("second.xlsx");
    catalog_seed(&["-o".as_ref(), first.as_os_str()]);
    catalog_seed(&["-o".as_ref(), second.as_os_str()]);
    assert!(
        std::fs::read(&first).unwrap() == std::fs::read(&second).unwrap(),
        "two runs on the same input wrote different xlsx files"
    );
}

#[test]
fn output_into_a_missing_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing_dir").join("out.csv");
    let seed = common::seed();
    let args = [
        "catalog".as_ref(),
        seed.as_os_str(),
        "-o".as_ref(),
        path.as_os_str(),
    ];
    common::assert_error(args, &path, "does not exist");
    assert!(!path.exists());
}

#[test]
fn json_is_an_array_of_objects_with_the_columns_in_order() {
    let out = catalog_seed(&["-f".as_ref(), "json".as_ref()]);
    let items: Vec<Keys> = serde_json::from_slice(&out.stdout).expect("-f json is a JSON array");
    assert_eq!(items.len(), SEED_ITEMS);
    for (i, keys) in items.iter().enumerate() {
        assert_keys_are_the_columns(keys, &format!("json item {}", i + 1));
    }
    let values: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(values[0]["id"], "1-1-1-1");
}

#[test]
fn jsonl_has_one_object_per_line() {
    let out = catalog_seed(&["-f".as_ref(), "jsonl".as_ref()]);
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), SEED_ITEMS);
    for (i, line) in lines.iter().enumerate() {
        let keys: Keys = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("jsonl line {} is not a JSON object: {e}", i + 1));
        assert_keys_are_the_columns(&keys, &format!("jsonl line {}", i + 1));
    }
}

/// The names of the files in a folder, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A failed run must not leave the existing output replaced, emptied or
/// accompanied by a temporary file.
fn assert_failed_run_keeps(input: &Path, dir: &Path) {
    let out_path = dir.join("out.csv");
    std::fs::write(&out_path, "keep me\n").unwrap();
    let args = [
        "catalog".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        out_path.as_os_str(),
    ];
    common::assert_fails(args, input);
    assert_eq!(std::fs::read_to_string(&out_path).unwrap(), "keep me\n");
    let names: Vec<String> = names_in(dir)
        .into_iter()
        .filter(|n| n != "out.csv" && n != "bad.csv")
        .collect();
    assert!(
        names.is_empty(),
        "a failed run left files behind: {names:?}"
    );
}

#[test]
fn failing_run_leaves_existing_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    assert_failed_run_keeps(&dir.path().join("missing.xlsx"), dir.path());
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "日付,商品,数量\r\n2024-04-01,りんご,3\r\n").unwrap();
    assert_failed_run_keeps(&bad, dir.path());
}

/// An existing output is replaced whole, as a rename replaces it (the old
/// file swapped out and removed): no temporary file stays beside it, a hard
/// link to the old file keeps the old content, a symbolic link under the
/// name is replaced, not followed, and a folder under the name is an error
/// that leaves the folder as it was.
#[test]
fn an_existing_output_is_replaced_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    std::fs::write(&path, "old report\n").unwrap();
    let link = dir.path().join("old.csv");
    std::fs::hard_link(&path, &link).unwrap();
    catalog_seed(&["-o".as_ref(), path.as_os_str()]);
    assert_eq!(
        common::csv_rows(&std::fs::read(&path).unwrap()).len(),
        SEED_ITEMS
    );
    assert_eq!(std::fs::read_to_string(&link).unwrap(), "old report\n");
    // once more onto the output the run before wrote
    catalog_seed(&["-o".as_ref(), path.as_os_str()]);
    assert_eq!(
        common::csv_rows(&std::fs::read(&path).unwrap()).len(),
        SEED_ITEMS
    );
    assert_eq!(
        names_in(dir.path()),
        ["old.csv", "out.csv"],
        "files left beside the output"
    );

    #[cfg(unix)]
    {
        let target = dir.path().join("target.csv");
        std::fs::write(&target, "target\n").unwrap();
        let symlink = dir.path().join("via-link.csv");
        std::os::unix::fs::symlink(&target, &symlink).unwrap();
        catalog_seed(&["-o".as_ref(), symlink.as_os_str()]);
        assert!(!std::fs::symlink_metadata(&symlink)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "target\n");
    }

    let folder = dir.path().join("folder.csv");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("inside"), "kept\n").unwrap();
    let folder_name = folder.to_str().unwrap();
    common::assert_fails(
        common::catalog_args(&common::seed(), &["-o", folder_name]),
        &folder,
    );
    assert_eq!(
        std::fs::read_to_string(folder.join("inside")).unwrap(),
        "kept\n"
    );
    let tmp: Vec<String> = names_in(dir.path())
        .into_iter()
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(tmp.is_empty(), "a failed replace left {tmp:?}");
}

/// An output that exists and is no regular file is written into, never
/// renamed over: `-o /dev/stdout` prints the rows, `-o /dev/full` is an error
/// naming it (exit 2) in the streamed and the whole-report formats alike, and
/// both stay what they were.
#[cfg(target_os = "linux")]
#[test]
fn an_output_that_is_no_regular_file_is_written_into() {
    use std::os::unix::fs::FileTypeExt;
    let out = catalog_seed(&[
        "-f".as_ref(),
        "csv".as_ref(),
        "-o".as_ref(),
        "/dev/stdout".as_ref(),
    ]);
    assert_eq!(common::csv_rows(&out.stdout).len(), SEED_ITEMS);
    let stdout = std::fs::symlink_metadata("/dev/stdout").unwrap();
    assert!(stdout.file_type().is_symlink(), "/dev/stdout was replaced");
    let full = Path::new("/dev/full");
    if !full.exists() {
        eprintln!("/dev/full is absent: its half of the test is skipped");
        return;
    }
    let seed = common::seed();
    for format in ["csv", "md", "xlsx"] {
        let args = [
            "catalog".as_ref(),
            seed.as_os_str(),
            "-f".as_ref(),
            format.as_ref(),
            "-o".as_ref(),
            full.as_os_str(),
        ];
        common::assert_error(args, full, "cannot write the output");
        let kind = std::fs::metadata(full).unwrap().file_type();
        assert!(kind.is_char_device(), "-f {format}: /dev/full was replaced");
    }
}
