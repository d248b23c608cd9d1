//! The seed checklist saved in every input format reads as the same 504 items.
//!
//! Each variant is made here from `samples/hispro-seed.txt` (once per test
//! binary, in a temporary folder) and read by the real binary; its items must
//! equal the seed's own, field for field. `row` must match too: text formats
//! keep one record per line, and the workbooks are written cell for cell
//! (line N → row N).

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::Numbers;
use encoding_rs::SHIFT_JIS;

/// The columns compared between a variant and the seed, besides `id`: all but
/// `sheet` (a workbook's items carry its sheet name, a text file's do not).
const FIELDS: [&str; 11] = [
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
    "row",
];

const SEED_ITEMS: usize = 504;

/// The seed holds two simplified Chinese characters (typos of the source:
/// 对 on line 87, 证 on line 168) that CP932 cannot encode; its CP932 copy
/// holds the Japanese ones instead.
const NOT_IN_CP932: [(char, char); 2] = [('对', '対'), ('证', '証')];

fn in_cp932(text: &str) -> String {
    text.chars()
        .map(|c| {
            NOT_IN_CP932
                .iter()
                .find(|(from, _)| *from == c)
                .map_or(c, |(_, to)| *to)
        })
        .collect()
}

/// The files made from the seed, in one temporary folder kept for the whole run.
struct Variants {
    _dir: tempfile::TempDir,
    /// rust_xlsxwriter, numeric-looking fields as numbers.
    xlsx: PathBuf,
    /// Item numbers as the text `1.0` or as numbers formatted `0.0`.
    xlsx_floats: PathBuf,
    /// Item numbers as text in full-width digits.
    xlsx_full_width: PathBuf,
    /// UTF-8 with BOM, CRLF: Excel's "CSV UTF-8".
    csv_utf8_bom: PathBuf,
    /// UTF-8 without BOM, LF.
    csv_utf8_lf: PathBuf,
    /// CP932, CRLF: Excel's "CSV" on Japanese Windows.
    csv_cp932: PathBuf,
    /// UTF-16LE with BOM, CRLF: Excel's "Unicode text".
    tsv_utf16le: PathBuf,
    /// UTF-16BE with BOM, LF.
    tsv_utf16be: PathBuf,
    /// `csv_utf8_lf` under an .xlsx name.
    csv_named_xlsx: PathBuf,
}

fn variants() -> &'static Variants {
    static VARIANTS: OnceLock<Variants> = OnceLock::new();
    VARIANTS.get_or_init(|| {
        let dir = common::shared_dir("formats-");
        let at = |name: &str| dir.path().join(name);

        let xlsx = at("seed.xlsx");
        common::write_seed_xlsx(&xlsx, Numbers::Plain);
        let xlsx_floats = at("floats.xlsx");
        common::write_seed_xlsx(&xlsx_floats, Numbers::Floats);
        let xlsx_full_width = at("full-width.xlsx");
        common::write_seed_xlsx(&xlsx_full_width, Numbers::FullWidth);

        let csv_text = seed_as_csv();
        let csv_utf8_bom = at("seed-utf8-bom.csv");
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(csv_text.as_bytes());
        std::fs::write(&csv_utf8_bom, &bytes).expect("csv written");

        let csv_utf8_lf = at("seed-utf8-lf.csv");
        std::fs::write(&csv_utf8_lf, csv_text.replace("\r\n", "\n")).expect("csv written");

        let csv_cp932 = at("seed-cp932.csv");
        let csv_text_cp932 = in_cp932(&csv_text);
        let (encoded, _, unmappable) = SHIFT_JIS.encode(&csv_text_cp932);
        assert!(!unmappable, "the seed holds characters CP932 cannot encode");
        std::fs::write(&csv_cp932, &encoded).expect("csv written");

        let seed_text = std::fs::read_to_string(common::seed()).expect("the seed");
        let tsv_utf16le = at("seed-utf16le.tsv");
        let mut bytes = vec![0xFF, 0xFE];
        let crlf = seed_text.replace('\n', "\r\n");
        bytes.extend(crlf.encode_utf16().flat_map(u16::to_le_bytes));
        std::fs::write(&tsv_utf16le, &bytes).expect("tsv written");
        let tsv_utf16be = at("seed-utf16be.tsv");
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(seed_text.encode_utf16().flat_map(u16::to_be_bytes));
        std::fs::write(&tsv_utf16be, &bytes).expect("tsv written");

        // LF line ends, so that this one tests the name alone.
        let csv_named_xlsx = at("csv-inside.xlsx");
        std::fs::copy(&csv_utf8_lf, &csv_named_xlsx).expect("csv copied");

        Variants {
            _dir: dir,
            xlsx,
            xlsx_floats,
            xlsx_full_width,
            csv_utf8_bom,
            csv_utf8_lf,
            csv_cp932,
            tsv_utf16le,
            tsv_utf16be,
            csv_named_xlsx,
        }
    })
}

/// The workbooks LibreOffice converts from the seed xlsx (none without it).
struct Converted {
    _dir: tempfile::TempDir,
    xls: PathBuf,
    ods: PathBuf,
    xls_named_xlsx: PathBuf,
}

fn converted() -> Option<&'static Converted> {
    static CONVERTED: OnceLock<Option<Converted>> = OnceLock::new();
    CONVERTED
        .get_or_init(|| {
            common::soffice()?;
            let dir = common::shared_dir("formats-");
            let xls = common::convert(&variants().xlsx, "xls", dir.path());
            let ods = common::convert(&variants().xlsx, "ods", dir.path());
            let xls_named_xlsx = dir.path().join("misnamed.xlsx");
            std::fs::copy(&xls, &xls_named_xlsx).expect("xls copied");
            Some(Converted {
                _dir: dir,
                xls,
                ods,
                xls_named_xlsx,
            })
        })
        .as_ref()
}

/// `None` (after saying why) where LibreOffice is not installed.
fn converted_or_skip(test: &str) -> Option<&'static Converted> {
    let found = converted();
    if found.is_none() {
        eprintln!("skipped {test}: LibreOffice (soffice) is not installed");
    }
    found
}

/// The seed as comma-separated text, quoted by the csv crate, one record per
/// line of the seed, lines ending in CRLF as Excel writes them.
fn seed_as_csv() -> String {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for fields in common::seed_lines() {
        writer.write_record(&fields).expect("a csv record");
    }
    String::from_utf8(writer.into_inner().expect("csv flushed")).expect("UTF-8")
}

fn seed_items() -> &'static [HashMap<String, String>] {
    static SEED: OnceLock<Vec<HashMap<String, String>>> = OnceLock::new();
    SEED.get_or_init(|| {
        let items = common::catalog(&common::seed(), &[]);
        assert_eq!(items.len(), SEED_ITEMS, "the seed has 504 items");
        items
    })
}

/// Read `path` (with `extra` flags) and compare its items with the seed's,
/// `row` included.
fn assert_same_as_seed(path: &Path, extra: &[&str]) {
    assert_same_as_seed_with(path, extra, |s| s.to_owned());
}

/// As [`assert_same_as_seed`], the seed's values passed through `expect` first.
fn assert_same_as_seed_with(path: &Path, extra: &[&str], expect: fn(&str) -> String) {
    let got = common::catalog(path, extra);
    let expected = seed_items();
    let ids = |items: &[HashMap<String, String>]| -> Vec<String> {
        items.iter().map(|i| i["id"].clone()).collect()
    };
    let (got_ids, expected_ids) = (ids(&got), ids(expected));
    if got_ids != expected_ids {
        let first = got_ids
            .iter()
            .zip(&expected_ids)
            .position(|(g, e)| g != e)
            .unwrap_or(got_ids.len().min(expected_ids.len()));
        let row = |items: &[HashMap<String, String>]| items.get(first).map(|i| i["row"].clone());
        panic!(
            "{}: {} items, the seed {}; ids differ first at item {}: got {:?} (row {:?}), \
             seed {:?} (row {:?})",
            path.display(),
            got_ids.len(),
            expected_ids.len(),
            first + 1,
            got_ids.get(first),
            row(&got),
            expected_ids.get(first),
            row(expected),
        );
    }
    let mut differences = Vec::new();
    for (g, e) in got.iter().zip(expected) {
        for field in &FIELDS {
            let expected = e.get(*field).map(|v| expect(v));
            if g.get(*field) != expected.as_ref() {
                differences.push(format!(
                    "item {} {field}: got {:?}, seed {:?}",
                    e["id"],
                    g.get(*field),
                    expected
                ));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "{}: {} differences from the seed, the first:\n{}",
        path.display(),
        differences.len(),
        differences
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn seed_itself_has_504_items_with_unique_ids() {
    let items = seed_items();
    let mut ids: Vec<&str> = items.iter().map(|i| i["id"].as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), SEED_ITEMS);
}

#[test]
fn xlsx_written_cell_for_cell() {
    assert_same_as_seed(&variants().xlsx, &[]);
}

#[test]
fn xlsx_with_numbers_as_floats() {
    assert_same_as_seed(&variants().xlsx_floats, &[]);
}

#[test]
fn xlsx_with_numbers_in_full_width_digits() {
    assert_same_as_seed(&variants().xlsx_full_width, &[]);
}

#[test]
fn xls_saved_by_libreoffice() {
    if let Some(c) = converted_or_skip("xls_saved_by_libreoffice") {
        assert_same_as_seed(&c.xls, &[]);
    }
}

#[test]
fn ods_saved_by_libreoffice() {
    if let Some(c) = converted_or_skip("ods_saved_by_libreoffice") {
        assert_same_as_seed(&c.ods, &[]);
    }
}

#[test]
fn xls_under_an_xlsx_name() {
    if let Some(c) = converted_or_skip("xls_under_an_xlsx_name") {
        assert_same_as_seed(&c.xls_named_xlsx, &[]);
    }
}

#[test]
fn csv_utf8_with_bom() {
    assert_same_as_seed(&variants().csv_utf8_bom, &[]);
}

#[test]
fn csv_utf8_with_lf_line_ends() {
    assert_same_as_seed(&variants().csv_utf8_lf, &[]);
}

#[test]
fn csv_cp932() {
    assert_same_as_seed_with(&variants().csv_cp932, &[], in_cp932);
}

#[test]
fn csv_cp932_with_encoding_flag() {
    assert_same_as_seed_with(&variants().csv_cp932, &["--encoding", "cp932"], in_cp932);
}

#[test]
fn csv_cp932_read_as_utf8_is_an_error() {
    let path = &variants().csv_cp932;
    let args = common::catalog_args(path, &["--encoding", "utf-8"]);
    common::assert_error(args, path, "cannot be decoded");
}

#[test]
fn tsv_utf16le_with_bom_and_crlf() {
    assert_same_as_seed(&variants().tsv_utf16le, &[]);
}

#[test]
fn tsv_utf16be_with_bom() {
    assert_same_as_seed(&variants().tsv_utf16be, &[]);
}

#[test]
fn csv_under_an_xlsx_name() {
    assert_same_as_seed(&variants().csv_named_xlsx, &[]);
}
