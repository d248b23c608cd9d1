//! json (an array of objects) and jsonl (one object per line), keys in the
//! contract's column order.

use std::io;

use super::rows::{write_all, RowFormat};
use crate::report::Report;

pub fn write(report: &Report, lines: bool, out: &mut Vec<u8>) -> io::Result<()> {
    let format = if lines {
        RowFormat::Jsonl
    } else {
        RowFormat::Json
    };
    write_all(format, &report.columns, false, &report.rows, out).map(drop)
}
