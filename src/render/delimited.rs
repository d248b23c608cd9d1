//! csv and tsv, with cells that a spreadsheet would run as formulas
//! neutralised by a leading `'` unless `--raw`.

use std::io::{self, Write};

use super::Options;
use crate::report::Report;

/// A cell beginning with `= + - @` (or a tab/CR that hides one) is a formula
/// to a spreadsheet program opening the file.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !is_plain_number(text) && text != "-" => {
            format!("'{text}").into()
        }
        _ => text.into(),
    }
}

/// `-1` and `+3.5` are numbers, not formulas.
fn is_plain_number(text: &str) -> bool {
    text[1..].parse::<f64>().is_ok() && text.len() > 1
}

pub fn write(
    report: &Report,
    delimiter: u8,
    options: &Options,
    out: &mut Vec<u8>,
) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(&report.columns)?;
    for row in &report.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                let t = c.text();
                if options.raw {
                    t
                } else {
                    neutralise(&t).into_owned()
                }
            })
            .collect();
        w.write_record(&cells)?;
    }
    out.write_all(
        &w.into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("+1+1"), "'+1+1");
        assert_eq!(neutralise("-"), "-");
        assert_eq!(neutralise("-1"), "-1");
        assert_eq!(neutralise("・確認"), "・確認");
    }
}
