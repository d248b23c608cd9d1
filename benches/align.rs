//! Aligning benchmarks: two revisions of 1k, 10k and 100k items.
//!
//! Run with `cargo bench --bench align`. Targets (issue 5): 10,000 items in
//! about a second at most (aim 0.3 s); ten times the items at most fifteen
//! times the time.

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

use checksheet::align::{align, Mapping};
use checksheet::catalog::Item;
use checksheet::record::IdOrigin;

const PHRASES: &[&str] = &[
    "情報セキュリティ",
    "基本方針",
    "を定め",
    "経営陣が承認し",
    "従業員に周知する",
    "アクセス権限",
    "を定期的に見直し",
    "ログを取得して",
    "一年以上保管し",
    "医療機関等と合意し",
    "委託先を管理し",
    "バックアップを取得し",
    "障害時の連絡体制",
    "を整備し",
    "暗号化を行い",
    "媒体を廃棄する際は",
    "記録を残し",
    "教育を実施し",
    "リスク分析を行い",
    "手順書を作成し",
    "監査を受け",
    "改善を図り",
    "端末を管理し",
    "パスワードを設定し",
];

/// A deterministic pseudo-random sequence.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

fn item(id: &str, measure: String, check: String) -> Item {
    let parts: Vec<&str> = id.split('-').collect();
    Item {
        id: id.to_owned(),
        major: parts[0].to_owned(),
        middle: parts[1].to_owned(),
        minor: parts[2].to_owned(),
        req: parts[3].to_owned(),
        category: String::new(),
        level: None,
        measure,
        guideline: String::new(),
        ref_: String::new(),
        check,
        sheet: None,
        row: 0,
        origin: IdOrigin::Printed,
    }
}

fn sentence(rng: &mut Lcg, n: usize) -> String {
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(PHRASES[rng.next() % PHRASES.len()]);
    }
    s.push_str("こと。");
    s
}

/// A list of `n` items and its next revision: 3% reworded, 2% removed, 2%
/// inserted (renumbering the rest of their group).
fn revision_pair(n: usize) -> (Vec<Item>, Vec<Item>) {
    let mut rng = Lcg(n as u64);
    let texts: Vec<(String, String)> = (0..n)
        .map(|i| {
            (
                format!("{}{}", sentence(&mut rng, 6), i),
                sentence(&mut rng, 4),
            )
        })
        .collect();
    let id = |k: usize| {
        format!(
            "{}-{}-{}-{}",
            k / 1000 + 1,
            k / 100 % 10 + 1,
            k / 20 % 5 + 1,
            k % 20 + 1
        )
    };
    let old: Vec<Item> = texts
        .iter()
        .enumerate()
        .map(|(k, (m, c))| item(&id(k), m.clone(), c.clone()))
        .collect();
    let mut new_texts = Vec::new();
    for (m, c) in &texts {
        match rng.next() % 100 {
            0..=1 => continue,
            2..=4 => new_texts.push((m.replace("こと。", "しなければならない。"), c.clone())),
            5..=6 => {
                new_texts.push((m.clone(), c.clone()));
                new_texts.push((sentence(&mut rng, 7), sentence(&mut rng, 3)));
            }
            _ => new_texts.push((m.clone(), c.clone())),
        }
    }
    let new = new_texts
        .into_iter()
        .enumerate()
        .map(|(k, (m, c))| item(&id(k), m, c))
        .collect();
    (old, new)
}

fn aligning(c: &mut Criterion) {
    let mut group = c.benchmark_group("align two revisions");
    group.sample_size(10);
    for n in [1_000usize, 10_000, 100_000] {
        let (old, new) = revision_pair(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| align(&old, &new, &Mapping::default()).pairs.len())
        });
    }
    group.finish();
}

criterion_group!(benches, aligning);
criterion_main!(benches);
