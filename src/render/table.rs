//! The terminal table: the summary first, then aligned columns that fit the
//! terminal width, wide (CJK) characters counted as two columns.

use std::io::{self, Write};

use super::Options;
use crate::report::Report;
use crate::text::width;

/// Cut a text to at most `max` terminal columns, marking the cut with `…`.
fn fit(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if width(&flat) <= max {
        return flat;
    }
    let mut out = String::new();
    let mut w = 0;
    for c in flat.chars() {
        let cw = width(c.encode_utf8(&mut [0; 4]));
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

fn pad(text: &str, to: usize) -> String {
    let w = width(text);
    format!("{text}{}", " ".repeat(to.saturating_sub(w)))
}

pub fn write(report: &Report, options: &Options, out: &mut Vec<u8>) -> io::Result<()> {
    let total = options.width.unwrap_or(160).max(40);
    let bold = |s: &str| {
        if options.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    };
    writeln!(out, "{}", bold(&report.title))?;
    for input in &report.inputs {
        writeln!(out, "  {input}")?;
    }
    let summary: Vec<String> = report
        .summary
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    writeln!(out, "  {}", summary.join(" · "))?;
    writeln!(out)?;
    let texts: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| c.text().split_whitespace().collect::<Vec<_>>().join(" "))
                .collect()
        })
        .collect();
    let n = report.columns.len();
    // natural widths, then shrink the widest columns until the row fits
    let mut widths: Vec<usize> = (0..n)
        .map(|j| {
            texts
                .iter()
                .map(|r| width(&r[j]))
                .chain(std::iter::once(width(report.columns[j])))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let budget = total.saturating_sub(2 * n.saturating_sub(1));
    while widths.iter().sum::<usize>() > budget {
        let (k, &w) = match widths.iter().enumerate().max_by_key(|(_, w)| **w) {
            Some(x) => x,
            None => break,
        };
        if w <= 6 {
            break;
        }
        widths[k] = w - 1;
    }
    let header: Vec<String> = report
        .columns
        .iter()
        .zip(&widths)
        .map(|(c, &w)| pad(&fit(c, w), w))
        .collect();
    writeln!(out, "{}", bold(header.join("  ").trim_end()))?;
    for row in &texts {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, &w)| pad(&fit(c, w), w))
            .collect();
        writeln!(out, "{}", line.join("  ").trim_end())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_count_twice() {
        assert_eq!(width("必須"), 4);
        assert_eq!(fit("情報セキュリティ", 7), "情報セ…");
        assert_eq!(pad("必須", 6), "必須  ");
    }
}
