//! Merged regions of an ods workbook, which calamine does not report: the
//! spans sit in `content.xml` as `table:number-rows-spanned` and
//! `table:number-columns-spanned` on the anchor cell.
//!
//! Rows and columns may be repeated (`number-rows-repeated`, often a million
//! empty rows at the end); positions are counted arithmetically, never by
//! iterating the repeats.

use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};

use crate::grid::Region;

/// What a look at `content.xml` tells before calamine reads it.
#[derive(Debug, Default)]
pub struct Scan {
    /// Merged regions per sheet name.
    pub regions: HashMap<String, Vec<Region>>,
    /// Cells holding something, repeats counted.
    pub cells: u64,
    /// The largest rectangle from A1 to the last cell holding something, of
    /// any sheet: what calamine will allocate for it.
    pub area: u64,
}

/// Scan an ods package; an empty scan when the package cannot be read (the
/// cells are then read, or refused, by calamine).
pub fn scan(bytes: &[u8]) -> Scan {
    read(bytes).unwrap_or_default()
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.to_string())
}

fn count(e: &BytesStart<'_>, name: &str) -> u64 {
    attr(e, name)
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

fn read(bytes: &[u8]) -> Option<Scan> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let entry = archive.by_name("content.xml").ok()?;
    // content.xml of a real workbook is small next to our limits; a bomb is cut.
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(entry.take(512 << 20)));
    let mut out: HashMap<String, Vec<Region>> = HashMap::new();
    let mut buf = Vec::new();
    let mut sheet: Option<String> = None;
    let (mut row, mut col) = (0u64, 0u64);
    let mut row_repeat = 1u64;
    let (mut cells, mut area) = (0u64, 0u64);
    let (mut row_cells, mut last_col) = (0u64, 0u64);
    let (mut sheet_rows, mut sheet_cols) = (0u64, 0u64);
    loop {
        let event = xml.read_event_into(&mut buf).ok()?;
        let (e, empty) = match &event {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            Event::End(e) => {
                match e.name().as_ref() {
                    "table:table-row" => {
                        if row_cells > 0 {
                            cells = cells.saturating_add(row_cells.saturating_mul(row_repeat));
                            sheet_rows = row.saturating_add(row_repeat);
                            sheet_cols = sheet_cols.max(last_col);
                        }
                        row = row.saturating_add(row_repeat);
                    }
                    "table:table" => {
                        area = area.max(sheet_rows.saturating_mul(sheet_cols));
                        sheet = None;
                    }
                    _ => {}
                }
                (None, false)
            }
            Event::Eof => break,
            _ => (None, false),
        };
        if let Some(e) = e {
            match e.name().as_ref() {
                "table:table" => {
                    sheet = attr(&e, "table:name");
                    row = 0;
                    (sheet_rows, sheet_cols) = (0, 0);
                }
                "table:table-row" => {
                    col = 0;
                    (row_cells, last_col) = (0, 0);
                    row_repeat = count(&e, "table:number-rows-repeated");
                    if empty {
                        row = row.saturating_add(row_repeat);
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let rows = count(&e, "table:number-rows-spanned");
                    let cols = count(&e, "table:number-columns-spanned");
                    if (rows > 1 || cols > 1) && row < u32::MAX as u64 && col < u32::MAX as u64 {
                        if let Some(name) = &sheet {
                            out.entry(name.clone()).or_default().push(Region {
                                first_row: row as u32 + 1,
                                last_row: (row + rows).min(u32::MAX as u64) as u32,
                                first_col: col as u32,
                                last_col: (col + cols - 1).min(u32::MAX as u64) as u32,
                            });
                        }
                    }
                    let repeat = count(&e, "table:number-columns-repeated");
                    // a cell holds something when it has a value type or text
                    let filled = !empty || attr(&e, "office:value-type").is_some();
                    if filled && e.name().as_ref() == "table:table-cell" {
                        row_cells = row_cells.saturating_add(repeat);
                        last_col = col.saturating_add(repeat);
                    }
                    col = col.saturating_add(repeat);
                }
                _ => {}
            }
        }
        buf.clear();
    }
    Some(Scan {
        regions: out,
        cells,
        area,
    })
}
