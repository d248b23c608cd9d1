//! xlsx through rust_xlsxwriter: a summary sheet first, then the table with a
//! frozen header, an autofilter, sensible widths and wrapped text. Every cell
//! is written as text or number, never as a formula; document properties are
//! fixed so the same report gives byte-identical files.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use crate::error::{Error, ErrorKind, Result};
use crate::report::{Cell, Report};
use crate::text::width;

/// Excel refuses cells longer than this.
const MAX_CELL: usize = 32_767;

fn clip(text: &str) -> &str {
    if text.len() <= MAX_CELL {
        return text;
    }
    let mut end = MAX_CELL;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn build(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&fixed)
            .set_title(&report.title)
            .set_author("checksheet"),
    );
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_text_wrap();
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);

    let summary = book.add_worksheet();
    summary.set_name("Summary")?;
    summary.write_string_with_format(0, 0, clip(&report.title), &bold)?;
    let mut r = 2u32;
    for input in &report.inputs {
        summary.write_string(r, 0, "input")?;
        summary.write_string(r, 1, clip(input))?;
        r += 1;
    }
    r += 1;
    for (k, v) in &report.summary {
        summary.write_string(r, 0, clip(k))?;
        match v.parse::<f64>() {
            Ok(n) => summary.write_number(r, 1, n)?,
            Err(_) => summary.write_string(r, 1, clip(v))?,
        };
        r += 1;
    }
    summary.set_column_width(0, 24)?;
    summary.set_column_width(1, 60)?;

    let sheet = book.add_worksheet();
    sheet.set_name("Items")?;
    for (j, name) in report.columns.iter().enumerate() {
        sheet.write_string_with_format(0, j as u16, *name, &head)?;
    }
    for (i, row) in report.rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (j, cell) in row.iter().enumerate() {
            let c = j as u16;
            match cell {
                Cell::Number(n) => {
                    sheet.write_number(r, c, *n as f64)?;
                }
                Cell::Float(f) => {
                    sheet.write_number(r, c, *f)?;
                }
                Cell::Text(t) if !t.is_empty() => {
                    sheet.write_string_with_format(r, c, clip(t), &wrap)?;
                }
                _ => {}
            }
        }
    }
    for (j, name) in report.columns.iter().enumerate() {
        let longest = report
            .rows
            .iter()
            .take(2000)
            .map(|r| r.get(j).map(|c| width(&c.text())).unwrap_or(0))
            .max()
            .unwrap_or(0)
            .max(width(name));
        sheet.set_column_width(j as u16, (longest as f64 + 2.0).clamp(6.0, 60.0))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    if !report.rows.is_empty() {
        sheet.autofilter(
            0,
            0,
            report.rows.len() as u32,
            report.columns.len() as u16 - 1,
        )?;
    }
    book.save_to_buffer()
}

pub fn write(report: &Report) -> Result<Vec<u8>> {
    build(report)
        .map_err(|e| Error::at(std::path::Path::new("-"), ErrorKind::Output(e.to_string())))
}

/// A clean xlsx of a workbook's contents (for templates that cannot be
/// edited in place: xls, ods, text), with the writes applied and a sheet
/// listing the actions. Highlighted cells get a yellow fill.
///
/// # Errors
/// An internal limit of the xlsx writer.
pub fn clean_workbook(
    book: &crate::source::Book,
    unnamed: &str,
    writes: &super::template::Writes,
    extra: &super::template::ExtraSheet,
) -> Result<Vec<u8>> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        wb.set_properties(
            &DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
        );
        let wrap = Format::new()
            .set_text_wrap()
            .set_align(rust_xlsxwriter::FormatAlign::Top);
        let review = Format::new()
            .set_text_wrap()
            .set_background_color("#FFEB9C");
        for sheet in &book.sheets {
            let name = sheet.name.clone().unwrap_or_else(|| unnamed.to_owned());
            let ws = wb.add_worksheet();
            ws.set_name(clip_name(&name))?;
            let pending = writes.get(&name);
            for row in &sheet.rows {
                let r = row.number - 1;
                for (c, text) in row.cells.iter().enumerate() {
                    if text.is_empty() || c > u16::MAX as usize {
                        continue;
                    }
                    ws.write_string_with_format(r, c as u16, clip(text), &wrap)?;
                }
            }
            for (&row, cells) in pending.into_iter().flatten() {
                for (&col, w) in cells {
                    let f = if w.highlight { &review } else { &wrap };
                    ws.write_string_with_format(row - 1, col as u16, clip(&w.text), f)?;
                }
            }
            let width = sheet.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0) + 3;
            for c in 0..width.min(200) {
                ws.set_column_width(c as u16, 18)?;
            }
        }
        let ws = wb.add_worksheet();
        ws.set_name(clip_name(&extra.name))?;
        for (r, row) in extra.rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                if !text.is_empty() {
                    ws.write_string(r as u32, c as u16, clip(text))?;
                }
            }
        }
        for (c, w) in extra.widths.iter().enumerate() {
            ws.set_column_width(c as u16, *w)?;
        }
        ws.set_freeze_panes(1, 0)?;
        wb.save_to_buffer()
    };
    build().map_err(|e| Error::at(std::path::Path::new("-"), ErrorKind::Output(e.to_string())))
}

/// Sheet names are at most 31 characters and some characters are not allowed.
fn clip_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '_'
            } else {
                c
            }
        })
        .take(31)
        .collect();
    if cleaned.is_empty() {
        "Sheet".to_owned()
    } else {
        cleaned
    }
}
