//! Errors: failures to read or write a file, with the place they happened.
//!
//! A renumbered, missing or odd item is never an error: those are findings in
//! the results. An `Error` means the input could not be read at all (or an
//! output could not be written), and its message names the file, and the sheet
//! and cell where there is one, in a full sentence.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where something happened: a file, and optionally a sheet and a cell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub sheet: Option<String>,
    /// 1-based row as a spreadsheet program shows it (record number in text files).
    pub row: Option<u32>,
    /// 0-based column; shown as a letter.
    pub col: Option<u32>,
}

impl Location {
    pub fn file(path: &Path) -> Location {
        Location {
            file: path.to_path_buf(),
            ..Location::default()
        }
    }

    pub fn sheet(mut self, sheet: Option<&str>) -> Location {
        self.sheet = sheet.map(str::to_owned);
        self
    }

    pub fn cell(mut self, row: u32, col: Option<u32>) -> Location {
        self.row = Some(row);
        self.col = col;
        self
    }
}

/// Spreadsheet column letters for a 0-based column index (0 → A, 26 → AA).
pub fn column_letters(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(sheet) = &self.sheet {
            write!(f, ", sheet {sheet}")?;
        }
        match (self.row, self.col, &self.sheet) {
            (Some(row), Some(col), _) => write!(f, ", cell {}{row}", column_letters(col)),
            (Some(row), None, Some(_)) => write!(f, ", row {row}"),
            (Some(row), None, None) => write!(f, ", line {row}"),
            _ => Ok(()),
        }
    }
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    #[error("the file does not exist")]
    Missing,
    #[error("cannot read the file: {0}")]
    Io(std::io::Error),
    #[error("the file is empty")]
    Empty,
    #[error("the file is encrypted (password-protected); save an unprotected copy and try again")]
    Encrypted,
    #[error("this is not a spreadsheet or a text table: {0}")]
    NotSpreadsheet(String),
    #[error("the workbook is damaged or truncated: {0}")]
    Corrupt(String),
    #[error("the text cannot be decoded as {encoding}: invalid bytes at byte {offset}")]
    Undecodable {
        encoding: &'static str,
        offset: usize,
    },
    #[error(
        "unknown text encoding {0:?} (try utf-8, cp932, shift_jis, utf-16le, utf-16be, euc-jp)"
    )]
    UnknownEncoding(String),
    #[error("no checklist header found (looked for labels such as 項番, 大分類, 対策項目, 確認項目, Requirement) in {0}")]
    NoHeader(String),
    #[error("no sheet named {0:?} (the workbook has: {1})")]
    NoSuchSheet(String, String),
    #[error("{0}")]
    Limit(String),
    #[error("cannot write the output: {0}")]
    Output(String),
    #[error("{0}")]
    Invalid(String),
}

/// An error with the place it happened.
#[derive(Debug)]
pub struct Error {
    kind: Box<ErrorKind>,
    location: Location,
}

impl Error {
    pub fn new(kind: ErrorKind, location: Location) -> Error {
        Error {
            kind: Box::new(kind),
            location,
        }
    }

    pub fn at(path: &Path, kind: ErrorKind) -> Error {
        Error::new(kind, Location::file(path))
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    pub fn location(&self) -> &Location {
        &self.location
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.kind)
    }
}

// The message already holds the cause's text; no `source()`, so error chains
// do not print it twice.
impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_spreadsheet_names() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16383), "XFD");
    }

    #[test]
    fn message_names_file_sheet_and_cell() {
        let loc = Location::file(Path::new("book.xlsx"))
            .sheet(Some("チェックリスト"))
            .cell(14, Some(2));
        let e = Error::new(ErrorKind::Invalid("expected a level".into()), loc);
        assert_eq!(
            e.to_string(),
            "book.xlsx, sheet チェックリスト, cell C14: expected a level"
        );
    }
}
