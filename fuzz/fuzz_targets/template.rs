//! Editing an arbitrary package as a migration template: the zip and XML
//! handling of render::template must end in an edited package or an
//! `Unsupported`, never a panic.
#![no_main]

use std::collections::BTreeMap;

use checksheet::package::Package;
use checksheet::render::template::{edit, CellWrite, ExtraSheet, Writes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // write into every sheet the package names, so the sheet XML is reached
    let names: Vec<String> = Package::open(data)
        .and_then(|mut p| p.sheets())
        .map(|s| s.into_iter().map(|s| s.name).collect())
        .unwrap_or_else(|| vec!["Sheet1".into()]);
    let mut writes: Writes = Default::default();
    for (k, name) in names.into_iter().take(4).enumerate() {
        let mut cells = BTreeMap::new();
        cells.insert(k as u32, CellWrite { text: "○ <&>".into(), highlight: k % 2 == 0, style_from: Some(1) });
        cells.insert(20, CellWrite { text: String::new(), highlight: true, style_from: None });
        let mut rows = BTreeMap::new();
        rows.insert(1 + k as u32, cells.clone());
        rows.insert(1_000_000, cells);
        writes.insert(name, rows);
    }
    let extra = ExtraSheet {
        name: "移行結果".into(),
        rows: vec![vec!["a".into(), "b".into()]],
        widths: vec![10.0],
    };
    let _ = edit(data, &writes, &extra);
});
