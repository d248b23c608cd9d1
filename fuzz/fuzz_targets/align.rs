//! The aligner on two arbitrary item lists (ids, groups and texts from the
//! bytes, with repeated and empty texts), then the change list.
#![no_main]

use checksheet::catalog::Item;
use libfuzzer_sys::fuzz_target;

fn items(text: &str) -> Vec<Item> {
    text.lines()
        .take(500)
        .enumerate()
        .map(|(k, line)| {
            let (id, measure) = line.split_once('|').unwrap_or((line, line));
            let parts: Vec<&str> = id.split('-').collect();
            Item {
                id: format!("{id}#{k}"),
                major: parts.first().unwrap_or(&"").to_string(),
                middle: parts.get(1).unwrap_or(&"").to_string(),
                minor: String::new(),
                req: parts.last().unwrap_or(&"").to_string(),
                category: String::new(),
                level: None,
                measure: measure.to_owned(),
                guideline: String::new(),
                ref_: String::new(),
                check: measure.chars().rev().collect(),
                sheet: None,
                row: k as u32 + 1,
                origin: checksheet::record::IdOrigin::Printed,
            }
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (a, b) = text.split_once("\n\n").unwrap_or((&text, &text));
    let (old, new) = (items(a), items(b));
    let alignment = checksheet::align::align(&old, &new, &Default::default());
    let _ = checksheet::change::diff(&old, &new, &alignment, checksheet::change::Shared::ALL, None);
});
