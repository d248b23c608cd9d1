//! The xlsx package: its zip entries and where each sheet's XML lives.
//!
//! Used to find merged regions fast when reading, and to edit a template in
//! place when migrating (every entry not edited is copied byte for byte).

use std::collections::HashMap;
use std::io::{Cursor, Read, Seek};

use quick_xml::events::{BytesStart, Event};

/// An xlsx package opened for reading.
pub struct Package<R> {
    pub zip: zip::ZipArchive<R>,
}

/// A sheet of the workbook: its name, relationship id, sheetId and part path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetPart {
    pub name: String,
    pub rid: String,
    pub sheet_id: u32,
    pub path: String,
}

impl<'a> Package<Cursor<&'a [u8]>> {
    pub fn open(bytes: &'a [u8]) -> Option<Package<Cursor<&'a [u8]>>> {
        Package::new(Cursor::new(bytes))
    }
}

impl<R: Read + Seek> Package<R> {
    pub fn new(reader: R) -> Option<Package<R>> {
        Some(Package {
            zip: zip::ZipArchive::new(reader).ok()?,
        })
    }

    /// An entry's bytes; `None` when it is missing or larger than `limit`
    /// (as it says, or as it inflates: a zip bomb stops at the limit).
    pub fn read(&mut self, name: &str, limit: u64) -> Option<Vec<u8>> {
        let entry = self.zip.by_name(name).ok()?;
        if entry.size() > limit {
            return None;
        }
        let mut out = Vec::with_capacity(entry.size().min(1 << 26) as usize);
        entry.take(limit + 1).read_to_end(&mut out).ok()?;
        if out.len() as u64 > limit {
            return None;
        }
        Some(out)
    }

    /// The worksheets in workbook order with their part paths.
    pub fn sheets(&mut self) -> Option<Vec<SheetPart>> {
        let workbook = self.read("xl/workbook.xml", 16 << 20)?;
        let rels = self.read("xl/_rels/workbook.xml.rels", 16 << 20)?;
        let targets = relationships(&rels)?;
        let mut out = Vec::new();
        for (name, rid, sheet_id) in sheets(&workbook)? {
            let Some(target) = targets.get(&rid) else {
                continue;
            };
            let path = match target.strip_prefix('/') {
                Some(abs) => abs.to_owned(),
                None => format!("xl/{target}"),
            };
            out.push(SheetPart {
                name,
                rid,
                sheet_id,
                path,
            });
        }
        Some(out)
    }
}

pub fn attrs(e: &BytesStart<'_>) -> Vec<(String, String)> {
    e.attributes()
        .flatten()
        .map(|a| (a.key.as_ref().to_owned(), unescape(&a.value)))
        .collect()
}

pub fn attr<'x>(attrs: &'x [(String, String)], key: &str) -> Option<&'x str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// `rId` → target of a relationships part.
pub fn relationships(xml: &[u8]) -> Option<HashMap<String, String>> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = HashMap::new();
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                let a = attrs(&e);
                if let (Some(id), Some(target)) = (attr(&a, "Id"), attr(&a, "Target")) {
                    out.insert(id.to_owned(), target.to_owned());
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Some(out)
}

/// (sheet name, relationship id, sheetId) in workbook order.
fn sheets(xml: &[u8]) -> Option<Vec<(String, String, u32)>> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sheet" => {
                let a = attrs(&e);
                let name = attr(&a, "name")?.to_owned();
                let rid = a
                    .iter()
                    .find(|(k, _)| k.ends_with(":id"))
                    .map(|(_, v)| v.clone())?;
                let sheet_id = attr(&a, "sheetId")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                out.push((name, rid, sheet_id));
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Some(out)
}

/// XML character references and the five entities.
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let Some(end) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let entity = &tail[1..end];
        let c = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "amp" => Some('&'),
            _ if entity.starts_with("#x") => u32::from_str_radix(&entity[2..], 16)
                .ok()
                .and_then(char::from_u32),
            _ if entity.starts_with('#') => entity[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=end]),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Text made safe for an XML text node or attribute value: escaped, and the
/// control characters XML forbids dropped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `A1` reference of a 1-based row and 0-based column.
pub fn a1(row: u32, col: u32) -> String {
    format!("{}{row}", crate::error::column_letters(col))
}

/// 0-based column of an `A1` reference.
pub fn column_of(reference: &str) -> Option<u32> {
    let letters: Vec<u8> = reference
        .bytes()
        .take_while(|b| b.is_ascii_alphabetic())
        .collect();
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let n = letters.iter().fold(0u32, |acc, b| {
        acc * 26 + (b.to_ascii_uppercase() - b'A' + 1) as u32
    });
    Some(n - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(a1(7, 10), "K7");
        assert_eq!(column_of("K7"), Some(10));
        assert_eq!(column_of("AA12"), Some(26));
    }

    #[test]
    fn escaping_round_trips() {
        let s = "a<b & \"c\" 'd'\u{1}";
        assert_eq!(unescape(&escape(s)), "a<b & \"c\" 'd'");
        assert_eq!(unescape("&#x41;&#66;"), "AB");
    }
}
