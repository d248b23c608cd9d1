//! The layout and numbering stages on arbitrary sheets: the bytes are read as
//! text rows (tab-separated cells) with a few merged regions taken from the
//! first bytes, so header detection, realignment, merges and numbering meet
//! shapes no reader would produce.
#![no_main]

use checksheet::grid::{Region, Row, Sheet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let rows: Vec<Row> = text
        .split('\n')
        .enumerate()
        .take(2000)
        .map(|(i, line)| Row {
            number: i as u32 + 1,
            cells: line.split('\t').take(300).map(str::to_owned).collect(),
        })
        .collect();
    let merges = data
        .chunks(4)
        .take(8)
        .filter(|c| c.len() == 4)
        .map(|c| {
            let (r, rr, c0, cc) = (c[0] as u32 % 64 + 1, c[1] as u32, c[2] as u32 % 16, c[3] as u32);
            Region {
                first_row: r,
                last_row: r + rr,
                first_col: c0,
                last_col: c0 + cc,
            }
        })
        .collect();
    let sheet = Sheet {
        name: Some("S".into()),
        rows,
        merges,
        hidden: false,
    };
    let book = checksheet::source::Book {
        format: checksheet::source::Format::Text,
        sheets: vec![sheet],
        notes: Vec::new(),
    };
    let path = std::path::Path::new("fuzz.txt");
    let _ = checksheet::catalog::from_book(path, &book, &Default::default());
});
