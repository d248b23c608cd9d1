//! Text tables (csv, tsv, txt) through encoding_rs and the csv crate.
//!
//! Encoding: a BOM (UTF-8, UTF-16LE/BE) wins, then valid UTF-8, then UTF-16
//! without BOM when every other byte is zero, else CP932 (Windows Shift_JIS
//! with the NEC/IBM extensions, which is what encoding_rs calls Shift_JIS);
//! `--encoding` overrides. The delimiter (tab, comma, semicolon) is sniffed
//! from the first records. Row numbers are record numbers as a spreadsheet
//! program shows them: blank lines count, a quoted line break does not.

use std::path::Path;

use encoding_rs::{Encoding, SHIFT_JIS, UTF_16BE, UTF_16LE, UTF_8};

use super::{Format, ReadOptions, SheetMeta, Visitor};
use crate::error::{Error, ErrorKind, Result};
use crate::grid::Row;

/// Text decoded from bytes, with the encoding that was used.
#[derive(Debug, Clone)]
pub struct Decoded<'a> {
    /// Borrowed from the bytes when they are UTF-8 already.
    pub text: std::borrow::Cow<'a, str>,
    pub encoding: &'static str,
}

/// Decode bytes by the rules above.
///
/// # Errors
/// `UnknownEncoding` for a label encoding_rs does not know; `Undecodable` when
/// the bytes are not valid in the chosen encoding.
pub fn decode<'a>(path: &Path, bytes: &'a [u8], label: Option<&str>) -> Result<Decoded<'a>> {
    let (encoding, body): (&'static Encoding, &[u8]) = match label {
        Some(label) => {
            let label_norm = match label.to_ascii_lowercase().as_str() {
                "cp932" | "ms932" | "windows-31j" | "sjis" => "shift_jis".to_owned(),
                other => other.to_owned(),
            };
            let enc = Encoding::for_label(label_norm.as_bytes())
                .ok_or_else(|| Error::at(path, ErrorKind::UnknownEncoding(label.to_owned())))?;
            match Encoding::for_bom(bytes) {
                Some((bom_enc, len)) if bom_enc == enc => (enc, &bytes[len..]),
                _ => (enc, bytes),
            }
        }
        None => match Encoding::for_bom(bytes) {
            Some((enc, len)) => (enc, &bytes[len..]),
            None => match guess_utf16(bytes) {
                Some(enc) => (enc, bytes),
                // valid UTF-8 is read in place, checked once at SIMD speed
                None => match simdutf8::basic::from_utf8(bytes) {
                    Ok(text) => {
                        return Ok(Decoded {
                            text: text.into(),
                            encoding: display_name(UTF_8),
                        })
                    }
                    Err(_) => (SHIFT_JIS, bytes),
                },
            },
        },
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        let offset = first_invalid(encoding, body);
        return Err(Error::at(
            path,
            ErrorKind::Undecodable {
                encoding: display_name(encoding),
                offset,
            },
        ));
    }
    Ok(Decoded {
        text,
        encoding: display_name(encoding),
    })
}

fn display_name(enc: &'static Encoding) -> &'static str {
    if enc == SHIFT_JIS {
        "CP932"
    } else {
        enc.name()
    }
}

/// UTF-16 without a BOM: text of mostly ASCII or kana has zero bytes at every
/// other position.
fn guess_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let even_zero = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_zero = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    let half = sample.len() / 2;
    if odd_zero * 10 > half * 3 && even_zero * 20 < half {
        Some(UTF_16LE)
    } else if even_zero * 10 > half * 3 && odd_zero * 20 < half {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Byte offset of the first malformed sequence.
fn first_invalid(encoding: &'static Encoding, bytes: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() * 3 + 16);
    let mut consumed = 0;
    let chunk = 1024;
    while consumed < bytes.len() {
        let end = (consumed + chunk).min(bytes.len());
        let (result, read) = decoder.decode_to_string_without_replacement(
            &bytes[consumed..end],
            &mut out,
            end == bytes.len(),
        );
        match result {
            encoding_rs::DecoderResult::Malformed(bad, _) => {
                return (consumed + read).saturating_sub(bad as usize);
            }
            _ => consumed += read.max(1),
        }
        out.clear();
    }
    0
}

pub(super) fn visit(
    path: &Path,
    bytes: &[u8],
    options: &ReadOptions,
    visitor: &mut dyn Visitor,
) -> Result<Format> {
    let text_like = Encoding::for_bom(bytes).is_some() || guess_utf16(bytes).is_some();
    if !text_like && options.encoding.is_none() && binary_bytes(bytes) {
        return Err(Error::at(
            path,
            ErrorKind::NotSpreadsheet(
                "the bytes are neither a workbook nor text (binary data with control characters)"
                    .into(),
            ),
        ));
    }
    let decoded = decode(path, bytes, options.encoding.as_deref())?;
    let text = decoded.text;
    if looks_binary(&text) {
        return Err(Error::at(
            path,
            ErrorKind::NotSpreadsheet(
                "the bytes are neither a workbook nor text (binary data with control characters)"
                    .into(),
            ),
        ));
    }
    let mut notes = Vec::new();
    if decoded.encoding != "UTF-8" {
        notes.push(format!("read as {} text", decoded.encoding));
    }
    let meta = SheetMeta {
        index: 0,
        name: None,
        hidden: false,
    };
    let chosen = visitor.start(Format::Text, &notes, std::slice::from_ref(&meta))?;
    if chosen.first() != Some(&true) {
        return Ok(Format::Text);
    }
    visitor.begin(&meta, Vec::new())?;
    match json_rows(&text) {
        Some(rows) => rows.into_iter().try_for_each(|row| visitor.row(row))?,
        None => each_row(path, &text, sniff_delimiter(&text), |row| visitor.row(row))?,
    }
    visitor.end()?;
    Ok(Format::Text)
}

/// A json array of objects (a catalog exported with `-f json`, or jsonl) as
/// a table: the keys of the first object are the header row.
fn json_rows(text: &str) -> Option<Vec<Row>> {
    let trimmed = text.trim_start();
    let objects: Vec<serde_json::Map<String, serde_json::Value>> = if trimmed.starts_with('[') {
        serde_json::from_str(trimmed).ok()?
    } else if trimmed.starts_with('{') {
        trimmed
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()
            .ok()?
    } else {
        return None;
    };
    let keys: Vec<String> = objects.first()?.keys().cloned().collect();
    let text_of = |v: Option<&serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => {
            n.as_f64().map(crate::grid::number_text).unwrap_or_default()
        }
        Some(serde_json::Value::Bool(b)) => b.to_string(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let mut rows = vec![Row {
        number: 1,
        cells: keys.clone(),
    }];
    for (i, object) in objects.iter().enumerate() {
        rows.push(Row {
            number: i as u32 + 2,
            cells: keys.iter().map(|k| text_of(object.get(k))).collect(),
        });
    }
    Some(rows)
}

/// Control bytes no text table holds (NUL, and C0 controls other than tab,
/// line breaks and form feed) in the first few kilobytes.
fn binary_bytes(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    sample.contains(&0) || control * 100 > sample.len()
}

fn looks_binary(text: &str) -> bool {
    let sample: Vec<char> = text.chars().take(8192).collect();
    if sample.is_empty() {
        return false;
    }
    let control = sample
        .iter()
        .filter(|&&c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r' | '\x0c')) || c == '\u{FFFD}')
        .count();
    control * 20 > sample.len() || sample.contains(&'\0')
}

/// The delimiter whose field counts are largest and most consistent over the
/// first non-blank lines.
fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(60)
        .collect();
    let mut best = (b',', 0.0f64);
    for delim in [b'\t', b',', b';'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| l.bytes().filter(|&b| b == delim).count())
            .collect();
        let with = counts.iter().filter(|&&c| c > 0).count();
        if with == 0 {
            continue;
        }
        let mut sorted = counts.clone();
        sorted.sort_unstable();
        let median = sorted[sorted.len() / 2] as f64;
        // lines holding the delimiter, weighted by how many fields they make
        let score = with as f64 / lines.len() as f64 * (1.0 + median).ln();
        if score > best.1 {
            best = (delim, score);
        }
    }
    best.0
}

/// The records of a text table as rows, one at a time.
fn each_row(
    path: &Path,
    text: &str,
    delimiter: u8,
    mut f: impl FnMut(Row) -> Result<()>,
) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .quoting(quoting_is_used(text, delimiter))
        .from_reader(text.as_bytes());
    // Row numbering as a spreadsheet shows it: blank lines are rows of their
    // own (the csv crate skips them; a record's position is where the reader
    // stood before skipping), a quoted line break is not.
    let mut previous = 0u32;
    let mut record = csv::ByteRecord::new();
    loop {
        let more = reader.read_byte_record(&mut record).map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Error::at(
                path,
                ErrorKind::Corrupt(format!("the text table breaks at line {line}: {e}")),
            )
        })?;
        if !more {
            return Ok(());
        }
        let start = record.position().map(|p| p.byte() as usize).unwrap_or(0);
        let skipped = blank_lines_at(text.as_bytes(), start);
        let number = previous + 1 + skipped;
        previous = number;
        // (a record with no carriage return in any field, most, is not
        // searched field by field)
        let returns = memchr::memchr(b'\r', record.as_slice()).is_some();
        let cells: Vec<String> = record
            .iter()
            .map(|f| {
                debug_assert!(std::str::from_utf8(f).is_ok());
                // SAFETY: `text` is valid UTF-8, and the csv reader cuts it
                // only at ASCII bytes (delimiters, quotes, line breaks) and
                // drops only ASCII quotes from it: what is left between two
                // such cuts is whole characters, valid UTF-8 too.
                let f = unsafe { std::str::from_utf8_unchecked(f) };
                if returns && memchr::memchr(b'\r', f.as_bytes()).is_some() {
                    f.replace("\r\n", "\n").replace('\r', "\n")
                } else {
                    f.to_owned()
                }
            })
            .collect();
        f(Row { number, cells })?;
    }
}

#[cfg(test)]
fn parse(path: &Path, text: &str, delimiter: u8) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    each_row(path, text, delimiter, |row| {
        rows.push(row);
        Ok(())
    })?;
    Ok(rows)
}

/// Blank lines before the record starting at `start`: line breaks in the run
/// of CR/LF there, `\r\n` counted once, and the `\n` finishing the previous
/// record's `\r\n` (the reader stops between the two) not at all.
fn blank_lines_at(text: &[u8], start: usize) -> u32 {
    let mut i = start;
    if i > 0 && text.get(i - 1) == Some(&b'\r') && text.get(i) == Some(&b'\n') {
        i += 1;
    }
    let mut lines = 0;
    while let Some(&b) = text.get(i) {
        match b {
            b'\r' => {
                lines += 1;
                if text.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => lines += 1,
            _ => break,
        }
        i += 1;
    }
    lines
}

/// Tab-separated exports often carry bare `"` inside text; treat quotes as
/// quoting only where a field starts with one.
fn quoting_is_used(text: &str, delimiter: u8) -> bool {
    if delimiter != b'\t' {
        return true;
    }
    let d = delimiter as char;
    text.lines()
        .take(2000)
        .any(|l| l.starts_with('"') || l.contains(&format!("{d}\"")[..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("t.csv")
    }

    #[test]
    fn cp932_is_the_fallback() {
        let (bytes, _, _) = SHIFT_JIS.encode("項番,対策項目\n1,①ｱ髙");
        let d = decode(p(), &bytes, None).unwrap();
        assert_eq!(d.encoding, "CP932");
        assert!(d.text.contains("①ｱ髙"));
    }

    #[test]
    fn bom_wins() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("a\tb".encode_utf16().flat_map(u16::to_le_bytes));
        let d = decode(p(), &bytes, None).unwrap();
        assert_eq!(d.text, "a\tb");
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("項番".as_bytes());
        assert_eq!(decode(p(), &bytes, None).unwrap().text, "項番");
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let bytes: Vec<u8> = "No\tRequirement\n1\tBackups"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(p(), &bytes, None).unwrap().encoding, "UTF-16LE");
    }

    #[test]
    fn undecodable_names_the_offset() {
        let bytes = b"abc\x81\x20def";
        let err = decode(p(), bytes, Some("cp932")).unwrap_err();
        assert!(err.to_string().contains("byte 3"), "{err}");
    }

    #[test]
    fn delimiter_is_sniffed() {
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3"), b'\t');
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3"), b',');
        assert_eq!(sniff_delimiter("a;b;c\n1;2,5;3"), b';');
    }

    #[test]
    fn a_quoted_line_break_is_one_line_feed() {
        let rows = parse(p(), "\"x\r\ny\",z\r\n\"p\rq\",r\n\"s\nt\",u\n", b',').unwrap();
        let cells: Vec<&[String]> = rows.iter().map(|r| &r.cells[..]).collect();
        assert_eq!(cells, [["x\ny", "z"], ["p\nq", "r"], ["s\nt", "u"]]);
    }

    #[test]
    fn crlf_line_ends_count_once() {
        let rows = parse(p(), "a,b\r\n\r\nc,d\r\ne,f\r\n", b',').unwrap();
        let numbers: Vec<u32> = rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![1, 3, 4]);
    }

    #[test]
    fn binary_bytes_are_not_text() {
        assert!(binary_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"));
        assert!(!binary_bytes("項番,対策項目\r\n1,方針".as_bytes()));
    }

    #[test]
    fn rows_count_blank_lines_but_not_quoted_breaks() {
        let rows = parse(p(), "a,b\n\n\"x\ny\",z\nlast,1\n", b',').unwrap();
        let numbers: Vec<u32> = rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![1, 3, 4]);
        assert_eq!(rows[1].cells[0], "x\ny");
    }
}
