//! json (an array of objects) and jsonl (one object per line), keys in the
//! contract's column order.

use std::io::{self, Write};

use crate::report::{Cell, Report};

/// One row as a json object. serde_json's map would sort the keys; the text
/// is built here to keep the contract's order.
fn object(report: &Report, row: &[Cell]) -> io::Result<String> {
    let mut s = String::from("{");
    for (i, (name, cell)) in report.columns.iter().zip(row).enumerate() {
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

pub fn write(report: &Report, lines: bool, out: &mut Vec<u8>) -> io::Result<()> {
    let n = report.rows.len();
    if !lines {
        writeln!(out, "[")?;
    }
    for (i, row) in report.rows.iter().enumerate() {
        let o = object(report, row)?;
        if lines {
            writeln!(out, "{o}")?;
        } else {
            writeln!(out, "  {o}{}", if i + 1 < n { "," } else { "" })?;
        }
    }
    if !lines {
        writeln!(out, "]")?;
    }
    Ok(())
}
