//! Mapping files (`--mapping FILE`): csv of `old_id,new_id`.
//!
//! The csv output of `diff` is itself a mapping file: its `old_id` and
//! `new_id` columns are found by name, other columns are ignored, so a
//! reviewer corrects a pairing in the diff and runs again. A row with both ids
//! pins the pair; a row with one id keeps that item unpaired.

use std::path::Path;

use crate::align::Mapping;
use crate::error::{Error, ErrorKind, Result};

/// Read a mapping file.
///
/// # Errors
/// The file cannot be read or decoded, or holds no id columns.
pub fn read(path: &Path) -> Result<Mapping> {
    let bytes = std::fs::read(path).map_err(|e| {
        let kind = if e.kind() == std::io::ErrorKind::NotFound {
            ErrorKind::Missing
        } else {
            ErrorKind::Io(e)
        };
        Error::at(path, kind)
    })?;
    let text = super::decode(path, &bytes, None)?.text.into_owned();
    let delimiter = if text.lines().next().unwrap_or("").contains('\t') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let clean = |s: &str| s.trim().trim_start_matches('\'').to_owned();
    let mut columns = (0usize, 1usize);
    let mut mapping = Mapping::default();
    let mut first = true;
    for record in reader.records() {
        let record = record.map_err(|e| Error::at(path, ErrorKind::Corrupt(e.to_string())))?;
        let fields: Vec<String> = record.iter().map(clean).collect();
        if first {
            first = false;
            let lower: Vec<String> = fields.iter().map(|f| f.to_lowercase()).collect();
            let old = lower.iter().position(|f| f == "old_id" || f == "old");
            let new = lower.iter().position(|f| f == "new_id" || f == "new");
            if let (Some(o), Some(n)) = (old, new) {
                columns = (o, n);
                continue;
            }
            if fields.len() < 2 {
                return Err(Error::at(
                    path,
                    ErrorKind::Invalid(
                        "a mapping file needs two columns, old_id and new_id".into(),
                    ),
                ));
            }
        }
        let old = fields.get(columns.0).cloned().unwrap_or_default();
        let new = fields.get(columns.1).cloned().unwrap_or_default();
        match (old.is_empty(), new.is_empty()) {
            (false, false) => mapping.pins.push((old, new)),
            (false, true) => {
                mapping.unpaired_old.insert(old);
            }
            (true, false) => {
                mapping.unpaired_new.insert(new);
            }
            (true, true) => {}
        }
    }
    Ok(mapping)
}

/// Read extra answer notations (`--answers FILE`: csv `notation,value` with
/// value one of yes, partial, no, na).
///
/// # Errors
/// The file cannot be read, or a value is not an answer word.
pub fn read_answers(path: &Path) -> Result<crate::answer::Vocabulary> {
    let bytes = std::fs::read(path).map_err(|e| Error::at(path, ErrorKind::Io(e)))?;
    let text = super::decode(path, &bytes, None)?.text.into_owned();
    let mut vocabulary = crate::answer::Vocabulary::default();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| Error::at(path, ErrorKind::Corrupt(e.to_string())))?;
        let notation = record.get(0).unwrap_or("").trim();
        let value = record.get(1).unwrap_or("").trim();
        if notation.is_empty() || (n == 0 && value.eq_ignore_ascii_case("value")) {
            continue;
        }
        let answer = crate::answer::Answer::parse_word(value).ok_or_else(|| {
            Error::new(
                ErrorKind::Invalid(format!(
                    "expected an answer (yes, partial, no or na) for {notation:?}, found {value:?}"
                )),
                crate::error::Location::file(path).cell(n as u32 + 1, Some(1)),
            )
        })?;
        vocabulary = vocabulary.with(notation, answer);
    }
    Ok(vocabulary)
}
