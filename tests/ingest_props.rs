//! Property: ingest drops nothing a vendor wrote. A submission made from the
//! seed catalog with random deletions, duplicated rows, rows of the vendor's
//! own, groups reordered and requirement texts slightly edited is written as
//! csv and ingested through the library (as `checksheet ingest` does); every
//! non-empty answer, evidence and remarks cell must come out on the row that
//! holds it (an item's row or an extra row), or in the note of the item it
//! duplicates.
//!
//! 32 cases from a fixed seed; `PROPTEST_RNG_SEED=N` and `PROPTEST_CASES=N`
//! explore further.

use std::path::Path;
use std::sync::OnceLock;

use checksheet::answer::Vocabulary;
use checksheet::catalog::{self, Catalog, CatalogOptions, Item, Level};
use checksheet::ingest::{self, Ingest, Status};
use checksheet::submission;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

fn seed_catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hispro-seed.txt");
        catalog::read(&path, &CatalogOptions::default()).expect("the seed reads")
    })
}

/// Runs of catalog items sharing a group, as item indices.
fn groups(items: &[Item]) -> &'static [Vec<usize>] {
    static GROUPS: OnceLock<Vec<Vec<usize>>> = OnceLock::new();
    GROUPS.get_or_init(|| {
        let mut out: Vec<Vec<usize>> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match out.last_mut() {
                Some(g) if items[g[0]].group() == item.group() => g.push(i),
                _ => out.push(vec![i]),
            }
        }
        out
    })
}

/// What the vendor did to the checklist.
#[derive(Debug, Clone)]
struct Plan {
    /// Items whose row the vendor deleted.
    deleted: Vec<usize>,
    /// Items whose row the vendor pasted twice.
    duplicated: Vec<usize>,
    /// Items whose requirement text the vendor edited: the item and where.
    edited: Vec<(usize, u16)>,
    /// Items after which the vendor added a row of its own.
    inserted: Vec<usize>,
    /// Groups (by position, modulo their count) whose rows the vendor reordered.
    shuffled: Vec<usize>,
    /// Seed of the responses and of the reordering.
    content: u64,
}

fn plan() -> impl Strategy<Value = Plan> {
    let n = 504usize;
    (
        prop::collection::vec(0..n, 0..6),
        prop::collection::vec(0..n, 0..3),
        prop::collection::vec((0..n, any::<u16>()), 0..4),
        prop::collection::vec(0..n, 0..4),
        prop::collection::vec(0..100usize, 0..4),
        any::<u64>(),
    )
        .prop_map(
            |(deleted, duplicated, edited, inserted, shuffled, content)| Plan {
                deleted,
                duplicated,
                edited,
                inserted,
                shuffled,
                content,
            },
        )
}

/// A small linear congruential generator for the content of the cells.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n.max(1) as u64) as usize
    }
}

const ANSWERS: [&str; 12] = [
    "○",
    "○",
    "○",
    "×",
    "△",
    "－",
    "〇",
    "○（実施済み）",
    "検討中",
    "",
    "はい",
    "Yes",
];
const DOCUMENTS: [&str; 5] = [
    "情報セキュリティ基本方針",
    "運用管理規程",
    "入退室管理規程",
    "事業継続計画書",
    "SLA",
];
const NOTES: [&str; 5] = [
    "来期対応予定",
    "一部のシステムのみ対応済み。\n残りは来年度。",
    "再委託先なし",
    "年1回、内部監査で確認",
    "担当部署に確認中",
];
const OWN: [&str; 4] = [
    "【当社追加】第三者機関による脆弱性診断を年1回以上実施すること。",
    "【当社追加】問い合わせ窓口を設け、一次回答の目標時間を定めること。",
    "【当社追加】委託先の監査報告書を毎年入手し、内容を確認すること。",
    "【当社追加】バックアップからの復旧訓練を年2回実施すること。",
];

/// One response, different on every row where it is not empty.
fn response(rng: &mut Lcg, record: usize) -> [String; 3] {
    let answer = ANSWERS[rng.below(ANSWERS.len())].to_owned();
    let evidence = match rng.below(4) {
        0 => String::new(),
        1 => format!(
            "{} 第{}章\n{} {record}",
            DOCUMENTS[rng.below(5)],
            1 + rng.below(9),
            DOCUMENTS[rng.below(5)]
        ),
        _ => format!(
            "{} 第{}条（{record}）",
            DOCUMENTS[rng.below(5)],
            1 + rng.below(30)
        ),
    };
    let remarks = if rng.below(5) == 0 {
        format!("{}（{record}）", NOTES[rng.below(NOTES.len())])
    } else {
        String::new()
    };
    [answer, evidence, remarks]
}

/// A slight edit of a text: a few characters inserted, replaced or removed.
fn edit(text: &str, at: u16) -> String {
    let chars: Vec<char> = text.chars().collect();
    let p = at as usize % chars.len().max(1);
    let mut out: Vec<char> = chars[..p].to_vec();
    match at % 3 {
        0 => out.extend("（当社注記）".chars()),
        1 => out.push('◆'),
        _ => {}
    }
    out.extend(chars.iter().skip(p + usize::from(at % 3 != 0)));
    out.into_iter().collect()
}

/// A row written into the submission: its record number and its cells.
struct Written {
    record: u32,
    cells: [String; 3],
}

/// The submission of a plan as csv text, and what each row holds.
fn write_submission(plan: &Plan) -> (String, Vec<Written>) {
    let items = &seed_catalog().items;
    let groups = groups(items);
    let mut rng = Lcg(plan.content);
    let mut order: Vec<Vec<usize>> = groups.to_vec();
    for &g in &plan.shuffled {
        let g = g % order.len();
        let run = &mut order[g];
        for i in (1..run.len()).rev() {
            let j = rng.below(i + 1);
            run.swap(i, j);
        }
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "項番",
        "必須/推奨",
        "対策項目",
        "確認項目",
        "回答",
        "根拠資料",
        "備考",
    ])
    .expect("csv");
    let mut written = Vec::new();
    let mut own = 0usize;
    let mut record = 1u32;
    let mut row = |out: &mut csv::Writer<Vec<u8>>, fields: [&str; 4], rng: &mut Lcg| {
        record += 1;
        let cells = response(rng, record as usize);
        out.write_record(
            fields
                .iter()
                .copied()
                .chain(cells.iter().map(String::as_str)),
        )
        .expect("csv");
        written.push(Written { record, cells });
    };
    for &i in order.iter().flatten() {
        let item = &items[i];
        let level = match item.level {
            Some(Level::Required) => "必須",
            Some(Level::Recommended) => "推奨",
            None => "",
        };
        let mut measure = item.measure.clone();
        for &(_, at) in plan.edited.iter().filter(|(e, _)| *e == i) {
            measure = edit(&measure, at);
        }
        if !plan.deleted.contains(&i) {
            let copies = 1 + plan.duplicated.iter().filter(|&&d| d == i).count();
            for _ in 0..copies {
                row(&mut out, [&item.id, level, &measure, &item.check], &mut rng);
            }
        }
        for _ in plan.inserted.iter().filter(|&&n| n == i) {
            let text = format!("{}（{own}）", OWN[own % OWN.len()]);
            let id = if own % 2 == 0 {
                format!("{}-{}", item.group(), 900 + own)
            } else {
                String::new()
            };
            own += 1;
            row(&mut out, [&id, "", &text, ""], &mut rng);
        }
    }
    let bytes = out.into_inner().expect("csv");
    (String::from_utf8(bytes).expect("UTF-8"), written)
}

fn ingest_text(text: &str) -> Ingest {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("submission.csv");
    std::fs::write(&path, text).expect("the submission is written");
    let sub = catalog::read(&path, &CatalogOptions::default()).expect("the submission reads");
    let vocabulary = Vocabulary::default();
    let responses = submission::responses(&sub, &vocabulary);
    let orphans = submission::of_records(&sub.orphans, &vocabulary);
    ingest::ingest(seed_catalog(), &sub, &responses, &orphans)
}

/// Where the cells of a written row came out, or why they did not.
fn lost(result: &Ingest, w: &Written) -> Option<String> {
    let [answer, evidence, remarks] = &w.cells;
    if answer.is_empty() && evidence.is_empty() && remarks.is_empty() {
        return None;
    }
    let on_its_row = result.rows.iter().any(|p| {
        p.status != Status::Missing
            && p.row == Some(w.record)
            && p.response.answer_raw == *answer
            && p.response.evidence == *evidence
            && p.response.remarks == *remarks
    });
    if on_its_row {
        return None;
    }
    let marker = format!("on row {}: ", w.record);
    let in_a_note = result.rows.iter().any(|p| {
        p.note.split("; ").any(|part| {
            part.contains(&marker)
                && [
                    ("answer", answer),
                    ("evidence", evidence),
                    ("remarks", remarks),
                ]
                .iter()
                .all(|(what, v)| v.is_empty() || part.contains(&format!("{what} {v:?}")))
        })
    });
    if in_a_note {
        return None;
    }
    let shown: Vec<String> = result
        .rows
        .iter()
        .filter(|p| p.row == Some(w.record))
        .map(|p| {
            format!(
                "{} {} answer_raw {:?} evidence {:?} remarks {:?} note {:?}",
                p.id,
                p.status.as_str(),
                p.response.answer_raw,
                p.response.evidence,
                p.response.remarks,
                p.note
            )
        })
        .collect();
    Some(format!(
        "record {}: answer {answer:?}, evidence {evidence:?}, remarks {remarks:?} lost; rows at that record: {shown:?}",
        w.record
    ))
}

fn config() -> ProptestConfig {
    let base = ProptestConfig::default();
    let from_env = |name: &str| std::env::var_os(name).is_some();
    ProptestConfig {
        cases: if from_env("PROPTEST_CASES") {
            base.cases
        } else {
            32
        },
        rng_seed: if from_env("PROPTEST_RNG_SEED") {
            base.rng_seed
        } else {
            RngSeed::Fixed(20240614)
        },
        max_shrink_iters: 64,
        failure_persistence: None,
        ..base
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn no_response_is_dropped(plan in plan()) {
        let (text, written) = write_submission(&plan);
        let result = ingest_text(&text);
        let losses: Vec<String> = written.iter().filter_map(|w| lost(&result, w)).collect();
        if !losses.is_empty() {
            let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ingest-props-failure.csv");
            let _ = std::fs::write(&keep, &text);
            prop_assert!(
                false,
                "{} of {} rows lost responses (submission kept in {}):\n{}",
                losses.len(),
                written.len(),
                keep.display(),
                losses.iter().take(10).cloned().collect::<Vec<_>>().join("\n")
            );
        }
    }
}

/// The generator itself: a plan with nothing in it gives the seed's items
/// with their responses in place (the property would hold vacuously if the
/// submission did not read).
#[test]
fn an_untouched_submission_places_every_item() {
    let plan = Plan {
        deleted: vec![],
        duplicated: vec![],
        edited: vec![],
        inserted: vec![],
        shuffled: vec![],
        content: 7,
    };
    let (text, written) = write_submission(&plan);
    let result = ingest_text(&text);
    assert_eq!(written.len(), 504);
    assert_eq!(result.count(Status::Missing), 0);
    assert_eq!(result.count(Status::Extra), 0);
    assert_eq!(result.count(Status::Ok), 504);
    for w in &written {
        assert_eq!(lost(&result, w), None);
    }
}

/// The two other ways out, taken on purpose: a pasted copy is told in its
/// item's note, rows of the vendor's own (numbered or not) are extra rows.
#[test]
fn copies_go_to_the_note_and_own_rows_are_extra() {
    let plan = Plan {
        deleted: vec![3],
        duplicated: vec![40],
        edited: vec![],
        inserted: vec![100, 101],
        shuffled: vec![],
        content: 11,
    };
    let (text, written) = write_submission(&plan);
    let result = ingest_text(&text);
    let items = &seed_catalog().items;
    let status_of = |i: usize| {
        result
            .rows
            .iter()
            .find(|p| p.item == Some(i))
            .map(|p| p.status)
    };
    assert_eq!(status_of(3), Some(Status::Missing));
    assert_eq!(status_of(40), Some(Status::Duplicate), "{}", items[40].id);
    assert_eq!(result.count(Status::Extra), 2);
    // The copy is the row after item 40's own.
    let copy = written
        .iter()
        .position(|w| w.record == result.rows[40].row.unwrap_or_default())
        .map(|k| &written[k + 1])
        .expect("the copy row");
    let marker = format!("on row {}: ", copy.record);
    assert!(
        result.rows[40].note.contains(&marker),
        "note of {}: {:?}",
        items[40].id,
        result.rows[40].note
    );
    for w in &written {
        assert_eq!(lost(&result, w), None);
    }
}
