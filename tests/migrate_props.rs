//! No answer lost by `migrate`: on generated submissions and templates (items
//! deleted, inserted, reworded and reordered), every answered old item is
//! carried, reviewed or dropped.

mod common;

use std::collections::HashSet;
use std::path::Path;

use proptest::prelude::*;

use checksheet::catalog::{self, CatalogOptions};
use checksheet::migrate::{self, Action};
use checksheet::submission;

fn seed_items() -> &'static Vec<(String, String)> {
    static ITEMS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    ITEMS.get_or_init(|| {
        let cat = catalog::read(&common::seed(), &CatalogOptions::default()).unwrap();
        cat.items
            .iter()
            .take(120)
            .map(|i| (i.id.clone(), i.measure.clone()))
            .collect()
    })
}

fn write_csv(path: &Path, header: &[&str], rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    std::fs::write(path, w.into_inner().unwrap()).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_answered_old_item_is_carried_reviewed_or_dropped(
        answered in proptest::collection::vec(0u8..4, 120),
        dropped in proptest::collection::vec(any::<bool>(), 120),
        reworded in proptest::collection::vec(0u8..10, 120),
        inserted in 0usize..8,
        swap in 0usize..119,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let items = seed_items();
        let marks = ["○", "×", "", "△"];
        let old_rows: Vec<Vec<String>> = items
            .iter()
            .enumerate()
            .map(|(k, (id, m))| {
                let a = marks[answered[k] as usize];
                let evidence = if answered[k] == 2 { String::new() } else { format!("文書{k}") };
                vec![id.clone(), m.clone(), a.to_owned(), evidence]
            })
            .collect();
        let old = dir.path().join("old.csv");
        write_csv(&old, &["項番", "対策項目", "回答", "根拠資料"], &old_rows);

        let mut new_rows: Vec<Vec<String>> = Vec::new();
        for (k, (id, m)) in items.iter().enumerate() {
            if dropped[k] && k % 3 == 0 {
                continue;
            }
            let text = if reworded[k] == 0 { format!("{m}なお、記録を残すこと。") } else { m.clone() };
            new_rows.push(vec![id.clone(), text]);
        }
        for n in 0..inserted {
            new_rows.push(vec![format!("9-9-9-{}", n + 1), format!("新しい要求事項{n}について手順を定めること。")]);
        }
        if swap + 1 < new_rows.len() {
            new_rows.swap(swap, swap + 1);
        }
        let template = dir.path().join("template.csv");
        write_csv(&template, &["項番", "対策項目"], &new_rows);

        let old_cat = catalog::read(&old, &CatalogOptions::default()).unwrap();
        let new_cat = catalog::read(&template, &CatalogOptions::default()).unwrap();
        let vocabulary = Default::default();
        let responses = submission::responses(&old_cat, &vocabulary);
        let orphans = submission::of_records(&old_cat.orphans, &vocabulary);
        let plan = migrate::plan(&old_cat, &responses, &orphans, &new_cat, &Default::default());

        let mut accounted: HashSet<usize> = HashSet::new();
        for m in &plan.moves {
            if matches!(m.action, Action::Carried | Action::Review | Action::Dropped) {
                accounted.extend(m.old.iter().copied());
            }
        }
        for (i, r) in responses.iter().enumerate() {
            if !r.is_empty() {
                prop_assert!(accounted.contains(&i), "the answer of {} was lost", old_cat.items[i].id);
            }
        }
        // and every template item has exactly one move
        let per_new: Vec<usize> = (0..new_cat.items.len())
            .map(|j| plan.moves.iter().filter(|m| m.new == Some(j)).count())
            .collect();
        prop_assert!(per_new.iter().all(|&n| n == 1));
    }
}
