//! Merged regions of an xlsx sheet, found by streaming the sheet's XML once
//! through the inflater and looking for `<mergeCell ref="…"/>` instead of
//! parsing it (calamine's own merge reader parses the whole sheet, a third of
//! the reading time). The sheet is never held whole: a sheet of a million
//! rows costs one buffer.
//!
//! Any surprise (an unusual package, a sheet not found) returns `None` and the
//! caller falls back to calamine.

use std::io::Read;

use calamine::Dimensions;

const NEEDLE: &[u8] = b"mergeCell ";
/// A `mergeCell` element is a few dozen bytes; one longer than this is no
/// merge we can use.
const MAX_ELEMENT: usize = 4096;
/// Bytes inflated at a time: a few pages, the same ones for the whole sheet.
const CHUNK: usize = 1 << 14;

/// Every `ref` of a `mergeCell` element (any namespace prefix) in a sheet's
/// XML as it inflates.
pub fn scan(mut input: impl Read) -> std::io::Result<Vec<Dimensions>> {
    let mut out = Vec::new();
    // what is kept of a pass (less than an element) and the next chunk,
    // read in place
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + MAX_ELEMENT);
    loop {
        let kept = buf.len();
        buf.resize(kept + CHUNK, 0);
        let n = input.read(&mut buf[kept..])?;
        buf.truncate(kept + n);
        let last = n == 0;
        // where the next pass must start: an element cut by the chunk's end,
        // or the bytes that may begin a needle
        let mut keep = buf.len().saturating_sub(NEEDLE.len() - 1);
        for pos in memchr::memmem::find_iter(&buf, NEEDLE) {
            let start = pos + NEEDLE.len();
            match memchr::memchr(b'>', &buf[start..]) {
                Some(p) => {
                    if let Some(d) = ref_attr(&buf[start..start + p]).and_then(range) {
                        out.push(d);
                    }
                }
                None if !last && buf.len() - pos < MAX_ELEMENT => {
                    keep = pos;
                    break;
                }
                None => {}
            }
        }
        if last {
            return Ok(out);
        }
        buf.drain(..keep.min(buf.len()));
    }
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
        let found = scan(&xml[..]).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0], Dimensions::new((0, 0), (0, 3)));
        assert_eq!(found[1], Dimensions::new((2, 1), (6, 1)));
        assert_eq!(cell("XFD1048576"), Some((1048575, 16383)));
    }

    /// A reader that hands out a few bytes at a time, so elements straddle
    /// the reads.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(self.0.len()).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn elements_cut_between_reads_are_found_whole() {
        let mut xml = String::from("<sheetData>");
        xml.push_str(&"<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>".repeat(20_000));
        xml.push_str("</sheetData><mergeCells>");
        for r in 1..=500 {
            xml.push_str(&format!("<mergeCell ref=\"A{r}:C{r}\"/>"));
        }
        xml.push_str("</mergeCells>");
        let whole = scan(xml.as_bytes()).unwrap();
        assert_eq!(whole.len(), 500);
        for step in [7, 4093, CHUNK - 3] {
            let cut = scan(Trickle(xml.as_bytes(), step)).unwrap();
            assert_eq!(cut, whole, "reads of {step} bytes");
        }
    }
}
