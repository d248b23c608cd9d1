//! Writes `samples/hispro-checklist.xlsx`: the seed checklist laid out as its
//! owner would publish it (cover, revision history, and a checklist sheet with
//! title rows, a two-row merged header repeated at page breaks, section rows,
//! vertically merged group cells and wrapped text).
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
const VERSION: &str = "第1.0版";
const ORGANISATION: &str = "一般社団法人 保健医療福祉情報安全管理適合性評価協会（HISPRO）";
const FONT: &str = "游ゴシック";

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

fn main() -> Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out_dir = match std::env::args_os().nth(1) {
        Some(dir) => PathBuf::from(dir),
        None => root.join("samples"),
    };
    let path = make_samples(&root.join("samples/hispro-seed.txt"), &out_dir)?;
    println!("wrote {}", path.display());
    Ok(())
}

/// Read the seed checklist and write the published workbook into `out_dir`;
/// returns the path written.
pub fn make_samples(seed: &Path, out_dir: &Path) -> Result<PathBuf> {
    let cat =
        catalog::read(seed, &Default::default()).map_err(|e| format!("{}: {e}", seed.display()))?;
    let bytes = checklist_workbook(&cat.items)?;
    std::fs::create_dir_all(out_dir)?;
    let path = out_dir.join(WORKBOOK);
    std::fs::write(&path, bytes)?;
    Ok(path)
}

/// The published workbook of `items`, as bytes.
fn checklist_workbook(items: &[Item]) -> Result<Vec<u8>> {
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
    write_cover(workbook.add_worksheet())?;
    write_history(workbook.add_worksheet())?;
    write_checklist(workbook.add_worksheet(), items)?;
    Ok(workbook.save_to_buffer()?)
}

fn font() -> Format {
    Format::new().set_font_name(FONT).set_font_size(10)
}

fn date(year: u16, month: u8, day: u8) -> Result<ExcelDateTime> {
    Ok(ExcelDateTime::from_ymd(year, month, day)?)
}

/// 表紙: title, version, date, organisation and how to use the checklist.
fn write_cover(sheet: &mut Worksheet) -> Result<()> {
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
    sheet.write_string_with_format(6, 1, VERSION, &large)?;
    sheet.write_datetime_with_format(7, 1, date(2024, 4, 1)?, &day)?;
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
fn write_history(sheet: &mut Worksheet) -> Result<()> {
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
    let revisions = [
        (
            "第0.9版",
            date(2023, 10, 2)?,
            "意見募集用の案を作成",
            "技術委員会",
        ),
        (
            "第0.95版",
            date(2024, 1, 15)?,
            "意見募集の結果を反映（対象GLの参照箇所を見直し）",
            "技術委員会",
        ),
        (VERSION, date(2024, 4, 1)?, "初版発行", "事務局"),
    ];
    for (i, (version, day_of, change, by)) in revisions.iter().enumerate() {
        let row = 3 + i as u32;
        sheet.write_string_with_format(row, 0, *version, &centred)?;
        sheet.write_datetime_with_format(row, 1, day_of, &day)?;
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

/// チェックリスト: the items, laid out for printing.
fn write_checklist(sheet: &mut Worksheet, items: &[Item]) -> Result<()> {
    let f = Formats::new();
    sheet.set_name("チェックリスト")?;
    for (col, width) in WIDTHS.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
    }
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    sheet.set_header(format!("&L&8{TITLE}&R&8{VERSION}"));
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
                let text = format!("{VERSION}（2024年4月1日）　{ORGANISATION}");
                sheet.merge_range(row, 0, row, LAST_COL, &text, &f.subtitle)?;
            }
            Line::Blank | Line::SubHeader => {}
            Line::Header => {
                first_header.get_or_insert(row);
                write_header(sheet, row, &f)?;
            }
            Line::Section(i) => {
                sheet.set_row_height(row, 18)?;
                let label = section_label(&items[i]);
                sheet.merge_range(row, 0, row, LAST_COL, &label, &f.section)?;
            }
            Line::Item(i) => {
                write_item(sheet, row, i, &items[i], &f)?;
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
