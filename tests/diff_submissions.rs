//! `checksheet diff` of two submissions: answers compared pair by pair, also
//! across revisions, with stale answers noted.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A submission of the seed's items as csv; `edit` may change a row's
/// (id, measure, answer, evidence, remarks) or drop it (None).
fn submission(
    dir: &Path,
    name: &str,
    edit: impl Fn(usize, [String; 5]) -> Option<[String; 5]>,
) -> PathBuf {
    let items = common::catalog(&common::seed(), &[]);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["項番", "対策項目", "回答", "根拠資料", "備考"])
        .unwrap();
    for (k, item) in items.iter().enumerate() {
        let answer = ["○", "×", "△", "－"][k % 4].to_owned();
        let row = [
            item["id"].clone(),
            item["measure"].clone(),
            answer,
            format!("規程{k}"),
            String::new(),
        ];
        if let Some(row) = edit(k, row) {
            w.write_record(&row).unwrap();
        }
    }
    let path = dir.join(name);
    std::fs::write(&path, w.into_inner().unwrap()).unwrap();
    path
}

fn diff(old: &Path, new: &Path) -> (Vec<HashMap<String, String>>, Option<i32>) {
    let out = common::run([
        "diff".as_ref(),
        old.as_os_str(),
        new.as_os_str(),
        "-f".as_ref(),
        "csv".as_ref(),
        "-q".as_ref(),
    ]);
    (common::csv_rows(&out.stdout), out.status.code())
}

#[test]
fn identical_submissions_are_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let a = submission(dir.path(), "a.csv", |_, r| Some(r));
    let (rows, code) = diff(&a, &a);
    assert_eq!(code, Some(0));
    assert_eq!(rows.len(), 504);
    assert!(rows.iter().all(|r| r["status"] == "unchanged"));
    let header: Vec<&str> = ["old_answer", "new_answer"].to_vec();
    assert!(
        header.iter().all(|h| rows[0].contains_key(*h)),
        "submission columns"
    );
    assert_eq!(rows[0]["old_answer"], "yes");
}

#[test]
fn changed_answers_evidence_and_stale_answers_are_found_across_revisions() {
    let dir = tempfile::tempdir().unwrap();
    let old = submission(dir.path(), "old.csv", |_, r| Some(r));
    let new = submission(dir.path(), "new.csv", |k, mut r| match k {
        // renumbered by the new revision, answer changed
        3 => {
            r[0] = "1-1-1-99".into();
            r[2] = "○".into();
            Some(r)
        }
        // evidence and remarks changed
        10 => {
            r[3] = "規程10 第2版".into();
            r[4] = "改定済み".into();
            Some(r)
        }
        // the requirement was reworded, the vendor kept the answer: stale
        20 => {
            r[1] = format!("{}また、年に一度見直すこと。", r[1]);
            Some(r)
        }
        // removed in the new revision
        30 => None,
        _ => Some(r),
    });
    let (rows, code) = diff(&old, &new);
    assert_eq!(code, Some(1));
    let by_old: HashMap<&str, &HashMap<String, String>> = rows
        .iter()
        .filter(|r| !r["old_id"].is_empty())
        .map(|r| (r["old_id"].as_str(), r))
        .collect();
    let items = common::catalog(&common::seed(), &[]);
    let row = |k: usize| by_old[items[k]["id"].as_str()];
    assert_eq!(row(3)["new_id"], "1-1-1-99");
    assert_eq!(row(3)["changes"], "number;answer", "{:?}", row(3));
    assert_eq!(
        (row(3)["old_answer"].as_str(), row(3)["new_answer"].as_str()),
        ("na", "yes")
    );
    assert_eq!(row(10)["changes"], "evidence;remarks");
    assert_eq!(row(20)["changes"], "text");
    assert!(
        row(20)["note"].contains("stale answer"),
        "{:?}",
        row(20)["note"]
    );
    assert_eq!(row(30)["status"], "removed");
    assert_eq!(rows.iter().filter(|r| r["status"] == "changed").count(), 3);
}
