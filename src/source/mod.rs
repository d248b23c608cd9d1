//! Reading files into grids: the only stage (with `render`) that does I/O.
//!
//! [`open`] recognises the format by the first bytes, not by the extension (an
//! `.xls` saved under an `.xlsx` name still reads), and hands the file to the
//! spreadsheet reader (calamine) or the text reader (csv + encoding_rs). It
//! knows nothing about checklists.

mod delimited;
mod excel;
pub mod mapping;
mod ods_spans;
mod xls_scan;
mod xlsx_merges;

use std::path::Path;

use crate::error::{Error, ErrorKind, Result};
use crate::grid::Sheet;

pub use delimited::{decode, Decoded};

/// The kinds of file we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
    Text,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Text => "text",
        }
    }
}

/// How to read a file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Text encoding label for csv/tsv/txt (`cp932`, `utf-8`, `utf-16le` …);
    /// none means: BOM, else valid UTF-8, else CP932.
    pub encoding: Option<String>,
}

/// A file read into sheets.
#[derive(Debug, Clone)]
pub struct Book {
    pub format: Format,
    pub sheets: Vec<Sheet>,
    /// Things worth telling the user that are not problems (the encoding used).
    pub notes: Vec<String>,
}

/// Upper bound on the cells one file may hold, so a hostile file ends in a
/// clear error instead of exhausting memory.
pub const MAX_CELLS: usize = 20_000_000;

/// Read every sheet of a spreadsheet or text table.
///
/// # Errors
/// A missing, empty, encrypted, damaged or undecodable file, or one that is not
/// a spreadsheet at all; the error names the file.
pub fn open(path: &Path, options: &ReadOptions) -> Result<Book> {
    if path.is_dir() {
        return Err(Error::at(
            path,
            ErrorKind::NotSpreadsheet("it is a folder, not a file".into()),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        let kind = if e.kind() == std::io::ErrorKind::NotFound {
            ErrorKind::Missing
        } else {
            ErrorKind::Io(e)
        };
        Error::at(path, kind)
    })?;
    read_bytes(path, bytes, options)
}

/// Read a file already in memory; `path` only names it in messages.
///
/// # Errors
/// As [`open`].
pub fn read_bytes(path: &Path, bytes: Vec<u8>, options: &ReadOptions) -> Result<Book> {
    if bytes.is_empty() {
        return Err(Error::at(path, ErrorKind::Empty));
    }
    let sniffed = sniff(&bytes);
    // The spreadsheet parsers are not ours: a malformed file that makes one
    // panic is reported as a damaged file, with its name.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match sniffed {
        Sniffed::Zip => excel::read_zip(path, bytes),
        Sniffed::Compound => excel::read_compound(path, bytes),
        Sniffed::Text => delimited::read(path, &bytes, options),
    }));
    result.unwrap_or_else(|_| {
        Err(Error::at(
            path,
            ErrorKind::Corrupt("the file could not be parsed (its structure is malformed)".into()),
        ))
    })
}

enum Sniffed {
    Zip,
    Compound,
    Text,
}

fn sniff(bytes: &[u8]) -> Sniffed {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Sniffed::Zip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Sniffed::Compound
    } else {
        Sniffed::Text
    }
}
