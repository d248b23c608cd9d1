//! Writes `samples/submissions/`: vendor submissions of the HISPRO checklist
//! as vendor offices produce them, and beside each the ingest result it must
//! give (`<name>.expected.csv`).
//!
//! ```text
//! cargo run --example make_submissions              # writes into samples/submissions/
//! cargo run --example make_submissions -- OUT_DIR   # writes into OUT_DIR
//! ```
//!
//! - `vendor-a.xlsx`: a cover sheet and the checklist split over three sheets
//!   by major group, with the owner's merged two-row header, merged group
//!   cells, a hidden 対象GL column and added answer, evidence and remarks
//!   columns; ○ × △ － and their variants, a few unanswered or 検討中, one
//!   answer by formula; the vendor deleted 3 rows, added a note row and 2 rows
//!   of its own, edited 2 requirement texts and duplicated 1 row.
//! - `vendor-b.csv`: English headers, one-cell ids `1.1.1.1`, Yes/No/Partial/N/A,
//!   saved as Excel on a Japanese Windows saves csv (CP932, CRLF, `?` for
//!   what CP932 cannot hold); rows reordered within three groups.
//! - `vendor-c.xlsx`, `.xls`, `.ods`: one sheet, numbers stored as floats
//!   (`1.0`), one group retyped in full-width digits, はい/いいえ/該当なし;
//!   the xls and ods are the xlsx converted by LibreOffice (skipped with a
//!   message where `soffice` is absent).
//! - `vendor-d.xlsx`: answers only (`項番 回答 備考`), two ids mistyped and two
//!   left blank.
//!
//! The expected results come from what this generator did, never from running
//! checksheet: a deleted row is `missing`, an edited text `altered`, a
//! duplicated row `duplicate` (the upper row answers), a row of the vendor's
//! own with a response `extra`; `sheet`/`row` are the cells written here.
//! Choices are made by a fixed-seed LCG, and the workbooks have pinned
//! document properties: the same seed gives byte-identical files (except the
//! LibreOffice conversions).
//!
//! If checksheet gets a submission wrong, fix checksheet, not this file.

use std::collections::{BTreeSet, HashSet};
use std::error::Error;
use std::path::{Path, PathBuf};

use checksheet::catalog::{self, Item, Level};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook,
    Worksheet,
};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// The columns of every `<name>.expected.csv`.
const EXPECTED_COLUMNS: [&str; 8] = [
    "id",
    "status",
    "answer",
    "answer_raw",
    "evidence",
    "remarks",
    "sheet",
    "row",
];

fn main() -> Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out_dir = match std::env::args_os().nth(1) {
        Some(dir) => PathBuf::from(dir),
        None => root.join("samples/submissions"),
    };
    let seed = root.join("samples/hispro-seed.txt");
    let cat = catalog::read(&seed, &Default::default())
        .map_err(|e| format!("{}: {e}", seed.display()))?;
    std::fs::create_dir_all(&out_dir)?;
    let items = &cat.items;

    let (a, a_expected) = vendor_a(items)?;
    write(&out_dir, "vendor-a.xlsx", &a)?;
    write_expected(&out_dir, "vendor-a", &a_expected)?;

    let (b, b_expected) = vendor_b(items)?;
    write(&out_dir, "vendor-b.csv", &b)?;
    write_expected(&out_dir, "vendor-b", &b_expected)?;

    let (c, c_expected) = vendor_c(items)?;
    write(&out_dir, "vendor-c.xlsx", &c)?;
    write_expected(&out_dir, "vendor-c", &c_expected)?;
    for ext in ["xls", "ods"] {
        convert(&out_dir.join("vendor-c.xlsx"), ext, &out_dir)?;
    }

    let (d, d_expected) = vendor_d(items)?;
    write(&out_dir, "vendor-d.xlsx", &d)?;
    write_expected(&out_dir, "vendor-d", &d_expected)?;
    Ok(())
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(name);
    std::fs::write(&path, bytes)?;
    println!("wrote {}", path.display());
    Ok(())
}

/// Convert `input` into `dir` as `ext` with LibreOffice, as a vendor saves
/// its workbook in another format; says so and goes on where LibreOffice is
/// absent.
fn convert(input: &Path, ext: &str, dir: &Path) -> Result<()> {
    let Some(soffice) = ["/usr/bin/soffice", "/usr/local/bin/soffice"]
        .iter()
        .map(Path::new)
        .find(|p| p.exists())
    else {
        eprintln!(
            "soffice not found: {} not converted to {ext} (the committed file is kept)",
            input.display()
        );
        return Ok(());
    };
    let profile = tempfile::tempdir()?;
    let out = std::process::Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", ext, "--outdir"])
        .arg(dir)
        .arg(input)
        .output()?;
    let stem = input.file_stem().unwrap_or_default().to_string_lossy();
    let converted = dir.join(format!("{stem}.{ext}"));
    if !out.status.success() || !converted.exists() {
        return Err(format!(
            "soffice could not convert {} to {ext}: {}",
            input.display(),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    println!("wrote {}", converted.display());
    Ok(())
}

// ---------------------------------------------------------------------------
// Choices
// ---------------------------------------------------------------------------

/// A fixed-seed linear congruential generator (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len())]
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }

    /// `n` distinct indices of `0..len` for which `fits` holds, sorted.
    fn choose(&mut self, n: usize, len: usize, fits: impl Fn(usize) -> bool) -> Vec<usize> {
        let mut chosen = BTreeSet::new();
        let mut tries = 0;
        while chosen.len() < n && tries < 100_000 {
            let i = self.below(len);
            if fits(i) {
                chosen.insert(i);
            }
            tries += 1;
        }
        chosen.into_iter().collect()
    }
}

/// The canonical answer the vendor means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Yes,
    Partial,
    No,
    Na,
    /// A notation no vocabulary knows (`検討中`).
    Other,
    Unanswered,
}

impl Answer {
    fn word(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::Partial => "partial",
            Answer::No => "no",
            Answer::Na => "na",
            Answer::Other => "other",
            Answer::Unanswered => "",
        }
    }

    /// What most vendors answer: mostly yes.
    fn draw(rng: &mut Lcg, unanswered_percent: usize) -> Answer {
        if rng.chance(unanswered_percent) {
            return Answer::Unanswered;
        }
        match rng.below(100) {
            0..=77 => Answer::Yes,
            78..=86 => Answer::Partial,
            87..=92 => Answer::No,
            _ => Answer::Na,
        }
    }
}

/// What a vendor wrote on one row.
#[derive(Debug, Clone, Default)]
struct Response {
    answer: Option<Answer>,
    raw: String,
    evidence: String,
    remarks: String,
}

impl Response {
    fn answer(&self) -> Answer {
        self.answer.unwrap_or(Answer::Unanswered)
    }
}

/// The language of a vendor's evidence and remarks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tongue {
    Japanese,
    English,
}

const DOCUMENTS_JA: [&str; 14] = [
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
    "サービス仕様書",
    "SLA（サービスレベル合意書）",
    "ISMS認証登録証（JIS Q 27001）",
    "データセンター監査報告書（SOC2 Type2）",
];

const DOCUMENTS_EN: [&str; 10] = [
    "Information Security Policy",
    "ISMS Manual",
    "Access Control Standard",
    "Operations Manual",
    "Business Continuity Plan",
    "Incident Response Procedure",
    "Supplier Management Policy",
    "Service Level Agreement",
    "Data Retention Policy",
    "SOC 2 Type II report",
];

const REMARKS_PARTIAL_JA: [&str; 4] = [
    "一部のシステムのみ対応済み。\n残りは2025年3月までに対応予定。",
    "本番環境は対応済み、検証環境は未対応",
    "手順は定めているが、記録の保存が不十分なため改善中",
    "年1回の見直しを実施。\nただし経営陣の承認記録は2023年度分のみ。",
];
const REMARKS_NO_JA: [&str; 3] = [
    "来期（2025年度）に対応予定",
    "現在、対応方針を検討しています。\n対応時期は別途ご連絡します。",
    "代替策として、月次の手動確認を実施",
];
const REMARKS_NA_JA: [&str; 3] = [
    "当社サービスでは医療情報を外部へ持ち出さないため該当しない",
    "電子署名を利用するサービスではないため",
    "再委託先なし",
];
const REMARKS_YES_JA: [&str; 4] = [
    "ISMS認証（ISO/IEC 27001）の適用範囲内で運用",
    "年1回、内部監査で確認",
    "データセンター事業者の対応状況を年次で確認済み。\n（監査報告書を受領）",
    "2024年4月改訂",
];
const REMARKS_PARTIAL_EN: [&str; 3] = [
    "Implemented for production only;\nstaging to follow in FY2025.",
    "Procedure exists, records incomplete",
    "Partially covered by the hosting provider's controls",
];
const REMARKS_NO_EN: [&str; 2] = [
    "Planned for Q3 FY2025",
    "Not implemented.\nCompensating control: monthly manual review.",
];
const REMARKS_NA_EN: [&str; 2] = [
    "No subcontractors are used",
    "The service does not use electronic signatures",
];
const REMARKS_YES_EN: [&str; 3] = [
    "Within the scope of our ISO/IEC 27001 certification",
    "Reviewed annually by internal audit",
    "See attached audit report (2024)",
];

/// An evidence cell: one or two documents with a chapter, sometimes on two
/// lines.
fn evidence(rng: &mut Lcg, tongue: Tongue) -> String {
    let one = |rng: &mut Lcg| match tongue {
        Tongue::Japanese => {
            let doc = rng.pick(&DOCUMENTS_JA);
            match rng.below(3) {
                0 => format!("{doc} 第{}章", 1 + rng.below(9)),
                1 => format!("{doc} {}.{}", 1 + rng.below(9), 1 + rng.below(6)),
                _ => format!("{doc} 第{}条", 1 + rng.below(30)),
            }
        }
        Tongue::English => {
            let doc = rng.pick(&DOCUMENTS_EN);
            format!("{doc}, section {}.{}", 1 + rng.below(9), 1 + rng.below(6))
        }
    };
    let first = one(rng);
    if rng.chance(25) {
        let second = one(rng);
        format!("{first}\n{second}")
    } else {
        first
    }
}

/// The evidence and remarks a vendor writes for an answer.
fn explain(rng: &mut Lcg, answer: Answer, tongue: Tongue) -> (String, String) {
    let ja = tongue == Tongue::Japanese;
    let remark = |rng: &mut Lcg, ja_list: &[&str], en_list: &[&str]| {
        if ja {
            rng.pick(ja_list).to_string()
        } else {
            rng.pick(en_list).to_string()
        }
    };
    match answer {
        Answer::Yes => {
            let ev = if rng.chance(85) {
                evidence(rng, tongue)
            } else {
                String::new()
            };
            let re = if rng.chance(12) {
                remark(rng, &REMARKS_YES_JA, &REMARKS_YES_EN)
            } else {
                String::new()
            };
            (ev, re)
        }
        Answer::Partial => (
            evidence(rng, tongue),
            remark(rng, &REMARKS_PARTIAL_JA, &REMARKS_PARTIAL_EN),
        ),
        Answer::No => (String::new(), remark(rng, &REMARKS_NO_JA, &REMARKS_NO_EN)),
        Answer::Na => (String::new(), remark(rng, &REMARKS_NA_JA, &REMARKS_NA_EN)),
        Answer::Other => (
            String::new(),
            if ja {
                "社内で対応方針を検討中のため、回答を保留します".to_owned()
            } else {
                "Under review".to_owned()
            },
        ),
        Answer::Unanswered if rng.chance(30) => (
            String::new(),
            if ja {
                "担当部署に確認中".to_owned()
            } else {
                "To be confirmed".to_owned()
            },
        ),
        Answer::Unanswered => (String::new(), String::new()),
    }
}

/// A response drawn for one row, written with `notation`.
fn respond(
    rng: &mut Lcg,
    unanswered_percent: usize,
    tongue: Tongue,
    notation: fn(&mut Lcg, Answer) -> String,
) -> Response {
    let answer = Answer::draw(rng, unanswered_percent);
    let raw = notation(rng, answer);
    let (evidence, remarks) = explain(rng, answer, tongue);
    Response {
        answer: Some(answer),
        raw,
        evidence,
        remarks,
    }
}

// ---------------------------------------------------------------------------
// Expected results
// ---------------------------------------------------------------------------

/// One row of an expected ingest result.
#[derive(Debug, Clone)]
struct Expected {
    id: String,
    status: &'static str,
    response: Response,
    sheet: String,
    row: Option<u32>,
}

/// Where each catalog item's response landed, and the rows of no item.
struct Outcome {
    placed: Vec<Option<Expected>>,
    extra: Vec<Expected>,
}

impl Outcome {
    fn new(items: &[Item]) -> Outcome {
        Outcome {
            placed: vec![None; items.len()],
            extra: Vec::new(),
        }
    }

    fn place(&mut self, items: &[Item], i: usize, status: &'static str, r: &Response, at: At) {
        self.placed[i] = Some(Expected {
            id: items[i].id.clone(),
            status,
            response: r.clone(),
            sheet: at.0.to_owned(),
            row: Some(at.1 + 1),
        });
    }

    fn extra(&mut self, id: &str, r: &Response, at: At) {
        self.extra.push(Expected {
            id: id.to_owned(),
            status: "extra",
            response: r.clone(),
            sheet: at.0.to_owned(),
            row: Some(at.1 + 1),
        });
    }

    /// Catalog items in catalog order (unplaced ones `missing`), then extras.
    fn rows(self, items: &[Item]) -> Vec<Expected> {
        let mut rows: Vec<Expected> = self
            .placed
            .into_iter()
            .zip(items)
            .map(|(p, item)| {
                p.unwrap_or_else(|| Expected {
                    id: item.id.clone(),
                    status: "missing",
                    response: Response::default(),
                    sheet: String::new(),
                    row: None,
                })
            })
            .collect();
        rows.extend(self.extra);
        rows
    }
}

/// A sheet name (empty for csv) and a 0-based row.
type At<'a> = (&'a str, u32);

fn write_expected(dir: &Path, name: &str, rows: &[Expected]) -> Result<()> {
    let path = dir.join(format!("{name}.expected.csv"));
    let mut w = csv::Writer::from_path(&path)?;
    w.write_record(EXPECTED_COLUMNS)?;
    for r in rows {
        let row = r.row.map(|n| n.to_string()).unwrap_or_default();
        w.write_record([
            r.id.as_str(),
            r.status,
            r.response.answer().word(),
            r.response.raw.trim(),
            r.response.evidence.trim(),
            r.response.remarks.trim(),
            r.sheet.as_str(),
            row.as_str(),
        ])?;
    }
    w.flush()?;
    println!("wrote {}", path.display());
    Ok(())
}

// ---------------------------------------------------------------------------
// Shared by the workbooks
// ---------------------------------------------------------------------------

const FONT: &str = "游ゴシック";

fn font() -> Format {
    Format::new().set_font_name(FONT).set_font_size(10)
}

fn pinned(workbook: &mut Workbook, company: &str) -> Result<()> {
    workbook.set_properties(
        &DocProperties::new()
            .set_title("HISPRO チェックシート 回答")
            .set_author(company)
            .set_company(company)
            .set_creation_datetime(&ExcelDateTime::from_ymd(2024, 6, 1)?),
    );
    Ok(())
}

fn level_word(level: Option<Level>) -> &'static str {
    match level {
        Some(Level::Required) => "必須",
        Some(Level::Recommended) => "推奨",
        None => "",
    }
}

/// Items whose requirement text another item shares (the seed has four such
/// pairs): left out of the edits, so every edit has one clear target.
fn twins(items: &[Item]) -> HashSet<usize> {
    let mut seen = std::collections::HashMap::new();
    let mut out = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(&j) = seen.get(&item.measure) {
            out.insert(i);
            out.insert(j);
        } else {
            seen.insert(item.measure.clone(), i);
        }
    }
    out
}

/// The measure as the owner's workbook has it: every 7th item broken after
/// its first sentence (vendors fill in that workbook and keep the breaks).
fn with_owner_break(index: usize, measure: &str) -> String {
    if (index + 1) % 7 != 0 {
        return measure.to_owned();
    }
    match measure.find('。') {
        Some(p) if p + '。'.len_utf8() < measure.len() => {
            let at = p + '。'.len_utf8();
            format!("{}\n{}", &measure[..at], &measure[at..])
        }
        _ => measure.to_owned(),
    }
}

// ---------------------------------------------------------------------------
// vendor-a.xlsx
// ---------------------------------------------------------------------------

const A_COMPANY: &str = "株式会社メディカルクラウドサービス";

// Columns of the checklist sheets (0-based): the owner's ten, then the
// vendor's three.
const A_MAJOR: u16 = 0;
const A_MIDDLE: u16 = 1;
const A_MINOR: u16 = 2;
const A_REQ: u16 = 3;
const A_CATEGORY: u16 = 4;
const A_LEVEL: u16 = 5;
const A_MEASURE: u16 = 6;
const A_GUIDELINE: u16 = 7;
const A_REF: u16 = 8;
const A_CHECK: u16 = 9;
const A_ANSWER: u16 = 10;
const A_EVIDENCE: u16 = 11;
const A_REMARKS: u16 = 12;
const A_WIDTHS: [f64; 13] = [
    5.0, 5.0, 5.0, 5.0, 20.0, 7.5, 56.0, 14.0, 12.0, 46.0, 12.0, 30.0, 30.0,
];

/// The sheets of vendor-a: the major number each holds, and its name.
const A_SHEETS: [(&str, &str); 3] = [
    ("1", "1.設備・運用"),
    ("2", "2.機能と運用"),
    ("3", "3.契約"),
];

/// The note row the vendor put above its own items.
const A_NOTE: &str = "※ 以下は当社独自の補足項目";

/// The vendor's own items: requirement, answer, evidence, remarks.
const A_OWN: [(&str, &str, &str, &str); 2] = [
    (
        "【当社追加】医療情報を保存するクラウド基盤について、第三者機関による脆弱性診断を年1回以上実施し、その結果を医療機関等に報告すること。",
        "○",
        "脆弱性診断報告書（2024年度）\n診断実施計画書 第2章",
        "2024年5月に外部診断を実施済み",
    ),
    (
        "【当社追加】サービス利用者向けに、情報セキュリティに関する問い合わせ窓口を設け、受付から一次回答までの目標時間を定めること。",
        "△",
        "サポート窓口運用要領",
        "目標時間は社内目標として設定済み。\nSLAへの明記は次回改定時に対応予定。",
    ),
];

/// What stands on one row of a checklist sheet of vendor-a.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    Item(usize),
    /// The vendor's copy of an item row (pasted right below it).
    Copy(usize),
    Note,
    Own(usize),
}

/// vendor-a's notations of each answer.
fn a_notation(rng: &mut Lcg, answer: Answer) -> String {
    let s = match answer {
        Answer::Yes => match rng.below(20) {
            0 => "〇",
            1 => "◯",
            2 => "○（実施済み）",
            _ => "○",
        },
        Answer::Partial => "△",
        Answer::No => match rng.below(4) {
            0 => "×（来期対応予定）",
            _ => "×",
        },
        Answer::Na => "－",
        Answer::Other => "検討中",
        Answer::Unanswered => "",
    };
    s.to_owned()
}

struct AFormats {
    title: Format,
    header: Format,
    section: Format,
    number: Format,
    text: Format,
    centred: Format,
    answer: Format,
    note: Format,
}

impl AFormats {
    fn new() -> AFormats {
        let cell = font()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Top)
            .set_text_wrap();
        AFormats {
            title: font().set_font_size(14).set_bold(),
            header: font()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap()
                .set_background_color(Color::RGB(0xD9E1F2)),
            section: font()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_background_color(Color::RGB(0xFCE4D6)),
            number: cell.clone().set_align(FormatAlign::Center),
            centred: cell.clone().set_align(FormatAlign::Center),
            answer: cell
                .clone()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xFFF2CC)),
            text: cell,
            note: font().set_bold().set_font_color(Color::RGB(0xC00000)),
        }
    }
}

fn vendor_a(items: &[Item]) -> Result<(Vec<u8>, Vec<Expected>)> {
    let mut rng = Lcg(0xA11CE);
    let twins = twins(items);
    let n = items.len();
    // The edits, on distinct items that are not the first of their group.
    let mut used: HashSet<usize> = HashSet::new();
    let free = |i: usize, used: &HashSet<usize>| {
        !twins.contains(&i)
            && !used.contains(&i)
            && i > 0
            && items[i].group() == items[i - 1].group()
    };
    let deleted = rng.choose(3, n, |i| free(i, &used));
    used.extend(&deleted);
    let edited = rng.choose(2, n, |i| {
        free(i, &used)
            && items[i].measure.chars().count() >= 40
            && items[i].measure.contains("こと")
    });
    used.extend(&edited);
    let copied = rng.choose(1, n, |i| free(i, &used))[0];
    used.insert(copied);
    let formula = rng.choose(1, n, |i| free(i, &used))[0];
    used.insert(formula);
    let pending = rng.choose(2, n, |i| free(i, &used));
    used.extend(&pending);
    // The note and the vendor's own rows follow the last item of 1-1-2.
    let own_after = items
        .iter()
        .rposition(|it| it.group() == "1-1-2")
        .ok_or("the seed has no group 1-1-2")?;

    // Responses, drawn in item order.
    let mut responses: Vec<Response> = (0..n)
        .map(|_| respond(&mut rng, 4, Tongue::Japanese, a_notation))
        .collect();
    for &i in &pending {
        let (evidence, remarks) = explain(&mut rng, Answer::Other, Tongue::Japanese);
        responses[i] = Response {
            answer: Some(Answer::Other),
            raw: "検討中".to_owned(),
            evidence,
            remarks,
        };
    }
    if responses[formula].answer() != Answer::Yes {
        let (evidence, remarks) = explain(&mut rng, Answer::Yes, Tongue::Japanese);
        responses[formula] = Response {
            answer: Some(Answer::Yes),
            raw: "○".to_owned(),
            evidence,
            remarks,
        };
    }
    let copy_response = respond(&mut rng, 0, Tongue::Japanese, a_notation);
    let own: Vec<Response> = A_OWN
        .iter()
        .map(|&(_, raw, evidence, remarks)| Response {
            answer: Some(if raw == "○" {
                Answer::Yes
            } else {
                Answer::Partial
            }),
            raw: raw.to_owned(),
            evidence: evidence.to_owned(),
            remarks: remarks.to_owned(),
        })
        .collect();

    let mut measures: Vec<String> = items
        .iter()
        .enumerate()
        .map(|(i, it)| with_owner_break(i, &it.measure))
        .collect();
    for (k, &i) in edited.iter().enumerate() {
        measures[i] = edit(&items[i].measure, k);
    }

    let mut workbook = Workbook::new();
    pinned(&mut workbook, A_COMPANY)?;
    a_cover(workbook.add_worksheet())?;
    let f = AFormats::new();
    let mut outcome = Outcome::new(items);
    for (major, name) in A_SHEETS {
        let mut lines = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if item.major != major {
                continue;
            }
            if !deleted.contains(&i) {
                lines.push(Line::Item(i));
            }
            if i == copied {
                lines.push(Line::Copy(i));
            }
            if i == own_after {
                lines.extend([Line::Note, Line::Own(0), Line::Own(1)]);
            }
        }
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        for (col, width) in A_WIDTHS.iter().enumerate() {
            sheet.set_column_width(col as u16, *width)?;
        }
        sheet.set_column_hidden(A_GUIDELINE)?;
        sheet.merge_range(
            0,
            0,
            0,
            A_CHECK,
            "HISPRO 外部保存、ASP・SaaS チェックシート項目集",
            &f.title,
        )?;
        sheet.write_string(1, 0, format!("回答者：{A_COMPANY}　回答日：2024年6月14日"))?;
        let header = 3;
        a_header(sheet, header, &f)?;
        sheet.set_freeze_panes(header + 2, 0)?;
        let section = header + 2;
        let label = items
            .iter()
            .find(|it| it.major == major)
            .map(|it| {
                it.category
                    .split_whitespace()
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        sheet.merge_range(section, 0, section, A_CHECK, &label, &f.section)?;
        let first = section + 1;
        let mut run: Vec<(u32, [String; 4], String)> = Vec::new();
        for (k, line) in lines.iter().enumerate() {
            let row = first + k as u32;
            match *line {
                Line::Item(i) | Line::Copy(i) => {
                    let item = &items[i];
                    // A copy is the row pasted again, text and all.
                    a_item(sheet, row, item, &measures[i], &f)?;
                    let r = if matches!(line, Line::Copy(_)) {
                        &copy_response
                    } else {
                        &responses[i]
                    };
                    if matches!(line, Line::Item(_)) && i == formula {
                        sheet.write_formula_with_format(
                            row,
                            A_ANSWER,
                            Formula::new("=IF(1=1,\"○\",\"×\")").set_result(r.raw.as_str()),
                            &f.answer,
                        )?;
                        a_explain(sheet, row, r, &f)?;
                    } else {
                        a_response(sheet, row, r, &f)?;
                    }
                    run.push((row, numbers(item), item.category.clone()));
                    if matches!(line, Line::Item(_)) {
                        let status = if edited.contains(&i) {
                            "altered"
                        } else if i == copied {
                            "duplicate"
                        } else {
                            "ok"
                        };
                        outcome.place(items, i, status, r, (name, row));
                    }
                }
                Line::Note => {
                    a_groups(sheet, &run, &f)?;
                    run.clear();
                    sheet.write_string_with_format(row, 0, A_NOTE, &f.note)?;
                }
                Line::Own(k) => {
                    let last = &items[own_after];
                    let req = last.req.parse::<u32>()? + 1 + k as u32;
                    let (measure, ..) = A_OWN[k];
                    let own_item = Item {
                        req: req.to_string(),
                        id: format!("{}-{req}", last.group()),
                        measure: measure.to_owned(),
                        level: None,
                        guideline: String::new(),
                        ref_: String::new(),
                        check: String::new(),
                        ..last.clone()
                    };
                    a_item(sheet, row, &own_item, measure, &f)?;
                    a_response(sheet, row, &own[k], &f)?;
                    run.push((row, numbers(&own_item), own_item.category.clone()));
                    outcome.extra(&own_item.id, &own[k], (name, row));
                }
            }
        }
        a_groups(sheet, &run, &f)?;
    }
    Ok((workbook.save_to_buffer()?, outcome.rows(items)))
}

/// A slight edit of a requirement text by a vendor: the obligation softened,
/// or a qualifier added after the first 「、」.
fn edit(measure: &str, kind: usize) -> String {
    if kind % 2 == 0 {
        if let Some(p) = measure.rfind("こと。") {
            return format!(
                "{}ものとする。{}",
                &measure[..p],
                &measure[p + "こと。".len()..]
            );
        }
    }
    match measure.find('、') {
        Some(p) => {
            let at = p + '、'.len_utf8();
            format!("{}原則として{}", &measure[..at], &measure[at..])
        }
        None => format!("原則として、{measure}"),
    }
}

fn numbers(item: &Item) -> [String; 4] {
    [
        item.major.clone(),
        item.middle.clone(),
        item.minor.clone(),
        item.req.clone(),
    ]
}

/// 表紙: who answers, when, and whom to ask.
fn a_cover(sheet: &mut Worksheet) -> Result<()> {
    sheet.set_name("表紙")?;
    sheet.set_column_width(0, 3)?;
    sheet.set_column_width(1, 18)?;
    sheet.set_column_width(2, 60)?;
    let title = font().set_font_size(18).set_bold();
    let label = font().set_font_size(11).set_bold();
    let value = font().set_font_size(11);
    let day = value.clone().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    sheet.write_string_with_format(
        2,
        1,
        "HISPRO 外部保存、ASP・SaaS チェックシート　回答書",
        &title,
    )?;
    sheet.write_string_with_format(5, 1, "会社名", &label)?;
    sheet.write_string_with_format(5, 2, A_COMPANY, &value)?;
    sheet.write_string_with_format(6, 1, "サービス名", &label)?;
    sheet.write_string_with_format(6, 2, "MediCloud 電子カルテ保管サービス", &value)?;
    sheet.write_string_with_format(7, 1, "回答日", &label)?;
    sheet.write_datetime_with_format(7, 2, ExcelDateTime::from_ymd(2024, 6, 14)?, &day)?;
    sheet.write_string_with_format(8, 1, "ご担当者", &label)?;
    sheet.write_string_with_format(8, 2, "情報セキュリティ推進室　山田 太郎", &value)?;
    sheet.write_string_with_format(9, 1, "連絡先", &label)?;
    sheet.write_string_with_format(9, 2, "security@medicloud.example.jp／03-1234-5678", &value)?;
    sheet.write_string_with_format(
        11,
        1,
        "※ 回答欄は ○（対応済み）／△（一部対応）／×（未対応）／－（該当なし）で記入しています。",
        &value,
    )?;
    Ok(())
}

/// The owner's merged two-row header and the vendor's three added columns.
fn a_header(sheet: &mut Worksheet, row: u32, f: &AFormats) -> Result<()> {
    sheet.set_row_height(row, 18)?;
    sheet.set_row_height(row + 1, 30)?;
    sheet.merge_range(row, A_MAJOR, row, A_REQ, "項番", &f.header)?;
    for (col, label) in [
        (A_MAJOR, "大分類"),
        (A_MIDDLE, "中分類"),
        (A_MINOR, "小分類"),
        (A_REQ, "要件"),
    ] {
        sheet.write_string_with_format(row + 1, col, label, &f.header)?;
    }
    for (col, label) in [
        (A_CATEGORY, "分類"),
        (A_LEVEL, "必須／推奨"),
        (A_MEASURE, "対策項目"),
        (A_GUIDELINE, "対象GL"),
        (A_REF, "GLでの参照箇所"),
        (A_CHECK, "確認項目"),
        (A_ANSWER, "回答（○/×/△/－）"),
        (A_EVIDENCE, "根拠資料（文書名・章番号）"),
        (A_REMARKS, "備考"),
    ] {
        sheet.merge_range(row, col, row + 1, col, label, &f.header)?;
    }
    Ok(())
}

/// The owner's cells of one item row (the group cells come with the run).
fn a_item(sheet: &mut Worksheet, row: u32, item: &Item, measure: &str, f: &AFormats) -> Result<()> {
    sheet.write_string_with_format(row, A_LEVEL, level_word(item.level), &f.centred)?;
    sheet.write_string_with_format(row, A_MEASURE, measure, &f.text)?;
    sheet.write_string_with_format(row, A_GUIDELINE, &item.guideline, &f.text)?;
    sheet.write_string_with_format(row, A_REF, &item.ref_, &f.text)?;
    sheet.write_string_with_format(row, A_CHECK, &item.check, &f.text)?;
    let lines = (measure.chars().count() / 28 + 1).max(item.check.chars().count() / 23 + 1);
    sheet.set_row_height(row, 13.5 * lines as f64 + 3.0)?;
    Ok(())
}

fn a_response(sheet: &mut Worksheet, row: u32, r: &Response, f: &AFormats) -> Result<()> {
    if r.raw.is_empty() {
        sheet.write_blank(row, A_ANSWER, &f.answer)?;
    } else {
        sheet.write_string_with_format(row, A_ANSWER, &r.raw, &f.answer)?;
    }
    a_explain(sheet, row, r, f)
}

fn a_explain(sheet: &mut Worksheet, row: u32, r: &Response, f: &AFormats) -> Result<()> {
    for (col, text) in [(A_EVIDENCE, &r.evidence), (A_REMARKS, &r.remarks)] {
        if text.is_empty() {
            sheet.write_blank(row, col, &f.text)?;
        } else {
            sheet.write_string_with_format(row, col, text, &f.text)?;
        }
    }
    Ok(())
}

/// The group cells of a run of neighbouring item rows: equal major, middle
/// and minor numbers and categories share a merged cell; the requirement
/// number is each row's own.
fn a_groups(sheet: &mut Worksheet, run: &[(u32, [String; 4], String)], f: &AFormats) -> Result<()> {
    for (row, numbers, _) in run {
        if !numbers[3].is_empty() {
            sheet.write_number_with_format(*row, A_REQ, numbers[3].parse::<f64>()?, &f.number)?;
        }
    }
    for col in [A_MAJOR, A_MIDDLE, A_MINOR, A_CATEGORY] {
        let key = |k: usize| -> Option<String> {
            let (_, n, category) = &run[k];
            match col {
                A_MAJOR => Some(n[0].clone()),
                A_MIDDLE => Some(format!("{}-{}", n[0], n[1])),
                A_MINOR if n[2].is_empty() => None,
                A_MINOR => Some(format!("{}-{}-{}", n[0], n[1], n[2])),
                _ => Some(category.clone()),
            }
        };
        let mut start = 0;
        while start < run.len() {
            let k = key(start);
            let mut end = start + 1;
            while end < run.len() && k.is_some() && key(end) == k {
                end += 1;
            }
            let (first, n, category) = &run[start];
            let last = run[end - 1].0;
            let format = if col == A_CATEGORY {
                &f.text
            } else {
                &f.number
            };
            if last > *first {
                sheet.merge_range(*first, col, last, col, "", format)?;
            }
            let value = match col {
                A_MAJOR => &n[0],
                A_MIDDLE => &n[1],
                A_MINOR => &n[2],
                _ => category,
            };
            if col == A_CATEGORY {
                sheet.write_string_with_format(*first, col, value, format)?;
            } else if value.is_empty() {
                sheet.write_blank(*first, col, format)?;
            } else {
                sheet.write_number_with_format(*first, col, value.parse::<f64>()?, format)?;
            }
            start = end;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// vendor-b.csv
// ---------------------------------------------------------------------------

fn b_notation(rng: &mut Lcg, answer: Answer) -> String {
    let s = match answer {
        Answer::Yes => {
            if rng.chance(5) {
                "YES"
            } else {
                "Yes"
            }
        }
        Answer::Partial => "Partial",
        Answer::No => "No",
        Answer::Na => "N/A",
        Answer::Other => "TBD",
        Answer::Unanswered => "",
    };
    s.to_owned()
}

/// `text` as Excel saves it in CP932: a character CP932 cannot hold becomes
/// `?`.
fn cp932_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            let mut buf = [0u8; 4];
            let (_, _, lost) = encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf));
            if lost {
                '?'
            } else {
                c
            }
        })
        .collect()
}

fn vendor_b(items: &[Item]) -> Result<(Vec<u8>, Vec<Expected>)> {
    let mut rng = Lcg(0xB0B);
    // Runs of items of one group, in catalog order.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match groups.last_mut() {
            Some(g) if items[g[0]].group() == item.group() => g.push(i),
            _ => groups.push(vec![i]),
        }
    }
    let reordered = rng.choose(3, groups.len(), |g| (4..=20).contains(&groups[g].len()));
    for &g in &reordered {
        let before = groups[g].clone();
        while groups[g] == before {
            rng.shuffle(&mut groups[g]);
        }
    }
    let order: Vec<usize> = groups.into_iter().flatten().collect();

    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    out.write_record([
        "No.",
        "Category",
        "Requirement",
        "Mandatory/Recommended",
        "Check points",
        "Answer",
        "Evidence",
        "Comments",
    ])?;
    let mut outcome = Outcome::new(items);
    for (k, &i) in order.iter().enumerate() {
        let item = &items[i];
        let r = respond(&mut rng, 2, Tongue::English, b_notation);
        let measure = cp932_safe(&item.measure);
        let level = match item.level {
            Some(Level::Required) => "Mandatory",
            Some(Level::Recommended) => "Recommended",
            None => "",
        };
        out.write_record([
            item.id.replace('-', ".").as_str(),
            cp932_safe(&item.category).as_str(),
            measure.as_str(),
            level,
            cp932_safe(&item.check).as_str(),
            r.raw.as_str(),
            r.evidence.as_str(),
            r.remarks.as_str(),
        ])?;
        // CP932 lost a character of the text: the vendor's text differs.
        let status = if measure != item.measure {
            "altered"
        } else {
            "ok"
        };
        // Record 1 is the header.
        outcome.place(items, i, status, &r, ("", k as u32 + 1));
    }
    let text = String::from_utf8(out.into_inner()?)?;
    let (bytes, _, lost) = encoding_rs::SHIFT_JIS.encode(&text);
    if lost {
        return Err("vendor-b: a character CP932 cannot hold was left in".into());
    }
    Ok((bytes.into_owned(), outcome.rows(items)))
}

// ---------------------------------------------------------------------------
// vendor-c.xlsx (and .xls, .ods)
// ---------------------------------------------------------------------------

const C_COMPANY: &str = "ヘルスケアデータ株式会社";
const C_SHEET: &str = "チェックリスト";
/// The group whose numbers the vendor retyped in full-width digits.
const C_FULL_WIDTH: &str = "2-1-4";

fn c_notation(rng: &mut Lcg, answer: Answer) -> String {
    let s = match answer {
        Answer::Yes => "はい",
        Answer::Partial => {
            if rng.chance(50) {
                "一部対応"
            } else {
                "一部"
            }
        }
        Answer::No => "いいえ",
        Answer::Na => "該当なし",
        Answer::Other => "不明",
        Answer::Unanswered => "",
    };
    s.to_owned()
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c),
            other => other,
        })
        .collect()
}

fn vendor_c(items: &[Item]) -> Result<(Vec<u8>, Vec<Expected>)> {
    let mut rng = Lcg(0xC0FFEE);
    let mut workbook = Workbook::new();
    pinned(&mut workbook, C_COMPANY)?;
    let sheet = workbook.add_worksheet();
    sheet.set_name(C_SHEET)?;
    let cell = font().set_align(FormatAlign::Top).set_text_wrap();
    let float = font().set_num_format("0.0");
    let header = font().set_bold().set_background_color(Color::RGB(0xE2EFDA));
    let widths = [
        6.0, 6.0, 6.0, 6.0, 24.0, 8.0, 50.0, 14.0, 12.0, 40.0, 10.0, 28.0, 28.0,
    ];
    for (col, w) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, *w)?;
    }
    sheet.write_string_with_format(
        0,
        0,
        format!("HISPRO チェックシート回答　{C_COMPANY}"),
        &font().set_bold().set_font_size(12),
    )?;
    let labels = [
        "大分類",
        "中分類",
        "小分類",
        "要件",
        "分類",
        "必須/推奨",
        "対策項目",
        "対象GL",
        "GLでの参照箇所",
        "確認項目",
        "回答",
        "根拠資料",
        "備考",
    ];
    for (col, label) in labels.iter().enumerate() {
        sheet.write_string_with_format(2, col as u16, *label, &header)?;
    }
    let mut outcome = Outcome::new(items);
    let mut last_category = None;
    for (k, item) in items.iter().enumerate() {
        let row = 3 + k as u32;
        for (col, n) in numbers(item).iter().enumerate() {
            let col = col as u16;
            if n.is_empty() {
                continue;
            }
            if item.group() == C_FULL_WIDTH {
                sheet.write_string_with_format(row, col, full_width(n), &cell)?;
            } else {
                sheet.write_number_with_format(row, col, n.parse::<f64>()?, &float)?;
            }
        }
        // The category only where it changes, the cells below left blank.
        if last_category.as_ref() != Some(&item.category) {
            sheet.write_string_with_format(row, 4, &item.category, &cell)?;
            last_category = Some(item.category.clone());
        }
        let r = respond(&mut rng, 3, Tongue::Japanese, c_notation);
        let texts = [
            level_word(item.level),
            // The vendor removed every line break of the owner's texts.
            item.measure.as_str(),
            item.guideline.as_str(),
            item.ref_.as_str(),
            item.check.as_str(),
            r.raw.as_str(),
            r.evidence.as_str(),
            r.remarks.as_str(),
        ];
        for (col, text) in texts.iter().enumerate() {
            if !text.is_empty() {
                sheet.write_string_with_format(row, 5 + col as u16, *text, &cell)?;
            }
        }
        outcome.place(items, k, "ok", &r, (C_SHEET, row));
    }
    sheet.set_freeze_panes(3, 0)?;
    sheet.autofilter(2, 0, 2 + items.len() as u32, 12)?;
    Ok((workbook.save_to_buffer()?, outcome.rows(items)))
}

// ---------------------------------------------------------------------------
// vendor-d.xlsx
// ---------------------------------------------------------------------------

const D_COMPANY: &str = "株式会社ネクストカルテ";
const D_SHEET: &str = "回答";

fn d_notation(rng: &mut Lcg, answer: Answer) -> String {
    let s = match answer {
        Answer::Yes => {
            if rng.chance(10) {
                "〇"
            } else {
                "○"
            }
        }
        Answer::Partial => "△",
        Answer::No => "×",
        Answer::Na => "－",
        Answer::Other => "？",
        Answer::Unanswered => "",
    };
    s.to_owned()
}

/// A typing slip on an id that makes an id the catalog does not have: the
/// two digits of the requirement number swapped, or its last digit doubled.
fn mistype(id: &str, ids: &HashSet<&str>) -> Option<String> {
    let (group, req) = id.rsplit_once('-')?;
    let mut candidates = Vec::new();
    if req.len() == 2 {
        let swapped: String = req.chars().rev().collect();
        candidates.push(format!("{group}-{swapped}"));
    }
    let last = req.chars().last()?;
    candidates.push(format!("{group}-{req}{last}"));
    candidates
        .into_iter()
        .find(|c| c != id && !ids.contains(c.as_str()))
}

fn vendor_d(items: &[Item]) -> Result<(Vec<u8>, Vec<Expected>)> {
    let mut rng = Lcg(0xD00D);
    let ids: HashSet<&str> = items.iter().map(|it| it.id.as_str()).collect();
    let n = items.len();
    // Slips and blanks in the middle of groups, never next to each other.
    let inside = |i: usize| {
        i > 0
            && i + 1 < n
            && items[i - 1].group() == items[i].group()
            && items[i + 1].group() == items[i].group()
    };
    let mistyped = rng.choose(2, n, |i| inside(i) && mistype(&items[i].id, &ids).is_some());
    // A blank id is rebuilt from the numbers above it in its group: keep the
    // blanks out of the groups of the slips.
    let blank = rng.choose(2, n, |i| {
        inside(i)
            && mistyped
                .iter()
                .all(|&m| items[m].group() != items[i].group())
    });

    let mut workbook = Workbook::new();
    pinned(&mut workbook, D_COMPANY)?;
    let sheet = workbook.add_worksheet();
    sheet.set_name(D_SHEET)?;
    sheet.set_column_width(0, 12)?;
    sheet.set_column_width(1, 8)?;
    sheet.set_column_width(2, 50)?;
    let cell = font().set_border(FormatBorder::Thin).set_text_wrap();
    let header = cell
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7));
    sheet.write_string_with_format(
        0,
        0,
        format!("HISPROチェックリスト 回答一覧（{D_COMPANY}）"),
        &font().set_bold().set_font_size(12),
    )?;
    for (col, label) in ["項番", "回答", "備考"].iter().enumerate() {
        sheet.write_string_with_format(2, col as u16, *label, &header)?;
    }
    let mut outcome = Outcome::new(items);
    for (k, item) in items.iter().enumerate() {
        let row = 3 + k as u32;
        let r = respond(&mut rng, 3, Tongue::Japanese, d_notation);
        // An answer-only sheet has no evidence column: what would be evidence
        // is not written.
        let r = Response {
            evidence: String::new(),
            ..r
        };
        let typed = if mistyped.contains(&k) {
            mistype(&item.id, &ids)
        } else if blank.contains(&k) {
            None
        } else {
            Some(item.id.clone())
        };
        match &typed {
            Some(id) => sheet.write_string_with_format(row, 0, id, &cell)?,
            None => sheet.write_blank(row, 0, &cell)?,
        };
        if r.raw.is_empty() {
            sheet.write_blank(row, 1, &cell)?;
        } else {
            sheet.write_string_with_format(row, 1, &r.raw, &cell)?;
        }
        if r.remarks.is_empty() {
            sheet.write_blank(row, 2, &cell)?;
        } else {
            sheet.write_string_with_format(row, 2, &r.remarks, &cell)?;
        }
        match typed {
            // A slip names no item: the item is missing and the row extra.
            Some(id) if id != item.id => outcome.extra(&id, &r, (D_SHEET, row)),
            // A blank id between its neighbours is the next one of the group.
            _ => outcome.place(items, k, "ok", &r, (D_SHEET, row)),
        }
    }
    Ok((workbook.save_to_buffer()?, outcome.rows(items)))
}
