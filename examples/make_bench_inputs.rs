//! Writes the inputs of `bench/compare.py`: checklists of any size in the
//! owner's layout, one very large machine-exported workbook, and vendor
//! submissions of the 500-item checklist.
//!
//! ```text
//! cargo run --release --example make_bench_inputs -- OUT_DIR \
//!     [--sizes 500,10000,100000] [--big-rows 1000000] [--submissions 1000]
//! ```
//!
//! Into `OUT_DIR`:
//!
//! - `checklist-N.xlsx` for each size N: N items in the owner's layout of
//!   `samples/hispro-checklist.xlsx` (the layout code is
//!   `examples/make_samples.rs`, included here as a module): cover and
//!   revision-history sheets, title rows, the two-row header with 項番 merged
//!   over 大分類 中分類 小分類 要件, repeated every 45 items as at page breaks,
//!   section rows, vertically merged group cells, wrapped text and a line
//!   break in every 7th requirement.
//! - `big.xlsx`: `--big-rows` items (default a million) in one checklist
//!   sheet as a machine exports it: the header once at the top, every number
//!   on every row, no merged cells, written with rust_xlsxwriter's
//!   constant-memory worksheet, which writes each row as it comes and its
//!   strings inline (`t="inlineStr"`), as streaming exporters such as Apache
//!   POI's SXSSF do, so that the generator itself stays lean.
//! - `submissions/sub-NNNN.xlsx` (`--submissions`, default 1000): the
//!   500-item checklist filled in by a vendor (回答, 根拠資料, 備考 columns
//!   added), each with its own answers: ○ × △ － or はい/いいえ/一部対応/
//!   該当なし or both mixed, a few unanswered, evidence on most answered
//!   items, remarks on some; and `catalog-500.xlsx`, the template they answer
//!   (the same workbook as `checklist-500.xlsx`).
//!
//! The revision pairs for `diff` are not written here: `bench/compare.py`
//! writes them with `bench/diff_vs_daff.py`'s generator, which also records
//! the truth the pairing is scored against.
//!
//! The items are made from the seed checklist's (`samples/hispro-seed.txt`,
//! read through the library): each requirement joins clauses of the seed's
//! requirements anew, each check point is one of the seed's, guidelines and
//! references are the seed's, so that the texts read like the real thing and
//! are mostly distinct (the big workbook must not compress to nothing).
//! Group sizes and numbering are drawn by a fixed-seed LCG; the major and
//! middle numbers grow with the size. Document properties are pinned: the
//! same arguments give byte-identical files.

use std::collections::{BTreeSet, HashSet};
use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

use checksheet::catalog::{self, Item, Level};
use checksheet::record::IdOrigin;

// The owner's layout and the sample generator's LCG (its `main` and its
// revision are not used here).
#[allow(dead_code)]
#[path = "make_samples.rs"]
mod samples;

use samples::Lcg;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// The checklist the submissions answer, and its size.
const SUBMITTED_SIZE: usize = 500;

/// The generator's seed; each size, the big workbook and each submission
/// derive their own from it.
const SEED: u64 = 0x4255_4E43_4845_5331;

/// How the command line asks.
struct Args {
    out_dir: PathBuf,
    sizes: Vec<usize>,
    big_rows: usize,
    submissions: usize,
}

const USAGE: &str = "usage: make_bench_inputs OUT_DIR [--sizes 500,10000,100000] \
                     [--big-rows 1000000] [--submissions 1000] (0 or an empty list: none)";

fn parse_args() -> Result<Args> {
    let mut args = std::env::args().skip(1);
    let mut out_dir = None;
    let mut sizes = vec![500, 10_000, 100_000];
    let mut big_rows = 1_000_000;
    let mut submissions = 1_000;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value; {USAGE}"));
        match arg.as_str() {
            "--sizes" => {
                // An empty list writes no checklists (the other inputs only).
                sizes = value("--sizes")?
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| s.trim().parse::<usize>())
                    .collect::<std::result::Result<_, _>>()
                    .map_err(|e| format!("--sizes: {e}"))?
            }
            "--big-rows" => big_rows = value("--big-rows")?.parse()?,
            "--submissions" => submissions = value("--submissions")?.parse()?,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ if arg.starts_with('-') => return Err(format!("unknown flag {arg}; {USAGE}").into()),
            _ if out_dir.is_none() => out_dir = Some(PathBuf::from(arg)),
            _ => return Err(format!("one OUT_DIR only; {USAGE}").into()),
        }
    }
    let out_dir = out_dir.ok_or(USAGE)?;
    if sizes.contains(&0) {
        return Err("--sizes: a checklist needs at least one item".into());
    }
    Ok(Args {
        out_dir,
        sizes,
        big_rows,
        submissions,
    })
}

fn main() -> Result<()> {
    let args = parse_args()?;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let seed = root.join("samples/hispro-seed.txt");
    let cat = catalog::read(&seed, &Default::default())
        .map_err(|e| format!("{}: {e}", seed.display()))?;
    let vocabulary = Vocabulary::of(&cat.items)?;
    std::fs::create_dir_all(&args.out_dir)?;

    for &n in &args.sizes {
        let started = Instant::now();
        let items = checklist(n, &vocabulary);
        let path = args.out_dir.join(format!("checklist-{n}.xlsx"));
        std::fs::write(&path, samples::checklist_workbook(&items, &samples::FIRST)?)?;
        report(&path, &format!("{n} items"), started)?;
    }

    if args.submissions > 0 {
        let started = Instant::now();
        let items = checklist(SUBMITTED_SIZE, &vocabulary);
        let template = samples::checklist_workbook(&items, &samples::FIRST)?;
        let path = args.out_dir.join(format!("catalog-{SUBMITTED_SIZE}.xlsx"));
        std::fs::write(&path, &template)?;
        report(
            &path,
            &format!("{SUBMITTED_SIZE} items, the template"),
            started,
        )?;
        let started = Instant::now();
        let dir = args.out_dir.join("submissions");
        let bytes = write_submissions(&items, args.submissions, &dir)?;
        println!(
            "wrote {} submissions of {SUBMITTED_SIZE} items into {} ({}, {:.1} s)",
            args.submissions,
            dir.display(),
            megabytes(bytes),
            started.elapsed().as_secs_f64()
        );
    }

    if args.big_rows > 0 {
        let started = Instant::now();
        let path = args.out_dir.join("big.xlsx");
        write_big(&path, args.big_rows, &vocabulary, &args.out_dir)?;
        report(&path, &format!("{} item rows", args.big_rows), started)?;
    }
    Ok(())
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn report(path: &Path, what: &str, started: Instant) -> Result<()> {
    let size = std::fs::metadata(path)?.len();
    println!(
        "wrote {} ({what}, {}, {:.1} s)",
        path.display(),
        megabytes(size),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// Texts recombined from the seed
// ---------------------------------------------------------------------------

/// The pieces of the seed's items that new items are made of.
struct Vocabulary {
    /// Clauses that open a sentence (all but the last of a sentence).
    heads: Vec<String>,
    /// Clauses that end a sentence (without its 「。」).
    tails: Vec<String>,
    /// Check points (without their 「・」).
    checks: Vec<String>,
    guidelines: Vec<String>,
    refs: Vec<String>,
    /// Names of major, middle and minor categories.
    majors: Vec<String>,
    middles: Vec<String>,
    minors: Vec<String>,
}

impl Vocabulary {
    fn of(items: &[Item]) -> Result<Vocabulary> {
        let mut heads = BTreeSet::new();
        let mut tails = BTreeSet::new();
        let mut checks = BTreeSet::new();
        let (mut majors, mut middles, mut minors) =
            (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for item in items {
            // Bulleted sentences (`… ・…`) are sentences of their own.
            let text = item.measure.replace('\n', "").replace([' ', '　'], " ");
            for sentence in text.replace(" ・", "。").split('。') {
                let balanced = [('(', ')'), ('（', '）'), ('「', '」')]
                    .iter()
                    .all(|&(o, c)| sentence.matches(o).count() == sentence.matches(c).count());
                let clauses = clauses_of(sentence);
                if !balanced || clauses.len() < 2 {
                    continue;
                }
                let (last, first) = clauses.split_last().expect("two clauses");
                heads.extend(
                    first
                        .iter()
                        .filter(|c| (4..=40).contains(&c.chars().count()))
                        .cloned(),
                );
                if (6..=50).contains(&last.chars().count()) {
                    tails.insert(last.clone());
                }
            }
            for point in item.check.split('・') {
                let point = point.trim();
                if (6..=60).contains(&point.chars().count()) {
                    checks.insert(point.to_owned());
                }
            }
            let (major, middle, minor) = category_names(&item.category);
            majors.extend(major);
            middles.extend(middle);
            minors.extend(minor);
        }
        let sorted = |set: BTreeSet<String>| set.into_iter().collect::<Vec<_>>();
        let of_items = |field: fn(&Item) -> &str| {
            sorted(
                items
                    .iter()
                    .map(field)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            )
        };
        let vocabulary = Vocabulary {
            heads: sorted(heads),
            tails: sorted(tails),
            checks: sorted(checks),
            guidelines: of_items(|i| &i.guideline),
            refs: of_items(|i| &i.ref_),
            majors: sorted(majors),
            middles: sorted(middles),
            minors: sorted(minors),
        };
        for (what, list) in [
            ("opening clauses", &vocabulary.heads),
            ("closing clauses", &vocabulary.tails),
            ("check points", &vocabulary.checks),
            ("guidelines", &vocabulary.guidelines),
            ("references", &vocabulary.refs),
            ("major categories", &vocabulary.majors),
            ("middle categories", &vocabulary.middles),
            ("minor categories", &vocabulary.minors),
        ] {
            if list.len() < 3 {
                return Err(format!("the seed gave {} {what}: too few", list.len()).into());
            }
        }
        Ok(vocabulary)
    }

    fn pick<'a>(list: &'a [String], rng: &mut Lcg) -> &'a str {
        &list[rng.below(list.len())]
    }

    /// A sentence: distinct opening clauses (as many as `texts` draws) and
    /// a closing one.
    fn sentence(&self, rng: &mut Lcg, texts: Texts, out: &mut String) {
        let n = texts.heads[rng.below(texts.heads.len())];
        let mut chosen: Vec<usize> = Vec::with_capacity(n);
        while chosen.len() < n {
            let k = rng.below(self.heads.len());
            if !chosen.contains(&k) {
                chosen.push(k);
            }
        }
        for k in chosen {
            out.push_str(&self.heads[k]);
            out.push('、');
        }
        out.push_str(Self::pick(&self.tails, rng));
        out.push('。');
    }

    /// A requirement of one sentence, or of two as often as `texts` says.
    fn requirement(&self, rng: &mut Lcg, texts: Texts) -> String {
        let mut text = String::new();
        self.sentence(rng, texts, &mut text);
        if rng.below(100) < texts.two_sentences {
            self.sentence(rng, texts, &mut text);
        }
        text
    }

    /// One check point, or two as often as `texts` says.
    fn check(&self, rng: &mut Lcg, texts: Texts) -> String {
        let first = Self::pick(&self.checks, rng);
        if rng.below(100) < texts.two_points {
            format!("・{first} ・{}", Self::pick(&self.checks, rng))
        } else {
            format!("・{first}")
        }
    }
}

/// How long the texts of the items are.
#[derive(Clone, Copy)]
struct Texts {
    /// The numbers of opening clauses a sentence is drawn with.
    heads: &'static [usize],
    /// Percent of the requirements that have two sentences.
    two_sentences: usize,
    /// Percent of the check cells that have two points.
    two_points: usize,
}

/// The owner's checklists: about as long as the seed's texts.
const OWNER_TEXTS: Texts = Texts {
    heads: &[1, 2, 2, 3],
    two_sentences: 30,
    two_points: 33,
};

/// The machine export: shorter texts, so that a million rows make about
/// 100 MB (the size issue 7 asks for) rather than half as much again.
const EXPORT_TEXTS: Texts = Texts {
    heads: &[1],
    two_sentences: 10,
    two_points: 0,
};

/// The clauses of a sentence: split at 「、」 outside brackets.
fn clauses_of(sentence: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in sentence.chars() {
        match c {
            '(' | '（' | '「' | '『' | '【' => depth += 1,
            ')' | '）' | '」' | '』' | '】' => depth = depth.saturating_sub(1),
            '、' if depth == 0 => {
                out.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    out.push(current);
    out.into_iter()
        .map(|c| c.trim().trim_start_matches('・').trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect()
}

/// The major, middle and minor names of a seed category such as
/// `2. 機能と運用 1)安全管理上の 要求事項 ②人的安全性`, without their
/// numbers and with the line-wrap spaces removed.
fn category_names(category: &str) -> (Option<String>, Option<String>, Option<String>) {
    let circled = |c: char| ('①'..='⑳').contains(&c);
    let clean = |s: &str| {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (!s.is_empty()).then_some(s)
    };
    // "N. name" up to the middle's "N)" or the minor's circled number.
    let rest = category.trim();
    let Some((_, rest)) = rest.split_once(". ") else {
        return (None, None, None);
    };
    let minor_at = rest.find(circled);
    let middle_at = rest.find(')').and_then(|p| {
        let digits = rest[..p].trim_end();
        let start = digits.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        (start < digits.len() && minor_at.is_none_or(|m| p < m)).then_some((start, p))
    });
    let major_end = middle_at
        .map(|(start, _)| start)
        .or(minor_at)
        .unwrap_or(rest.len());
    let major = clean(&rest[..major_end]);
    let middle = middle_at.and_then(|(_, p)| clean(&rest[p + 1..minor_at.unwrap_or(rest.len())]));
    let minor = minor_at.and_then(|m| {
        let after = &rest[m..];
        clean(after.trim_start_matches(circled))
    });
    (major, middle, minor)
}

/// The label of minor group `n`: ① … ⑳, then (21), (22) …
fn circled(n: usize) -> String {
    match char::from_u32('①' as u32 + n as u32 - 1) {
        Some(c) if (1..=20).contains(&n) => c.to_string(),
        _ => format!("({n})"),
    }
}

// ---------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------

/// The numbering of a growing checklist: each major group has 1 to 4 middle
/// groups, each of them 1 to 4 minor groups of 3 to 30 items, so that 500
/// items come to about five major groups, as in the seed, and the major
/// numbers grow with the size.
struct Numbering {
    major: usize,
    middle: usize,
    minor: usize,
    req: usize,
    middles_left: usize,
    minors_left: usize,
    items_left: usize,
    middle_name: String,
    category: String,
}

impl Numbering {
    fn new() -> Numbering {
        Numbering {
            major: 0,
            middle: 0,
            minor: 0,
            req: 0,
            middles_left: 0,
            minors_left: 0,
            items_left: 0,
            middle_name: String::new(),
            category: String::new(),
        }
    }

    /// Move to the next item, opening groups as the current ones fill up.
    fn advance(&mut self, rng: &mut Lcg, vocabulary: &Vocabulary) {
        if self.items_left == 0 {
            if self.minors_left == 0 {
                if self.middles_left == 0 {
                    self.major += 1;
                    self.middle = 0;
                    self.middles_left = 1 + rng.below(4);
                }
                self.middle += 1;
                self.middles_left -= 1;
                self.minor = 0;
                self.minors_left = 1 + rng.below(4);
                self.middle_name = Vocabulary::pick(&vocabulary.middles, rng).to_owned();
            }
            self.minor += 1;
            self.minors_left -= 1;
            self.req = 0;
            self.items_left = 3 + rng.below(28);
            // A major group keeps its name; names repeat after the seed's.
            let major_name = &vocabulary.majors[(self.major - 1) % vocabulary.majors.len()];
            let minor_name = Vocabulary::pick(&vocabulary.minors, rng);
            self.category = format!(
                "{}. {major_name} {}) {} {}{minor_name}",
                self.major,
                self.middle,
                self.middle_name,
                circled(self.minor)
            );
        }
        self.req += 1;
        self.items_left -= 1;
    }
}

/// The next item of a checklist being made.
fn next_item(
    numbering: &mut Numbering,
    rng: &mut Lcg,
    vocabulary: &Vocabulary,
    texts: Texts,
) -> Item {
    numbering.advance(rng, vocabulary);
    let n = &*numbering;
    let level = if rng.below(100) < 85 {
        Level::Required
    } else {
        Level::Recommended
    };
    Item {
        id: format!("{}-{}-{}-{}", n.major, n.middle, n.minor, n.req),
        major: n.major.to_string(),
        middle: n.middle.to_string(),
        minor: n.minor.to_string(),
        req: n.req.to_string(),
        category: n.category.clone(),
        level: Some(level),
        measure: vocabulary.requirement(rng, texts),
        guideline: Vocabulary::pick(&vocabulary.guidelines, rng).to_owned(),
        ref_: Vocabulary::pick(&vocabulary.refs, rng).to_owned(),
        check: vocabulary.check(rng, texts),
        sheet: None,
        row: 0,
        origin: IdOrigin::Printed,
    }
}

/// A checklist of `n` items whose requirements are all distinct (each size
/// draws from its own seed, so a bigger list is not a longer smaller one).
fn checklist(n: usize, vocabulary: &Vocabulary) -> Vec<Item> {
    let mut rng = Lcg(SEED ^ n as u64);
    let mut numbering = Numbering::new();
    let mut taken = HashSet::with_capacity(n);
    let mut items = Vec::with_capacity(n);
    while items.len() < n {
        let mut item = next_item(&mut numbering, &mut rng, vocabulary, OWNER_TEXTS);
        while !taken.insert(item.measure.clone()) {
            item.measure = vocabulary.requirement(&mut rng, OWNER_TEXTS);
        }
        items.push(item);
    }
    items
}

// ---------------------------------------------------------------------------
// Submissions
// ---------------------------------------------------------------------------

/// How a vendor writes its answers.
#[derive(Clone, Copy)]
enum Notation {
    /// ○ △ × －
    Symbols,
    /// はい 一部対応 いいえ 該当なし
    Words,
    /// Either, row by row (two people filled the sheet in).
    Mixed,
}

const DOCUMENTS: [&str; 12] = [
    "情報セキュリティ基本方針",
    "情報セキュリティ管理規程",
    "運用管理規程",
    "外部委託管理規程",
    "入退室管理規程",
    "システム運用手順書",
    "事業継続計画書（BCP）",
    "個人情報保護規程",
    "アクセス管理規程",
    "障害対応手順書",
    "SLA（サービスレベル合意書）",
    "ISMS認証登録証（JIS Q 27001）",
];

const REMARKS_YES: [&str; 3] = [
    "ISMS認証（ISO/IEC 27001）の適用範囲内で運用",
    "年1回、内部監査で確認",
    "データセンター事業者の対応状況を年次で確認済み。\n（監査報告書を受領）",
];
const REMARKS_PARTIAL: [&str; 3] = [
    "一部のシステムのみ対応済み。\n残りは来年度中に対応予定。",
    "本番環境は対応済み、検証環境は未対応",
    "手順は定めているが、記録の保存が不十分なため改善中",
];
const REMARKS_NO: [&str; 2] = ["来期に対応予定", "代替策として、月次の手動確認を実施"];
const REMARKS_NA: [&str; 2] = [
    "当社サービスでは医療情報を外部へ持ち出さないため該当しない",
    "再委託先なし",
];

/// One vendor's answer, evidence and remarks on one item.
fn response(rng: &mut Lcg, notation: Notation) -> [String; 3] {
    let pick = |rng: &mut Lcg, list: &[&str]| list[rng.below(list.len())].to_owned();
    let draw = rng.below(100);
    if draw < 3 {
        return Default::default();
    }
    // 0 yes, 1 partial, 2 no, 3 not applicable: mostly yes, as vendors answer.
    let answer = match draw {
        3..=80 => 0,
        81..=89 => 1,
        90..=95 => 2,
        _ => 3,
    };
    let words = match notation {
        Notation::Symbols => false,
        Notation::Words => true,
        Notation::Mixed => rng.below(2) == 0,
    };
    let written = match (answer, words) {
        (0, false) if rng.below(10) == 0 => "〇",
        (0, false) => "○",
        (1, false) => "△",
        (2, false) => "×",
        (_, false) => "－",
        (0, true) => "はい",
        (1, true) => "一部対応",
        (2, true) => "いいえ",
        (_, true) => "該当なし",
    };
    let evidence = if answer <= 1 && rng.below(100) < 85 {
        let doc = pick(rng, &DOCUMENTS);
        format!("{doc} 第{}章", 1 + rng.below(9))
    } else {
        String::new()
    };
    let remarks = match answer {
        0 if rng.below(100) < 10 => pick(rng, &REMARKS_YES),
        0 => String::new(),
        1 => pick(rng, &REMARKS_PARTIAL),
        2 => pick(rng, &REMARKS_NO),
        _ => pick(rng, &REMARKS_NA),
    };
    [written.to_owned(), evidence, remarks]
}

/// Write `count` filled-in copies of the checklist of `items` into `dir`, in
/// parallel (each from its own seed, so the files do not depend on the
/// order); returns the bytes written.
fn write_submissions(items: &[Item], count: usize, dir: &Path) -> Result<u64> {
    std::fs::create_dir_all(dir)?;
    let written: std::result::Result<Vec<u64>, String> = (1..=count)
        .into_par_iter()
        .map(|k| {
            let mut rng = Lcg(SEED.wrapping_add(k as u64 * 0x9E37_79B9));
            let notation = match k % 4 {
                0 | 1 => Notation::Symbols,
                2 => Notation::Words,
                _ => Notation::Mixed,
            };
            let cells: Vec<[String; 3]> =
                items.iter().map(|_| response(&mut rng, notation)).collect();
            let answer_label = match notation {
                Notation::Symbols => "回答（○/×/△/－）",
                _ => "回答",
            };
            let responses = samples::Responses {
                labels: [answer_label, "根拠資料（文書名・章番号）", "備考"],
                cells: &cells,
            };
            let bytes = samples::answered_workbook(items, &samples::FIRST, &responses)
                .map_err(|e| e.to_string())?;
            let path = dir.join(format!("sub-{k:04}.xlsx"));
            std::fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(bytes.len() as u64)
        })
        .collect();
    Ok(written?.iter().sum())
}

// ---------------------------------------------------------------------------
// The big workbook
// ---------------------------------------------------------------------------

/// Column widths of the exported sheet.
const BIG_WIDTHS: [f64; 10] = [5.0, 5.0, 5.0, 5.0, 20.0, 7.5, 56.0, 14.0, 12.0, 46.0];

/// Write `rows` items into one sheet, row by row, with the header once at
/// the top; the constant-memory worksheet keeps its rows in a temporary file
/// in `temp_dir` until the workbook is saved.
fn write_big(path: &Path, rows: usize, vocabulary: &Vocabulary, temp_dir: &Path) -> Result<()> {
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title("チェックリスト エクスポート")
            .set_author("checklist-export")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2024, 4, 1)?),
    );
    workbook.set_tempdir(temp_dir)?;
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let text = Format::new().set_align(FormatAlign::Top).set_text_wrap();
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name("チェックリスト")?;
    for (col, width) in BIG_WIDTHS.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
    }
    // The merges of the first header row first: a constant-memory sheet
    // cannot go back to a row once it has written the next one.
    sheet.merge_range(0, 0, 0, 3, "項番", &header)?;
    for (col, label) in [
        (4, "分類"),
        (5, "必須／推奨"),
        (6, "対策項目"),
        (7, "対象GL"),
        (8, "GLでの参照箇所"),
        (9, "確認項目"),
    ] {
        sheet.merge_range(0, col, 1, col, label, &header)?;
    }
    for (col, label) in ["大分類", "中分類", "小分類", "要件"].iter().enumerate() {
        sheet.write_string_with_format(1, col as u16, *label, &header)?;
    }
    let mut rng = Lcg(SEED ^ 0xB16);
    let mut numbering = Numbering::new();
    for k in 0..rows {
        let row = 2 + u32::try_from(k)?;
        let item = next_item(&mut numbering, &mut rng, vocabulary, EXPORT_TEXTS);
        let n = &numbering;
        for (col, value) in [n.major, n.middle, n.minor, n.req].into_iter().enumerate() {
            sheet.write_number(row, col as u16, value as f64)?;
        }
        let level = match item.level {
            Some(Level::Required) => "必須",
            _ => "推奨",
        };
        for (col, value) in [
            (4, item.category.as_str()),
            (5, level),
            (6, item.measure.as_str()),
            (7, item.guideline.as_str()),
            (8, item.ref_.as_str()),
            (9, item.check.as_str()),
        ] {
            sheet.write_string_with_format(row, col, value, &text)?;
        }
    }
    workbook.save(path)?;
    Ok(())
}
