//! Bad input ends in a clear error: exit status 2, a message on stderr that
//! names the file and says what is wrong, never a panic.
//!
//! Every bad file is made here (in a temporary folder), except the encrypted
//! workbook, a committed fixture (see tests/fixtures/README.md).

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::Numbers;
use encoding_rs::SHIFT_JIS;

/// A checklist header and two items, as a vendor's csv would hold them.
const HEADER: &str =
    "大分類,中分類,小分類,要件,分類,必須／推奨,対策項目,対象GL,GLでの参照箇所,確認項目\r\n";
const ITEM_1: &str = "1,1,1,1,1. 設備・運用,必須,基本方針を定めること。,総務省 ASP-GL,II. 1. 1. 1,文書化されているか\r\n";
const ITEM_2: &str = "1,1,1,2,1. 設備・運用,推奨,基本方針を見直すこと。,総務省 ASP-GL,II. 1. 1. 2,見直されているか\r\n";

/// `checksheet catalog FILE -f csv` must fail with exit 2, name the file and
/// say `phrase`.
fn assert_catalog_error(path: &Path, phrase: &str) -> String {
    common::assert_error(common::catalog_args(path, &[]), path, phrase)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("the file is written");
    path
}

/// `len` bytes of a fixed pseudo-random sequence (Knuth's MMIX LCG, high bytes).
fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 56) as u8
        })
        .collect()
}

/// Write an xlsx with one sheet per `(name, rows)`, every cell as text.
fn write_xlsx(path: &Path, sheets: &[(&str, &[&[&str]])]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).expect("a valid sheet name");
        for (r, cells) in rows.iter().enumerate() {
            for (c, text) in cells.iter().enumerate() {
                sheet
                    .write_string(r as u32, c as u16, *text)
                    .expect("a cell");
            }
        }
    }
    book.save(path).expect("the workbook is saved");
}

/// The seed as an xlsx, and as an xls saved by LibreOffice (none without it),
/// made once for all tests.
struct Workbooks {
    _dir: tempfile::TempDir,
    xlsx: PathBuf,
    xls: Option<PathBuf>,
}

fn workbooks() -> &'static Workbooks {
    static BOOKS: OnceLock<Workbooks> = OnceLock::new();
    BOOKS.get_or_init(|| {
        let dir = common::shared_dir("errors-");
        let xlsx = dir.path().join("seed.xlsx");
        common::write_seed_xlsx(&xlsx, Numbers::Plain);
        let xls = common::soffice().map(|_| common::convert(&xlsx, "xls", dir.path()));
        Workbooks {
            _dir: dir,
            xlsx,
            xls,
        }
    })
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-checklist.xlsx");
    assert_catalog_error(&path, "does not exist");
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "empty.csv", b"");
    assert_catalog_error(&path, "empty");
}

#[test]
fn folder_given_as_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("checklist.xlsx");
    std::fs::create_dir(&path).unwrap();
    let stderr = common::assert_fails(common::catalog_args(&path, &[]), &path);
    let lower = stderr.to_lowercase();
    assert!(
        lower.contains("folder") || lower.contains("directory"),
        "stderr does not say the path is a folder:\n{stderr}"
    );
    // The reason once, not the same operating-system text twice.
    assert!(
        stderr.matches("os error").count() <= 1,
        "stderr repeats itself:\n{stderr}"
    );
}

#[test]
fn random_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = pseudo_random(4096, 0x5EED);
    assert!(!bytes.starts_with(b"PK") && !bytes.starts_with(&[0xD0, 0xCF]));
    let path = write(dir.path(), "random.bin", &bytes);
    assert_catalog_error(&path, "not a spreadsheet");
}

#[test]
fn png_image() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
    bytes.extend(pseudo_random(2048, 0x1234));
    let path = write(dir.path(), "picture.png", &bytes);
    assert_catalog_error(&path, "not a spreadsheet");
}

#[test]
fn zip_of_an_unrelated_text_file() {
    let dir = tempfile::tempdir().unwrap();
    let zip = common::zip_bytes(&[("notes.txt", "買い物リスト\nりんご\nみかん\n".as_bytes())]);
    let path = write(dir.path(), "archive.zip", &zip);
    assert_catalog_error(&path, "not a spreadsheet");
}

#[test]
fn word_document_under_an_xlsx_name() {
    let dir = tempfile::tempdir().unwrap();
    let content_types = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let document = br#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>hello</w:t></w:r></w:p></w:body></w:document>"#;
    let zip = common::zip_bytes(&[
        ("[Content_Types].xml", content_types),
        ("word/document.xml", document),
    ]);
    let path = write(dir.path(), "report.xlsx", &zip);
    assert_catalog_error(&path, "not a spreadsheet");
}

#[test]
fn xlsx_truncated_to_half() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(&workbooks().xlsx).unwrap();
    let path = write(dir.path(), "truncated.xlsx", &bytes[..bytes.len() / 2]);
    assert_catalog_error(&path, "damaged or truncated");
}

/// Cut anywhere, an xlsx is still a clear error, never a panic.
#[test]
fn xlsx_truncated_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(&workbooks().xlsx).unwrap();
    let mut failures = Vec::new();
    for sixteenth in 1..16 {
        let cut = bytes.len() * sixteenth / 16;
        let name = format!("cut-{sixteenth}-16.xlsx");
        let path = write(dir.path(), &name, &bytes[..cut]);
        let out = common::run(common::catalog_args(&path, &[]));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let clear = out.status.code() == Some(2)
            && !stderr.contains("panicked")
            && stderr.contains(&path.display().to_string())
            && stderr.contains("damaged or truncated");
        if !clear {
            failures.push(format!(
                "cut at {cut} of {} bytes: exit {:?}, stderr: {}",
                bytes.len(),
                out.status.code(),
                stderr.trim()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn xls_truncated_to_half() {
    let Some(xls) = &workbooks().xls else {
        eprintln!("skipped xls_truncated_to_half: LibreOffice (soffice) is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(xls).unwrap();
    let path = write(dir.path(), "truncated.xls", &bytes[..bytes.len() / 2]);
    assert_catalog_error(&path, "damaged or truncated");
}

#[test]
fn encrypted_xlsx() {
    let path = common::root().join("tests/fixtures/encrypted.xlsx");
    let before = std::fs::read(&path).expect("the fixture exists");
    assert_catalog_error(&path, "encrypted");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the input was modified"
    );
}

#[test]
fn csv_without_a_checklist_header() {
    let dir = tempfile::tempdir().unwrap();
    let sales =
        "日付,商品,数量\r\n2024-04-01,りんご,3\r\n2024-04-02,みかん,5\r\n2024-04-03,ぶどう,2\r\n";
    let path = write(dir.path(), "sales.csv", sales.as_bytes());
    assert_catalog_error(&path, "no checklist header found");
}

#[test]
fn xlsx_without_a_checklist_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sales.xlsx");
    let rows: &[&[&str]] = &[
        &["日付", "商品", "数量"],
        &["2024-04-01", "りんご", "3"],
        &["2024-04-02", "みかん", "5"],
        &["2024-04-03", "ぶどう", "2"],
    ];
    write_xlsx(&path, &[("売上", rows)]);
    assert_catalog_error(&path, "no checklist header found");
}

#[test]
fn csv_with_bytes_invalid_in_cp932() {
    let dir = tempfile::tempdir().unwrap();
    let head_text = format!("{HEADER}{ITEM_1}1,1,1,2,");
    let (head, _, unmappable) = SHIFT_JIS.encode(&head_text);
    assert!(!unmappable);
    let mut bytes = head.into_owned();
    let offset = bytes.len();
    bytes.extend_from_slice(b"\x81\x20\xff\xfe");
    let (tail, _, _) = SHIFT_JIS.encode(&ITEM_2[8..]);
    bytes.extend_from_slice(&tail);
    let path = write(dir.path(), "vendor.csv", &bytes);
    let stderr = assert_catalog_error(&path, "cannot be decoded");
    assert!(
        stderr.contains(&format!("byte {offset}")),
        "stderr does not give the offset {offset} of the bad bytes:\n{stderr}"
    );
}

#[test]
fn unknown_encoding_flag() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "list.csv",
        format!("{HEADER}{ITEM_1}").as_bytes(),
    );
    let args = common::catalog_args(&path, &["--encoding", "klingon"]);
    common::assert_error(args, &path, "unknown text encoding");
}

#[test]
fn sheet_flag_naming_no_sheet() {
    let path = &workbooks().xlsx;
    let args = common::catalog_args(path, &["--sheet", "存在しないシート"]);
    let stderr = common::assert_error(args, path, "no sheet named");
    assert!(
        stderr.contains("チェックリスト"),
        "stderr does not list the sheets there are:\n{stderr}"
    );
}

#[test]
fn xlsx_whose_only_sheet_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blank.xlsx");
    write_xlsx(&path, &[("Sheet1", &[])]);
    assert_catalog_error(&path, "empty");
}

#[test]
fn xlsx_with_a_cover_sheet_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cover.xlsx");
    let rows: &[&[&str]] = &[
        &["HISPRO 外部保存、ASP・SaaS チェックシート"],
        &[],
        &["会社名", "株式会社サンプル"],
        &["提出日", "2024年4月1日"],
        &["担当者", "山田 太郎"],
    ];
    write_xlsx(&path, &[("表紙", rows)]);
    let stderr = assert_catalog_error(&path, "no checklist header found");
    assert!(
        stderr.contains("表紙"),
        "stderr does not name the sheet it examined:\n{stderr}"
    );
}
