//! A catalog this tool wrote (`checksheet catalog -f csv` or `-f tsv`), read back
//! as the input of `diff`, `ingest` or `migrate`: its header is the tool's
//! own, so it is not searched for and its columns are what it says (a row
//! shifted by hand is still realigned by its content). Wherever the general
//! layout would not move a whole column, both readings give the same
//! catalog: the same items, records, blocks and diagnostics, compared here by
//! reading each table twice, once under the tool's header and once under the
//! same header spelled `ID` (which the general layout reads as the same
//! column, but is not the tool's own).

mod common;

use std::path::{Path, PathBuf};

use checksheet::catalog::{self, Catalog, CatalogOptions};
use proptest::prelude::*;

/// A catalog's whole reading, with the file's directory taken out of the
/// diagnostics (the two readings read files of the same name in two
/// directories).
fn reading(cat: &Catalog, dir: &Path) -> String {
    let diagnostics: Vec<String> = cat
        .diagnostics
        .iter()
        .map(|d| d.to_string().replace(&dir.display().to_string(), "DIR"))
        .collect();
    format!(
        "{:#?}\n{:#?}\n{:#?}\n{:#?}\n{}",
        cat.items,
        cat.records,
        cat.orphans,
        cat.blocks,
        diagnostics.join("\n")
    )
}

/// The table read under its own header, and under the header spelled `ID`
/// (with whether the general layout moved any cell).
fn both_readings(name: &str, text: &str) -> (Option<(String, bool)>, Option<String>) {
    let own = tempfile::tempdir().expect("a temporary directory");
    let general = tempfile::tempdir().expect("a temporary directory");
    let (own_path, general_path) = (own.path().join(name), general.path().join(name));
    std::fs::write(&own_path, text).expect("written");
    let respelled = text.replacen("id", "ID", 1);
    assert!(respelled.starts_with("ID"));
    std::fs::write(&general_path, respelled).expect("written");
    let options = CatalogOptions::default();
    let general = catalog::read(&general_path, &options).ok().map(|c| {
        // a row moved, or a labelled column left unplaced for the whole
        // block (its cells stray)
        let labelled = |block: usize, col: u32| {
            c.blocks[block]
                .columns
                .get(col as usize)
                .is_some_and(Option::is_some)
        };
        let realigned = c
            .records
            .iter()
            .any(|r| r.realigned || r.stray.iter().any(|&(col, _)| labelled(r.block, col)));
        (reading(&c, general.path()), realigned)
    });
    let own = catalog::read(&own_path, &options)
        .ok()
        .map(|c| reading(&c, own.path()));
    (general, own)
}

fn exported(sample: &Path, format: &str) -> String {
    let out = common::run([
        "catalog".as_ref(),
        sample.as_os_str(),
        "-f".as_ref(),
        format.as_ref(),
        "-q".as_ref(),
    ]);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{sample:?}");
    String::from_utf8(out.stdout).expect("utf-8")
}

/// What a catalog export says of each item (its first eleven columns).
fn export_rows(text: &str, delimiter: u8) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            r.expect("a record")
                .iter()
                .take(11)
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

fn item_fields(item: &catalog::Item) -> Vec<String> {
    vec![
        item.id.clone(),
        item.major.clone(),
        item.middle.clone(),
        item.minor.clone(),
        item.req.clone(),
        item.category.clone(),
        item.level
            .map(|l| l.as_str().to_owned())
            .unwrap_or_default(),
        item.measure.clone(),
        item.guideline.clone(),
        item.ref_.clone(),
        item.check.clone(),
    ]
}

/// Every sample exported and read back gives the items exported (the
/// answer sheet that prints only numbers too, whose rows have no text), and
/// where every row has text and the general layout realigns none, the
/// same catalog as the general layout.
#[test]
fn the_samples_exported_and_read_back_give_their_items() {
    let samples = common::root().join("samples");
    let mut files: Vec<PathBuf> = [
        "hispro-seed.txt",
        "hispro-checklist.xlsx",
        "hispro-checklist-r2.xlsx",
    ]
    .iter()
    .map(|s| samples.join(s))
    .collect();
    let mut submissions: Vec<PathBuf> = std::fs::read_dir(samples.join("submissions"))
        .expect("the sample submissions")
        .map(|e| e.expect("an entry").path())
        .collect();
    submissions.sort();
    files.extend(submissions);
    let mut compared = 0;
    for file in &files {
        for (format, delimiter) in [("csv", b','), ("tsv", b'\t')] {
            let text = exported(file, format);
            let name = format!("c.{format}");
            let dir = tempfile::tempdir().expect("a temporary directory");
            let path = dir.path().join(&name);
            std::fs::write(&path, &text).expect("written");
            let own = catalog::read(&path, &CatalogOptions::default()).expect("read back");
            let read_back: Vec<Vec<String>> = own.items.iter().map(item_fields).collect();
            assert_eq!(
                read_back,
                export_rows(&text, delimiter),
                "{file:?} {format}"
            );
            let (general, own) = both_readings(&name, &text);
            let (general, realigned) = general.expect("the general reading");
            let texts = own_catalog_has_texts(&text, delimiter);
            if !realigned && texts {
                assert_eq!(own.expect("the own reading"), general, "{file:?} {format}");
                compared += 1;
            }
        }
    }
    assert!(
        compared >= 10,
        "compared with the general layout: {compared}"
    );
}

/// Every row of the export has requirement or check text.
fn own_catalog_has_texts(text: &str, delimiter: u8) -> bool {
    export_rows(text, delimiter)
        .iter()
        .all(|r| !r[7].is_empty() || !r[10].is_empty())
}

/// A catalog table under the tool's header, as a person may leave it after
/// correcting it by hand.
#[derive(Debug, Clone)]
struct Row {
    id: String,
    numbers: [String; 4],
    category: String,
    level: String,
    measure: String,
    guideline: String,
    reference: String,
    check: String,
    /// `sheet` and `row` as the export gives them, when the table has them.
    place: (String, String),
    /// Cells past the header.
    extra: Vec<String>,
    /// Blank lines before the row.
    blank_before: usize,
    /// White space around every cell.
    padded: bool,
}

const TEXTS: [&str; 8] = [
    "医療情報を保存する機器は、施錠された区画に設置すること。",
    "アクセスログを取得し、定期的に確認すること。\n確認の記録を残すこと。",
    "外部保存を受託する事業者は、契約において責任の範囲を明確にすること。",
    "バックアップを取得し、復元の手順を定めて定期的に訓練すること。",
    "不正なソフトウェアの侵入を防ぐ対策を講じること、その運用を記録すること。",
    "運用管理規程を定め、その遵守状況を確認すること。",
    "短い注記",
    "",
];
const CHECKS: [&str; 3] = [
    "・規程が文書化されているか",
    "・記録が保管されているか、その期間は定められているか",
    "",
];
const LEVELS: [&str; 6] = ["required", "recommended", "", "必須", "推奨", "済"];
const CATEGORIES: [&str; 4] = ["1. 区分1 1) 分野1", "2. 区分2", "", "3．運用"];
const GUIDELINES: [&str; 3] = ["総務省 医療 ASP-GL", "経産省医療外部保存-GL", ""];
const REFS: [&str; 3] = ["3.2.9", "Ⅲ. 4. 2. 1", ""];

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (1u32..4).prop_map(|n| n.to_string()),
        1 => Just(String::new()),
        1 => Just("01".to_owned()),
        1 => Just("２".to_owned()),
    ]
}

fn pick<const N: usize>(pool: [&'static str; N]) -> impl Strategy<Value = String> {
    (0..N).prop_map(move |i| pool[i].to_owned())
}

/// An item row, now and then a section title (one short text alone) or a
/// category alone.
fn row() -> impl Strategy<Value = Row> {
    prop_oneof![
        8 => item_row(),
        1 => (item_row(), 0usize..3).prop_map(|(mut r, what)| {
            let (measure, category) = match what {
                0 => ("短い注記", ""),
                1 => ("", "2. 区分2"),
                _ => ("運用管理", "運用管理"),
            };
            r.id.clear();
            r.numbers = Default::default();
            r.category = category.to_owned();
            r.measure = measure.to_owned();
            for cell in [&mut r.level, &mut r.guideline, &mut r.reference, &mut r.check] {
                cell.clear();
            }
            r.extra.clear();
            r
        }),
    ]
}

fn item_row() -> impl Strategy<Value = Row> {
    (
        [number(), number(), number(), number()],
        prop_oneof![4 => Just(true), 1 => Just(false)],
        (
            pick(CATEGORIES),
            pick(LEVELS),
            pick(TEXTS),
            pick(GUIDELINES),
        ),
        (pick(REFS), pick(CHECKS)),
        prop::collection::vec(
            prop_oneof![Just(String::new()), Just("メモ".to_owned())],
            0..2,
        ),
        (0usize..2, prop::bool::weighted(0.1)),
    )
        .prop_map(
            |(
                numbers,
                joined,
                (category, level, measure, guideline),
                (reference, mut check),
                extra,
                (blank_before, padded),
            )| {
                // a row with a number has text (under the tool's header a
                // numbered row without text is an item, where the general
                // layout notes it)
                if measure.is_empty() && check.is_empty() && numbers.iter().any(|n| !n.is_empty()) {
                    check = CHECKS[0].to_owned();
                }
                let id = if joined {
                    numbers
                        .iter()
                        .filter(|n| !n.is_empty())
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("-")
                } else {
                    String::new()
                };
                Row {
                    id,
                    numbers,
                    category,
                    level,
                    measure,
                    guideline,
                    reference,
                    check,
                    place: ("チェックリスト".to_owned(), "12".to_owned()),
                    extra,
                    blank_before,
                    padded,
                }
            },
        )
}

const HEADER: &str = "id,major,middle,minor,req,category,level,measure,guideline,ref,check";

fn table(rows: &[Row], with_place: bool, repeat_header_at: Option<usize>) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = String::from(HEADER);
    if with_place {
        out.push_str(",sheet,row");
    }
    out.push('\n');
    for (i, r) in rows.iter().enumerate() {
        // (after a numbered row: a label row right above a header is the
        // header's upper row to the general layout)
        let numbered = |r: &Row| r.numbers.iter().any(|n| !n.is_empty());
        if repeat_header_at == Some(i) && numbered(&rows[i - 1]) {
            out.push_str(out.clone().lines().next().expect("the header"));
            out.push('\n');
        }
        for _ in 0..r.blank_before {
            out.push('\n');
        }
        let mut cells: Vec<&str> = vec![&r.id];
        cells.extend(r.numbers.iter().map(String::as_str));
        cells.extend([
            r.category.as_str(),
            &r.level,
            &r.measure,
            &r.guideline,
            &r.reference,
            &r.check,
        ]);
        if with_place {
            cells.extend([r.place.0.as_str(), &r.place.1]);
        }
        cells.extend(r.extra.iter().map(String::as_str));
        let cells: Vec<String> = cells
            .iter()
            .map(|c| {
                quote(&if r.padded {
                    format!(" {c} ")
                } else {
                    (*c).to_owned()
                })
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Hand-corrected catalogs (numbers left blank, repeated, printed with a
    /// leading zero or full-width; levels misspelt; categories left for "as
    /// above"; short texts that read as section titles; numbered rows
    /// without text; blank lines; cells past the header; the header
    /// repeated) read alike either way wherever the general layout realigns
    /// no row.
    #[test]
    fn a_hand_corrected_catalog_reads_alike_either_way(
        rows in prop::collection::vec(row(), 1..40),
        with_place in any::<bool>(),
        // (not right under the header: two rows of the same labels are one
        // header of two rows to the general layout)
        repeat in prop::option::weighted(0.2, 1usize..40),
    ) {
        let text = table(&rows, with_place, repeat.filter(|&i| i < rows.len()));
        let (general, own) = both_readings("c.csv", &text);
        match (general, own) {
            (Some((general, realigned)), Some(own)) => {
                prop_assume!(!realigned);
                prop_assert_eq!(own, general);
            }
            (None, None) => {}
            (general, own) => prop_assert!(
                false,
                "one reading failed: general {:?}, own {:?}",
                general.is_some(),
                own.is_some()
            ),
        }
    }
}

/// A row whose cells were shifted by hand (one deleted, the rest moved
/// left) is realigned by its content under the tool's own header too, as
/// the general layout realigns it: the same catalog either way.
#[test]
fn under_the_tools_header_a_shifted_row_is_realigned_as_anywhere() {
    let long = "医療情報を保存する機器は、施錠された区画に設置し、入退室を管理して記録すること。";
    let text = format!(
        "{HEADER}\n\
         1-1-1-1,1,1,1,1,1. 区分1,required,{long},総務省 医療 ASP-GL,3.2.9,・規程があるか\n\
         1-1-1-2,1,1,1,2,1. 区分1,{long},総務省 医療 ASP-GL,3.2.9,・規程があるか,\n"
    );
    let dir = tempfile::tempdir().expect("a temporary directory");
    let own_path = dir.path().join("own.csv");
    std::fs::write(&own_path, &text).expect("written");
    let options = CatalogOptions::default();
    let own = catalog::read(&own_path, &options).expect("read");
    assert_eq!(own.items[1].measure, long);
    assert_eq!(own.items[1].guideline, "総務省 医療 ASP-GL");
    assert_eq!(own.items[1].ref_, "3.2.9");
    assert_eq!(own.items[1].check, "・規程があるか");
    assert_eq!(own.items[1].level, None);
    assert!(own.records[1].realigned);
    assert!(!own.records[0].realigned);
    let (general, own) = both_readings("c.csv", &text);
    assert_eq!(
        own.expect("the own reading"),
        general.expect("the general reading").0
    );
}
