//! Aligning two item lists: the one pairing used by ingest, diff and migrate.
//!
//! Old and new items are paired in stages, each global over the whole list
//! (best pairs first), never greedy row by row:
//!
//! 1. pins from a mapping file;
//! 2. identical texts (after NFKC and white-space removal, so width, spaces
//!    and line breaks are no change); a text occurring several times is
//!    decided by its check text, id, group and position;
//! 3. similar texts: candidates come from an index of character bigrams
//!    (rare bigrams first, never all pairs), scored by Dice similarity of the
//!    requirement and check texts, with small bonuses for the same id, group
//!    and position;
//! 4. splits (one old item's text spread over several new items) and merges
//!    (several old texts gathered in one new item), by containment.
//!
//! Every pair carries a similarity in [0, 1] and a reason; weak pairs are
//! flagged for review. This stage does no I/O.

use std::borrow::Cow;
use std::collections::HashSet;

use foldhash::HashMap;

use serde::Serialize;

use crate::catalog::Item;
use crate::text::compact_cow;

/// Why two items were paired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// Same number and same text.
    Same,
    /// Same text under another number in the same group.
    Renumbered,
    /// Same group, text reworded.
    Reworded,
    /// The item stands in another group (its text may be reworded too).
    Moved,
    /// One old item became several new ones.
    Split,
    /// Several old items became one new one.
    Merged,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Same => "same",
            Reason::Renumbered => "renumbered",
            Reason::Reworded => "reworded",
            Reason::Moved => "moved",
            Reason::Split => "split",
            Reason::Merged => "merged",
        }
    }
}

/// One pairing of an old and a new item (indices into the lists).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    pub old: usize,
    pub new: usize,
    /// Text similarity in [0, 1] (1 = the same text up to formatting).
    pub similarity: f64,
    pub reason: Reason,
    /// Too weak to trust without a look.
    pub weak: bool,
    /// A mapping-file pin that overrides what the aligner finds by itself.
    pub pinned: bool,
}

/// The pairing of two lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alignment {
    /// Ordered by new index, then old index.
    pub pairs: Vec<Pair>,
    /// Old items with no counterpart, in old order.
    pub removed: Vec<usize>,
    /// New items with no counterpart, in new order.
    pub added: Vec<usize>,
}

/// Pairings decided by the user (`--mapping`): `old_id,new_id` pins a pair
/// (an id may appear in several pins: a split or merge); an id with the other
/// side empty is kept unpaired.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    pub pins: Vec<(String, String)>,
    pub unpaired_old: HashSet<String>,
    pub unpaired_new: HashSet<String>,
}

/// Below this similarity a pair is flagged weak.
pub const WEAK: f64 = 0.7;
/// Below this similarity two texts are not paired at all.
const MIN_PAIR: f64 = 0.42;
/// A piece of a split must lie this much inside its whole.
const CONTAINED: f64 = 0.72;
/// Candidates looked at per item.
const CANDIDATES: usize = 12;
/// Items read from one bigram's posting list per query.
const POSTINGS: usize = 256;

/// What the aligner needs of an item, computed once. A folded text is a
/// copy only where folding changed it and the list prepared beside (if any)
/// does not hold the same raw text: otherwise it is the item's own (most
/// requirement texts of a Japanese checklist fold to themselves) or that
/// list's fold.
struct Prepared<'a> {
    /// The requirement text folded (else the check text, where the
    /// requirement text folds to nothing).
    key: Cow<'a, str>,
    /// `key` is the requirement text's.
    from_measure: bool,
    check: Cow<'a, str>,
    /// Bigrams of `key` and `check`, made when first needed: most items of
    /// two revisions pair by identical text and never need them.
    grams: std::sync::OnceLock<Vec<u32>>,
    check_grams: std::sync::OnceLock<Vec<u32>>,
}

/// Character bigrams, each folded into 32 bits (a collision now and then
/// only nudges a similarity; half the memory keeps large lists in cache).
fn grams_of(key: &str) -> Vec<u32> {
    let mut chars = key.chars();
    let Some(mut previous) = chars.next() else {
        return Vec::new();
    };
    let mut out: Vec<u32> = Vec::with_capacity(key.len() / 2);
    for c in chars {
        out.push((previous as u32).wrapping_mul(0x9E37_79B1).rotate_left(11) ^ c as u32);
        previous = c;
    }
    if out.is_empty() {
        // one character: itself
        out.push(previous as u32);
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn prepare<'a>(items: &'a [Item], beside: Option<&'a Side<'_>>) -> Vec<Prepared<'a>> {
    use rayon::prelude::*;
    // The texts of the list prepared before, by their raw form: a text
    // both lists hold (most of two revisions) is folded once.
    let (measures, checks) = match beside {
        Some(side) => rayon::join(
            || {
                folded_by_raw(
                    side,
                    |item| &item.measure,
                    |p| p.from_measure.then_some(p.key.as_ref()),
                )
            },
            || folded_by_raw(side, |item| &item.check, |p| Some(p.check.as_ref())),
        ),
        None => Default::default(),
    };
    let fold = |known: &HashMap<&'a str, &'a str>, text: &'a str| -> Cow<'a, str> {
        match known.get(text) {
            // the other list's item holds the same text: its fold, not a
            // copy of it
            Some(&folded) => Cow::Borrowed(folded),
            None => compact_cow(text),
        }
    };
    items
        .par_iter()
        .with_min_len(256)
        .map(|item| {
            let measure = fold(&measures, &item.measure);
            let check = fold(&checks, &item.check);
            let from_measure = !measure.is_empty();
            let key = if from_measure { measure } else { check.clone() };
            Prepared {
                from_measure,
                grams: std::sync::OnceLock::new(),
                check_grams: std::sync::OnceLock::new(),
                key,
                check,
            }
        })
        .collect()
}

/// The folded form of one text of each item of a prepared list, by the
/// raw text (where the prepared item holds it; texts folded to nothing left
/// out).
fn folded_by_raw<'s>(
    side: &'s Side<'_>,
    raw: impl Fn(&'s Item) -> &'s str,
    folded: impl Fn(&'s Prepared<'_>) -> Option<&'s str>,
) -> HashMap<&'s str, &'s str> {
    let mut known = HashMap::default();
    known.reserve(side.items.len());
    for (item, p) in side.items.iter().zip(&side.prepared) {
        if let Some(folded) = folded(p).filter(|f| !f.is_empty()) {
            known.insert(raw(item), folded);
        }
    }
    known
}

impl Prepared<'_> {
    fn grams(&self) -> &[u32] {
        self.grams.get_or_init(|| grams_of(&self.key))
    }

    fn check_grams(&self) -> &[u32] {
        self.check_grams.get_or_init(|| grams_of(&self.check))
    }
}

/// Size of the intersection of two sorted, deduplicated lists (the merge
/// steps without a branch on the comparison: which list moves on is not
/// predictable).
fn common(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n
}

/// Dice similarity of two gram sets.
fn dice(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    2.0 * common(a, b) as f64 / (a.len() + b.len()) as f64
}

/// How much of `part` lies inside `whole`.
fn containment(part: &[u32], whole: &[u32]) -> f64 {
    if part.is_empty() {
        return 0.0;
    }
    common(part, whole) as f64 / part.len() as f64
}

/// Text similarity of two prepared items: requirement text first, check text
/// second.
fn similarity(a: &Prepared, b: &Prepared) -> f64 {
    similarity_from(a, b, 0.0).unwrap_or(0.0)
}

/// [`similarity`] where it is at least `min`: the check texts are not
/// compared (nor their bigrams made) when the requirement texts alone leave
/// the pair below it.
fn similarity_from(a: &Prepared, b: &Prepared, min: f64) -> Option<f64> {
    let sim = if a.key == b.key {
        if a.check == b.check || a.check.is_empty() || b.check.is_empty() {
            1.0
        } else {
            0.9 + 0.1 * dice(a.check_grams(), b.check_grams())
        }
    } else {
        similar_text(a, b, min)?
    };
    (sim >= min).then_some(sim)
}

/// [`similarity_from`] of two different requirement texts, `None` where the
/// texts alone leave the pair below `min`.
fn similar_text(a: &Prepared, b: &Prepared, min: f64) -> Option<f64> {
    let text = dice(a.grams(), b.grams());
    if a.check.is_empty() || b.check.is_empty() {
        return Some(text);
    }
    // the check texts weigh a fifth: below `min` even if they were the same
    if 0.8 * text + 0.2 < min {
        return None;
    }
    Some(0.8 * text + 0.2 * dice(a.check_grams(), b.check_grams()))
}

/// Small preferences that decide between equally similar candidates.
fn bonus(old: &[Item], new: &[Item], i: usize, j: usize) -> f64 {
    let same_id = f64::from(u8::from(old[i].id == new[j].id));
    let same_group = f64::from(u8::from(old[i].same_group(&new[j])));
    let pos_old = i as f64 / old.len().max(1) as f64;
    let pos_new = j as f64 / new.len().max(1) as f64;
    let near = 1.0 - ((pos_old - pos_new).abs() * 10.0).min(1.0);
    0.04 * same_id + 0.03 * same_group + 0.02 * near
}

/// An inverted index from bigram to the items holding it.
struct Index {
    /// Item numbers, grouped by bigram, in item order within a group.
    items: Vec<u32>,
    /// Each bigram's group in `items`.
    postings: HashMap<u32, (u32, u32)>,
}

impl Index {
    fn build(prepared: &[Prepared], include: impl Fn(usize) -> bool + Sync) -> Index {
        use rayon::prelude::*;
        // (bigram, item) for every indexed item, packed in one integer (the
        // bigram high) and sorted in parallel: the items of a bigram come out
        // in item order
        let mut pairs: Vec<u64> = prepared
            .par_iter()
            .enumerate()
            .with_min_len(256)
            .filter(|(i, _)| include(*i))
            .flat_map_iter(|(i, p)| {
                p.grams()
                    .iter()
                    .map(move |&g| (u64::from(g) << 32) | i as u64)
            })
            .collect();
        sort_by_gram(&mut pairs);
        let gram = |k: usize| (pairs[k] >> 32) as u32;
        let distinct = 1 + pairs
            .windows(2)
            .filter(|w| w[0] >> 32 != w[1] >> 32)
            .count();
        let mut postings = HashMap::default();
        postings.reserve(distinct);
        let mut start = 0;
        for k in 1..=pairs.len() {
            if k == pairs.len() || gram(k) != gram(start) {
                postings.insert(gram(start), (start as u32, k as u32));
                start = k;
            }
        }
        Index {
            items: pairs.into_iter().map(|p| p as u32).collect(),
            postings,
        }
    }

    fn posting(&self, gram: u32) -> Option<&[u32]> {
        self.postings
            .get(&gram)
            .map(|&(a, b)| &self.items[a as usize..b as usize])
    }

    /// Items sharing the most (rare-first) bigrams with `grams`.
    fn candidates(&self, grams: &[u32], counts: &mut [u32], touched: &mut Vec<u32>) -> Vec<usize> {
        // each bigram's posting, by rarity: (length, place in `grams`)
        let mut by_rarity: Vec<(usize, usize, &[u32])> = grams
            .iter()
            .enumerate()
            .filter_map(|(k, &g)| self.posting(g).map(|p| (p.len(), k, p)))
            .collect();
        // The rarest bigrams find the right candidates; very common ones
        // (particles, 「こと」) would make the cost quadratic.
        // A bounded walk per query keeps the whole alignment near-linear: a
        // bigram held by thousands of items says little about any of them.
        let walk = |posting: &[u32], counts: &mut [u32], touched: &mut Vec<u32>| {
            for &j in posting.iter().take(POSTINGS) {
                if counts[j as usize] == 0 {
                    touched.push(j);
                }
                counts[j as usize] += 1;
            }
        };
        for (n, _, posting) in rarest(&mut by_rarity, 40) {
            if *n <= POSTINGS {
                walk(posting, counts, touched);
            }
        }
        if touched.is_empty() {
            // only common bigrams (a short, generic text): the rarest few
            for (_, _, posting) in rarest(&mut by_rarity, 8) {
                walk(posting, counts, touched);
            }
        }
        let key = |j: &u32| (std::cmp::Reverse(counts[*j as usize]), *j);
        if touched.len() > CANDIDATES {
            touched.select_nth_unstable_by_key(CANDIDATES, key);
            touched[..CANDIDATES].sort_unstable_by_key(key);
        } else {
            touched.sort_unstable_by_key(key);
        }
        let out: Vec<usize> = touched
            .iter()
            .take(CANDIDATES)
            .map(|&j| j as usize)
            .collect();
        for &j in touched.iter() {
            counts[j as usize] = 0;
        }
        touched.clear();
        out
    }
}

/// Sort (bigram, item) pairs by bigram, the items of a bigram left in the
/// order they come (item order): a stable radix sort on the bigram's four
/// bytes, a few passes over the list where a comparison sort makes sixteen.
fn sort_by_gram(pairs: &mut Vec<u64>) {
    let mut other = vec![0u64; pairs.len()];
    for shift in [32, 40, 48, 56] {
        let digit = |p: u64| (p >> shift) as u8 as usize;
        let mut starts = [0usize; 256];
        for &p in pairs.iter() {
            starts[digit(p)] += 1;
        }
        let mut at = 0;
        for start in &mut starts {
            (*start, at) = (at, at + *start);
        }
        for &p in pairs.iter() {
            let d = digit(p);
            other[starts[d]] = p;
            starts[d] += 1;
        }
        std::mem::swap(pairs, &mut other);
    }
}

/// The `n` shortest postings (ties by the bigram's place), moved to the
/// front in no particular order: only which are walked matters, not in
/// what order, so no whole sort.
fn rarest<'p, 'i>(
    postings: &'p mut [(usize, usize, &'i [u32])],
    n: usize,
) -> &'p [(usize, usize, &'i [u32])] {
    if postings.len() > n {
        postings.select_nth_unstable_by_key(n, |&(len, k, _)| (len, k));
    }
    &postings[..n.min(postings.len())]
}

struct State {
    old_to: Vec<Vec<usize>>,
    new_to: Vec<Vec<usize>>,
    pairs: Vec<Pair>,
}

impl State {
    fn free_old(&self, i: usize) -> bool {
        self.old_to[i].is_empty()
    }

    fn free_new(&self, j: usize) -> bool {
        self.new_to[j].is_empty()
    }

    fn add(&mut self, pair: Pair) {
        self.old_to[pair.old].push(pair.new);
        self.new_to[pair.new].push(pair.old);
        self.pairs.push(pair);
    }
}

fn reason_for(old: &Item, new: &Item, po: &Prepared, pn: &Prepared) -> Reason {
    if (po.key.is_empty() || pn.key.is_empty()) && old.id == new.id {
        return Reason::Same;
    }
    if !old.same_group(new) {
        Reason::Moved
    } else if po.key != pn.key {
        Reason::Reworded
    } else if old.id != new.id {
        Reason::Renumbered
    } else {
        Reason::Same
    }
}

/// Take candidate pairs best first, each item at most once.
fn assign(
    state: &mut State,
    mut candidates: Vec<(f64, f64, usize, usize)>,
    old: &[Item],
    new: &[Item],
    po: &[Prepared],
    pn: &[Prepared],
) {
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)).then(a.3.cmp(&b.3)));
    for (_, sim, i, j) in candidates {
        if state.free_old(i) && state.free_new(j) {
            state.add(Pair {
                old: i,
                new: j,
                similarity: sim,
                reason: reason_for(&old[i], &new[j], &po[i], &pn[j]),
                weak: sim < WEAK,
                pinned: false,
            });
        }
    }
}

/// A list ready to be aligned: its texts folded once (and their bigrams
/// when first needed), so that a catalog aligned with many submissions is
/// prepared once.
pub struct Side<'a> {
    items: &'a [Item],
    prepared: Vec<Prepared<'a>>,
}

impl<'a> Side<'a> {
    pub fn new(items: &'a [Item]) -> Side<'a> {
        Side {
            items,
            prepared: prepare(items, None),
        }
    }

    /// A list prepared beside another: the texts both hold are folded once.
    fn beside(items: &'a [Item], other: &'a Side<'_>) -> Side<'a> {
        Side {
            items,
            prepared: prepare(items, Some(other)),
        }
    }
}

/// Pair two item lists.
pub fn align(old: &[Item], new: &[Item], mapping: &Mapping) -> Alignment {
    let old = Side::new(old);
    align_sides(&old, &Side::beside(new, &old), mapping)
}

/// Each item's position by its id.
fn ids_of(items: &[Item]) -> HashMap<&str, usize> {
    let mut ids = HashMap::default();
    ids.reserve(items.len());
    ids.extend(items.iter().enumerate().map(|(i, it)| (it.id.as_str(), i)));
    ids
}

/// [`align`] of lists already prepared.
pub fn align_sides(old_side: &Side<'_>, new_side: &Side<'_>, mapping: &Mapping) -> Alignment {
    let (old, new) = (old_side.items, new_side.items);
    let (po, pn) = (&old_side.prepared[..], &new_side.prepared[..]);
    let mut state = State {
        old_to: vec![Vec::new(); old.len()],
        new_to: vec![Vec::new(); new.len()],
        pairs: Vec::new(),
    };
    // The ids of both lists, and the new items by their text (for step 2;
    // pinned and unpaired items are passed over there), made side by side.
    let ((old_ids, new_ids), by_key) = rayon::join(
        || rayon::join(|| ids_of(old), || ids_of(new)),
        || {
            let mut by_key: HashMap<&str, Vec<usize>> = HashMap::default();
            by_key.reserve(pn.len());
            for (j, p) in pn.iter().enumerate() {
                if !p.key.is_empty() {
                    by_key.entry(p.key.as_ref()).or_default().push(j);
                }
            }
            by_key
        },
    );
    let mut blocked_old = vec![false; old.len()];
    let mut blocked_new = vec![false; new.len()];

    // 1. pins
    let mut pin_count_old: HashMap<usize, usize> = HashMap::default();
    let mut pin_count_new: HashMap<usize, usize> = HashMap::default();
    let pins: Vec<(usize, usize)> = mapping
        .pins
        .iter()
        .filter_map(|(o, n)| Some((*old_ids.get(o.as_str())?, *new_ids.get(n.as_str())?)))
        .collect();
    for &(i, j) in &pins {
        *pin_count_old.entry(i).or_default() += 1;
        *pin_count_new.entry(j).or_default() += 1;
    }
    for &(i, j) in &pins {
        let reason = if pin_count_old[&i] > 1 {
            Reason::Split
        } else if pin_count_new[&j] > 1 {
            Reason::Merged
        } else {
            reason_for(&old[i], &new[j], &po[i], &pn[j])
        };
        let sim = match reason {
            Reason::Split => containment(pn[j].grams(), po[i].grams()),
            Reason::Merged => containment(po[i].grams(), pn[j].grams()),
            _ => similarity(&po[i], &pn[j]),
        };
        state.add(Pair {
            old: i,
            new: j,
            similarity: sim,
            reason,
            weak: sim < WEAK && !matches!(reason, Reason::Split | Reason::Merged),
            pinned: true,
        });
    }
    for id in &mapping.unpaired_old {
        if let Some(&i) = old_ids.get(id.as_str()) {
            blocked_old[i] = true;
        }
    }
    for id in &mapping.unpaired_new {
        if let Some(&j) = new_ids.get(id.as_str()) {
            blocked_new[j] = true;
        }
    }
    let open_old = |state: &State, i: usize| state.free_old(i) && !blocked_old[i];
    let open_new = |state: &State, j: usize| state.free_new(j) && !blocked_new[j];

    // 2. identical texts (in parallel: a check text that differs makes
    // bigrams)
    let exact: Vec<(f64, f64, usize, usize)> = {
        use rayon::prelude::*;
        let state = &state;
        po.par_iter()
            .enumerate()
            .with_min_len(256)
            .filter(|&(i, _)| open_old(state, i))
            .flat_map_iter(|(i, p)| {
                by_key
                    .get(p.key.as_ref())
                    .into_iter()
                    .flatten()
                    .filter(|&&j| open_new(state, j))
                    .map(move |&j| {
                        let sim = similarity(p, &pn[j]);
                        (sim + bonus(old, new, i, j), sim, i, j)
                    })
            })
            .collect()
    };
    assign(&mut state, exact, old, new, po, pn);

    // 2b. the same number where one side has no text at all (an answer
    // sheet that kept only the numbers)
    let mut by_number = Vec::new();
    for (i, p) in po.iter().enumerate() {
        if let Some(&j) = new_ids.get(old[i].id.as_str()) {
            if open_old(&state, i)
                && open_new(&state, j)
                && (p.key.is_empty() || pn[j].key.is_empty())
            {
                by_number.push((1.0, 1.0, i, j));
            }
        }
    }
    assign(&mut state, by_number, old, new, po, pn);

    // 3. similar texts: the candidates of each old item are independent of
    // the others', so they are found in parallel and assigned at once
    let index = Index::build(pn, |j| open_new(&state, j));
    let fuzzy: Vec<(f64, f64, usize, usize)> = {
        use rayon::prelude::*;
        let state = &state;
        // the open items first: each parallel slice makes its own counts
        // (a list long), so slices are made of open items only
        let open: Vec<usize> = (0..old.len()).filter(|&i| open_old(state, i)).collect();
        open.into_par_iter()
            .with_min_len(64)
            .map_init(
                || (vec![0u32; new.len()], Vec::new()),
                |(counts, touched), i| {
                    let mut cands = index.candidates(po[i].grams(), counts, touched);
                    if let Some(&j) = new_ids.get(old[i].id.as_str()) {
                        if !cands.contains(&j) {
                            cands.push(j);
                        }
                    }
                    cands
                        .into_iter()
                        .filter(|&j| open_new(state, j))
                        .filter_map(|j| {
                            let sim = similarity_from(&po[i], &pn[j], MIN_PAIR)?;
                            Some((sim + bonus(old, new, i, j), sim, i, j))
                        })
                        .collect::<Vec<_>>()
                },
            )
            .flatten_iter()
            .collect()
    };
    assign(&mut state, fuzzy, old, new, po, pn);

    // 4. splits and merges
    splits_and_merges(&mut state, po, pn, &blocked_old, &blocked_new);

    let mut pairs = state.pairs;
    pairs.sort_by_key(|p| (p.new, p.old));
    // A pin that only confirms what the aligner finds by itself is no
    // override: only overrides are marked pinned, so that the diff's own csv
    // used as a mapping gives the same diff again.
    if !mapping.pins.is_empty() {
        let automatic: HashSet<(usize, usize)> =
            align_sides(old_side, new_side, &Mapping::default())
                .pairs
                .iter()
                .map(|p| (p.old, p.new))
                .collect();
        for p in &mut pairs {
            if p.pinned && automatic.contains(&(p.old, p.new)) {
                p.pinned = false;
            }
        }
    }
    let removed = (0..old.len())
        .filter(|&i| state.old_to[i].is_empty())
        .collect();
    let added = (0..new.len())
        .filter(|&j| state.new_to[j].is_empty())
        .collect();
    Alignment {
        pairs,
        removed,
        added,
    }
}

/// Which side holds the whole: an old item split, or a new item merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Whole {
    Old,
    New,
}

/// A pair seen from a split's or a merge's point of view.
struct View<'a> {
    whole: Whole,
    wholes: &'a [Prepared<'a>],
    pieces: &'a [Prepared<'a>],
    blocked_wholes: &'a [bool],
    blocked_pieces: &'a [bool],
}

impl View<'_> {
    /// (old, new) of a whole and a piece.
    fn pair(&self, whole: usize, piece: usize) -> (usize, usize) {
        match self.whole {
            Whole::Old => (whole, piece),
            Whole::New => (piece, whole),
        }
    }

    fn partners_of_whole<'s>(&self, state: &'s State, w: usize) -> &'s [usize] {
        match self.whole {
            Whole::Old => &state.old_to[w],
            Whole::New => &state.new_to[w],
        }
    }

    fn partners_of_piece<'s>(&self, state: &'s State, p: usize) -> &'s [usize] {
        match self.whole {
            Whole::Old => &state.new_to[p],
            Whole::New => &state.old_to[p],
        }
    }
}

fn unpair(state: &mut State, old: usize, new: usize) {
    state.pairs.retain(|p| !(p.old == old && p.new == new));
    state.old_to[old].retain(|&n| n != new);
    state.new_to[new].retain(|&o| o != old);
}

/// One old text spread over several new items (or the reverse): each piece
/// lies mostly inside the whole, and the pieces together cover most of it.
fn splits_and_merges(
    state: &mut State,
    po: &[Prepared],
    pn: &[Prepared],
    blocked_old: &[bool],
    blocked_new: &[bool],
) {
    let split = View {
        whole: Whole::Old,
        wholes: po,
        pieces: pn,
        blocked_wholes: blocked_old,
        blocked_pieces: blocked_new,
    };
    gather(state, &split);
    let merge = View {
        whole: Whole::New,
        wholes: pn,
        pieces: po,
        blocked_wholes: blocked_new,
        blocked_pieces: blocked_old,
    };
    gather(state, &merge);
}

/// Find the wholes of one direction and re-pair their pieces.
fn gather(state: &mut State, view: &View<'_>) {
    // A whole is unpaired, or paired with a text not its own: items paired
    // with their identical text are never one.
    let mut settled = vec![false; view.wholes.len()];
    for p in state.pairs.iter().filter(|p| p.similarity >= 0.999) {
        settled[match view.whole {
            Whole::Old => p.old,
            Whole::New => p.new,
        }] = true;
    }
    // Earlier merges and splits are final.
    for p in state
        .pairs
        .iter()
        .filter(|p| matches!(p.reason, Reason::Split | Reason::Merged))
    {
        let (w, _) = match view.whole {
            Whole::Old => (p.old, p.new),
            Whole::New => (p.new, p.old),
        };
        settled[w] = true;
    }
    let index = Index::build(view.wholes, |w| !settled[w]);
    // A piece the similar-text stage paired weakly with something else (it
    // shares a clause) may still belong to a split or merge: its weak pair
    // gives way when the piece lies inside a whole far better than it
    // resembles its partner.
    let weak: HashMap<usize, (usize, f64)> = state
        .pairs
        .iter()
        .filter(|p| p.weak && !p.pinned && !matches!(p.reason, Reason::Split | Reason::Merged))
        .map(|p| match view.whole {
            Whole::Old => (p.new, (p.old, p.similarity)),
            Whole::New => (p.old, (p.new, p.similarity)),
        })
        .collect();

    let mut pieces: HashMap<usize, Vec<usize>> = HashMap::default();
    let mut loosened: Vec<(usize, usize)> = Vec::new();
    // the best whole of each free piece, found in parallel, in piece order:
    // (piece, whole, the piece's weak pair)
    type Found = (usize, usize, Option<(usize, f64)>);
    let best: Vec<Found> = {
        use rayon::prelude::*;
        let state = &*state;
        // the free pieces first: each parallel slice makes its own counts
        // (a list long), so slices are made of free pieces only
        let free: Vec<(usize, Option<(usize, f64)>)> = (0..view.pieces.len())
            .filter_map(|k| {
                let partners = view.partners_of_piece(state, k);
                let weak = weak.get(&k).copied().filter(|_| partners.len() == 1);
                let paired = !partners.is_empty() && weak.is_none();
                (!paired && !view.blocked_pieces[k]).then_some((k, weak))
            })
            .collect();
        free.into_par_iter()
            .with_min_len(64)
            .map_init(
                || (vec![0u32; view.wholes.len()], Vec::new()),
                |(counts, touched), (k, weak)| {
                    let piece = view.pieces[k].grams();
                    let best = index
                        .candidates(piece, counts, touched)
                        .into_iter()
                        .filter(|&w| {
                            !view.blocked_wholes[w]
                                && piece.len() * 20 <= view.wholes[w].grams().len() * 17
                        })
                        .filter(|&w| weak.is_none_or(|(p, _)| p != w))
                        .map(|w| (containment(piece, view.wholes[w].grams()), w))
                        .filter(|(c, _)| {
                            *c >= CONTAINED && weak.is_none_or(|(_, s)| *c >= s + 0.25)
                        })
                        .max_by(|a, b| a.0.total_cmp(&b.0));
                    best.map(|(_, w)| (k, w, weak))
                },
            )
            .flatten_iter()
            .collect()
    };
    for (k, w, weak) in best {
        pieces.entry(w).or_default().push(k);
        if let Some((p, _)) = weak {
            loosened.push((p, k));
        }
    }
    let mut wholes: Vec<usize> = pieces.keys().copied().collect();
    wholes.sort_unstable();
    for w in wholes {
        let whole = view.wholes[w].grams();
        // the whole's present partner is a piece too, if it lies inside
        let partner: Vec<usize> = view.partners_of_whole(state, w).to_vec();
        let inside = |k: usize| {
            containment(view.pieces[k].grams(), whole) >= CONTAINED
                && view.pieces[k].grams().len() < whole.len()
        };
        if !partner.iter().all(|&k| inside(k)) {
            continue;
        }
        let mut parts = pieces[&w].clone();
        parts.extend(partner.iter().copied());
        parts.sort_unstable();
        parts.dedup();
        let mut covered: Vec<u32> = parts
            .iter()
            .flat_map(|&k| view.pieces[k].grams().iter().copied())
            .collect();
        covered.sort_unstable();
        covered.dedup();
        if parts.len() < 2 || containment(whole, &covered) < 0.6 {
            continue;
        }
        for &k in &partner {
            let (old, new) = view.pair(w, k);
            unpair(state, old, new);
        }
        for &(other, k) in loosened.iter().filter(|(_, k)| parts.contains(k)) {
            let (old, new) = view.pair(other, k);
            unpair(state, old, new);
        }
        for k in parts {
            let (old, new) = view.pair(w, k);
            state.add(Pair {
                old,
                new,
                similarity: containment(view.pieces[k].grams(), whole),
                reason: match view.whole {
                    Whole::Old => Reason::Split,
                    Whole::New => Reason::Merged,
                },
                weak: false,
                pinned: false,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The radix sort puts (bigram, item) pairs in the order a
        /// comparison sort does (items within a bigram in item order).
        #[test]
        fn pairs_sorted_by_gram_as_a_comparison_sort_sorts_them(
            grams in proptest::collection::vec(proptest::prelude::any::<u32>(), 0..300),
            few in 1u32..6,
        ) {
            // some bigrams shared by several items, in item order
            let mut pairs: Vec<u64> = grams
                .iter()
                .enumerate()
                .map(|(i, &g)| (u64::from(if g % 2 == 0 { g % few } else { g }) << 32) | i as u64)
                .collect();
            let mut expected = pairs.clone();
            expected.sort_unstable();
            sort_by_gram(&mut pairs);
            proptest::prop_assert_eq!(pairs, expected);
        }

        /// The postings walked are the `n` shortest, ties by the bigram's
        /// place.
        #[test]
        fn the_rarest_postings_are_the_shortest(
            lengths in proptest::collection::vec(0usize..20, 0..100),
            n in 0usize..50,
        ) {
            let empty: &[u32] = &[];
            let mut postings: Vec<(usize, usize, &[u32])> =
                lengths.iter().enumerate().map(|(k, &len)| (len, k, empty)).collect();
            let mut expected: Vec<(usize, usize)> =
                postings.iter().map(|&(len, k, _)| (len, k)).collect();
            expected.sort_unstable();
            expected.truncate(n);
            let mut chosen: Vec<(usize, usize)> =
                rarest(&mut postings, n).iter().map(|&(len, k, _)| (len, k)).collect();
            chosen.sort_unstable();
            proptest::prop_assert_eq!(chosen, expected);
        }

        /// A similarity from a floor is the similarity where it reaches the
        /// floor, and nothing below it.
        #[test]
        fn a_similarity_from_a_floor_is_the_similarity_above_it(
            a in "[あいうえお漢字]{0,12}",
            b in "[あいうえお漢字]{0,12}",
            check_a in "[かきく点検]{0,8}",
            check_b in "[かきく点検]{0,8}",
            min in 0.0f64..1.0,
        ) {
            let items = [
                Item { check: check_a, ..item("1-1", &a) },
                Item { check: check_b, ..item("1-2", &b) },
            ];
            let p = prepare(&items, None);
            let full = similarity(&p[0], &p[1]);
            // a floor anywhere, and floors just at, under and over the pair
            for floor in [min, full, full - 0.01, full + 0.01] {
                let from = similarity_from(&p[0], &p[1], floor);
                proptest::prop_assert_eq!(from, (full >= floor).then_some(full));
            }
        }
    }

    fn item(id: &str, measure: &str) -> Item {
        let parts: Vec<&str> = id.split('-').collect();
        Item {
            id: id.to_owned(),
            major: parts.first().unwrap_or(&"").to_string(),
            middle: parts.get(1).unwrap_or(&"").to_string(),
            minor: String::new(),
            req: parts.last().unwrap_or(&"").to_string(),
            category: String::new(),
            level: None,
            measure: measure.to_owned(),
            guideline: String::new(),
            ref_: String::new(),
            check: String::new(),
            sheet: None,
            row: 1,
            origin: crate::record::IdOrigin::Printed,
        }
    }

    /// A list prepared beside another folds its texts as it would alone,
    /// whatever the other list holds under the same raw texts.
    #[test]
    fn a_list_prepared_beside_another_is_prepared_as_alone() {
        let with_check = |id: &str, measure: &str, check: &str| Item {
            check: check.to_owned(),
            ..item(id, measure)
        };
        let other = vec![
            // a requirement text of white space alone: its key is the check
            with_check("1-1", "\u{3000} ", "点検ＯＫ"),
            with_check("1-2", "Ｗｉｄｅ Text", "・記録"),
            with_check("1-3", "", "\u{3000} "),
            with_check("1-4", "同じ", "同じ"),
        ];
        let items = vec![
            with_check("2-1", "\u{3000} ", "別の点検"),
            with_check("2-2", "Ｗｉｄｅ Text", "\u{3000} "),
            with_check("2-3", "点検ＯＫ", "Ｗｉｄｅ Text"),
            with_check("2-4", "", "同じ"),
            with_check("2-5", "新しい要件", ""),
        ];
        let other = Side::new(&other);
        let key = |p: &Prepared| (p.key.to_string(), p.from_measure, p.check.to_string());
        let alone: Vec<_> = prepare(&items, None).iter().map(key).collect();
        let beside: Vec<_> = Side::beside(&items, &other)
            .prepared
            .iter()
            .map(key)
            .collect();
        assert_eq!(beside, alone);
        assert_eq!(alone[0].0, "別の点検");
        assert!(!alone[0].1);
        assert_eq!(alone[1].0, "widetext");
    }

    #[test]
    fn renumbered_reworded_added_removed() {
        let old = vec![
            item(
                "1-1-1",
                "情報セキュリティ基本方針を定め、経営陣が承認すること。",
            ),
            item("1-1-2", "基本方針を定期的に見直すこと。"),
            item("1-1-3", "外部委託先の管理手順を定めること。"),
        ];
        let new = vec![
            item("1-1-1", "基本方針を定期的に見直すこと。"),
            item(
                "1-1-2",
                "情報セキュリティ基本方針を定め、経営陣が承認し、従業員に周知すること。",
            ),
            item("1-1-3", "クラウドサービスの利用方針を定めること。"),
        ];
        let a = align(&old, &new, &Mapping::default());
        let by_old: HashMap<usize, &Pair> = a.pairs.iter().map(|p| (p.old, p)).collect();
        assert_eq!(by_old[&1].new, 0);
        assert_eq!(by_old[&1].reason, Reason::Renumbered);
        assert_eq!(by_old[&0].new, 1);
        assert_eq!(by_old[&0].reason, Reason::Reworded);
        assert!(by_old[&0].similarity > 0.6 && by_old[&0].similarity < 1.0);
        assert_eq!(a.removed, vec![2]);
        assert_eq!(a.added, vec![2]);
    }

    #[test]
    fn split_and_merge() {
        let old = vec![
            item(
                "1-1",
                "アクセスログを取得し、一年以上保管し、定期的に点検すること。",
            ),
            item("1-2", "パスワードは八文字以上とすること。"),
            item("1-3", "パスワードは定期的に変更すること。"),
        ];
        let new = vec![
            item("1-1", "アクセスログを取得し、一年以上保管すること。"),
            item("1-2", "アクセスログを定期的に点検すること。"),
            item("1-3", "パスワードは八文字以上とし、定期的に変更すること。"),
        ];
        let a = align(&old, &new, &Mapping::default());
        let split: Vec<(usize, usize)> = a
            .pairs
            .iter()
            .filter(|p| p.reason == Reason::Split)
            .map(|p| (p.old, p.new))
            .collect();
        assert_eq!(split, vec![(0, 0), (0, 1)]);
        let merged: Vec<(usize, usize)> = a
            .pairs
            .iter()
            .filter(|p| p.reason == Reason::Merged)
            .map(|p| (p.old, p.new))
            .collect();
        assert_eq!(merged, vec![(1, 2), (2, 2)]);
        assert!(a.removed.is_empty() && a.added.is_empty(), "{a:?}");
    }

    #[test]
    fn identical_texts_decided_by_position_and_group() {
        let old = vec![
            item("1-1", "規程を定めること。"),
            item("2-1", "規程を定めること。"),
        ];
        let new = vec![
            item("1-1", "規程を定めること。"),
            item("2-1", "規程を定めること。"),
        ];
        let a = align(&old, &new, &Mapping::default());
        assert_eq!(
            a.pairs.iter().map(|p| (p.old, p.new)).collect::<Vec<_>>(),
            vec![(0, 0), (1, 1)]
        );
        assert!(a.pairs.iter().all(|p| p.reason == Reason::Same));
    }

    #[test]
    fn formatting_is_no_change() {
        let old = vec![item("1-1", "情報資産の台帳を\n作成すること。")];
        let new = vec![item("1-1", "情報資産の台帳を 作成すること。")];
        let a = align(&old, &new, &Mapping::default());
        assert_eq!(a.pairs[0].reason, Reason::Same);
        assert_eq!(a.pairs[0].similarity, 1.0);
    }

    #[test]
    fn pins_win() {
        let old = vec![
            item("1-1", "甲の手順を定めること。"),
            item("1-2", "乙の手順を定めること。"),
        ];
        let new = vec![
            item("1-1", "甲の手順を定めること。"),
            item("1-2", "乙の手順を定めること。"),
        ];
        let mapping = Mapping {
            pins: vec![("1-1".into(), "1-2".into())],
            ..Mapping::default()
        };
        let a = align(&old, &new, &mapping);
        assert!(a.pairs.iter().any(|p| p.old == 0 && p.new == 1 && p.pinned));
        assert!(a.pairs.iter().any(|p| p.old == 1 && p.new == 0));
    }
}
