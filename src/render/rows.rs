//! Tables written row by row: csv, tsv, json and jsonl. The whole-report
//! renderers write through it too, so a table streamed as it is read and a
//! table rendered at once are the same bytes.

use std::borrow::Borrow;
use std::io::{self, Write};

use super::delimited::neutralise;
use crate::report::Cell;

/// A table being written, one row at a time. Nothing is written before the
/// first row or [`RowWriter::finish`], so a run that fails before it has
/// found anything leaves no half table behind.
pub struct RowWriter<W: Write> {
    inner: Inner<W>,
    started: bool,
    columns: Vec<&'static str>,
    /// Leave cells beginning with `= + - @` as they are in csv/tsv.
    raw: bool,
    rows: usize,
}

enum Inner<W: Write> {
    Delimited(Box<csv::Writer<W>>),
    Json { out: W, lines: bool },
}

/// The formats a [`RowWriter`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFormat {
    Csv,
    Tsv,
    Json,
    Jsonl,
}

impl<W: Write> RowWriter<W> {
    /// A table with these columns, to be written into `out`.
    pub fn new(format: RowFormat, columns: &[&'static str], raw: bool, out: W) -> Self {
        let inner = match format {
            RowFormat::Csv | RowFormat::Tsv => {
                let delimiter = if format == RowFormat::Csv {
                    b','
                } else {
                    b'\t'
                };
                Inner::Delimited(Box::new(
                    csv::WriterBuilder::new()
                        .delimiter(delimiter)
                        .terminator(csv::Terminator::CRLF)
                        .from_writer(out),
                ))
            }
            RowFormat::Json => Inner::Json { out, lines: false },
            RowFormat::Jsonl => Inner::Json { out, lines: true },
        };
        RowWriter {
            inner,
            started: false,
            columns: columns.to_vec(),
            raw,
            rows: 0,
        }
    }

    /// A writer for rows in the middle of a table: `before` rows come
    /// before them, and the head is written by someone else.
    fn continuing(
        format: RowFormat,
        columns: &[&'static str],
        raw: bool,
        out: W,
        before: usize,
    ) -> Self {
        let mut w = RowWriter::new(format, columns, raw, out);
        w.started = true;
        w.rows = before;
        w
    }

    /// The writer, flushed, without closing the table.
    fn into_inner(self) -> io::Result<W> {
        match self.inner {
            Inner::Delimited(w) => w.into_inner().map_err(|e| e.into_error()),
            Inner::Json { mut out, .. } => {
                out.flush()?;
                Ok(out)
            }
        }
    }

    /// The table's head: the csv header, the json array's opening.
    fn start(&mut self) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        match &mut self.inner {
            Inner::Delimited(w) => w.write_record(&self.columns).map_err(io_error)?,
            Inner::Json { out, lines: false } => writeln!(out, "[")?,
            Inner::Json { lines: true, .. } => {}
        }
        Ok(())
    }

    /// The next row, one cell per column.
    ///
    /// # Errors
    /// What writing returns.
    pub fn row(&mut self, row: &[Cell]) -> io::Result<()> {
        self.start()?;
        match &mut self.inner {
            Inner::Delimited(w) => {
                for cell in row {
                    let text = cell.text();
                    if self.raw {
                        w.write_field(text.as_bytes()).map_err(io_error)?;
                    } else {
                        w.write_field(neutralise(&text).as_bytes())
                            .map_err(io_error)?;
                    }
                }
                w.write_record(None::<&[u8]>).map_err(io_error)?;
            }
            Inner::Json { out, lines } => {
                let o = object(&self.columns, row)?;
                if *lines {
                    writeln!(out, "{o}")?;
                } else {
                    if self.rows > 0 {
                        writeln!(out, ",")?;
                    }
                    write!(out, "  {o}")?;
                }
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Close the table and give back the writer, flushed.
    ///
    /// # Errors
    /// What writing returns.
    pub fn finish(mut self) -> io::Result<W> {
        self.start()?;
        match self.inner {
            Inner::Delimited(w) => w.into_inner().map_err(|e| e.into_error()),
            Inner::Json { mut out, lines } => {
                if !lines {
                    if self.rows > 0 {
                        writeln!(out)?;
                    }
                    writeln!(out, "]")?;
                }
                out.flush()?;
                Ok(out)
            }
        }
    }
}

/// The writer's own error inside a csv error (a closed pipe stays a closed
/// pipe).
fn io_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Rows rendered at a time when a whole table is written in parallel.
const SLICE: usize = 1024;

/// A whole table into `out`: the same bytes as writing its rows one by one,
/// a large table's slices rendered in parallel and written in order, a few
/// at a time (the table is never held twice).
///
/// # Errors
/// What writing returns.
pub fn write_all<W: Write>(
    format: RowFormat,
    columns: &[&'static str],
    raw: bool,
    rows: &[Vec<Cell>],
    out: W,
) -> io::Result<W> {
    write_each(format, columns, raw, rows.len(), |i| &rows[i][..], out)
}

/// [`write_all`] of a table whose rows are made as they are written (row
/// `i` by `row(i)`, in parallel): a large table is never held whole, only
/// the slices being written.
///
/// # Errors
/// What writing returns.
pub fn write_each<'c, W, R>(
    format: RowFormat,
    columns: &[&'static str],
    raw: bool,
    count: usize,
    row: impl Fn(usize) -> R + Sync,
    out: W,
) -> io::Result<W>
where
    W: Write,
    R: Borrow<[Cell<'c>]> + Send,
{
    use rayon::prelude::*;
    if count <= 2 * SLICE {
        let mut w = RowWriter::new(format, columns, raw, out);
        for i in 0..count {
            w.row(row(i).borrow())?;
        }
        return w.finish();
    }
    let mut head = RowWriter::new(format, columns, raw, out);
    head.start()?;
    let mut out = head.into_inner()?;
    let per_batch = SLICE * 2 * rayon::current_num_threads().max(1);
    for batch in (0..count).step_by(per_batch) {
        let slices: Vec<io::Result<Vec<u8>>> = (batch..count.min(batch + per_batch))
            .step_by(SLICE)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|first| {
                let rows: Vec<R> = (first..count.min(first + SLICE)).map(&row).collect();
                let room = Vec::with_capacity(rendered_size(&rows));
                let mut w = RowWriter::continuing(format, columns, raw, room, first);
                for r in &rows {
                    w.row(r.borrow())?;
                }
                w.into_inner()
            })
            .collect();
        for slice in slices {
            out.write_all(&slice?)?;
        }
    }
    RowWriter::continuing(format, columns, raw, out, count).finish()
}

/// About the bytes a slice of rows renders to (texts and a separator per
/// cell; quotes and json keys come on top), so that its buffer is made once
/// instead of doubling and copying as it fills.
fn rendered_size<'c>(rows: &[impl Borrow<[Cell<'c>]>]) -> usize {
    rows.iter()
        .flat_map(|row| row.borrow())
        .map(|cell| match cell {
            Cell::Text(s) => s.len() + 1,
            Cell::Number(_) | Cell::Float(_) => 8,
            Cell::Empty => 1,
        })
        .sum()
}

/// One row as a json object. serde_json's map would sort the keys; the text
/// is built here to keep the contract's order.
fn object(columns: &[&str], row: &[Cell]) -> io::Result<String> {
    let mut s = String::from("{");
    for (i, (name, cell)) in columns.iter().zip(row).enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&serde_json::to_string(name)?);
        s.push(':');
        match cell {
            Cell::Empty => s.push_str("\"\""),
            other => s.push_str(&serde_json::to_string(other)?),
        }
    }
    s.push('}');
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table of `n` rows, one by one.
    fn one_by_one(format: RowFormat, rows: &[Vec<Cell>]) -> Vec<u8> {
        let mut w = RowWriter::new(format, &["id", "text", "n"], false, Vec::new());
        for row in rows {
            w.row(row).unwrap();
        }
        w.finish().unwrap()
    }

    #[test]
    fn a_table_written_in_parallel_slices_is_the_same_bytes() {
        for n in [
            0,
            1,
            2 * SLICE,
            2 * SLICE + 1,
            5 * SLICE + 7,
            17 * SLICE + 3,
        ] {
            let rows: Vec<Vec<Cell>> = (0..n)
                .map(|i| {
                    vec![
                        format!("1-{i}").into(),
                        format!("=text, \"{i}\"\n").into(),
                        Cell::Float(i as f64 / 7.0),
                    ]
                })
                .collect();
            for format in [
                RowFormat::Csv,
                RowFormat::Tsv,
                RowFormat::Json,
                RowFormat::Jsonl,
            ] {
                let all =
                    write_all(format, &["id", "text", "n"], false, &rows, Vec::new()).unwrap();
                assert_eq!(all, one_by_one(format, &rows), "{n} rows, {format:?}");
            }
        }
    }

    /// Rows made as they are written give the bytes of the same rows held.
    #[test]
    fn rows_made_as_written_are_the_rows_held() {
        let make = |i: usize| -> Vec<Cell<'static>> {
            vec![
                format!("{i}").into(),
                "=x,\"y\"".into(),
                Cell::Number(i as u64),
            ]
        };
        for n in [0, 3, 2 * SLICE + 1, 9 * SLICE + 5] {
            let held: Vec<Vec<Cell>> = (0..n).map(make).collect();
            for format in [RowFormat::Csv, RowFormat::Json] {
                let columns = ["id", "text", "n"];
                let made = write_each(format, &columns, false, n, make, Vec::new()).unwrap();
                let all = write_all(format, &columns, false, &held, Vec::new()).unwrap();
                assert_eq!(made, all, "{n} rows, {format:?}");
                assert_eq!(made, one_by_one(format, &held), "{n} rows, {format:?}");
            }
        }
    }
}
