//! Markdown for pasting into tickets: the summary, then the table.

use std::io::{self, Write};

use crate::report::Report;

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

pub fn write(report: &Report, out: &mut Vec<u8>) -> io::Result<()> {
    writeln!(out, "# {}\n", escape(&report.title))?;
    for input in &report.inputs {
        writeln!(out, "- input: `{}`", input.replace('`', "'"))?;
    }
    for (k, v) in &report.summary {
        writeln!(out, "- {}: {}", escape(k), escape(v))?;
    }
    writeln!(out)?;
    writeln!(out, "| {} |", report.columns.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(report.columns.len()))?;
    for row in &report.rows {
        let cells: Vec<String> = row.iter().map(|c| escape(&c.text())).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}
