//! Writes `samples/hispro-checklist.xlsx`: the seed checklist laid out as its
//! owner would publish it (cover, revision history, and a checklist sheet with
//! title rows, a two-row merged header repeated at page breaks, section rows,
//! vertically merged group cells and wrapped text); and its next revision,
//! `samples/hispro-checklist-r2.xlsx`, in the same layout, with the ground
//! truth of what changed, `samples/hispro-checklist-r2.truth.csv`.
//!
//! ```text
//! cargo run --example make_samples              # writes into samples/
//! cargo run --example make_samples -- OUT_DIR   # writes into OUT_DIR
//! ```
//!
//! The items come from `samples/hispro-seed.txt` through the library, so the
//! workbook holds exactly the seed's catalog. The document properties are
//! pinned, so the same seed gives a byte-identical file.
//!
//! The layout is what an owner makes, not what suits our reader: if the reader
//! gets this workbook wrong, fix the reader, not this file.
//!
//! `examples/make_bench_inputs.rs` includes this file as a module to write its
//! checklists of any size, and vendor-filled copies of them, in this layout
//! ([`checklist_workbook`], [`answered_workbook`]).
//!
//! The revision is made from the seed's items by fixed rules and a fixed-seed
//! generator (no randomness between runs): items reworded, renumbered (items
//! inserted or removed in a group shift the numbers of those after them),
//! moved to another group, level, check text and guideline changed, added,
//! removed, one split, two merged, and formatting-only edits (line breaks,
//! spaces, full-width digits, letters and parentheses) that are no change.
//! The truth file is derived from what the generator did, pair by pair: the
//! same contract (`kind` as diff's `status`, `changes` as its flags), so that
//! a diff can be checked against it. Again: if `checksheet diff` disagrees
//! with the truth, fix the aligner, not this file.

use std::error::Error;
use std::path::{Path, PathBuf};

use checksheet::catalog::{self, Item, Level};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};
use unicode_width::UnicodeWidthStr;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// The file this example writes, inside the output directory.
const WORKBOOK: &str = "hispro-checklist.xlsx";

const TITLE: &str = "HISPRO 外部保存、ASP・SaaS チェックシート項目集";
const ORGANISATION: &str = "一般社団法人 保健医療福祉情報安全管理適合性評価協会（HISPRO）";
const FONT: &str = "游ゴシック";

/// One published edition: what its cover, revision history and page
/// headers say.
pub struct Edition {
    version: &'static str,
    /// The publication date (year, month, day).
    published: (u16, u8, u8),
    /// 改訂履歴, the last line this edition.
    history: &'static [HistoryRow],
}

/// One line of 改訂履歴: version, date (year, month, day), what changed, by
/// whom.
type HistoryRow = (&'static str, (u16, u8, u8), &'static str, &'static str);

/// The first edition: `samples/hispro-checklist.xlsx`.
pub const FIRST: Edition = Edition {
    version: "第1.0版",
    published: (2024, 4, 1),
    history: &[
        (
            "第0.9版",
            (2023, 10, 2),
            "意見募集用の案を作成",
            "技術委員会",
        ),
        (
            "第0.95版",
            (2024, 1, 15),
            "意見募集の結果を反映（対象GLの参照箇所を見直し）",
            "技術委員会",
        ),
        ("第1.0版", (2024, 4, 1), "初版発行", "事務局"),
    ],
};

/// Item rows per printed page; the header is written again after them.
const ITEMS_PER_PAGE: usize = 45;
/// Every this many items, the measure text gets a line break.
const BREAK_EVERY: usize = 7;

// Columns of the checklist sheet (0-based).
const COL_MAJOR: u16 = 0;
const COL_MIDDLE: u16 = 1;
const COL_MINOR: u16 = 2;
const COL_REQ: u16 = 3;
const COL_CATEGORY: u16 = 4;
const COL_LEVEL: u16 = 5;
const COL_MEASURE: u16 = 6;
const COL_GUIDELINE: u16 = 7;
const COL_REF: u16 = 8;
const COL_CHECK: u16 = 9;
const LAST_COL: u16 = COL_CHECK;

/// Column widths of the checklist sheet, in Excel character units.
const WIDTHS: [f64; 10] = [5.0, 5.0, 5.0, 5.0, 20.0, 7.5, 56.0, 14.0, 12.0, 46.0];
/// Widths of a vendor's answer, evidence and remarks columns.
const RESPONSE_WIDTHS: [f64; 3] = [12.0, 30.0, 30.0];

fn main() -> Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out_dir = match std::env::args_os().nth(1) {
        Some(dir) => PathBuf::from(dir),
        None => root.join("samples"),
    };
    let seed = root.join("samples/hispro-seed.txt");
    let path = make_samples(&seed, &out_dir)?;
    println!("wrote {}", path.display());
    let (revision, truth, summary) = make_revision(&seed, &out_dir)?;
    println!("wrote {}", revision.display());
    println!("wrote {} ({summary})", truth.display());
    Ok(())
}

/// Read the seed checklist and write the published workbook into `out_dir`;
/// returns the path written.
pub fn make_samples(seed: &Path, out_dir: &Path) -> Result<PathBuf> {
    let cat =
        catalog::read(seed, &Default::default()).map_err(|e| format!("{}: {e}", seed.display()))?;
    let bytes = checklist_workbook(&cat.items, &FIRST)?;
    std::fs::create_dir_all(out_dir)?;
    let path = out_dir.join(WORKBOOK);
    std::fs::write(&path, bytes)?;
    Ok(path)
}

/// The published workbook of `items` in `edition`, as bytes.
pub fn checklist_workbook(items: &[Item], edition: &Edition) -> Result<Vec<u8>> {
    workbook_of(items, edition, None)
}

/// What a vendor wrote into the owner's workbook: three columns after
/// 確認項目 (answer, evidence, remarks), one row of cells per item.
pub struct Responses<'a> {
    /// The headers of the three columns.
    pub labels: [&'a str; 3],
    /// Per item, in item order: answer, evidence, remarks (empty: blank).
    pub cells: &'a [[String; 3]],
}

/// The owner's workbook of `items` as a vendor returns it filled in: the
/// same sheets and layout with the response columns added.
pub fn answered_workbook(
    items: &[Item],
    edition: &Edition,
    responses: &Responses,
) -> Result<Vec<u8>> {
    if responses.cells.len() != items.len() {
        return Err(format!(
            "{} items but {} rows of responses",
            items.len(),
            responses.cells.len()
        )
        .into());
    }
    workbook_of(items, edition, Some(responses))
}

fn workbook_of(
    items: &[Item],
    edition: &Edition,
    responses: Option<&Responses>,
) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(TITLE)
            .set_subject("医療情報を取り扱う外部保存・ASP・SaaS事業者向けチェックリスト")
            .set_author("HISPRO 事務局")
            .set_company(ORGANISATION)
            .set_creation_datetime(&created),
    );
    write_cover(workbook.add_worksheet(), edition)?;
    write_history(workbook.add_worksheet(), edition)?;
    write_checklist(workbook.add_worksheet(), items, edition, responses)?;
    Ok(workbook.save_to_buffer()?)
}

fn font() -> Format {
    Format::new().set_font_name(FONT).set_font_size(10)
}

fn date(year: u16, month: u8, day: u8) -> Result<ExcelDateTime> {
    Ok(ExcelDateTime::from_ymd(year, month, day)?)
}

/// 表紙: title, version, date, organisation and how to use the checklist.
fn write_cover(sheet: &mut Worksheet, edition: &Edition) -> Result<()> {
    sheet.set_name("表紙")?;
    sheet.set_screen_gridlines(false);
    sheet.set_column_width(0, 3)?;
    sheet.set_column_width(1, 100)?;
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4

    let title = font().set_font_size(20).set_bold();
    let large = font().set_font_size(14);
    let day = large
        .clone()
        .set_num_format("yyyy\"年\"m\"月\"d\"日\"")
        .set_align(FormatAlign::Left);
    let heading = font().set_font_size(12).set_bold();
    let body = font().set_font_size(11).set_text_wrap();

    sheet.set_row_height(3, 36)?;
    sheet.write_string_with_format(3, 1, TITLE, &title)?;
    let (year, month, day_of) = edition.published;
    sheet.write_string_with_format(6, 1, edition.version, &large)?;
    sheet.write_datetime_with_format(7, 1, date(year, month, day_of)?, &day)?;
    sheet.write_string_with_format(8, 1, ORGANISATION, &large)?;

    sheet.write_string_with_format(11, 1, "ご利用にあたって", &heading)?;
    let instructions = [
        "1. 本チェックシートは、医療情報の外部保存を受託する事業者及び医療情報を取り扱うASP・SaaS事業者が、関係ガイドラインへの適合状況を確認するためのものです。",
        "2. 「チェックリスト」シートの各対策項目について、確認項目に沿って自社の対策状況を確認し、回答欄及び根拠資料欄に記入してください。",
        "3. 「必須」の項目はすべて満たす必要があります。「推奨」の項目は、対応できない場合はその理由と代替策を備考に記載してください。",
        "4. 対象GL及びGLでの参照箇所は、各対策項目の根拠となるガイドラインとその章番号を示します。",
        "5. 本シートの内容を改変せずにご利用ください。ご不明な点は協会事務局までお問い合わせください。",
    ];
    for (i, line) in instructions.iter().enumerate() {
        let row = 12 + i as u32;
        sheet.set_row_height(row, 30)?;
        sheet.write_string_with_format(row, 1, *line, &body)?;
    }
    Ok(())
}

/// 改訂履歴: a small table of the revisions.
fn write_history(sheet: &mut Worksheet, edition: &Edition) -> Result<()> {
    sheet.set_name("改訂履歴")?;
    for (col, width) in [8.0, 16.0, 60.0, 16.0].into_iter().enumerate() {
        sheet.set_column_width(col as u16, width)?;
    }
    let title = font().set_font_size(14).set_bold();
    let cell = font()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let header = cell
        .clone()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color(Color::RGB(0xD9E1F2));
    let centred = cell.clone().set_align(FormatAlign::Center);
    let day = centred.clone().set_num_format("yyyy/mm/dd");

    sheet.write_string_with_format(0, 0, "改訂履歴", &title)?;
    for (col, label) in ["版", "日付", "改訂内容", "担当"].into_iter().enumerate() {
        sheet.write_string_with_format(2, col as u16, label, &header)?;
    }
    for (i, (version, (year, month, day_of), change, by)) in edition.history.iter().enumerate() {
        let row = 3 + i as u32;
        sheet.write_string_with_format(row, 0, *version, &centred)?;
        sheet.write_datetime_with_format(row, 1, date(*year, *month, *day_of)?, &day)?;
        sheet.write_string_with_format(row, 2, *change, &cell)?;
        sheet.write_string_with_format(row, 3, *by, &centred)?;
    }
    Ok(())
}

/// The formats of the checklist sheet.
struct Formats {
    title: Format,
    subtitle: Format,
    header: Format,
    section: Format,
    number: Format,
    category: Format,
    level: Format,
    text: Format,
    note: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = font()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Top)
            .set_text_wrap();
        Formats {
            title: font().set_font_size(16).set_bold(),
            subtitle: font().set_font_size(11),
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
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xFCE4D6)),
            number: cell.clone().set_align(FormatAlign::Center),
            category: cell.clone(),
            level: cell.clone().set_align(FormatAlign::Center),
            text: cell,
            note: font()
                .set_font_size(9)
                .set_align(FormatAlign::Top)
                .set_text_wrap(),
        }
    }
}

/// What stands in one row of the checklist sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    Title,
    Subtitle,
    Blank,
    /// The first of the two header rows.
    Header,
    /// The second header row (written with [`Line::Header`]).
    SubHeader,
    /// A major category: the index of its first item.
    Section(usize),
    /// An item: its index.
    Item(usize),
    Note,
}

/// The rows of the checklist sheet, top to bottom, as a printed checklist
/// has them: titles, header, a section row whenever the major number changes,
/// and the header again after every [`ITEMS_PER_PAGE`] items.
fn plan(items: &[Item]) -> Vec<Line> {
    let mut lines = vec![Line::Title, Line::Subtitle, Line::Blank];
    let mut on_page = ITEMS_PER_PAGE;
    let mut major: Option<&str> = None;
    for (i, item) in items.iter().enumerate() {
        if on_page == ITEMS_PER_PAGE {
            lines.extend([Line::Header, Line::SubHeader]);
            on_page = 0;
        }
        if major != Some(item.major.as_str()) {
            lines.push(Line::Section(i));
            major = Some(item.major.as_str());
        }
        lines.push(Line::Item(i));
        on_page += 1;
    }
    lines.extend([Line::Blank, Line::Note]);
    lines
}

/// The label of a section row: the major part of the category
/// (`1. 設備・運用` of `1. 設備・運用 1) 一般的条件 …`).
fn section_label(item: &Item) -> String {
    let words: Vec<&str> = item.category.split_whitespace().take(2).collect();
    match words.as_slice() {
        [number, name] if number.ends_with('.') => format!("{number} {name}"),
        _ => format!("{}.", item.major),
    }
}

/// The measure text as written in the sheet: every [`BREAK_EVERY`]th item has
/// a line break, as an owner breaks a long cell with Alt+Enter: after its
/// first sentence, or when it has one sentence only, after the 「、」 nearest
/// its middle (or in the very middle when it has none).
fn measure_text(index: usize, measure: &str) -> String {
    if (index + 1) % BREAK_EVERY != 0 {
        return measure.to_owned();
    }
    let inside = |p: &usize| *p > 0 && *p < measure.len();
    let ends_of = |mark: char| {
        measure
            .match_indices(mark)
            .map(move |(p, m)| p + m.len())
            .filter(inside)
    };
    let middle = measure.len() / 2;
    let half = measure.chars().count() / 2;
    let at = ends_of('。')
        .next()
        .or_else(|| ends_of('、').min_by_key(|p| p.abs_diff(middle)))
        .or_else(|| measure.char_indices().nth(half).map(|(p, _)| p))
        .unwrap_or(measure.len());
    format!("{}\n{}", &measure[..at], &measure[at..])
}

/// How many lines `text` takes in a column `width` characters wide.
fn lines_in(text: &str, width: f64) -> usize {
    let per_line = (width - 1.0).max(1.0);
    text.split('\n')
        .map(|line| ((line.width() as f64) / per_line).ceil().max(1.0) as usize)
        .sum()
}

fn number(item: &Item, col: u16) -> Result<Option<f64>> {
    let text = match col {
        COL_MAJOR => &item.major,
        COL_MIDDLE => &item.middle,
        COL_MINOR => &item.minor,
        _ => &item.req,
    };
    if text.is_empty() {
        return Ok(None);
    }
    let n = text
        .parse::<f64>()
        .map_err(|_| format!("item {}: {text:?} is not a number", item.id))?;
    Ok(Some(n))
}

/// The key that decides whether two neighbouring item rows share a merged
/// cell in `col`; `None` for a cell that stays blank and unmerged.
fn group_key(item: &Item, col: u16) -> Option<String> {
    match col {
        COL_MAJOR => Some(item.major.clone()),
        COL_MIDDLE => Some(format!("{}-{}", item.major, item.middle)),
        COL_MINOR if item.minor.is_empty() => None,
        COL_MINOR => Some(format!("{}-{}-{}", item.major, item.middle, item.minor)),
        _ => Some(item.category.clone()),
    }
}

fn write_header(sheet: &mut Worksheet, row: u32, f: &Formats) -> Result<()> {
    sheet.set_row_height(row, 18)?;
    sheet.set_row_height(row + 1, 18)?;
    sheet.merge_range(row, COL_MAJOR, row, COL_REQ, "項番", &f.header)?;
    for (col, label) in [
        (COL_MAJOR, "大分類"),
        (COL_MIDDLE, "中分類"),
        (COL_MINOR, "小分類"),
        (COL_REQ, "要件"),
    ] {
        sheet.write_string_with_format(row + 1, col, label, &f.header)?;
    }
    for (col, label) in [
        (COL_CATEGORY, "分類"),
        (COL_LEVEL, "必須／推奨"),
        (COL_MEASURE, "対策項目"),
        (COL_GUIDELINE, "対象GL"),
        (COL_REF, "GLでの参照箇所"),
        (COL_CHECK, "確認項目"),
    ] {
        sheet.merge_range(row, col, row + 1, col, label, &f.header)?;
    }
    Ok(())
}

/// The level, 対策項目…確認項目 cells of one item row, and its height.
fn write_item(
    sheet: &mut Worksheet,
    row: u32,
    index: usize,
    item: &Item,
    f: &Formats,
) -> Result<()> {
    let measure = measure_text(index, &item.measure);
    let level = match item.level {
        Some(Level::Required) => "必須",
        Some(Level::Recommended) => "推奨",
        None => "",
    };
    sheet.write_string_with_format(row, COL_LEVEL, level, &f.level)?;
    sheet.write_string_with_format(row, COL_MEASURE, &measure, &f.text)?;
    sheet.write_string_with_format(row, COL_GUIDELINE, &item.guideline, &f.text)?;
    sheet.write_string_with_format(row, COL_REF, &item.ref_, &f.text)?;
    sheet.write_string_with_format(row, COL_CHECK, &item.check, &f.text)?;
    let lines = [
        (&measure, COL_MEASURE),
        (&item.guideline, COL_GUIDELINE),
        (&item.ref_, COL_REF),
        (&item.check, COL_CHECK),
    ]
    .iter()
    .map(|(text, col)| lines_in(text, WIDTHS[*col as usize]))
    .max()
    .unwrap_or(1);
    sheet.set_row_height(row, 13.5 * lines as f64 + 3.0)?;
    Ok(())
}

/// Write the group cells (numbers and category) of a run of item rows that
/// stand together under one header: equal neighbours share a merged cell.
fn write_groups(
    sheet: &mut Worksheet,
    run: &[(u32, usize)],
    items: &[Item],
    f: &Formats,
) -> Result<()> {
    // The requirement number is the item's own: never merged.
    for &(row, i) in run {
        if let Some(n) = number(&items[i], COL_REQ)? {
            sheet.write_number_with_format(row, COL_REQ, n, &f.number)?;
        }
    }
    for col in [COL_MAJOR, COL_MIDDLE, COL_MINOR, COL_CATEGORY] {
        let format = if col == COL_CATEGORY {
            &f.category
        } else {
            &f.number
        };
        let mut start = 0;
        while start < run.len() {
            let key = group_key(&items[run[start].1], col);
            let mut end = start + 1;
            while end < run.len() && key.is_some() && group_key(&items[run[end].1], col) == key {
                end += 1;
            }
            let (first, i) = run[start];
            let last = run[end - 1].0;
            if last > first {
                sheet.merge_range(first, col, last, col, "", format)?;
            }
            if col == COL_CATEGORY {
                sheet.write_string_with_format(first, col, &items[i].category, format)?;
            } else if let Some(n) = number(&items[i], col)? {
                sheet.write_number_with_format(first, col, n, format)?;
            } else {
                sheet.write_blank(first, col, format)?;
            }
            start = end;
        }
    }
    Ok(())
}

/// チェックリスト: the items, laid out for printing; with a vendor's
/// responses in three more columns when given.
fn write_checklist(
    sheet: &mut Worksheet,
    items: &[Item],
    edition: &Edition,
    responses: Option<&Responses>,
) -> Result<()> {
    let f = Formats::new();
    sheet.set_name("チェックリスト")?;
    for (col, width) in WIDTHS.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
    }
    if responses.is_some() {
        for (k, width) in RESPONSE_WIDTHS.iter().enumerate() {
            sheet.set_column_width(LAST_COL + 1 + k as u16, *width)?;
        }
    }
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    sheet.set_header(format!("&L&8{TITLE}&R&8{}", edition.version));
    sheet.set_footer("&C&8&P / &N");

    let lines = plan(items);
    let mut run: Vec<(u32, usize)> = Vec::new();
    let mut first_header = None;
    for (row, line) in lines.iter().enumerate() {
        let row = row as u32;
        if !matches!(line, Line::Item(_)) && !run.is_empty() {
            write_groups(sheet, &run, items, &f)?;
            run.clear();
        }
        match *line {
            Line::Title => {
                sheet.set_row_height(row, 24)?;
                sheet.merge_range(row, 0, row, LAST_COL, TITLE, &f.title)?;
            }
            Line::Subtitle => {
                let (year, month, day) = edition.published;
                let text = format!(
                    "{}（{year}年{month}月{day}日）　{ORGANISATION}",
                    edition.version
                );
                sheet.merge_range(row, 0, row, LAST_COL, &text, &f.subtitle)?;
            }
            Line::Blank | Line::SubHeader => {}
            Line::Header => {
                first_header.get_or_insert(row);
                write_header(sheet, row, &f)?;
                if let Some(responses) = responses {
                    for (k, label) in responses.labels.iter().enumerate() {
                        let col = LAST_COL + 1 + k as u16;
                        sheet.merge_range(row, col, row + 1, col, label, &f.header)?;
                    }
                }
            }
            Line::Section(i) => {
                sheet.set_row_height(row, 18)?;
                let label = section_label(&items[i]);
                sheet.merge_range(row, 0, row, LAST_COL, &label, &f.section)?;
            }
            Line::Item(i) => {
                write_item(sheet, row, i, &items[i], &f)?;
                if let Some(responses) = responses {
                    for (k, text) in responses.cells[i].iter().enumerate() {
                        let col = LAST_COL + 1 + k as u16;
                        if text.is_empty() {
                            sheet.write_blank(row, col, &f.text)?;
                        } else {
                            sheet.write_string_with_format(row, col, text, &f.text)?;
                        }
                    }
                }
                run.push((row, i));
            }
            Line::Note => {
                let text = "※ 対象GLの略称　総務省ASP-GL：ASP・SaaSにおける情報セキュリティ対策ガイドライン／\
                            総務省医療ASP-GL：ASP・SaaS事業者が医療情報を取り扱う際の安全管理に関するガイドライン／\
                            経産省医療外部保存-GL：医療情報を受託管理する情報処理事業者向けガイドライン";
                sheet.set_row_height(row, 27)?;
                sheet.merge_range(row, 0, row, LAST_COL, text, &f.note)?;
            }
        }
    }
    if let Some(header) = first_header {
        sheet.set_repeat_rows(header, header + 1)?;
        sheet.set_freeze_panes(header + 2, 0)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The second edition: the next revision as its owner would publish it.
// ---------------------------------------------------------------------------

/// The revision's workbook and its truth, inside the output directory.
const REVISION: &str = "hispro-checklist-r2.xlsx";
const TRUTH: &str = "hispro-checklist-r2.truth.csv";

/// The second edition: `samples/hispro-checklist-r2.xlsx`.
const SECOND: Edition = Edition {
    version: "第2.0版",
    published: (2025, 4, 1),
    history: &[
        (
            "第0.9版",
            (2023, 10, 2),
            "意見募集用の案を作成",
            "技術委員会",
        ),
        (
            "第0.95版",
            (2024, 1, 15),
            "意見募集の結果を反映（対象GLの参照箇所を見直し）",
            "技術委員会",
        ),
        ("第1.0版", (2024, 4, 1), "初版発行", "事務局"),
        (
            "第2.0版",
            (2025, 4, 1),
            "対策項目の追加・削除・分割・統合、文言及び必須／推奨の見直し、項番の振り直し",
            "技術委員会",
        ),
    ],
};

/// The seed of the revision's generator: change it and the revision changes
/// (the truth with it).
const REVISION_SEED: u64 = 2024;

/// How many of each edit the revision makes.
const REWORDED: usize = 12;
const REMOVED: usize = 4;
const MOVED: usize = 3;
const LEVELS: usize = 2;
const CHECKS: usize = 2;
const GUIDELINES: usize = 1;
const FORMATTING: usize = 10;

/// A rewording edits this share of the characters of a text, at least and
/// at most (Levenshtein distance over the old length).
const MIN_EDIT: f64 = 0.05;
const MAX_EDIT: f64 = 0.20;

/// Structural edits (removals, moves, splits, merges, insertions) fall in the
/// last few items of a group, as owners mostly append and prune there; one in
/// the middle of the 144 items of 2-1-6 would renumber seventy.
const TAIL: usize = 3;

/// Groups the revision leaves alone: the three items of 3-3 are printed with
/// three numbers right above the minor groups 3-3-1 … 3-3-3 (the seed's
/// ambiguity); this revision is about revising, not about reading that block.
const UNTOUCHED_GROUPS: [&str; 1] = ["3-3"];

/// Phrase substitutions of an owner rewording a requirement: the obligation
/// made stronger, a clause added, a term replaced.
const REWORDINGS: [(&str, &str); 19] = [
    ("すること。", "しなければならない。"),
    ("することが望ましい。", "することを推奨する。"),
    ("経営陣", "経営層"),
    ("従業員", "従事者"),
    ("情報処理事業者", "情報処理サービス事業者"),
    ("ウイルス", "マルウェア"),
    ("定期的に", "少なくとも年1回、定期的に"),
    ("文書化すること", "文書化し、関係者に周知すること"),
    ("定めること", "定め、文書化すること"),
    ("確認すること", "確認し、その結果を記録すること"),
    ("実施すること", "実施し、その記録を保存すること"),
    ("医療機関等", "委託元の医療機関等"),
    ("適切な", "十分な"),
    ("措置", "対策"),
    ("合意すること", "合意し、契約書等に明記すること"),
    ("管理すること", "管理し、その状況を定期的に点検すること"),
    ("行うこと", "実施すること"),
    ("パスワード", "認証情報"),
    ("情報セキュリティ", "サイバーセキュリティ"),
];

/// New requirements of the revision: group, level, 対策項目, 対象GL,
/// GLでの参照箇所, 確認項目.
const NEW_ITEMS: [(&str, Level, &str, &str, &str, &str); 5] = [
    (
        "2-1-6",
        Level::Required,
        "医療情報システムへのリモートアクセス及び管理者権限でのログインには、多要素認証を用いること。",
        "総務省医療ASP-GL",
        "Ⅲ. 4. 2. 9",
        "・リモートアクセス及び管理者権限でのログインに多要素認証が用いられているか",
    ),
    (
        "1-2-2",
        Level::Required,
        "ランサムウェア等による被害に備え、バックアップの一つをネットワークから切り離した媒体又は書換えのできない形式で保管し、その復元手順を訓練しておくこと。",
        "経産省医療外部保存-GL",
        "7.9",
        "・オフライン又は書換え不能なバックアップがあるか ・復元訓練の記録があるか",
    ),
    (
        "3-2",
        Level::Recommended,
        "再委託先が利用するクラウドサービス及びソフトウェア部品の供給元を把握し、その脆弱性情報を入手して対処する体制を確かめることが望ましい。",
        "総務省医療ASP-GL",
        "Ⅲ. 3. 4",
        "・再委託先の供給元の一覧があるか ・脆弱性情報への対処体制が確かめられているか",
    ),
    (
        "1-1-2",
        Level::Required,
        "クラウド基盤の設定（公開範囲、暗号化、ログ取得等）を変更の都度及び四半期ごとに点検し、設定不備による漏えいを防ぐこと。",
        "総務省 ASP-GL",
        "II. 4. 3. 2",
        "・クラウド基盤の設定点検の手順と記録があるか",
    ),
    (
        "2-1-1",
        Level::Recommended,
        "利用するソフトウェアの構成情報（SBOM等）を管理し、新たに公表された脆弱性の影響の有無を速やかに判断できるようにすることが望ましい。",
        "経産省医療外部保存-GL",
        "7.4.2",
        "・ソフトウェア構成情報の一覧が最新に保たれているか",
    ),
];

/// What the revision's own guideline change says (one item moves to the
/// successor guideline).
const NEW_GUIDELINE: (&str, &str) = ("経産省・総務省 提供事業者GL", "5.2.1");

/// A fixed-seed linear congruential generator (Knuth's MMIX constants): the
/// same revision on every run and every machine, with no dependency.
pub struct Lcg(pub u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Where an item of the revision comes from (indices into the seed's items).
#[derive(Debug, Clone, PartialEq)]
enum Origin {
    Kept(usize),
    Added,
    Split(usize),
    Merged(Vec<usize>),
}

/// One item of the revision: its content (what the owner means) and, where a
/// formatting-only edit was made, the text as written instead.
#[derive(Debug, Clone)]
struct Revised {
    item: Item,
    origin: Origin,
    /// Some edit was made to it (content or formatting): no second one.
    edited: bool,
    shown_measure: Option<String>,
    shown_check: Option<String>,
    shown_ref: Option<String>,
}

impl Revised {
    fn kept(index: usize, item: &Item) -> Revised {
        Revised {
            item: item.clone(),
            origin: Origin::Kept(index),
            edited: false,
            shown_measure: None,
            shown_check: None,
            shown_ref: None,
        }
    }

    /// A kept item nothing was done to yet.
    fn untouched(&self) -> bool {
        matches!(self.origin, Origin::Kept(_)) && !self.edited
    }

    /// The item as written into the workbook.
    fn shown(&self) -> Item {
        let mut item = self.item.clone();
        if let Some(m) = &self.shown_measure {
            item.measure = m.clone();
        }
        if let Some(c) = &self.shown_check {
            item.check = c.clone();
        }
        if let Some(r) = &self.shown_ref {
            item.ref_ = r.clone();
        }
        item
    }
}

/// A group of items (`1-1-1`, `3-1`) in the revision.
#[derive(Debug, Clone)]
struct Group {
    key: String,
    major: String,
    middle: String,
    minor: String,
    category: String,
    items: Vec<Revised>,
}

impl Group {
    fn editable(&self) -> bool {
        !UNTOUCHED_GROUPS.contains(&self.key.as_str())
    }
}

fn group_of(item: &Item) -> String {
    [&item.major, &item.middle, &item.minor]
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join("-")
}

/// The seed's items in their groups, in order.
fn groups_of(items: &[Item]) -> Result<Vec<Group>> {
    let mut groups: Vec<Group> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let key = group_of(item);
        if groups.last().map(|g| &g.key) != Some(&key) {
            if groups.iter().any(|g| g.key == key) {
                return Err(format!("group {key} is not contiguous in the seed").into());
            }
            groups.push(Group {
                key,
                major: item.major.clone(),
                middle: item.middle.clone(),
                minor: item.minor.clone(),
                category: item.category.clone(),
                items: Vec::new(),
            });
        }
        let group = groups.last_mut().expect("a group");
        group.category = item.category.clone();
        group.items.push(Revised::kept(i, item));
    }
    Ok(groups)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

fn edit_ratio(old: &str, new: &str) -> f64 {
    edit_distance(old, new) as f64 / old.chars().count().max(1) as f64
}

/// Reword `text` with phrase substitutions (in an order the generator draws)
/// until [`MIN_EDIT`]–[`MAX_EDIT`] of its characters are edited; `None` when
/// its phrases cannot make such an edit.
fn reword(text: &str, rng: &mut Lcg) -> Option<String> {
    let mut phrases: Vec<&(&str, &str)> = REWORDINGS
        .iter()
        .filter(|(from, _)| text.contains(from))
        .collect();
    rng.shuffle(&mut phrases);
    let mut out = text.to_owned();
    for (from, to) in phrases {
        let candidate = out.replacen(from, to, 1);
        let ratio = edit_ratio(text, &candidate);
        if ratio > MAX_EDIT {
            continue;
        }
        out = candidate;
        if ratio >= MIN_EDIT {
            return Some(out);
        }
    }
    None
}

/// The two pieces of a text split at its first 「。」, when both are whole
/// sentences of some length.
fn split_text(text: &str) -> Option<(String, String)> {
    let at = text.find('。')? + '。'.len_utf8();
    let (first, rest) = text.split_at(at);
    let long = |s: &str| s.chars().count() >= 20;
    (long(first) && long(rest) && rest.ends_with('。')).then(|| (first.to_owned(), rest.to_owned()))
}

/// A position among the last [`TAIL`] items of a group of `len` items.
fn tail_position(len: usize, rng: &mut Lcg) -> usize {
    len - 1 - rng.below(TAIL.min(len))
}

/// Formatting-only edits an owner makes without meaning to change anything.
#[derive(Debug, Clone, Copy)]
enum Formatting {
    /// A line break (Alt+Enter) after the 「、」 nearest the middle.
    LineBreak,
    /// Two spaces after the first 「、」 and one at the end.
    Spaces,
    /// Digits typed full-width.
    WideDigits,
    /// Parentheses typed full-width.
    WideParentheses,
    /// Latin letters typed full-width.
    WideLetters,
    /// Each 「・」 point of the 確認項目 on a line of its own.
    CheckLines,
    /// The reference typed full-width (its spaces ideographic).
    WideReference,
}

/// The order in which formatting edits are made.
const FORMATTINGS: [Formatting; FORMATTING] = [
    Formatting::LineBreak,
    Formatting::Spaces,
    Formatting::WideDigits,
    Formatting::WideParentheses,
    Formatting::WideLetters,
    Formatting::CheckLines,
    Formatting::WideReference,
    Formatting::LineBreak,
    Formatting::CheckLines,
    Formatting::WideDigits,
];

/// The full-width form of an ASCII letter, digit or sign.
fn wide(c: char) -> char {
    match c {
        '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c),
        _ => c,
    }
}

/// Apply a formatting edit to an item, if it has what the edit needs.
fn format_only(revised: &mut Revised, how: Formatting) -> bool {
    let item = &revised.item;
    let measure = &item.measure;
    let shown = |s: String| (s != *measure).then_some(s);
    let (measure_shown, check_shown, ref_shown) = match how {
        Formatting::LineBreak => {
            let middle = measure.len() / 2;
            let at = measure
                .match_indices('、')
                .map(|(p, m)| p + m.len())
                .filter(|&p| p < measure.len())
                .min_by_key(|p| p.abs_diff(middle));
            let Some(at) = at else { return false };
            let text = format!("{}\n{}", &measure[..at], &measure[at..]);
            (shown(text), None, None)
        }
        Formatting::Spaces => (
            shown(format!("{} ", measure.replacen('、', "、  ", 1))),
            None,
            None,
        ),
        Formatting::WideDigits => {
            let text: String = measure
                .chars()
                .map(|c| if c.is_ascii_digit() { wide(c) } else { c })
                .collect();
            (shown(text), None, None)
        }
        Formatting::WideParentheses => {
            let text = measure.replace('(', "（").replace(')', "）");
            (shown(text), None, None)
        }
        Formatting::WideLetters => {
            let text: String = measure
                .chars()
                .map(|c| if c.is_ascii_alphabetic() { wide(c) } else { c })
                .collect();
            (shown(text), None, None)
        }
        Formatting::CheckLines => {
            let text = item.check.replace(" ・", "\n・");
            (None, (text != item.check).then_some(text), None)
        }
        Formatting::WideReference => {
            let text: String = item
                .ref_
                .chars()
                .map(|c| if c == ' ' { '\u{3000}' } else { wide(c) })
                .collect();
            (None, None, (text != item.ref_).then_some(text))
        }
    };
    if measure_shown.is_none() && check_shown.is_none() && ref_shown.is_none() {
        return false;
    }
    revised.shown_measure = measure_shown;
    revised.shown_check = check_shown;
    revised.shown_ref = ref_shown;
    revised.edited = true;
    true
}

/// Counts of what the revision did, for the record.
#[derive(Debug, Default)]
pub struct RevisionSummary {
    pub kinds: Vec<(String, usize)>,
    /// Kept items whose only change is their number.
    pub renumbered_only: usize,
}

impl std::fmt::Display for RevisionSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kinds: Vec<String> = self.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        write!(
            f,
            "{}; renumbered only {}",
            kinds.join(", "),
            self.renumbered_only
        )
    }
}

/// One row of the truth: old id, new id, kind, changes.
type TruthRow = (String, String, &'static str, Vec<&'static str>);

/// The revision of the seed's items: its items in order, and the old items
/// it removed.
struct Revision {
    items: Vec<Revised>,
    removed: Vec<usize>,
}

/// Make the revision of `seed` (see the module doc).
fn revise(seed: &[Item]) -> Result<Revision> {
    let mut rng = Lcg(REVISION_SEED);
    let mut groups = groups_of(seed)?;
    let mut removed = Vec::new();

    // The groups that take the structural edits, one edit each, in the
    // order the generator draws them.
    let mut queue: Vec<usize> = (0..groups.len())
        .filter(|&g| groups[g].editable() && groups[g].items.len() >= 5)
        .collect();
    rng.shuffle(&mut queue);
    let mut queue = queue.into_iter();

    // Removals.
    for _ in 0..REMOVED {
        let g = queue.next().ok_or("not enough groups to remove from")?;
        let at = tail_position(groups[g].items.len(), &mut rng);
        let gone = groups[g].items.remove(at);
        let Origin::Kept(i) = gone.origin else {
            return Err("removed an item that was not kept".into());
        };
        removed.push(i);
    }

    // Moves into the neighbouring group of the same major number (the next
    // one, else the previous one), at its end; the first is reworded too.
    let mut moved = 0;
    while moved < MOVED {
        let g = queue.next().ok_or("not enough groups to move from")?;
        let neighbour = |t: usize| {
            t < groups.len() && t != g && groups[t].editable() && groups[t].major == groups[g].major
        };
        let target = if neighbour(g + 1) {
            g + 1
        } else if g > 0 && neighbour(g - 1) {
            g - 1
        } else {
            continue;
        };
        let at = tail_position(groups[g].items.len(), &mut rng);
        let reworded = if moved == 0 {
            match reword(&groups[g].items[at].item.measure, &mut rng) {
                Some(text) => Some(text),
                None => continue,
            }
        } else {
            None
        };
        let mut item = groups[g].items.remove(at);
        item.item.category = groups[target].category.clone();
        if let Some(text) = reworded {
            item.item.measure = text;
        }
        item.edited = true;
        groups[target].items.push(item);
        moved += 1;
    }

    // One split: an item of two sentences or more becomes two items.
    loop {
        let g = queue.next().ok_or("no item to split")?;
        let len = groups[g].items.len();
        let found = (len.saturating_sub(TAIL + 1)..len).rev().find(|&p| {
            let r = &groups[g].items[p];
            r.untouched() && split_text(&r.item.measure).is_some()
        });
        let Some(at) = found else { continue };
        let whole = groups[g].items.remove(at);
        let Origin::Kept(i) = whole.origin else {
            unreachable!("untouched items are kept")
        };
        let (first, rest) = split_text(&whole.item.measure).expect("splittable");
        for (k, text) in [first, rest].into_iter().enumerate() {
            let mut piece = whole.clone();
            piece.item.measure = text;
            piece.origin = Origin::Split(i);
            piece.edited = true;
            groups[g].items.insert(at + k, piece);
        }
        break;
    }

    // One merge: two neighbours of the same level become one item.
    loop {
        let g = queue.next().ok_or("no items to merge")?;
        let items = &groups[g].items;
        let len = items.len();
        let found = (len.saturating_sub(TAIL + 1)..len - 1).rev().find(|&p| {
            let (a, b) = (&items[p], &items[p + 1]);
            a.untouched()
                && b.untouched()
                && a.item.level == b.item.level
                && a.item.measure.chars().count() + b.item.measure.chars().count() <= 240
        });
        let Some(at) = found else { continue };
        let second = groups[g].items.remove(at + 1);
        let first = &mut groups[g].items[at];
        let (Origin::Kept(a), Origin::Kept(b)) = (&first.origin, &second.origin) else {
            unreachable!("untouched items are kept")
        };
        first.origin = Origin::Merged(vec![*a, *b]);
        first.edited = true;
        let (old, other) = (&mut first.item, &second.item);
        old.measure.push_str(&other.measure);
        let join = |a: &mut String, b: &str, with: &str| {
            if a != b {
                a.push_str(with);
                a.push_str(b);
            }
        };
        join(&mut old.check, &other.check, " ");
        join(&mut old.guideline, &other.guideline, "、");
        join(&mut old.ref_, &other.ref_, "、");
        break;
    }

    // New items: at the end of their group or among its last items.
    for (key, level, measure, guideline, ref_, check) in NEW_ITEMS {
        let g = groups
            .iter()
            .position(|g| g.key == key)
            .ok_or_else(|| format!("no group {key} for a new item"))?;
        let group = &groups[g];
        let len = group.items.len();
        let at = if rng.below(2) == 0 {
            len
        } else {
            tail_position(len, &mut rng)
        };
        let template = &group.items[len - 1].item;
        let item = Item {
            id: String::new(),
            major: group.major.clone(),
            middle: group.middle.clone(),
            minor: group.minor.clone(),
            req: String::new(),
            category: group.category.clone(),
            level: Some(level),
            measure: measure.to_owned(),
            guideline: guideline.to_owned(),
            ref_: ref_.to_owned(),
            check: check.to_owned(),
            sheet: template.sheet.clone(),
            row: 0,
            origin: template.origin,
        };
        groups[g].items.insert(
            at,
            Revised {
                item,
                origin: Origin::Added,
                edited: true,
                shown_measure: None,
                shown_check: None,
                shown_ref: None,
            },
        );
    }

    // Every group numbered 1, 2, 3 … again, as the owner does.
    for group in &mut groups {
        for (k, revised) in group.items.iter_mut().enumerate() {
            let item = &mut revised.item;
            item.major = group.major.clone();
            item.middle = group.middle.clone();
            item.minor = group.minor.clone();
            item.req = (k + 1).to_string();
            item.id = format!("{}-{}", group.key, k + 1);
        }
    }
    let mut items: Vec<Revised> = groups
        .into_iter()
        .filter(|g| !g.items.is_empty())
        .flat_map(|g| {
            let editable = g.editable();
            g.items.into_iter().map(move |r| (editable, r))
        })
        .map(|(editable, mut r)| {
            // the untouched groups take no content edits either
            r.edited |= !editable;
            r
        })
        .collect();

    // Content edits, each on an item nothing was done to yet.
    let pick = |items: &[Revised], rng: &mut Lcg, ok: &dyn Fn(usize) -> bool| {
        let candidates: Vec<usize> = (0..items.len())
            .filter(|&n| items[n].untouched() && ok(n))
            .collect();
        (!candidates.is_empty()).then(|| candidates[rng.below(candidates.len())])
    };
    let mut reworded = 0;
    let mut tried = vec![false; items.len()];
    while reworded < REWORDED {
        let n = pick(&items, &mut rng, &|n| {
            !tried[n] && (30..=200).contains(&items[n].item.measure.chars().count())
        })
        .ok_or("not enough items to reword")?;
        tried[n] = true;
        if let Some(text) = reword(&items[n].item.measure, &mut rng) {
            items[n].item.measure = text;
            items[n].edited = true;
            reworded += 1;
        }
    }
    for _ in 0..LEVELS {
        let n = pick(&items, &mut rng, &|n| items[n].item.level.is_some())
            .ok_or("no level to change")?;
        let item = &mut items[n].item;
        item.level = match item.level {
            Some(Level::Required) => Some(Level::Recommended),
            _ => Some(Level::Required),
        };
        items[n].edited = true;
    }
    for k in 0..CHECKS {
        let n = if k == 0 {
            pick(&items, &mut rng, &|n| !items[n].item.check.is_empty())
        } else {
            pick(&items, &mut rng, &|n| {
                items[n].item.check.contains("されているか")
            })
        };
        let n = n.ok_or("no check to change")?;
        let check = &mut items[n].item.check;
        *check = if k == 0 {
            format!("{check} ・その実施の記録が保存され、定期的に点検されているか")
        } else {
            check.replacen("されているか", "され、責任者が承認しているか", 1)
        };
        items[n].edited = true;
    }
    for _ in 0..GUIDELINES {
        let n = pick(&items, &mut rng, &|n| {
            items[n].item.guideline.replace(' ', "") == "経産省医療外部保存-GL"
        })
        .ok_or("no guideline to change")?;
        let item = &mut items[n].item;
        item.guideline = NEW_GUIDELINE.0.to_owned();
        item.ref_ = NEW_GUIDELINE.1.to_owned();
        items[n].edited = true;
    }
    // Formatting only, on items that keep their number, so that nothing at
    // all is to be reported for them.
    for how in FORMATTINGS {
        let keeps_number =
            |r: &Revised| matches!(r.origin, Origin::Kept(i) if seed[i].id == r.item.id);
        let candidates: Vec<usize> = (0..items.len())
            .filter(|&n| items[n].untouched() && keeps_number(&items[n]))
            .collect();
        let start = rng.below(candidates.len().max(1));
        let done = (0..candidates.len())
            .map(|k| candidates[(start + k) % candidates.len()])
            .any(|n| format_only(&mut items[n], how));
        if !done {
            return Err(format!("no item takes the formatting edit {how:?}").into());
        }
    }

    let mut ids = std::collections::HashSet::new();
    for r in &items {
        if !ids.insert(r.item.id.clone()) {
            return Err(format!("id {} twice in the revision", r.item.id).into());
        }
    }
    removed.sort_unstable();
    Ok(Revision { items, removed })
}

/// The contract's change flags of a pair, from the content the generator
/// gave the new item (formatting-only edits are not content).
fn truth_changes(old: &Item, new: &Item) -> Vec<&'static str> {
    let mut out = Vec::new();
    let fields: [(&'static str, bool); 7] = [
        ("number", old.id != new.id),
        ("group", group_of(old) != group_of(new)),
        ("text", old.measure != new.measure),
        ("level", old.level != new.level),
        ("check", old.check != new.check),
        ("guideline", old.guideline != new.guideline),
        ("ref", old.ref_ != new.ref_),
    ];
    for (name, differs) in fields {
        if differs {
            out.push(name);
        }
    }
    out
}

/// The truth rows: pairs and added items in the revision's order, then the
/// removed items in the seed's order.
fn truth(seed: &[Item], revision: &Revision) -> Vec<TruthRow> {
    let mut rows = Vec::new();
    for r in &revision.items {
        let new = &r.item;
        let olds: Vec<usize> = match &r.origin {
            Origin::Kept(i) | Origin::Split(i) => vec![*i],
            Origin::Merged(is) => is.clone(),
            Origin::Added => {
                rows.push((String::new(), new.id.clone(), "added", Vec::new()));
                continue;
            }
        };
        for i in olds {
            let changes = truth_changes(&seed[i], new);
            let kind = match &r.origin {
                Origin::Split(_) => "split",
                Origin::Merged(_) => "merged",
                _ if changes.is_empty() => "unchanged",
                _ => "changed",
            };
            rows.push((seed[i].id.clone(), new.id.clone(), kind, changes));
        }
    }
    for &i in &revision.removed {
        rows.push((seed[i].id.clone(), String::new(), "removed", Vec::new()));
    }
    rows
}

fn summarise(rows: &[TruthRow], revision: &Revision) -> RevisionSummary {
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for kind in [
        "unchanged",
        "changed",
        "added",
        "removed",
        "split",
        "merged",
    ] {
        let n = rows.iter().filter(|r| r.2 == kind).count();
        kinds.push((kind.to_owned(), n));
    }
    let formatted = revision
        .items
        .iter()
        .filter(|r| r.shown_measure.is_some() || r.shown_check.is_some() || r.shown_ref.is_some())
        .count();
    kinds.push(("formatting only".to_owned(), formatted));
    RevisionSummary {
        kinds,
        renumbered_only: rows
            .iter()
            .filter(|r| r.2 == "changed" && r.3 == ["number"])
            .count(),
    }
}

/// Read the seed checklist and write its revision and the truth into
/// `out_dir`; returns the paths written and what the revision did.
pub fn make_revision(seed: &Path, out_dir: &Path) -> Result<(PathBuf, PathBuf, RevisionSummary)> {
    let cat =
        catalog::read(seed, &Default::default()).map_err(|e| format!("{}: {e}", seed.display()))?;
    let revision = revise(&cat.items)?;
    let shown: Vec<Item> = revision.items.iter().map(Revised::shown).collect();
    let bytes = checklist_workbook(&shown, &SECOND)?;
    let rows = truth(&cat.items, &revision);
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(["old_id", "new_id", "kind", "changes"])?;
    for (old, new, kind, changes) in &rows {
        csv.write_record([old.as_str(), new.as_str(), kind, &changes.join(";")])?;
    }
    let truth_bytes = csv.into_inner().map_err(|e| e.to_string())?;
    std::fs::create_dir_all(out_dir)?;
    let workbook = out_dir.join(REVISION);
    std::fs::write(&workbook, bytes)?;
    let truth_path = out_dir.join(TRUTH);
    std::fs::write(&truth_path, truth_bytes)?;
    Ok((workbook, truth_path, summarise(&rows, &revision)))
}
