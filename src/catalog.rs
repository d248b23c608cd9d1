//! The catalog: the canonical item list of a checklist.
//!
//! [`read`] runs the reading half of the pipeline, read → layout → records →
//! catalog, on any supported file, including a catalog exported by
//! `checksheet catalog` (csv/tsv/json) and corrected by hand.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::error::{Error, ErrorKind, Location, Result};
use crate::layout::{self, RawRecord};
use crate::record::{self, IdOrigin};
use crate::role::Role;
use crate::source::{self, Book, ReadOptions};
use crate::text::compact;

/// 必須 or 推奨.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Required,
    Recommended,
}

impl Level {
    /// Recognise a level cell: 必須/推奨, Mandatory/Recommended, Required …
    pub fn parse(s: &str) -> Option<Level> {
        if s.len() > 40 {
            return None;
        }
        // the spellings almost every sheet uses, without a copy
        match s {
            "必須" | "required" => return Some(Level::Required),
            "推奨" | "recommended" => return Some(Level::Recommended),
            _ => {}
        }
        // every spelling below holds 必, 推 or 任, or Latin letters
        let latin = |c: char| {
            c.is_ascii_alphabetic() || ('Ａ'..='Ｚ').contains(&c) || ('ａ'..='ｚ').contains(&c)
        };
        if !s
            .chars()
            .any(|c| matches!(c, '必' | '推' | '任') || latin(c))
        {
            return None;
        }
        let k = compact(s);
        let k = k.trim_matches(|c: char| matches!(c, '【' | '】' | '[' | ']' | '(' | ')' | '*'));
        match k {
            "必須" | "必須項目" | "必須事項" | "必" | "required" | "mandatory" | "must" | "m"
            | "shall" => Some(Level::Required),
            "推奨" | "推奨項目" | "推奨事項" | "推" | "任意" | "recommended" | "recommend"
            | "should" | "optional" | "r" => Some(Level::Recommended),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Required => "required",
            Level::Recommended => "recommended",
        }
    }
}

/// One item of a checklist, with where it stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Item {
    pub id: String,
    pub major: String,
    pub middle: String,
    pub minor: String,
    pub req: String,
    pub category: String,
    pub level: Option<Level>,
    pub measure: String,
    pub guideline: String,
    #[serde(rename = "ref")]
    pub ref_: String,
    pub check: String,
    pub sheet: Option<String>,
    pub row: u32,
    #[serde(skip)]
    pub origin: IdOrigin,
}

impl Item {
    /// The group the item belongs to (`1-1-1` for `1-1-1-5`).
    pub fn group(&self) -> String {
        self.group_pieces().collect()
    }

    /// The item stands in the same group as `other` ([`Item::group`]
    /// compared without being written out).
    pub fn same_group(&self, other: &Item) -> bool {
        // the same numbers (most pairs of two revisions), or groups written
        // out to different lengths, tell at once; only the rest (`1-2` as
        // one number against `1` and `2`) is compared piece by piece
        if self.major == other.major && self.middle == other.middle && self.minor == other.minor {
            return true;
        }
        if self.group_len() != other.group_len() {
            return false;
        }
        self.group_pieces()
            .flat_map(str::bytes)
            .eq(other.group_pieces().flat_map(str::bytes))
    }

    /// The length of [`Item::group`] in bytes, without writing it out.
    fn group_len(&self) -> usize {
        let pieces = [&self.major, &self.middle, &self.minor].map(String::len);
        let given = pieces.iter().filter(|&&n| n > 0).count();
        pieces.iter().sum::<usize>() + given.saturating_sub(1)
    }

    /// The group's numbers with `-` between them, piece by piece.
    fn group_pieces(&self) -> impl Iterator<Item = &str> {
        [&self.major, &self.middle, &self.minor]
            .into_iter()
            .filter(|s| !s.is_empty())
            .enumerate()
            .flat_map(|(k, s)| [if k == 0 { "" } else { "-" }, s.as_str()])
    }
}

/// The items of a checklist, and what was noticed reading it.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub path: PathBuf,
    pub items: Vec<Item>,
    pub diagnostics: Vec<Diagnostic>,
    /// The layout's records, in item order, for stages that need the raw
    /// cells (answers of a submission, stray cells, where a row stands): of
    /// their values only the responses (answer, evidence, remarks) stay; the
    /// texts and numbers the items hold are moved out or dropped.
    pub records: Vec<RawRecord>,
    /// Some header of the checklist has answer, evidence or remarks columns.
    pub blocks_have_responses: bool,
    /// Rows that are no item but carry a response (kept for ingest).
    pub orphans: Vec<RawRecord>,
    /// The headers found (one per block), for writing into the checklist.
    pub blocks: Vec<crate::layout::Block>,
}

impl Catalog {
    /// Some header of the checklist has a column of this role.
    pub fn has_column(&self, role: Role) -> bool {
        self.blocks.iter().any(|b| b.has(role))
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_warning())
    }
}

/// Options for reading a checklist.
#[derive(Debug, Clone)]
pub struct CatalogOptions {
    pub read: ReadOptions,
    /// Only this sheet (name or 1-based position).
    pub sheet: Option<String>,
    /// Rows (and records) the stages look at around each decision: a
    /// block's alignment is settled from its first `window` rows, a run of
    /// one group is read `window` records at a time, and a reconstructed id
    /// avoids the ids printed in the `window` records after it. On a list
    /// no longer than the window, the whole list decides.
    pub window: usize,
}

/// The window of [`CatalogOptions`] unless said otherwise.
pub const WINDOW: usize = 10_000;

impl Default for CatalogOptions {
    fn default() -> CatalogOptions {
        CatalogOptions {
            read: ReadOptions::default(),
            sheet: None,
            window: WINDOW,
        }
    }
}

/// Receives a checklist's items as they are read, in list order.
pub trait Sink {
    /// The next item, with the record it was read from.
    ///
    /// # Errors
    /// Whatever the sink fails at (writing its output).
    fn item(&mut self, item: Item, record: RawRecord) -> Result<()>;
    /// A row that is no item but carries a response.
    ///
    /// # Errors
    /// As [`Sink::item`].
    fn orphan(&mut self, record: RawRecord) -> Result<()>;
    /// A note or warning about the input, as soon as it is known.
    ///
    /// # Errors
    /// As [`Sink::item`].
    fn diagnostic(&mut self, diagnostic: Diagnostic) -> Result<()>;
}

/// What is known of a checklist once it has been read through.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    /// The headers found (one per block).
    pub blocks: Vec<crate::layout::Block>,
    pub items: usize,
    pub warnings: usize,
}

/// Read a checklist file into its catalog.
///
/// # Errors
/// Everything [`source::open`] returns, `NoSuchSheet` when `--sheet` names no
/// sheet, and `NoHeader` when no sheet holds a checklist header.
pub fn read(path: &Path, options: &CatalogOptions) -> Result<Catalog> {
    let mut collected = Collected::default();
    let outline = stream(path, options, &mut collected)?;
    Ok(collected.into_catalog(path, outline))
}

/// Build the catalog of a file already read.
///
/// # Errors
/// As [`read`], without the reading errors.
pub fn from_book(path: &Path, book: &Book, options: &CatalogOptions) -> Result<Catalog> {
    let mut collected = Collected::default();
    let mut pipeline = Pipeline::new(path, options, &mut collected);
    book.visit(&mut pipeline)?;
    let outline = pipeline.finish()?;
    Ok(collected.into_catalog(path, outline))
}

/// Read a checklist and hand its items to `sink` as they are read: the
/// reading half of the pipeline (read → layout → records → items) as one
/// stream, holding a window of rows, never the whole sheet. Items come in
/// list order; diagnostics as soon as they are known.
///
/// # Errors
/// As [`read`], and whatever the sink returns.
pub fn stream(path: &Path, options: &CatalogOptions, sink: &mut dyn Sink) -> Result<Outline> {
    let mut pipeline = Pipeline::new(path, options, sink);
    source::visit(path, &options.read, &mut pipeline)?;
    pipeline.finish()
}

/// The stages between reader and sink: layout, numbering, items.
struct Pipeline<'a> {
    path: &'a Path,
    only: Option<&'a str>,
    sink: &'a mut dyn Sink,
    detector: layout::Detector,
    /// A text table is read as a text table until its first row shows it
    /// is a catalog this tool wrote ([`layout::Trusted`]).
    text: bool,
    trusted: Option<layout::Trusted>,
    numberer: record::Numberer,
    blocks: Vec<crate::layout::Block>,
    /// The sheets of the file, named in errors.
    sheets: Vec<Option<String>>,
    /// The category of the item above, within its block.
    last_category: Option<(usize, String)>,
    items: usize,
    warnings: usize,
    /// The buffers the detector's and the numberer's output alternate with.
    events: Vec<layout::Event>,
    numbered: Vec<record::Numbered>,
}

impl<'a> Pipeline<'a> {
    fn new(path: &'a Path, options: &'a CatalogOptions, sink: &'a mut dyn Sink) -> Self {
        Pipeline {
            path,
            only: options.sheet.as_deref(),
            sink,
            detector: layout::Detector::new(path, options.sheet.as_deref())
                .with_window(options.window),
            text: false,
            trusted: None,
            numberer: record::Numberer::new(path).with_window(options.window),
            blocks: Vec::new(),
            sheets: Vec::new(),
            last_category: None,
            items: 0,
            warnings: 0,
            events: Vec::new(),
            numbered: Vec::new(),
        }
    }

    fn diagnostic(&mut self, d: Diagnostic) -> Result<()> {
        if d.is_warning() {
            self.warnings += 1;
        }
        self.sink.diagnostic(d)
    }

    /// Pass on what the layout and numbering stages have found.
    fn pump(&mut self) -> Result<()> {
        let spare = std::mem::take(&mut self.events);
        let mut events = match &mut self.trusted {
            Some(trusted) => trusted.take(spare),
            None => self.detector.take(spare),
        };
        for event in events.drain(..) {
            match event {
                layout::Event::Block(index, block) => {
                    self.numberer.block(index, &block);
                    self.blocks.push(block);
                }
                layout::Event::Record(r) => self.numberer.push(r),
                layout::Event::Orphan(r) => self.sink.orphan(r)?,
                layout::Event::Diagnostic(d) => self.diagnostic(d)?,
            }
            self.numbered()?;
        }
        self.events = events;
        Ok(())
    }

    fn numbered(&mut self) -> Result<()> {
        let mut numbered = self.numberer.take(std::mem::take(&mut self.numbered));
        for n in numbered.drain(..) {
            match n {
                record::Numbered::Item(record, number) => self.item(record, number)?,
                record::Numbered::Diagnostic(d) => self.diagnostic(d)?,
            }
        }
        self.numbered = numbered;
        Ok(())
    }

    fn item(&mut self, mut record: RawRecord, number: record::Number) -> Result<()> {
        // The item's texts are moved out of the record (the layout has
        // trimmed them): what stays is what later stages read of a record,
        // its responses, stray cells and place.
        let level_col = record.get(Role::Level).map(|v| v.col);
        let level_text = take_text(&mut record, Role::Level);
        // The category is a group cell: empty means "as above" within a block.
        let mut category = take_text(&mut record, Role::Category);
        match &self.last_category {
            Some((block, c)) if category.is_empty() && *block == record.block => {
                category.clone_from(c)
            }
            _ => {}
        }
        // (kept anew only where it changes: most items repeat the one above)
        let same = |(block, c): &(usize, String)| *block == record.block && *c == category;
        if !category.is_empty() && !self.last_category.as_ref().is_some_and(same) {
            self.last_category = Some((record.block, category.clone()));
        }
        let level = Level::parse(&level_text);
        if level.is_none() && !level_text.is_empty() {
            self.diagnostic(Diagnostic::warning(
                Location::file(self.path)
                    .sheet(record.sheet.as_deref())
                    .cell(record.row, level_col),
                format!("expected a level (必須 or 推奨), found {level_text:?}"),
            ))?;
        }
        let item = Item {
            id: number.id,
            major: number.major,
            middle: number.middle,
            minor: number.minor,
            req: number.req,
            category,
            level,
            measure: take_text(&mut record, Role::Measure),
            guideline: take_text(&mut record, Role::Guideline),
            ref_: take_text(&mut record, Role::Ref),
            check: take_text(&mut record, Role::Check),
            sheet: record.sheet.clone(),
            row: record.row,
            origin: number.origin,
        };
        // What stays of the record is kept as long as the catalog: its
        // responses (the only values read of an item's record later; its
        // numbers are in `number`), without the room the rest took (5 MB
        // of 10,000 records for the texts, 2.5 MB more for the numbers).
        record.values.retain(|v| v.role.is_response());
        record.values.shrink_to_fit();
        self.items += 1;
        self.sink.item(item, record)
    }

    /// The file is read through: the last records numbered, and the file
    /// refused if it held nothing or no checklist.
    fn finish(mut self) -> Result<Outline> {
        self.numberer.finish();
        self.numbered()?;
        let (filled_rows, blocks) = match &self.trusted {
            Some(trusted) => (trusted.filled_rows(), trusted.blocks()),
            None => (self.detector.filled_rows(), self.detector.blocks()),
        };
        if filled_rows == 0 && !self.detector.skipped() {
            return Err(Error::at(self.path, ErrorKind::Empty));
        }
        if blocks == 0 {
            let examined = match (self.only, self.sheets.len()) {
                (Some(only), _) => format!("sheet {only:?}"),
                (None, 1) if self.sheets[0].is_none() => "the file".to_owned(),
                _ => {
                    let names: Vec<String> = self
                        .sheets
                        .iter()
                        .filter_map(|s| s.as_ref().map(|n| format!("{n:?}")))
                        .collect();
                    format!("sheets {}", names.join(", "))
                }
            };
            return Err(Error::at(self.path, ErrorKind::NoHeader(examined)));
        }
        Ok(Outline {
            blocks: self.blocks,
            items: self.items,
            warnings: self.warnings,
        })
    }
}

/// The text of a role, moved out of the record (its first value of it).
fn take_text(record: &mut RawRecord, role: Role) -> String {
    match record.values.iter().position(|v| v.role == role) {
        Some(i) => record.values.remove(i).text,
        None => String::new(),
    }
}

impl source::Visitor for Pipeline<'_> {
    fn start(
        &mut self,
        format: source::Format,
        notes: &[String],
        sheets: &[source::SheetMeta],
    ) -> Result<Vec<bool>> {
        self.sheets = sheets.iter().map(|s| s.name.clone()).collect();
        self.text = format == source::Format::Text;
        if let Some(only) = self.only {
            let by_position = only
                .parse::<usize>()
                .is_ok_and(|n| n >= 1 && n <= sheets.len());
            if !by_position && !sheets.iter().any(|s| s.name.as_deref() == Some(only)) {
                let names: Vec<String> = sheets.iter().filter_map(|s| s.name.clone()).collect();
                return Err(Error::at(
                    self.path,
                    ErrorKind::NoSuchSheet(only.to_owned(), names.join(", ")),
                ));
            }
        }
        for n in notes {
            self.diagnostic(Diagnostic::note(Location::file(self.path), n.clone()))?;
        }
        let chosen = self.detector.choose(sheets);
        self.pump()?;
        Ok(chosen)
    }

    fn begin(&mut self, sheet: &source::SheetMeta, merges: Vec<crate::grid::Region>) -> Result<()> {
        self.detector.begin(sheet, &merges);
        Ok(())
    }

    fn row(&mut self, row: crate::grid::Row) -> Result<()> {
        match &mut self.trusted {
            Some(trusted) => trusted.row(row),
            None => {
                if self.text && self.detector.filled_rows() == 0 {
                    self.trusted = layout::Trusted::of(self.path, &row);
                }
                if self.trusted.is_none() {
                    self.detector.row(row);
                }
            }
        }
        self.pump()
    }

    fn end(&mut self) -> Result<()> {
        match &mut self.trusted {
            Some(trusted) => trusted.end(),
            None => self.detector.end(),
        }
        self.pump()
    }
}

/// A sink that keeps everything: the catalog in memory.
#[derive(Default)]
struct Collected {
    items: Vec<Item>,
    records: Vec<RawRecord>,
    orphans: Vec<RawRecord>,
    diagnostics: Vec<Diagnostic>,
}

impl Collected {
    fn into_catalog(self, path: &Path, outline: Outline) -> Catalog {
        let blocks_have_responses = outline
            .blocks
            .iter()
            .any(|b| b.columns.iter().flatten().any(|r| r.is_response()));
        Catalog {
            path: path.to_path_buf(),
            items: self.items,
            diagnostics: self.diagnostics,
            records: self.records,
            blocks_have_responses,
            orphans: self.orphans,
            blocks: outline.blocks,
        }
    }
}

impl Sink for Collected {
    fn item(&mut self, item: Item, record: RawRecord) -> Result<()> {
        self.items.push(item);
        self.records.push(record);
        Ok(())
    }

    fn orphan(&mut self, record: RawRecord) -> Result<()> {
        self.orphans.push(record);
        Ok(())
    }

    fn diagnostic(&mut self, diagnostic: Diagnostic) -> Result<()> {
        self.diagnostics.push(diagnostic);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Two items stand in the same group exactly when their groups,
        /// written out, are the same text.
        #[test]
        fn same_group_is_the_same_group_text(
            a in proptest::collection::vec("|1|2|1-2|A", 3),
            b in proptest::collection::vec("|1|2|1-2|A", 3),
        ) {
            let item = |p: &[String]| Item {
                major: p[0].clone(),
                middle: p[1].clone(),
                minor: p[2].clone(),
                ..Item::default()
            };
            let (x, y) = (item(&a), item(&b));
            proptest::prop_assert_eq!(x.same_group(&y), x.group() == y.group());
            proptest::prop_assert_eq!(x.group_len(), x.group().len());
            proptest::prop_assert_eq!(x.group(), a.iter().filter(|p| !p.is_empty()).cloned().collect::<Vec<_>>().join("-"));
        }
    }

    /// The catalog of a csv file holding `text` (the directory, removed
    /// when dropped, with it).
    fn read_csv(text: &str) -> (tempfile::TempDir, Catalog) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.csv");
        std::fs::write(&path, text).unwrap();
        let cat = read(&path, &CatalogOptions::default()).unwrap();
        (dir, cat)
    }

    /// An empty category cell is the category above it, the latest one of
    /// its block (a merged or left-blank group cell).
    #[test]
    fn an_empty_category_is_the_one_above() {
        let (_dir, cat) = read_csv(
            "分類,大分類,中分類,要件,対策項目\n\
             組織,1,1,1,規程を定めること。\n\
             ,1,1,2,手順を定めること。\n\
             物理,1,2,1,入退室を管理すること。\n\
             ,1,2,2,鍵を管理すること。\n\
             物理,1,2,3,記録を残すこと。\n\
             ,1,2,4,記録を見直すこと。\n",
        );
        let categories: Vec<&str> = cat.items.iter().map(|i| i.category.as_str()).collect();
        assert_eq!(categories, ["組織", "組織", "物理", "物理", "物理", "物理"]);
    }

    #[test]
    fn an_items_record_keeps_its_responses_and_an_orphan_its_numbers() {
        // a vendor's copy: item rows answered, and a row that is no item but
        // carries an answer (an orphan)
        let (_dir, cat) = read_csv(
            "大分類,中分類,小分類,要件,対策項目,確認項目,回答,備考\n\
             1,1,1,1,規程を定めること。,・規程があるか,はい,済\n\
             1,1,1,2,手順を定めること。,・手順があるか,いいえ,\n\
             1,1,1,3,,,はい,追記\n",
        );
        assert_eq!(cat.items.len(), 2);
        assert_eq!(cat.items[0].id, "1-1-1-1");
        for record in &cat.records {
            assert!(record.values.iter().all(|v| v.role.is_response()));
        }
        assert_eq!(cat.records[0].text(Role::Answer), "はい");
        assert_eq!(cat.records[0].text(Role::Remarks), "済");
        assert_eq!(cat.records[1].text(Role::Answer), "いいえ");
        let responses = crate::submission::responses(&cat, &Default::default());
        assert_eq!(responses[0].answer_raw, "はい");
        assert_eq!(responses[1].answer_raw, "いいえ");
        // (ingest names an orphan by the numbers its row prints)
        assert_eq!(cat.orphans.len(), 1);
        assert_eq!(cat.orphans[0].text(Role::Req), "3");
        assert_eq!(cat.orphans[0].text(Role::Answer), "はい");
    }

    #[test]
    fn levels_in_their_spellings() {
        assert_eq!(Level::parse("必須"), Some(Level::Required));
        assert_eq!(Level::parse("【推奨】"), Some(Level::Recommended));
        assert_eq!(Level::parse("Mandatory"), Some(Level::Required));
        assert_eq!(Level::parse("recommended"), Some(Level::Recommended));
        assert_eq!(Level::parse("済"), None);
    }
}
