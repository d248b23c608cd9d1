//! The seed checklist (samples/hispro-seed.txt): exactly its 504 items, each
//! field in its column in every block, the printed ids where they identify an
//! item and reconstructed ids with one warning per row where they do not.

mod common;

use std::collections::{BTreeSet, HashMap};

fn seed_lines() -> Vec<String> {
    std::fs::read_to_string(common::seed())
        .unwrap()
        .split('\n')
        .map(str::to_owned)
        .collect()
}

/// The test's own reading of an item line, independent of the reader: the
/// category label `N. …` is found by content and the fields follow it.
fn expected_fields(line: &str) -> HashMap<&'static str, String> {
    let cells: Vec<&str> = line.split('\t').collect();
    let at = cells
        .iter()
        .position(|c| {
            let c = c.trim();
            c.len() > 3 && c.as_bytes()[0].is_ascii_digit() && c[1..].starts_with(". ")
        })
        .expect("an item line has a category label");
    let level = match cells[at + 1].trim() {
        "必須" => "required",
        "推奨" => "recommended",
        other => panic!("unexpected level {other:?}"),
    };
    let numbers: Vec<String> = cells[..at]
        .iter()
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    let get = |i: usize| {
        cells
            .get(at + i)
            .map(|c| c.trim().to_owned())
            .unwrap_or_default()
    };
    HashMap::from([
        ("category", get(0)),
        ("level", level.to_owned()),
        ("measure", get(2)),
        ("guideline", get(3)),
        ("ref", get(4)),
        ("check", get(5)),
        ("numbers", numbers.join(" ")),
    ])
}

fn catalog_with_stderr() -> (Vec<HashMap<String, String>>, String, Option<i32>) {
    let seed = common::seed();
    let out = common::run([
        "catalog".as_ref(),
        seed.as_os_str(),
        "-f".as_ref(),
        "csv".as_ref(),
    ]);
    (
        common::csv_rows(&out.stdout),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

#[test]
fn exactly_the_504_items_each_on_its_own_line() {
    let (rows, _, code) = catalog_with_stderr();
    assert_eq!(code, Some(1), "reconstructed ids are warnings: exit 1");
    assert_eq!(rows.len(), 504);
    let lines = seed_lines();
    let item_lines: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.split('\t')
                .next()
                .is_some_and(|c| c.trim().parse::<u32>().is_ok())
        })
        .map(|(i, _)| i + 1)
        .collect();
    let rows_read: Vec<usize> = rows.iter().map(|r| r["row"].parse().unwrap()).collect();
    assert_eq!(rows_read, item_lines, "row is each item's line in the file");
    let ids: BTreeSet<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(ids.len(), 504, "ids are unique");
    assert!(rows.iter().all(|r| r["sheet"].is_empty()));
}

#[test]
fn every_field_lands_in_its_column_in_every_block() {
    let (rows, _, _) = catalog_with_stderr();
    let lines = seed_lines();
    for r in &rows {
        let line: usize = r["row"].parse().unwrap();
        let want = expected_fields(&lines[line - 1]);
        for key in ["category", "level", "measure", "guideline", "ref", "check"] {
            assert_eq!(r[key], want[key], "line {line}: {key}");
        }
    }
}

#[test]
fn printed_numbers_are_the_ids() {
    let (rows, _, _) = catalog_with_stderr();
    let by_line: HashMap<usize, &HashMap<String, String>> = rows
        .iter()
        .map(|r| (r["row"].parse().unwrap(), r))
        .collect();
    let id = |line: usize| by_line[&line]["id"].as_str();
    // printed twice (`1 1 1 5 5`): one item, id from the four numbers
    assert_eq!(id(7), "1-1-1-1");
    assert_eq!(id(11), "1-1-1-5");
    assert_eq!(id(38), "1-1-1-32");
    assert_eq!(id(41), "1-1-1-33");
    assert_eq!(id(77), "1-1-2-1");
    assert_eq!(id(144), "1-1-2-64");
    assert_eq!(id(193), "2-1-1-1");
    // the header at line 241 has a column the rows lack
    assert_eq!(id(242), "2-1-5-11");
    assert_eq!(id(268), "2-1-5-37");
    // 3.1 prints the requirement number twice (`3 1 26 26`)
    assert_eq!(id(461), "3-1-1");
    assert_eq!(id(486), "3-1-26");
    assert_eq!(id(490), "3-1-30");
    // three numbers under a four-number header
    assert_eq!(id(493), "3-1-31");
    assert_eq!(id(496), "3-1-34");
    assert_eq!(id(497), "3-2-1");
    assert_eq!(id(517), "3-2-21");
    assert_eq!(id(547), "3-3-3-1");
    assert_eq!(id(553), "3-3-3-7");
    let parts = |line: usize| {
        let r = by_line[&line];
        [
            r["major"].as_str(),
            r["middle"].as_str(),
            r["minor"].as_str(),
            r["req"].as_str(),
        ]
        .map(str::to_owned)
    };
    assert_eq!(parts(11), ["1", "1", "1", "5"].map(str::to_owned));
    assert_eq!(parts(486), ["3", "1", "", "26"].map(str::to_owned));
    assert_eq!(parts(493), ["3", "1", "", "31"].map(str::to_owned));
}

#[test]
fn reconstructed_ids_continue_across_page_breaks_with_one_warning_per_row() {
    let (rows, stderr, _) = catalog_with_stderr();
    let by_line: HashMap<usize, &str> = rows
        .iter()
        .map(|r| (r["row"].parse().unwrap(), r["id"].as_str()))
        .collect();
    assert_eq!(by_line[&210], "2-1-2-1");
    assert_eq!(by_line[&215], "2-1-2-6");
    assert_eq!(by_line[&216], "2-1-3-1");
    assert_eq!(by_line[&230], "2-1-5-1");
    assert_eq!(
        by_line[&239], "2-1-5-10",
        "ten unnumbered 2.1.5 rows before the printed 11"
    );
    assert_eq!(by_line[&526], "3-3-1-1");
    assert_eq!(by_line[&539], "3-3-1-14");
    assert_eq!(by_line[&540], "3-3-2-1");
    assert_eq!(by_line[&543], "3-3-2-4");
    // warnings name exactly the lines without a usable printed number
    let warned: Vec<usize> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .map(|l| {
            let at = l.find(", line ").expect("a warning names its line") + 7;
            l[at..].split(':').next().unwrap().parse().unwrap()
        })
        .collect();
    let want: Vec<usize> = (210..=239).chain(518..=520).chain(526..=543).collect();
    assert_eq!(warned, want);
    for line in 518..=520 {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(&format!("line {line}:")) && l.contains("ambiguous")),
            "line {line} is named ambiguous"
        );
    }
}

#[test]
fn catalog_csv_matches_the_golden_file() {
    let seed = common::seed();
    let out = common::run([
        "catalog".as_ref(),
        seed.as_os_str(),
        "-f".as_ref(),
        "csv".as_ref(),
        "-q".as_ref(),
    ]);
    insta::assert_snapshot!("seed_catalog_csv", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn table_and_markdown_outputs_hold_every_item() {
    let seed = common::seed();
    for format in ["table", "md", "tsv"] {
        let out = common::run([
            "catalog".as_ref(),
            seed.as_os_str(),
            "-f".as_ref(),
            format.as_ref(),
            "-q".as_ref(),
        ]);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("3-3-3-7") && text.contains("1-1-1-1"),
            "{format}"
        );
        assert!(text.lines().count() >= 505, "{format}");
    }
}
