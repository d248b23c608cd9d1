//! json (an array of objects) and jsonl (one object per line), keys in the
//! contract's column order.

use std::io;

use super::rows::{RowFormat, RowWriter};
use crate::report::Report;

pub fn write(report: &Report, lines: bool, out: &mut Vec<u8>) -> io::Result<()> {
    let format = if lines {
        RowFormat::Jsonl
    } else {
        RowFormat::Json
    };
    let mut w = RowWriter::new(format, &report.columns, false, out);
    for row in &report.rows {
        w.row(row)?;
    }
    w.finish()?;
    Ok(())
}
