//! Properties of the aligner (`checksheet::align::align`) on generated
//! checklists: requirements written from a fixed vocabulary of the phrases
//! security checklists are made of, in groups numbered `major-middle-req`.
//!
//! (a) a list against itself pairs every item with itself, reason Same;
//! (b) shuffled within its groups and renumbered, every item is recovered;
//! (c) deleted items are exactly the removed ones, inserted ones the added;
//! (d) rewordings of up to a fifth of the characters stay with their original.
//!
//! Each case draws a seed and a size; the lists are built from the seed by a
//! small generator below, so a failing case is reproduced from the seed that
//! proptest prints.

use std::collections::{BTreeSet, HashSet};

use checksheet::align::{align, Alignment, Mapping, Reason};
use checksheet::catalog::{Item, Level};
use checksheet::record::IdOrigin;
use proptest::prelude::*;

/// SplitMix64: the generator of one case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    fn percent(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.below(words.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// The phrases requirements are written with: a situation, one or two
/// things done to an object, and what it is for.
struct Vocabulary {
    situations: &'static [&'static str],
    objects: &'static [&'static str],
    actions: &'static [&'static str],
    purposes: &'static [&'static str],
}

/// The vocabulary of the lists' own items.
const ORIGINAL: Vocabulary = Vocabulary {
    situations: &[
        "医療機関等との契約に基づき、",
        "サービスの提供に当たっては、",
        "再委託を行う場合は、",
        "障害の発生に備え、",
        "情報システムの運用において、",
        "外部からの接続に際しては、",
        "作業員の採用時には、",
        "機器を廃棄する際は、",
        "監査の結果を踏まえて、",
        "夜間及び休日には、",
        "災害時の事業継続のため、",
        "新たな機能を導入する前に、",
        "経営陣は、",
        "事業者は、",
        "",
    ],
    objects: &[
        "アクセスログ",
        "バックアップ媒体",
        "暗号鍵",
        "作業員ID",
        "入退室記録",
        "ネットワーク機器の設定",
        "保守作業の手順",
        "患者の診療情報",
        "ウイルス対策ソフトウェア",
        "電子署名の検証手順",
        "サーバ室の鍵",
        "委託先の管理状況",
        "個人情報の取扱規程",
        "障害対応の連絡体制",
        "通信経路",
        "パスワード",
        "操作履歴",
        "システム構成図",
        "脆弱性情報",
        "無停電電源装置",
        "情報資産の台帳",
        "セキュリティパッチ",
    ],
    actions: &[
        "を取得し、",
        "を台帳に記録し、",
        "を定期的に点検し、",
        "を文書化し、",
        "を暗号化し、",
        "を二重化し、",
        "の責任者を定め、",
        "を最新の状態に保ち、",
        "を第三者に確認させ、",
        "の変更を承認制とし、",
        "を一年以上保管し、",
        "の手順を訓練し、",
    ],
    purposes: &[
        "その結果を医療機関等に報告すること。",
        "不正な利用を防止すること。",
        "改ざんを検知できるようにすること。",
        "必要に応じて見直すことが望ましい。",
        "関係者に周知すること。",
        "その記録を残すこと。",
        "速やかに復旧できるようにすること。",
        "漏えいの危険を低減すること。",
        "経営陣の承認を得ること。",
    ],
};

/// The vocabulary of inserted items: other topics, other words, so that an
/// inserted item is new and not a rewording of a deleted one.
const INSERTED: Vocabulary = Vocabulary {
    situations: &[
        "クラウド基盤を利用するときは、",
        "遠隔保守の開始前に、",
        "ランサムウェア対策として、",
        "取引先との接続では、",
        "年度ごとに、",
    ],
    objects: &[
        "多要素認証",
        "ソフトウェア部品表",
        "オフライン複製",
        "公開範囲の設定",
        "特権端末",
        "供給網の一覧",
        "異常検知の閾値",
    ],
    actions: &[
        "へ移行させ、",
        "について演習で試験し、",
        "で例外申請を審査し、",
        "へ切り替える計画を立て、",
        "で侵入を想定した評価を受け、",
    ],
    purposes: &[
        "被害範囲を限定できる体制を整える。",
        "結果を経営会議へ上申する。",
        "外部専門家の助言を受ける。",
    ],
};

/// Characters a rewording substitutes or inserts.
const NOISE: [char; 24] = [
    'の', 'を', 'に', 'は', 'が', 'と', 'し', 'て', '等', '的', '管', '理', '報', '告', '定', '期',
    '情', '安', '全', '措', '置', '確', '認', '、',
];

/// One requirement: who it is (stable across the old and new lists), its
/// texts.
#[derive(Debug, Clone)]
struct Entry {
    key: usize,
    measure: String,
    check: String,
}

/// A group (`major-middle`) and its entries in order.
#[derive(Debug, Clone)]
struct Group {
    major: usize,
    middle: usize,
    entries: Vec<Entry>,
}

/// A requirement text and its 確認項目.
fn requirement(rng: &mut Rng, vocabulary: &Vocabulary) -> (String, String) {
    let object = rng.pick(vocabulary.objects);
    let mut measure = rng.pick(vocabulary.situations).to_owned();
    measure.push_str(object);
    measure.push_str(rng.pick(vocabulary.actions));
    if rng.percent(50) {
        measure.push_str(rng.pick(vocabulary.objects));
        measure.push_str(rng.pick(vocabulary.actions));
    }
    measure.push_str(rng.pick(vocabulary.purposes));
    let check = format!("・{object}について規程に定め、実施しているか");
    (measure, check)
}

/// A requirement text not yet in `taken` (no two items read the same).
fn fresh_requirement(
    rng: &mut Rng,
    vocabulary: &Vocabulary,
    taken: &mut HashSet<String>,
) -> (String, String) {
    loop {
        let (measure, check) = requirement(rng, vocabulary);
        if taken.insert(measure.clone()) {
            return (measure, check);
        }
    }
}

/// A checklist of `n` items with distinct texts in groups of 1 to 20 items.
fn checklist(rng: &mut Rng, n: usize, taken: &mut HashSet<String>) -> Vec<Group> {
    let mut groups = Vec::new();
    let mut made = 0;
    let (mut major, mut middle) = (1, 0);
    while made < n {
        if middle > 0 && rng.percent(30) {
            major += 1;
            middle = 0;
        }
        middle += 1;
        let size = (1 + rng.below(20)).min(n - made);
        let entries = (made..made + size)
            .map(|key| {
                let (measure, check) = fresh_requirement(rng, &ORIGINAL, taken);
                Entry {
                    key,
                    measure,
                    check,
                }
            })
            .collect();
        groups.push(Group {
            major,
            middle,
            entries,
        });
        made += size;
    }
    groups
}

/// The items of the groups, numbered 1, 2, 3 … within each group, and the key
/// of each item.
fn items(groups: &[Group]) -> (Vec<Item>, Vec<usize>) {
    let mut items = Vec::new();
    let mut keys = Vec::new();
    for group in groups {
        for (k, entry) in group.entries.iter().enumerate() {
            let (major, middle, req) = (group.major.to_string(), group.middle.to_string(), k + 1);
            items.push(Item {
                id: format!("{major}-{middle}-{req}"),
                major,
                middle,
                minor: String::new(),
                req: req.to_string(),
                category: String::new(),
                level: Some(Level::Required),
                measure: entry.measure.clone(),
                guideline: String::new(),
                ref_: String::new(),
                check: entry.check.clone(),
                sheet: None,
                row: items.len() as u32 + 2,
                origin: IdOrigin::Printed,
            });
            keys.push(entry.key);
        }
    }
    (items, keys)
}

/// The pairs (old index, new index) of items with the same key.
fn same_keys(old: &[usize], new: &[usize]) -> BTreeSet<(usize, usize)> {
    new.iter()
        .enumerate()
        .filter_map(|(j, key)| old.iter().position(|k| k == key).map(|i| (i, j)))
        .collect()
}

fn found_pairs(alignment: &Alignment) -> BTreeSet<(usize, usize)> {
    alignment.pairs.iter().map(|p| (p.old, p.new)).collect()
}

/// Every expected pair found and nothing else (pair precision and recall 1),
/// or a message naming the pairs that are wrong.
fn check_pairs(
    old: &[Item],
    new: &[Item],
    alignment: &Alignment,
    expected: &BTreeSet<(usize, usize)>,
) -> Result<(), String> {
    let found = found_pairs(alignment);
    if &found == expected {
        return Ok(());
    }
    let show = |(i, j): &(usize, usize)| {
        format!(
            "{} {:?} / {} {:?}",
            old[*i].id, old[*i].measure, new[*j].id, new[*j].measure
        )
    };
    let missed: Vec<String> = expected.difference(&found).map(show).collect();
    let wrong: Vec<String> = found.difference(expected).map(show).collect();
    let right = found.intersection(expected).count();
    Err(format!(
        "pair precision {right}/{} recall {right}/{}\nmissed:\n  {}\nwrong:\n  {}",
        found.len(),
        expected.len(),
        missed.join("\n  "),
        wrong.join("\n  ")
    ))
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    // A list against itself (with some texts repeated in other groups, as
    // checklists repeat 「医療機関等と合意すること。」): each item with itself.
    #[test]
    fn a_list_against_itself_is_the_same(seed in any::<u64>(), n in 20usize..=200) {
        let mut rng = Rng(seed);
        let mut groups = checklist(&mut rng, n, &mut HashSet::new());
        let flat: Vec<(usize, usize)> = groups
            .iter()
            .enumerate()
            .flat_map(|(g, group)| (0..group.entries.len()).map(move |e| (g, e)))
            .collect();
        for _ in 0..n / 10 {
            let (from, to) = (flat[rng.below(flat.len())], flat[rng.below(flat.len())]);
            if from.0 != to.0 {
                let text = groups[from.0].entries[from.1].clone();
                let entry = &mut groups[to.0].entries[to.1];
                entry.measure = text.measure;
                entry.check = text.check;
            }
        }
        let (list, _) = items(&groups);
        let a = align(&list, &list, &Mapping::default());
        let expected: BTreeSet<(usize, usize)> = (0..list.len()).map(|i| (i, i)).collect();
        if let Err(e) = check_pairs(&list, &list, &a, &expected) {
            prop_assert!(false, "{}", e);
        }
        for p in &a.pairs {
            prop_assert_eq!(p.reason, Reason::Same, "{} {:?}", list[p.old].id, p);
            prop_assert_eq!(p.similarity, 1.0);
        }
        prop_assert!(a.added.is_empty() && a.removed.is_empty(), "{:?}", a);
    }

    // The same items, shuffled within their groups and numbered again.
    #[test]
    fn shuffled_and_renumbered_items_are_recovered(seed in any::<u64>(), n in 20usize..=200) {
        let mut rng = Rng(seed);
        let groups = checklist(&mut rng, n, &mut HashSet::new());
        let mut shuffled = groups.clone();
        for group in &mut shuffled {
            rng.shuffle(&mut group.entries);
        }
        let (old, old_keys) = items(&groups);
        let (new, new_keys) = items(&shuffled);
        let a = align(&old, &new, &Mapping::default());
        if let Err(e) = check_pairs(&old, &new, &a, &same_keys(&old_keys, &new_keys)) {
            prop_assert!(false, "{}", e);
        }
        for p in &a.pairs {
            let expected = if old[p.old].id == new[p.new].id {
                Reason::Same
            } else {
                Reason::Renumbered
            };
            prop_assert_eq!(p.reason, expected, "{} → {}", old[p.old].id, new[p.new].id);
        }
        prop_assert!(a.added.is_empty() && a.removed.is_empty(), "{:?}", a);
    }

    // Items deleted and new ones inserted (the groups numbered again): the
    // deleted are the removed, the inserted the added, the rest paired.
    #[test]
    fn deletions_and_insertions_are_found(
        seed in any::<u64>(),
        n in 20usize..=200,
        delete_percent in 0usize..=20,
        insert_percent in 0usize..=20,
    ) {
        let mut rng = Rng(seed);
        let mut taken = HashSet::new();
        let groups = checklist(&mut rng, n, &mut taken);
        let mut revised = groups.clone();
        let mut deleted = BTreeSet::new();
        for group in &mut revised {
            group.entries.retain(|e| {
                let keep = !rng.percent(delete_percent);
                if !keep {
                    deleted.insert(e.key);
                }
                keep
            });
        }
        let inserts = n * insert_percent / 100;
        for k in 0..inserts {
            let g = rng.below(revised.len());
            let at = rng.below(revised[g].entries.len() + 1);
            let (measure, check) = fresh_requirement(&mut rng, &INSERTED, &mut taken);
            revised[g].entries.insert(at, Entry { key: n + k, measure, check });
        }
        let (old, old_keys) = items(&groups);
        let (new, new_keys) = items(&revised);
        let a = align(&old, &new, &Mapping::default());
        let removed: Vec<usize> = (0..old.len()).filter(|&i| deleted.contains(&old_keys[i])).collect();
        let added: Vec<usize> = (0..new.len()).filter(|&j| new_keys[j] >= n).collect();
        let ids = |list: &[Item], is: &[usize]| -> Vec<String> {
            is.iter().map(|&i| format!("{} {:?}", list[i].id, list[i].measure)).collect()
        };
        prop_assert_eq!(ids(&old, &a.removed), ids(&old, &removed), "removed");
        prop_assert_eq!(ids(&new, &a.added), ids(&new, &added), "added");
        if let Err(e) = check_pairs(&old, &new, &a, &same_keys(&old_keys, &new_keys)) {
            prop_assert!(false, "{}", e);
        }
        for p in &a.pairs {
            prop_assert!(
                matches!(p.reason, Reason::Same | Reason::Renumbered),
                "{} → {}: {:?}", old[p.old].id, new[p.new].id, p
            );
        }
    }

    // Some items reworded: up to a fifth of their characters substituted or
    // inserted. Each stays paired with its original.
    #[test]
    fn rewordings_stay_with_their_original(
        seed in any::<u64>(),
        n in 20usize..=200,
        reword_percent in 10usize..=100,
    ) {
        let mut rng = Rng(seed);
        let groups = checklist(&mut rng, n, &mut HashSet::new());
        let mut revised = groups.clone();
        let mut reworded = HashSet::new();
        for group in &mut revised {
            for entry in &mut group.entries {
                if !rng.percent(reword_percent) {
                    continue;
                }
                let mut chars: Vec<char> = entry.measure.chars().collect();
                let edits = rng.below(chars.len() / 5 + 1);
                for _ in 0..edits {
                    let c = NOISE[rng.below(NOISE.len())];
                    let at = rng.below(chars.len());
                    if rng.percent(50) {
                        chars[at] = c;
                    } else {
                        chars.insert(at, c);
                    }
                }
                entry.measure = chars.into_iter().collect();
                reworded.insert(entry.key);
            }
        }
        let (old, old_keys) = items(&groups);
        let (new, new_keys) = items(&revised);
        let a = align(&old, &new, &Mapping::default());
        if let Err(e) = check_pairs(&old, &new, &a, &same_keys(&old_keys, &new_keys)) {
            prop_assert!(false, "{}", e);
        }
        for p in &a.pairs {
            let same = old[p.old].measure == new[p.new].measure;
            let expected = if same { Reason::Same } else { Reason::Reworded };
            prop_assert_eq!(p.reason, expected, "{} {:?}", old[p.old].id, p);
        }
        prop_assert!(a.added.is_empty() && a.removed.is_empty(), "{:?}", a);
    }
}
