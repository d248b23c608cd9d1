//! Shared helpers for the integration tests: run the real binary, find the
//! samples, read csv output back.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seed checklist (504 items).
pub fn seed() -> PathBuf {
    root().join("samples/hispro-seed.txt")
}

/// Run `checksheet ARGS…` and return its output.
pub fn run<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    assert_cmd::Command::cargo_bin("checksheet")
        .expect("the checksheet binary is built")
        .args(args)
        .output()
        .expect("checksheet runs")
}

/// Rows of csv text as maps from column name to value.
pub fn csv_rows(text: &[u8]) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text);
    let headers = reader.headers().expect("a header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a csv record");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

/// The arguments of `checksheet catalog FILE -f csv EXTRA…`.
pub fn catalog_args(path: &Path, extra: &[&str]) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> =
        vec!["catalog".into(), path.into(), "-f".into(), "csv".into()];
    args.extend(extra.iter().map(|s| s.into()));
    args
}

/// `checksheet catalog FILE -f csv`, asserting it succeeded (exit 0 or 1).
pub fn catalog(path: &Path, extra: &[&str]) -> Vec<HashMap<String, String>> {
    let out = run(catalog_args(path, extra));
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "catalog of {} failed: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    csv_rows(&out.stdout)
}

/// Is LibreOffice (soffice) on this machine? Tests that need it to convert
/// files are skipped with a message where it is absent (.ci/run installs it).
pub fn soffice() -> Option<PathBuf> {
    [
        "/usr/bin/soffice",
        "/usr/local/bin/soffice",
        "/usr/bin/libreoffice",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// Convert `input` with LibreOffice headless into `dir` as `ext` (xls, ods,
/// xlsx …); returns the converted file.
pub fn convert(input: &Path, ext: &str, dir: &Path) -> PathBuf {
    let soffice = soffice().expect("LibreOffice is installed");
    let profile = dir.join("lo-profile");
    let status = std::process::Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", ext, "--outdir"])
        .arg(dir)
        .arg(input)
        .output()
        .expect("soffice runs");
    assert!(
        status.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let stem = input.file_stem().unwrap().to_string_lossy().into_owned();
    let out = dir.join(format!("{stem}.{ext}"));
    assert!(out.exists(), "soffice wrote no {}", out.display());
    out
}

/// The seed's lines split into tab-separated fields (a blank line is one
/// empty field), in order: line N is `seed_lines()[N - 1]`.
pub fn seed_lines() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(seed()).expect("the seed is readable UTF-8");
    text.split('\n')
        .map(|line| {
            line.trim_end_matches('\r')
                .split('\t')
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

/// A field that a spreadsheet program would store as a number (`12`, `4.2`).
pub fn as_number(field: &str) -> Option<f64> {
    let digits = field.strip_prefix('-').unwrap_or(field);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if all_digits(whole) && fraction.is_none_or(all_digits) {
        field.parse().ok()
    } else {
        None
    }
}

/// How the item-number cells (integers in the first five columns) are written
/// when the seed is made into a workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbers {
    /// As numbers, like every other numeric-looking field.
    Plain,
    /// As floats: the text `1.0` on even lines, the number 1 shown as `1.0`
    /// (number format `0.0`) on odd lines.
    Floats,
    /// As text in full-width digits (`１`, `１２`).
    FullWidth,
}

/// Write the seed cell for cell into one sheet of an xlsx (line N → row N,
/// field k → column k): numeric-looking fields as numbers, the rest as text.
pub fn write_seed_xlsx(path: &Path, numbers: Numbers) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let one_decimal = rust_xlsxwriter::Format::new().set_num_format("0.0");
    let sheet = book.add_worksheet();
    sheet
        .set_name("チェックリスト")
        .expect("a valid sheet name");
    for (i, fields) in seed_lines().iter().enumerate() {
        let row = i as u32;
        for (j, field) in fields.iter().enumerate() {
            let col = j as u16;
            if field.is_empty() {
                continue;
            }
            let id_cell = j < 5 && field.bytes().all(|b| b.is_ascii_digit());
            let written = match (as_number(field), numbers) {
                (Some(_), Numbers::Floats) if id_cell && i % 2 == 1 => {
                    sheet.write_string(row, col, format!("{field}.0"))
                }
                (Some(n), Numbers::Floats) if id_cell => {
                    sheet.write_number_with_format(row, col, n, &one_decimal)
                }
                (Some(_), Numbers::FullWidth) if id_cell => {
                    sheet.write_string(row, col, full_width(field))
                }
                (Some(n), _) => sheet.write_number(row, col, n),
                (None, _) => sheet.write_string(row, col, field),
            };
            written.expect("the cell is written");
        }
    }
    book.save(path).expect("the workbook is saved");
}

/// ASCII digits made full-width (`12` → `１２`).
pub fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c),
            other => other,
        })
        .collect()
}

/// Assert a run failed as an error (exit 2) that names `file`, does not panic,
/// and says `phrase` (ignoring case); returns stderr.
pub fn assert_error<I, S>(args: I, file: &Path, phrase: &str) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let stderr = assert_fails(args, file);
    assert!(
        stderr.to_lowercase().contains(&phrase.to_lowercase()),
        "stderr for {} does not say {phrase:?}:\n{stderr}",
        file.display()
    );
    stderr
}

/// Assert a run failed as an error (exit 2) that names `file` and does not
/// panic; returns stderr.
pub fn assert_fails<I, S>(args: I, file: &Path) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("panicked"),
        "checksheet panicked on {}:\n{stderr}",
        file.display()
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected exit 2 for {}, stderr:\n{stderr}",
        file.display()
    );
    assert!(
        stderr.contains(&file.display().to_string()),
        "stderr does not name {}:\n{stderr}",
        file.display()
    );
    stderr
}

/// A temporary folder under cargo's `target/tmp` for files shared by the
/// tests of one binary (held in a `OnceLock`, so it is never dropped): folders
/// of earlier runs with the same prefix, older than an hour, are removed first.
pub fn shared_dir(prefix: &str) -> tempfile::TempDir {
    let parent = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let hour = std::time::Duration::from_secs(3600);
    for entry in std::fs::read_dir(parent).into_iter().flatten().flatten() {
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > hour);
        if stale && entry.file_name().to_string_lossy().starts_with(prefix) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(parent)
        .expect("a temporary folder")
}

/// A zip archive of `(name, bytes)` entries, in order: `mimetype` stored (as
/// OpenDocument requires), the others deflated.
pub fn zip_bytes(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        let method = if *name == "mimetype" {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        zip.start_file(
            *name,
            zip::write::SimpleFileOptions::default().compression_method(method),
        )
        .expect("a zip entry");
        zip.write_all(data).expect("zip data");
    }
    zip.finish().expect("a zip archive").into_inner()
}

/// A one-sheet xlsx package (sheet `S`) around the given worksheet XML, as a
/// hand-made or hostile producer would write it.
pub fn xlsx_with_sheet(path: &Path, sheet_xml: &str) {
    let parts: [(&str, &[u8]); 5] = [
        ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#),
        ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
        ("xl/worksheets/sheet1.xml", sheet_xml.as_bytes()),
    ];
    std::fs::write(path, zip_bytes(&parts)).expect("the package is written");
}
