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
    if report.status_column.is_some() {
        return write_details(report, options, out);
    }
    let texts: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| c.text().split_whitespace().collect::<Vec<_>>().join(" "))
                .collect()
        })
        .collect();
    // Columns empty in every row are left out of a terminal view.
    let shown: Vec<usize> = (0..report.columns.len())
        .filter(|&j| texts.iter().any(|r| !r[j].is_empty()))
        .collect();
    let n = shown.len();
    // natural widths (a header counts for at most 8), then shrink the widest
    // columns until the row fits
    let mut widths: Vec<usize> = shown
        .iter()
        .map(|&j| {
            texts
                .iter()
                .map(|r| width(&r[j]))
                .chain(std::iter::once(width(report.columns[j]).min(8)))
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
    let header: Vec<String> = shown
        .iter()
        .zip(&widths)
        .map(|(&j, &w)| pad(&fit(report.columns[j], w), w))
        .collect();
    writeln!(out, "{}", bold(header.join("  ").trim_end()))?;
    for row in &texts {
        let line: Vec<String> = shown
            .iter()
            .zip(&widths)
            .map(|(&j, &w)| pad(&fit(&row[j], w), w))
            .collect();
        writeln!(out, "{}", line.join("  ").trim_end())?;
    }
    Ok(())
}

/// Each change, its old and new texts with the characters that differ marked:
/// deleted in red strike-through, inserted in green (or `[-…-]` and `{+…+}`
/// without colour).
fn write_details(report: &Report, options: &Options, out: &mut Vec<u8>) -> io::Result<()> {
    if report.details.is_empty() {
        writeln!(out, "nothing differs")?;
        return Ok(());
    }
    let paint = |code: &str, s: &str| {
        if options.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    };
    for d in &report.details {
        let status_colour = match d.status.as_str() {
            "added" => "32",
            "removed" => "31",
            "split" | "merged" => "35",
            _ => "33",
        };
        writeln!(
            out,
            "{} {}",
            paint(status_colour, &format!("{:<9}", d.status)),
            d.heading
        )?;
        match (&d.old, &d.new) {
            (Some(o), Some(n)) if o != n => {
                let (old_line, new_line) = inline(o, n, options.color);
                writeln!(out, "    - {old_line}")?;
                writeln!(out, "    + {new_line}")?;
            }
            (Some(o), Some(_)) => writeln!(out, "    = {}", flat(o))?,
            (Some(o), None) => writeln!(out, "    - {}", paint("31", &flat(o)))?,
            (None, Some(n)) => writeln!(out, "    + {}", paint("32", &flat(n)))?,
            (None, None) => {}
        }
    }
    Ok(())
}

fn flat(s: &str) -> String {
    super::inline::flat(s)
}

/// Old and new text with character-level differences marked.
pub fn inline(old: &str, new: &str, color: bool) -> (String, String) {
    use super::inline::Mark;
    let paint = |segments: Vec<super::inline::Segment>| -> String {
        segments
            .into_iter()
            .map(|s| match (s.mark, color) {
                (Mark::Same, _) => s.text,
                (Mark::Deleted, true) => format!("\x1b[31;9m{}\x1b[0m", s.text),
                (Mark::Inserted, true) => format!("\x1b[32m{}\x1b[0m", s.text),
                (Mark::Deleted, false) => format!("[-{}-]", s.text),
                (Mark::Inserted, false) => format!("{{+{}+}}", s.text),
            })
            .collect()
    };
    let (a, b) = super::inline::segments(&flat(old), &flat(new));
    (paint(a), paint(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_marks_changed_characters() {
        let (a, b) = inline("定期的に見直すこと。", "年に一度見直すこと。", false);
        assert_eq!(a, "[-定期的-]に見直すこと。");
        assert_eq!(b, "{+年+}に{+一度+}見直すこと。");
    }

    #[test]
    fn wide_characters_count_twice() {
        assert_eq!(width("必須"), 4);
        assert_eq!(fit("情報セキュリティ", 7), "情報セ…");
        assert_eq!(pad("必須", 6), "必須  ");
    }
}
