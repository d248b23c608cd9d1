//! A look at an xls file before calamine reads it: the rectangle each sheet
//! spans, from the cell records' own coordinates.
//!
//! calamine builds a dense range for every xls sheet when it opens the file,
//! so a sheet with one cell at A1 and one at column 65,535 of row 65,535 makes
//! it ask for gigabytes and abort. This reads the compound file (header, FAT,
//! directory, the `Workbook` stream, mini stream included) and the BIFF
//! records' row and column fields only, with every chain bounded, and returns
//! the largest area. Anything malformed returns `None`: calamine then reports
//! the damage itself.

/// The largest area (cells) any sheet of the workbook spans.
pub fn largest_area(bytes: &[u8]) -> Option<u64> {
    let cfb = Compound::open(bytes)?;
    let stream = cfb.stream(&["Workbook", "Book"])?;
    Some(scan_biff(&stream))
}

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const MAXREGSECT: u32 = 0xFFFF_FFFA;

struct Compound<'a> {
    bytes: &'a [u8],
    sector: usize,
    fat: Vec<u32>,
    mini_fat: Vec<u32>,
    mini_stream: Vec<u8>,
    cutoff: u64,
    entries: Vec<(String, u32, u64)>,
}

fn u16_at(b: &[u8], o: usize) -> Option<u16> {
    b.get(o..o + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], o: usize) -> Option<u32> {
    b.get(o..o + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

impl<'a> Compound<'a> {
    fn open(bytes: &'a [u8]) -> Option<Compound<'a>> {
        let shift = u16_at(bytes, 0x1E)?;
        if !(7..=16).contains(&shift) {
            return None;
        }
        let sector = 1usize << shift;
        let sectors = bytes.len() / sector;
        // the FAT: sectors listed in the header's DIFAT, then the DIFAT chain
        let mut fat_sectors: Vec<u32> = (0..109)
            .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
            .filter(|&s| s <= MAXREGSECT)
            .collect();
        let mut difat = u32_at(bytes, 0x44)?;
        let mut steps = 0;
        while difat <= MAXREGSECT && steps <= sectors {
            let start = (difat as usize + 1) * sector;
            let block = bytes.get(start..start + sector)?;
            let per = sector / 4 - 1;
            fat_sectors.extend(
                (0..per)
                    .filter_map(|i| u32_at(block, 4 * i))
                    .filter(|&s| s <= MAXREGSECT),
            );
            difat = u32_at(block, sector - 4)?;
            steps += 1;
        }
        let mut fat = Vec::new();
        for &s in fat_sectors.iter().take(sectors) {
            let start = (s as usize + 1) * sector;
            let block = bytes.get(start..start + sector)?;
            fat.extend((0..sector / 4).filter_map(|i| u32_at(block, 4 * i)));
        }
        let mut cfb = Compound {
            bytes,
            sector,
            fat,
            mini_fat: Vec::new(),
            mini_stream: Vec::new(),
            cutoff: u32_at(bytes, 0x38).map_or(4096, u64::from),
            entries: Vec::new(),
        };
        let dir = cfb.chain(u32_at(bytes, 0x30)?, u64::MAX)?;
        for entry in dir.chunks_exact(128) {
            let name_len = (u16_at(entry, 0x40)? as usize).min(64);
            let units: Vec<u16> = (0..name_len.saturating_sub(2) / 2)
                .filter_map(|i| u16_at(entry, 2 * i))
                .collect();
            let name = String::from_utf16_lossy(&units);
            let start = u32_at(entry, 0x74)?;
            let size = u32_at(entry, 0x78)? as u64;
            cfb.entries.push((name, start, size));
        }
        let (_, root_start, root_size) = cfb.entries.first().cloned()?;
        let mini_fat_start = u32_at(bytes, 0x3C)?;
        if mini_fat_start <= MAXREGSECT {
            let raw = cfb.chain(mini_fat_start, u64::MAX)?;
            cfb.mini_fat = (0..raw.len() / 4)
                .filter_map(|i| u32_at(&raw, 4 * i))
                .collect();
            cfb.mini_stream = cfb.chain(root_start, root_size)?;
        }
        Some(cfb)
    }

    /// A chain of regular sectors, at most `size` bytes, bounded by the file.
    fn chain(&self, start: u32, size: u64) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut s = start;
        let limit = self.bytes.len() / self.sector + 1;
        let mut steps = 0;
        while s != ENDOFCHAIN && (out.len() as u64) < size {
            if s > MAXREGSECT || steps > limit {
                return None;
            }
            let from = (s as usize + 1) * self.sector;
            out.extend_from_slice(self.bytes.get(from..from + self.sector)?);
            s = *self.fat.get(s as usize)?;
            steps += 1;
        }
        if size != u64::MAX {
            out.truncate(size as usize);
        }
        Some(out)
    }

    /// A chain of 64-byte mini sectors in the mini stream.
    fn mini_chain(&self, start: u32, size: u64) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut s = start;
        let mut steps = 0;
        while s != ENDOFCHAIN && (out.len() as u64) < size {
            if s > MAXREGSECT || steps > self.mini_fat.len() {
                return None;
            }
            let from = s as usize * 64;
            out.extend_from_slice(self.mini_stream.get(from..from + 64)?);
            s = *self.mini_fat.get(s as usize)?;
            steps += 1;
        }
        out.truncate(size as usize);
        Some(out)
    }

    fn stream(&self, names: &[&str]) -> Option<Vec<u8>> {
        let (_, start, size) = self
            .entries
            .iter()
            .skip(1)
            .find(|(n, _, _)| names.iter().any(|w| n.eq_ignore_ascii_case(w)))?;
        if (*size as usize) > self.bytes.len() * 2 + 4096 {
            return None;
        }
        if *size < self.cutoff {
            self.mini_chain(*start, *size)
        } else {
            self.chain(*start, *size)
        }
    }
}

/// The largest rectangle the cell records of any substream span.
fn scan_biff(stream: &[u8]) -> u64 {
    let mut largest = 0u64;
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let mut close = |b: &mut Option<(u32, u32, u32, u32)>| {
        if let Some((r0, r1, c0, c1)) = b.take() {
            let area = (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1);
            largest = largest.max(area);
        }
    };
    let mut at = 0usize;
    while let (Some(kind), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) {
        let data = match stream.get(at + 4..at + 4 + len as usize) {
            Some(d) => d,
            None => break,
        };
        at += 4 + len as usize;
        let mut cell = |row: u16, c0: u16, c1: u16| {
            let (row, c0, c1) = (u32::from(row), u32::from(c0), u32::from(c1.max(c0)));
            bounds = Some(match bounds {
                None => (row, row, c0, c1),
                Some((r0, r1, x0, x1)) => (r0.min(row), r1.max(row), x0.min(c0), x1.max(c1)),
            });
        };
        match kind {
            // BOF: a new substream
            0x0809 => close(&mut bounds),
            // FILEPASS: the rest is encrypted; calamine says so
            0x002F => break,
            0x0006 | 0x00FD | 0x0203 | 0x027E | 0x0204 | 0x0205 | 0x0201 | 0x00D6 => {
                if let (Some(r), Some(c)) = (u16_at(data, 0), u16_at(data, 2)) {
                    cell(r, c, c);
                }
            }
            0x00BD | 0x00BE if data.len() >= 6 => {
                if let (Some(r), Some(c0), Some(c1)) = (
                    u16_at(data, 0),
                    u16_at(data, 2),
                    u16_at(data, data.len() - 2),
                ) {
                    cell(r, c0, c1);
                }
            }
            _ => {}
        }
    }
    close(&mut bounds);
    largest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut out = kind.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn the_area_of_each_substream_is_measured() {
        let mut s = record(0x0809, &[0; 16]);
        s.extend(record(0x0203, &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        s.extend(record(0x0809, &[0; 16]));
        let far = [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        s.extend(record(0x0203, &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        s.extend(record(0x0203, &far));
        assert_eq!(scan_biff(&s), 65536 * 65536);
    }

    #[test]
    fn an_xls_saved_by_libreoffice_is_measured() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples/submissions/vendor-c.xls");
        let bytes = std::fs::read(path).unwrap();
        let area = largest_area(&bytes).expect("a readable compound file");
        assert!((500 * 8..1_000_000).contains(&area), "{area}");
    }
}
