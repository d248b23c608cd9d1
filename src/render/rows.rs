//! Tables written row by row: csv, tsv, json and jsonl. The whole-report
//! renderers write through it too, so a table streamed as it is read and a
//! table rendered at once are the same bytes.

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

    /// The table's head: the csv header, the json array's opening.
    fn start(&mut self) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        match &mut self.inner {
            Inner::Delimited(w) => w.write_record(&self.columns)?,
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
                        w.write_field(text.as_bytes())?;
                    } else {
                        w.write_field(neutralise(&text).as_bytes())?;
                    }
                }
                w.write_record(None::<&[u8]>)?;
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
            Inner::Delimited(w) => w.into_inner().map_err(|e| io::Error::other(e.to_string())),
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
