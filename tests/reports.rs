//! Reports people read: xlsx (summary first, coloured rows, inline
//! differences as rich text, the reviewer's matrix), single-file HTML with
//! working filters, markdown for tickets — checked by opening them again,
//! in LibreOffice and in a headless browser where those are installed.

mod common;

use std::path::{Path, PathBuf};

use calamine::{Reader, Xlsx};

/// A small revision pair: one item reworded, one added, one removed.
fn pair(dir: &Path) -> (PathBuf, PathBuf) {
    let old = dir.join("old.csv");
    let new = dir.join("new.csv");
    std::fs::write(
        &old,
        "項番,対策項目,確認項目,必須/推奨\n1-1-1,情報セキュリティ基本方針を定め、経営陣が承認すること。,承認されているか,必須\n1-1-2,基本方針を定期的に見直すこと。,見直しているか,必須\n1-1-3,外部委託先の管理手順を定めること。,手順があるか,推奨\n",
    )
    .unwrap();
    std::fs::write(
        &new,
        "項番,対策項目,確認項目,必須/推奨\n1-1-1,情報セキュリティ基本方針を定め、経営陣が承認し、従業員に周知すること。,承認されているか,必須\n1-1-2,基本方針を定期的に見直すこと。,見直しているか,必須\n1-1-3,<script>alert(1)</script>クラウド利用の方針を定めること。,方針があるか,必須\n",
    )
    .unwrap();
    (old, new)
}

fn run_ok(args: &[&std::ffi::OsStr]) {
    let out = common::run(args);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn sheet_names(path: &Path) -> Vec<String> {
    let book: Xlsx<_> = calamine::open_workbook(path).unwrap();
    book.sheet_names()
}

fn header(path: &Path, sheet: &str) -> Vec<String> {
    let mut book: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

fn column(path: &Path, sheet: &str, name: &str) -> Vec<String> {
    let mut book: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    let mut rows = range.rows();
    let head: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    let j = head.iter().position(|h| h == name).unwrap();
    rows.map(|r| r[j].to_string()).collect()
}

fn sheet_xml(path: &Path, part: &str) -> String {
    let entries = checksheet::render::template::entries(&std::fs::read(path).unwrap()).unwrap();
    String::from_utf8(entries[part].clone()).unwrap()
}

#[test]
fn diff_xlsx_has_a_summary_coloured_rows_and_rich_text_differences() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = pair(dir.path());
    let out = dir.path().join("diff.xlsx");
    run_ok(&[
        "diff".as_ref(),
        old.as_os_str(),
        new.as_os_str(),
        "-q".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(sheet_names(&out), ["Summary", "Changes"]);
    assert_eq!(
        &header(&out, "Changes")[..9],
        [
            "status",
            "old_id",
            "new_id",
            "changes",
            "similarity",
            "old_sheet",
            "old_row",
            "new_sheet",
            "new_row"
        ]
    );
    let statuses = column(&out, "Changes", "status");
    assert!(statuses.contains(&"changed".to_owned()), "{statuses:?}");
    // the inline difference of the reworded item is rich text: the inserted
    // words in their own run, in green
    let xml = sheet_xml(&out, "xl/sharedStrings.xml");
    assert!(xml.contains("<r>"), "rich text runs are written");
    assert!(
        xml.contains("、従業員に周知"),
        "the inserted words form a run"
    );
    assert!(xml.contains("FF007A33"), "inserted runs are green");
    // rows are coloured by status: a fill for changed rows
    let styles = sheet_xml(&out, "xl/styles.xml");
    assert!(
        styles.contains("FFFFEB9C"),
        "changed rows have an amber fill"
    );
    // the summary names the inputs and counts
    let mut book: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let summary = book.worksheet_range("Summary").unwrap();
    let text: Vec<String> = summary
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
        .collect();
    assert!(text.iter().any(|t| t.ends_with("old.csv")));
    assert!(text.iter().any(|t| t == "changed"));
}

#[test]
fn every_command_writes_an_xlsx_report_that_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    let catalog_x = dir.path().join("catalog.xlsx");
    run_ok(&[
        "catalog".as_ref(),
        common::seed().as_os_str(),
        "-q".as_ref(),
        "-o".as_ref(),
        catalog_x.as_os_str(),
    ]);
    assert_eq!(sheet_names(&catalog_x), ["Summary", "Items"]);
    assert_eq!(column(&catalog_x, "Items", "id").len(), 504);

    let a = root.join("samples/submissions/vendor-a.xlsx");
    let c = root.join("samples/submissions/vendor-c.xlsx");
    let cat = root.join("samples/hispro-checklist.xlsx");
    let ingest_x = dir.path().join("ingest.xlsx");
    run_ok(&[
        "ingest".as_ref(),
        a.as_os_str(),
        c.as_os_str(),
        "--catalog".as_ref(),
        cat.as_os_str(),
        "-q".as_ref(),
        "-o".as_ref(),
        ingest_x.as_os_str(),
    ]);
    assert_eq!(sheet_names(&ingest_x), ["Summary", "Placed", "Matrix"]);
    assert_eq!(&header(&ingest_x, "Placed")[..3], ["file", "id", "status"]);
    let matrix_head = header(&ingest_x, "Matrix");
    assert_eq!(
        matrix_head,
        ["id", "measure", "vendor-a.xlsx", "vendor-c.xlsx"]
    );
    let answers = column(&ingest_x, "Matrix", "vendor-c.xlsx");
    assert_eq!(answers.len(), 504);
    assert!(answers
        .iter()
        .all(|a| ["yes", "partial", "no", "na", "other", ""].contains(&a.as_str())));

    let migrate_x = dir.path().join("migrate-report.xlsx");
    let r2 = root.join("samples/hispro-checklist-r2.xlsx");
    let migrated = dir.path().join("migrated.xlsx");
    run_ok(&[
        "migrate".as_ref(),
        a.as_os_str(),
        r2.as_os_str(),
        "-o".as_ref(),
        migrated.as_os_str(),
        "--report".as_ref(),
        migrate_x.as_os_str(),
        "-q".as_ref(),
    ]);
    assert_eq!(sheet_names(&migrate_x), ["Summary", "Actions"]);
    let actions = column(&migrate_x, "Actions", "action");
    assert!(actions
        .iter()
        .all(|a| ["carried", "review", "new", "dropped"].contains(&a.as_str())));
    assert!(actions.iter().any(|a| a == "review"));

    // LibreOffice opens each of them (a package it cannot read converts to nothing)
    if common::soffice().is_none() {
        eprintln!("LibreOffice is not installed: the open-without-repair check is skipped");
        return;
    }
    let diff_x = dir.path().join("diff.xlsx");
    run_ok(&[
        "diff".as_ref(),
        cat.as_os_str(),
        r2.as_os_str(),
        "-q".as_ref(),
        "-o".as_ref(),
        diff_x.as_os_str(),
    ]);
    for x in [&catalog_x, &ingest_x, &migrate_x, &diff_x] {
        let conv = dir
            .path()
            .join(format!("conv-{}", x.file_stem().unwrap().to_string_lossy()));
        std::fs::create_dir(&conv).unwrap();
        let back = common::convert(x, "xlsx", &conv);
        assert!(!sheet_names(&back).is_empty(), "{}", x.display());
    }
}

#[test]
fn html_report_is_one_escaped_file_with_filters_and_marks() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = pair(dir.path());
    let out = common::run([
        "diff".as_ref(),
        old.as_os_str(),
        new.as_os_str(),
        "-q".as_ref(),
        "-f".as_ref(),
        "html".as_ref(),
    ]);
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(!html.contains("<script>alert"), "vendor text is escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("<ins>"), "insertions marked");
    assert!(html.contains("data-status=\"changed\""));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no network loads"
    );
    let normalised = html
        .replace(old.to_str().unwrap(), "OLD")
        .replace(new.to_str().unwrap(), "NEW");
    insta::assert_snapshot!("diff_html", normalised);
}

#[test]
fn markdown_report_shows_the_summary_and_what_needs_attention() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = pair(dir.path());
    let out = common::run([
        "diff".as_ref(),
        old.as_os_str(),
        new.as_os_str(),
        "-q".as_ref(),
        "-f".as_ref(),
        "md".as_ref(),
    ]);
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("**し、従業員に周知**"), "insertions in bold");
    assert!(!md.contains("| unchanged |"), "unchanged rows are left out");
    let normalised = md
        .replace(old.to_str().unwrap(), "OLD")
        .replace(new.to_str().unwrap(), "NEW");
    insta::assert_snapshot!("diff_md", normalised);
}

/// Debian's chromium, where installed (`.ci/run` installs it).
fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn headless(chromium: &Path, profile: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--virtual-time-budget=3000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

#[test]
fn html_filters_work_in_a_real_browser() {
    let Some(chromium) = chromium() else {
        eprintln!("chromium is not installed: the browser check is skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    let report = dir.path().join("diff.html");
    run_ok(&[
        "diff".as_ref(),
        root.join("samples/hispro-checklist.xlsx").as_os_str(),
        root.join("samples/hispro-checklist-r2.xlsx").as_os_str(),
        "-q".as_ref(),
        "-o".as_ref(),
        report.as_os_str(),
    ]);
    let url = format!("file://{}#status=added", report.display());
    let dom = headless(&chromium, &dir.path().join("profile"))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("data-filter=\"added\""),
        "the filter script ran"
    );
    let shown = dom
        .matches("<tr class=\"s-added\" data-status=\"added\">")
        .count();
    let hidden_other = dom.matches("data-status=\"unchanged\" hidden=\"\"").count();
    assert_eq!(shown, 5, "the five added items stay visible");
    assert_eq!(hidden_other, 468, "every unchanged row is hidden");
    // a screenshot as a reviewer sees the report
    let shot = root.join("target/report-screenshot.png");
    let status = headless(&chromium, &dir.path().join("profile2"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1400,900")
        .arg(format!("file://{}#status=changed", report.display()))
        .output()
        .expect("chromium runs");
    assert!(status.status.success());
    assert!(
        std::fs::metadata(&shot)
            .map(|m| m.len() > 10_000)
            .unwrap_or(false),
        "a screenshot was taken"
    );
}
