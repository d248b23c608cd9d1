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

/// Merged regions per sheet name; empty when the package cannot be read (the
/// cells themselves were read by calamine already).
pub fn regions(bytes: &[u8]) -> HashMap<String, Vec<Region>> {
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

fn read(bytes: &[u8]) -> Option<HashMap<String, Vec<Region>>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let entry = archive.by_name("content.xml").ok()?;
    // content.xml of a real workbook is small next to our limits; a bomb is cut.
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(entry.take(512 << 20)));
    let mut out: HashMap<String, Vec<Region>> = HashMap::new();
    let mut buf = Vec::new();
    let mut sheet: Option<String> = None;
    let (mut row, mut col) = (0u64, 0u64);
    let mut row_repeat = 1u64;
    loop {
        let event = xml.read_event_into(&mut buf).ok()?;
        let (e, empty) = match &event {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            Event::End(e) => {
                match e.name().as_ref() {
                    "table:table-row" => row += row_repeat,
                    "table:table" => sheet = None,
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
                }
                "table:table-row" => {
                    col = 0;
                    row_repeat = count(&e, "table:number-rows-repeated");
                    if empty {
                        row += row_repeat;
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
                    col += count(&e, "table:number-columns-repeated");
                }
                _ => {}
            }
        }
        buf.clear();
    }
    Some(out)
}
