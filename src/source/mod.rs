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

use crate::error::{Error, ErrorKind, Location, Result};
use crate::grid::{Region, Row, Sheet};

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

/// A file read into sheets, all in memory.
#[derive(Debug, Clone)]
pub struct Book {
    pub format: Format,
    pub sheets: Vec<Sheet>,
    /// Things worth telling the user that are not problems (the encoding used).
    pub notes: Vec<String>,
}

impl Book {
    /// Hand the book's sheets to a visitor, as a reader streaming the file would.
    ///
    /// # Errors
    /// What the visitor returns.
    pub fn visit(&self, visitor: &mut dyn Visitor) -> Result<()> {
        let metas: Vec<SheetMeta> = self
            .sheets
            .iter()
            .enumerate()
            .map(|(index, s)| SheetMeta {
                index,
                name: s.name.clone(),
                hidden: s.hidden,
            })
            .collect();
        let chosen = visitor.start(self.format, &self.notes, &metas)?;
        for ((sheet, meta), wanted) in self.sheets.iter().zip(&metas).zip(chosen) {
            if !wanted {
                continue;
            }
            visitor.begin(meta, sheet.merges.clone())?;
            for row in &sheet.rows {
                visitor.row(row.clone())?;
            }
            visitor.end()?;
        }
        Ok(())
    }
}

/// A sheet as a reader announces it, before its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetMeta {
    /// 0-based position in the workbook.
    pub index: usize,
    /// None for a text file.
    pub name: Option<String>,
    pub hidden: bool,
}

/// Receives a file's sheets row by row, in order: what the readers push and
/// the layout stage consumes, so that a sheet of a million rows never has to
/// be held whole.
pub trait Visitor {
    /// The file is open: its format, notes (the encoding used) and sheets.
    /// Returns which sheets to read; nothing of the others is handed on (a
    /// reading thread may have begun on them before it knew).
    ///
    /// # Errors
    /// Whatever the visitor refuses (a `--sheet` that names no sheet).
    fn start(
        &mut self,
        format: Format,
        notes: &[String],
        sheets: &[SheetMeta],
    ) -> Result<Vec<bool>>;
    /// A chosen sheet begins, with its merged regions.
    ///
    /// # Errors
    /// Whatever the visitor fails at.
    fn begin(&mut self, sheet: &SheetMeta, merges: Vec<Region>) -> Result<()>;
    /// The next row holding something, in ascending order.
    ///
    /// # Errors
    /// Whatever the visitor fails at (writing its output).
    fn row(&mut self, row: Row) -> Result<()>;
    /// The sheet has no more rows.
    ///
    /// # Errors
    /// Whatever the visitor fails at.
    fn end(&mut self) -> Result<()>;
}

/// Upper bound on the cells one file may hold in memory, so a hostile file
/// ends in a clear error instead of exhausting memory. Streaming consumers
/// (the catalog) hold a window of rows and need no such bound.
pub const MAX_CELLS: usize = 20_000_000;
/// Dense cells (row widths added up) one book may hold in memory.
pub const MAX_DENSE_CELLS: usize = 40_000_000;

/// Read every sheet of a spreadsheet or text table into memory.
///
/// # Errors
/// A missing, empty, encrypted, damaged or undecodable file, or one that is not
/// a spreadsheet at all; the error names the file.
pub fn open(path: &Path, options: &ReadOptions) -> Result<Book> {
    let bytes = read_file(path)?;
    read_bytes(path, bytes, options)
}

/// Read a file already in memory; `path` only names it in messages.
///
/// # Errors
/// As [`open`].
pub fn read_bytes(path: &Path, bytes: Vec<u8>, options: &ReadOptions) -> Result<Book> {
    let mut collector = Collector::new(path);
    let format = visit_bytes(path, &bytes, options, &mut collector)?;
    Ok(collector.finish(format))
}

/// Stream a file's sheets to a visitor. Workbooks in zip packages (xlsx,
/// xlsm, xlsb) are read from the file as they are parsed, cell by cell, never
/// whole; xls, ods and text files are read into memory first.
///
/// # Errors
/// As [`open`], and whatever the visitor returns.
pub fn visit(path: &Path, options: &ReadOptions, visitor: &mut dyn Visitor) -> Result<Format> {
    let (head, size) = read_head(path)?;
    if matches!(sniff(&head), Sniffed::Zip) && size > IN_MEMORY {
        return guarded(path, || {
            excel::visit_zip(path, excel::Input::File(path), visitor)
        });
    }
    let bytes = read_file(path)?;
    visit_bytes(path, &bytes, options, visitor)
}

/// A workbook package up to this size is read into memory first: its parts
/// are then read without a system call each (the package is opened four
/// times: its directory, calamine, the merge scan, the cells). Larger ones
/// are read from the file as they are parsed.
const IN_MEMORY: u64 = 32 << 20;

/// [`visit`] of a file already in memory; `path` only names it in messages.
///
/// # Errors
/// As [`visit`].
pub fn visit_bytes(
    path: &Path,
    bytes: &[u8],
    options: &ReadOptions,
    visitor: &mut dyn Visitor,
) -> Result<Format> {
    if bytes.is_empty() {
        return Err(Error::at(path, ErrorKind::Empty));
    }
    match sniff(bytes) {
        Sniffed::Zip => guarded(path, || {
            excel::visit_zip(path, excel::Input::Bytes(bytes), visitor)
        }),
        Sniffed::Compound => {
            let book = guarded(path, || excel::read_compound(path, bytes))?;
            book.visit(visitor)?;
            Ok(book.format)
        }
        Sniffed::Text => delimited::visit(path, bytes, options, visitor),
    }
}

/// The spreadsheet parsers are not ours: a malformed file that makes one
/// panic is reported as a damaged file, with its name.
fn guarded<T>(path: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(malformed(path)))
}

fn malformed(path: &Path) -> Error {
    Error::at(
        path,
        ErrorKind::Corrupt("the file could not be parsed (its structure is malformed)".into()),
    )
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    let kind = if e.kind() == std::io::ErrorKind::NotFound {
        ErrorKind::Missing
    } else {
        ErrorKind::Io(e)
    };
    Error::at(path, kind)
}

fn check_not_folder(path: &Path) -> Result<()> {
    if path.is_dir() {
        return Err(Error::at(
            path,
            ErrorKind::NotSpreadsheet("it is a folder, not a file".into()),
        ));
    }
    Ok(())
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    check_not_folder(path)?;
    std::fs::read(path).map_err(|e| io_error(path, e))
}

/// The first bytes of a file, enough to tell its format, and its size.
fn read_head(path: &Path) -> Result<(Vec<u8>, u64)> {
    use std::io::Read;
    check_not_folder(path)?;
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let size = file.metadata().map_err(|e| io_error(path, e))?.len();
    let mut head = Vec::with_capacity(8);
    file.take(8)
        .read_to_end(&mut head)
        .map_err(|e| io_error(path, e))?;
    if head.is_empty() {
        return Err(Error::at(path, ErrorKind::Empty));
    }
    Ok((head, size))
}

/// Collects what a reader streams into a [`Book`], within the memory bounds.
struct Collector<'a> {
    path: &'a Path,
    notes: Vec<String>,
    sheets: Vec<Sheet>,
    cells: usize,
    dense: usize,
}

impl<'a> Collector<'a> {
    fn new(path: &'a Path) -> Collector<'a> {
        Collector {
            path,
            notes: Vec::new(),
            sheets: Vec::new(),
            cells: 0,
            dense: 0,
        }
    }

    fn finish(self, format: Format) -> Book {
        Book {
            format,
            sheets: self.sheets,
            notes: self.notes,
        }
    }
}

impl Visitor for Collector<'_> {
    fn start(&mut self, _: Format, notes: &[String], sheets: &[SheetMeta]) -> Result<Vec<bool>> {
        self.notes = notes.to_vec();
        Ok(vec![true; sheets.len()])
    }

    fn begin(&mut self, sheet: &SheetMeta, merges: Vec<Region>) -> Result<()> {
        self.sheets.push(Sheet {
            name: sheet.name.clone(),
            rows: Vec::new(),
            merges,
            hidden: sheet.hidden,
        });
        Ok(())
    }

    fn row(&mut self, row: Row) -> Result<()> {
        self.cells += row.cells.iter().filter(|c| !c.is_empty()).count();
        self.dense += row.cells.len();
        let sheet = self.sheets.last_mut().ok_or_else(|| malformed(self.path))?;
        if self.cells > MAX_CELLS || self.dense > MAX_DENSE_CELLS {
            let at = Location::file(self.path)
                .sheet(sheet.name.as_deref())
                .cell(row.number, None);
            return Err(Error::new(
                ErrorKind::Limit(format!(
                    "the workbook holds more than {MAX_CELLS} cells (or rows wider than its content warrants); refusing to read it whole"
                )),
                at,
            ));
        }
        sheet.rows.push(row);
        Ok(())
    }

    fn end(&mut self) -> Result<()> {
        Ok(())
    }
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
