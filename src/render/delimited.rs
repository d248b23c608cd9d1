//! csv and tsv, with cells that a spreadsheet would run as formulas
//! neutralised by a leading `'` unless `--raw`.

use std::io;

use super::rows::{write_all, RowFormat};
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
    format: RowFormat,
    options: &Options,
    out: &mut Vec<u8>,
) -> io::Result<()> {
    write_all(format, &report.columns, options.raw, &report.rows, out).map(drop)
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
