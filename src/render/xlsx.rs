//! xlsx through rust_xlsxwriter: a summary sheet first, then the table with a
//! frozen header, an autofilter, sensible widths and wrapped text. Every cell
//! is written as text or number, never as a formula; document properties are
//! fixed so the same report gives byte-identical files.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use crate::error::{Error, ErrorKind, Result};
use crate::report::{Cell, Matrix, Report};
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

/// The cell formats of a report.
struct Formats {
    title: Format,
    bold: Format,
    head: Format,
    deleted: Format,
    inserted: Format,
    plain: Format,
    /// Wrapped, top-aligned cells by fill colour.
    cells: std::collections::HashMap<Option<&'static str>, Format>,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            head: Format::new()
                .set_bold()
                .set_background_color("#DDEBF7")
                .set_text_wrap()
                .set_border(rust_xlsxwriter::FormatBorder::Thin),
            deleted: Format::new()
                .set_font_color("#C00000")
                .set_font_strikethrough(),
            inserted: Format::new().set_font_color("#007A33").set_bold(),
            plain: Format::new(),
            cells: std::collections::HashMap::new(),
        }
    }

    fn cell(&mut self, fill: Option<&'static str>) -> Format {
        self.cells
            .entry(fill)
            .or_insert_with(|| {
                let f = Format::new()
                    .set_text_wrap()
                    .set_align(rust_xlsxwriter::FormatAlign::Top);
                match fill {
                    Some(c) => f.set_background_color(c),
                    None => f,
                }
            })
            .clone()
    }
}

/// Rows whose text widths size the columns.
const MEASURED_ROWS: u32 = 2000;

/// An xlsx report written as its rows come, so that a batch of a thousand
/// submissions never holds its half a million rows: the summary sheet first
/// (filled in at the end), the detail sheet written row by row in
/// rust_xlsxwriter's low-memory mode (one row in memory, the shared strings
/// kept), then the matrix.
pub struct XlsxReport {
    book: Workbook,
    formats: Formats,
    /// The report's title, columns, status column and inline pairs (its rows
    /// are not kept).
    header: Report<'static>,
    rows: u32,
    widths: Vec<usize>,
}

impl XlsxReport {
    /// Start a report laid out as `header` says (its rows are ignored).
    ///
    /// # Errors
    /// An internal limit of the xlsx writer.
    pub fn new(header: &Report) -> Result<XlsxReport> {
        Self::start(header).map_err(output)
    }

    fn start(header: &Report) -> Result<XlsxReport, XlsxError> {
        let mut book = Workbook::new();
        let fixed = ExcelDateTime::from_ymd(2000, 1, 1)?;
        book.set_properties(
            &DocProperties::new()
                .set_creation_datetime(&fixed)
                .set_title(&header.title)
                .set_author("checksheet"),
        );
        book.add_worksheet().set_name("Summary")?;
        let formats = Formats::new();
        let sheet = book.add_worksheet_with_low_memory()?;
        sheet.set_name(header.detail_name)?;
        for (j, name) in header.columns.iter().enumerate() {
            sheet.write_string_with_format(0, j as u16, *name, &formats.head)?;
        }
        let widths = header.columns.iter().map(|c| width(c)).collect();
        Ok(XlsxReport {
            book,
            formats,
            header: header.clone_header(),
            rows: 0,
            widths,
        })
    }

    /// The next row, coloured by its status, the differences of the inline
    /// columns as rich text.
    ///
    /// # Errors
    /// An internal limit of the xlsx writer.
    pub fn row(&mut self, row: &[Cell]) -> Result<()> {
        self.write_row(row).map_err(output)
    }

    fn write_row(&mut self, row: &[Cell]) -> Result<(), XlsxError> {
        use super::inline::Mark;
        self.rows += 1;
        let r = self.rows;
        let fill = self.header.status_of(row).and_then(|s| status_fill(&s));
        let format = self.formats.cell(fill);
        let marks = self.header.marked(row);
        if r <= MEASURED_ROWS {
            for (j, value) in row.iter().enumerate() {
                if let Some(w) = self.widths.get_mut(j) {
                    *w = (*w).max(width(&value.text()));
                }
            }
        }
        let f = &self.formats;
        let sheet = self.book.worksheet_from_index(1)?;
        for (j, value) in row.iter().enumerate() {
            let c = j as u16;
            let rich = marks[j].as_ref();
            if let Some(segs) = rich.filter(|s| s.len() > 1) {
                let fragments: Vec<(&Format, &str)> = segs
                    .iter()
                    .filter(|s| !s.text.is_empty())
                    .map(|s| {
                        let format = match s.mark {
                            Mark::Same => &f.plain,
                            Mark::Deleted => &f.deleted,
                            Mark::Inserted => &f.inserted,
                        };
                        (format, clip(&s.text))
                    })
                    .collect();
                sheet.write_rich_string_with_format(r, c, &fragments, &format)?;
                continue;
            }
            match value {
                Cell::Number(n) => sheet.write_number_with_format(r, c, *n as f64, &format)?,
                Cell::Float(x) => sheet.write_number_with_format(r, c, *x, &format)?,
                Cell::Text(t) if !t.is_empty() => {
                    sheet.write_string_with_format(r, c, clip(t), &format)?
                }
                _ => sheet.write_blank(r, c, &format)?,
            };
        }
        Ok(())
    }

    /// Fill in the summary (what was compared, the counts), size the detail
    /// columns, add the matrix of a batch, and give the file's bytes.
    ///
    /// # Errors
    /// An internal limit of the xlsx writer.
    pub fn finish(
        self,
        inputs: &[String],
        summary: &[(String, String)],
        matrix: Option<&Matrix>,
    ) -> Result<Vec<u8>> {
        self.end(inputs, summary, matrix).map_err(output)
    }

    fn end(
        mut self,
        inputs: &[String],
        summary: &[(String, String)],
        matrix: Option<&Matrix>,
    ) -> Result<Vec<u8>, XlsxError> {
        let f = &mut self.formats;
        let head = f.head.clone();
        let sheet = self.book.worksheet_from_index(0)?;
        sheet.write_string_with_format(0, 0, clip(&self.header.title), &f.title)?;
        let mut r = 2u32;
        for input in inputs {
            sheet.write_string_with_format(r, 0, "input", &f.bold)?;
            sheet.write_string(r, 1, clip(input))?;
            r += 1;
        }
        r += 1;
        sheet.write_string_with_format(r, 0, "what", &head)?;
        sheet.write_string_with_format(r, 1, "count", &head)?;
        r += 1;
        for (k, v) in summary {
            let fill = status_fill(k).map(|c| Format::new().set_background_color(c));
            match &fill {
                Some(fill) => sheet.write_string_with_format(r, 0, clip(k), fill)?,
                None => sheet.write_string(r, 0, clip(k))?,
            };
            match v.parse::<f64>() {
                Ok(n) => sheet.write_number(r, 1, n)?,
                Err(_) => sheet.write_string(r, 1, clip(v))?,
            };
            r += 1;
        }
        sheet.set_column_width(0, 34)?;
        sheet.set_column_width(1, 60)?;
        sheet.set_landscape();
        sheet.set_print_fit_to_pages(1, 0);

        let sheet = self.book.worksheet_from_index(1)?;
        for (j, w) in self.widths.iter().enumerate() {
            sheet.set_column_width(j as u16, (*w as f64 + 2.0).clamp(6.0, 60.0))?;
        }
        sheet.set_freeze_panes(1, 0)?;
        if self.rows > 0 {
            sheet.autofilter(0, 0, self.rows, self.header.columns.len() as u16 - 1)?;
        }

        // Batch ingest: items × submissions, answers coloured.
        if let Some(matrix) = matrix {
            let wrapped = f.cell(None);
            let answer_formats: Vec<(Option<&'static str>, Format)> =
                ["yes", "no", "partial", "other", ""]
                    .iter()
                    .map(|a| (answer_fill(a), f.cell(answer_fill(a))))
                    .collect();
            let format_of = |a: &str| {
                let fill = answer_fill(a);
                answer_formats
                    .iter()
                    .find(|(f, _)| *f == fill)
                    .map(|(_, f)| f)
            };
            let sheet = self.book.add_worksheet_with_low_memory()?;
            sheet.set_name("Matrix")?;
            sheet.write_string_with_format(0, 0, "id", &head)?;
            sheet.write_string_with_format(0, 1, "measure", &head)?;
            for (k, file) in matrix.files.iter().enumerate() {
                let name = std::path::Path::new(file)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| file.clone());
                sheet.write_string_with_format(0, k as u16 + 2, clip(&name), &head)?;
            }
            for (i, (id, measure, answers)) in matrix.rows.iter().enumerate() {
                let r = i as u32 + 1;
                sheet.write_string(r, 0, clip(id))?;
                sheet.write_string_with_format(r, 1, clip(measure), &wrapped)?;
                for (k, a) in answers.iter().enumerate() {
                    let c = k as u16 + 2;
                    match format_of(a) {
                        Some(format) if a.is_empty() => sheet.write_blank(r, c, format)?,
                        Some(format) => sheet.write_string_with_format(r, c, a, format)?,
                        None => sheet.write_string(r, c, a)?,
                    };
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
        // Level 3: a batch report of half a million rows saves in two thirds
        // of the time of the default level 6, for a file a sixth larger.
        self.book.set_zip_compression_level(3);
        self.book.save_to_buffer()
    }
}

fn output(e: XlsxError) -> Error {
    Error::at(std::path::Path::new("-"), ErrorKind::Output(e.to_string()))
}

/// A whole report as xlsx.
///
/// # Errors
/// An internal limit of the xlsx writer.
pub fn write(report: &Report) -> Result<Vec<u8>> {
    let mut xlsx = XlsxReport::new(report)?;
    for row in &report.rows {
        xlsx.row(row)?;
    }
    xlsx.finish(&report.inputs, &report.summary, report.matrix.as_ref())
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
