//! Markdown for pasting into tickets: the summary, then the table.

use std::io::{self, Write};

use crate::report::Report;

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('~', "\\~")
        .replace('*', "\\*")
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
    // Tickets want what needs attention: with a status column, only the rows
    // that are not unchanged, ok or carried.
    let quiet = ["unchanged", "ok", "carried"];
    let rows: Vec<&Vec<crate::report::Cell>> = report
        .rows
        .iter()
        .filter(|r| {
            report
                .status_of(r)
                .is_none_or(|s| !quiet.contains(&s.as_str()))
        })
        .collect();
    if report.status_column.is_some() {
        writeln!(
            out,
            "## {} of {} rows need attention\n",
            rows.len(),
            report.rows.len()
        )?;
    }
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(out, "| {} |", report.columns.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(report.columns.len()))?;
    for row in rows {
        let mut cells: Vec<String> = row.iter().map(|c| escape(&c.text())).collect();
        for (j, segs) in report.marked(row).into_iter().enumerate() {
            if let Some(segs) = segs {
                cells[j] = segs
                    .into_iter()
                    .map(|s| match s.mark {
                        super::inline::Mark::Same => escape(&s.text),
                        super::inline::Mark::Deleted => format!("~~{}~~", escape(&s.text)),
                        super::inline::Mark::Inserted => format!("**{}**", escape(&s.text)),
                    })
                    .collect();
            }
        }
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}
