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

/// The fill of a row by its status (or action).
fn status_fill(status: &str) -> Option<&'static str> {
    match status {
        "changed" | "altered" | "review" => Some("#FFEB9C"),
        "added" | "new" | "extra" => Some("#C6EFCE"),
        "removed" | "missing" | "dropped" => Some("#FFC7CE"),
        "split" | "merged" | "duplicate" => Some("#E4DFEC"),
        _ => None,
    }
}

fn answer_fill(answer: &str) -> Option<&'static str> {
    match answer {
        "yes" => Some("#C6EFCE"),
        "no" => Some("#FFC7CE"),
        "partial" => Some("#FFEB9C"),
        "other" => Some("#E4DFEC"),
        _ => None,
    }
}

fn build(report: &Report) -> Result<Vec<u8>, XlsxError> {
    use super::inline::Mark;
    let mut book = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&fixed)
            .set_title(&report.title)
            .set_author("checksheet"),
    );
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_text_wrap()
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let top = rust_xlsxwriter::FormatAlign::Top;
    let cell = |fill: Option<&str>| {
        let f = Format::new().set_text_wrap().set_align(top);
        match fill {
            Some(c) => f.set_background_color(c),
            None => f,
        }
    };
    let deleted = Format::new()
        .set_font_color("#C00000")
        .set_font_strikethrough();
    let inserted = Format::new().set_font_color("#007A33").set_bold();
    let plain = Format::new();

    // Summary first: what was compared, then the counts.
    let summary = book.add_worksheet();
    summary.set_name("Summary")?;
    summary.write_string_with_format(0, 0, clip(&report.title), &title)?;
    let mut r = 2u32;
    for input in &report.inputs {
        summary.write_string_with_format(r, 0, "input", &bold)?;
        summary.write_string(r, 1, clip(input))?;
        r += 1;
    }
    r += 1;
    summary.write_string_with_format(r, 0, "what", &head)?;
    summary.write_string_with_format(r, 1, "count", &head)?;
    r += 1;
    for (k, v) in &report.summary {
        let fill = status_fill(k).map(|c| Format::new().set_background_color(c));
        match &fill {
            Some(f) => summary.write_string_with_format(r, 0, clip(k), f)?,
            None => summary.write_string(r, 0, clip(k))?,
        };
        match v.parse::<f64>() {
            Ok(n) => summary.write_number(r, 1, n)?,
            Err(_) => summary.write_string(r, 1, clip(v))?,
        };
        r += 1;
    }
    summary.set_column_width(0, 34)?;
    summary.set_column_width(1, 60)?;
    summary.set_landscape();
    summary.set_print_fit_to_pages(1, 0);

    // The rows, coloured by status, with the differences of the inline
    // columns as rich text.
    let sheet = book.add_worksheet();
    sheet.set_name(report.detail_name)?;
    for (j, name) in report.columns.iter().enumerate() {
        sheet.write_string_with_format(0, j as u16, *name, &head)?;
    }
    let mut formats: std::collections::HashMap<Option<&'static str>, Format> =
        std::collections::HashMap::new();
    for (i, row) in report.rows.iter().enumerate() {
        let r = i as u32 + 1;
        let fill = report.status_of(row).and_then(|s| status_fill(&s));
        let format = formats.entry(fill).or_insert_with(|| cell(fill)).clone();
        let marks = report.marked(row);
        for (j, value) in row.iter().enumerate() {
            let c = j as u16;
            let rich = marks[j].as_ref();
            if let Some(segs) = rich.filter(|s| s.len() > 1) {
                let fragments: Vec<(&Format, &str)> = segs
                    .iter()
                    .filter(|s| !s.text.is_empty())
                    .map(|s| {
                        let f = match s.mark {
                            Mark::Same => &plain,
                            Mark::Deleted => &deleted,
                            Mark::Inserted => &inserted,
                        };
                        (f, clip(&s.text))
                    })
                    .collect();
                sheet.write_rich_string_with_format(r, c, &fragments, &format)?;
                continue;
            }
            match value {
                Cell::Number(n) => sheet.write_number_with_format(r, c, *n as f64, &format)?,
                Cell::Float(f) => sheet.write_number_with_format(r, c, *f, &format)?,
                Cell::Text(t) if !t.is_empty() => {
                    sheet.write_string_with_format(r, c, clip(t), &format)?
                }
                _ => sheet.write_blank(r, c, &format)?,
            };
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

    // Batch ingest: items × submissions, answers coloured.
    if let Some(matrix) = &report.matrix {
        let sheet = book.add_worksheet();
        sheet.set_name("Matrix")?;
        sheet.write_string_with_format(0, 0, "id", &head)?;
        sheet.write_string_with_format(0, 1, "measure", &head)?;
        for (f, file) in matrix.files.iter().enumerate() {
            let name = std::path::Path::new(file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.clone());
            sheet.write_string_with_format(0, f as u16 + 2, clip(&name), &head)?;
        }
        let mut answer_formats: std::collections::HashMap<Option<&'static str>, Format> =
            std::collections::HashMap::new();
        for (i, (id, measure, answers)) in matrix.rows.iter().enumerate() {
            let r = i as u32 + 1;
            sheet.write_string(r, 0, clip(id))?;
            sheet.write_string_with_format(r, 1, clip(measure), &cell(None))?;
            for (f, a) in answers.iter().enumerate() {
                let fill = answer_fill(a);
                let format = answer_formats
                    .entry(fill)
                    .or_insert_with(|| cell(fill))
                    .clone();
                if a.is_empty() {
                    sheet.write_blank(r, f as u16 + 2, &format)?;
                } else {
                    sheet.write_string_with_format(r, f as u16 + 2, a, &format)?;
                }
            }
        }
        sheet.set_column_width(0, 12)?;
        sheet.set_column_width(1, 60)?;
        sheet.set_freeze_panes(1, 2)?;
        if !matrix.rows.is_empty() {
            sheet.autofilter(
                0,
                0,
                matrix.rows.len() as u32,
                matrix.files.len() as u16 + 1,
            )?;
        }
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
