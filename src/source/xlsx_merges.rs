//! Merged regions of an xlsx workbook, found by scanning each sheet's XML for
//! `<mergeCell ref="…"/>` instead of parsing it a second time (calamine's own
//! merge reader parses the whole sheet again, a third of the reading time).
//!
//! Any surprise (an unusual package, a sheet not found) returns `None` and the
//! caller falls back to calamine.

use std::collections::HashMap;

use calamine::Dimensions;

use crate::package::Package;

/// Merged regions per sheet name, or `None` when the package is unusual.
pub fn by_sheet(bytes: &[u8]) -> Option<HashMap<String, Vec<Dimensions>>> {
    let mut package = Package::open(bytes)?;
    let mut out = HashMap::new();
    for sheet in package.sheets()? {
        // larger sheets go to calamine's streaming merge reader
        let xml = package.read(&sheet.path, 256 << 20)?;
        out.insert(sheet.name, scan(&xml));
    }
    Some(out)
}

/// Every `ref` of a `mergeCell` element (any namespace prefix).
fn scan(xml: &[u8]) -> Vec<Dimensions> {
    let mut out = Vec::new();
    let needle = b"mergeCell ";
    for pos in memchr::memmem::find_iter(xml, needle) {
        let start = pos + needle.len();
        let end = memchr::memchr(b'>', &xml[start..]).map_or(xml.len(), |p| start + p);
        if let Some(d) = ref_attr(&xml[start..end]).and_then(range) {
            out.push(d);
        }
    }
    out
}

fn ref_attr(attrs: &[u8]) -> Option<&str> {
    let pos = memchr::memmem::find(attrs, b"ref=")?;
    let rest = &attrs[pos + 4..];
    let quote = *rest.first()?;
    let end = rest[1..].iter().position(|&b| b == quote)?;
    std::str::from_utf8(&rest[1..1 + end]).ok()
}

/// `B3:D7` → 0-based start and end.
fn range(r: &str) -> Option<Dimensions> {
    let (a, b) = r.split_once(':').unwrap_or((r, r));
    Some(Dimensions::new(cell(a)?, cell(b)?))
}

fn cell(a1: &str) -> Option<(u32, u32)> {
    let letters: String = a1.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let digits = &a1[letters.len()..];
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let col = letters.bytes().try_fold(0u32, |acc, b| {
        Some(acc * 26 + (b.to_ascii_uppercase() - b'A' + 1) as u32)
    })?;
    let row: u32 = digits.parse().ok()?;
    (row >= 1).then(|| (row - 1, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_refs_are_found_with_any_prefix() {
        let xml = br#"<sheetData/><mergeCells count="2"><mergeCell ref="A1:D1"/><x:mergeCell ref='B3:B7'/></mergeCells>"#;
        let found = scan(xml);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0], Dimensions::new((0, 0), (0, 3)));
        assert_eq!(found[1], Dimensions::new((2, 1), (6, 1)));
        assert_eq!(cell("XFD1048576"), Some((1048575, 16383)));
    }
}
