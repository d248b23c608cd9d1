//! Layout: from sheets of cells to item rows with their column roles.
//!
//! For every sheet this stage finds the checklist header wherever it is (one
//! or two rows, title rows above it, repeated at page breaks, labels varying in
//! spacing and wording), spreads merged cells, skips blank, section and note
//! rows, and realigns rows whose cells are shifted against their header.
//!
//! Realignment is a small sequence alignment: the cells of a row are matched,
//! in order, to the header's columns by how well each cell's content fits each
//! role (a number, an `N. …` category label, 必須/推奨, a guideline name, a
//! section reference, long text). A whole block under one header is aligned at
//! once from the evidence of all its rows; a single row deviates from its
//! block only when its own content clearly says so. This stage does not
//! interpret item numbers (that is `record`) and does no I/O.

use std::collections::BTreeSet;

use crate::answer;
use crate::diagnostic::Diagnostic;
use crate::error::Location;
use crate::grid::{Row, Spread};
use crate::role::{role_of, Role};
use crate::text::{compact, count_parts, integer_of, normalized};

/// One header (one or two rows) and the columns it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub sheet: Option<String>,
    /// Rows of the header, 1-based.
    pub header_rows: Vec<u32>,
    /// Role of each column (index = 0-based column), `None` for columns whose
    /// label is blank or unknown.
    pub columns: Vec<Option<Role>>,
    /// Columns whose header cells are all blank (no label at all).
    pub unlabeled: Vec<bool>,
}

impl Block {
    /// The numbering roles of the header, in column order.
    pub fn number_roles(&self) -> Vec<Role> {
        self.columns
            .iter()
            .flatten()
            .copied()
            .filter(|r| r.is_number())
            .collect()
    }

    pub fn has(&self, role: Role) -> bool {
        self.columns.contains(&Some(role))
    }
}

/// A cell's value placed under a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub role: Role,
    /// 0-based column where the value stands in the sheet.
    pub col: u32,
    /// Never blank.
    pub text: String,
}

/// One item row, its cells placed under roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRecord {
    pub sheet: Option<String>,
    /// 1-based row (record number in text files).
    pub row: u32,
    /// The index of its block among the blocks of the file (see [`Event::Block`]).
    pub block: usize,
    /// Values in column order of the header they were placed under.
    pub values: Vec<Value>,
    /// Non-empty cells that fit no column of the header.
    pub stray: Vec<(u32, String)>,
    /// True when the row's cells were moved against their header.
    pub realigned: bool,
}

impl RawRecord {
    /// The first non-empty value of a role.
    pub fn get(&self, role: Role) -> Option<&Value> {
        // values are never blank: the layout places only cells holding
        // something
        self.values.iter().find(|v| v.role == role)
    }

    pub fn text(&self, role: Role) -> &str {
        self.get(role).map(|v| v.text.as_str()).unwrap_or("")
    }

    /// All values of a role (a number may be printed in two columns).
    pub fn all(&self, role: Role) -> impl Iterator<Item = &Value> {
        self.values.iter().filter(move |v| v.role == role)
    }
}

/// What the layout stage finds, in the order it finds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A block's header, settled (its columns final), before its records;
    /// the number is its index among the blocks of the file.
    Block(usize, Block),
    /// An item row.
    Record(RawRecord),
    /// A row that is no item but carries a response (answer, evidence,
    /// remarks): kept so that no answer is lost.
    Orphan(RawRecord),
    Diagnostic(Diagnostic),
}

/// Names of sheets that are never checklists (cover, revision history …).
fn is_side_sheet(name: &str) -> bool {
    let k = compact(name);
    [
        "表紙",
        "改訂",
        "改版",
        "履歴",
        "目次",
        "記入例",
        "記入要領",
        "記入方法",
        "説明",
        "使い方",
        "はじめに",
        "注意事項",
        "cover",
        "revision",
        "history",
        "changelog",
        "contents",
        "instructions",
        "readme",
        "example",
        "legend",
        "凡例",
        "移行結果",
        "migration",
        "選択肢",
        "プルダウン",
        "dropdown",
    ]
    .iter()
    .any(|w| k.contains(w))
}

/// Cells the window of a block may hold before its alignment is settled, so
/// that rows of hostile width settle it early instead of filling memory.
const WINDOW_CELLS: usize = 2_000_000;

/// The layout stage as a stream: rows in, [`Event`]s out. It holds a few
/// rows for header detection and, per block, the rows that settle its
/// alignment (a window of rows; a block longer than the window is aligned by
/// its first rows, and the rows after them follow the same alignment, or
/// their own where their content clearly says so); nothing else.
pub struct Detector {
    file: std::path::PathBuf,
    only: Option<String>,
    window: usize,
    out: Vec<Event>,
    blocks: usize,
    sheet: Option<SheetState>,
    /// Rows holding something, over every sheet read.
    filled_rows: usize,
    /// Some sheet was skipped unread.
    skipped: bool,
    /// The last block's window, emptied, for the next block's rows.
    spare_window: Vec<Typed>,
}

/// Rows a block's window makes room for at once, at most: a block of up to
/// this many is held without its buffer growing (and being copied) step by
/// step.
const ROOM: usize = 1 << 14;

/// The sheet being read.
struct SheetState {
    name: Option<String>,
    spreader: crate::grid::Spreader,
    /// Rows read but not yet classified (a header needs the row after it).
    queue: std::collections::VecDeque<Typed>,
    /// The row classified last, and whether it is a data row not yet handed
    /// to its block (a header may still take it as its upper row).
    held: Option<(Typed, bool)>,
    block: Option<BlockState>,
    blocks: usize,
    records: usize,
}

/// The block being laid out.
struct BlockState {
    index: usize,
    block: Block,
    /// The header's columns as found, by which section and note rows are told.
    found: Vec<Option<Role>>,
    /// Candidate rows waiting for the alignment to be settled.
    window: Vec<Typed>,
    window_cells: usize,
    settled: Option<Settled>,
    /// A row with a number is an item even without text (under the tool's
    /// own header: see [`Trusted`]).
    numbers_suffice: bool,
}

/// A block's alignment, settled from the evidence of its first rows.
struct Settled {
    columns: Vec<Option<Role>>,
    width: usize,
    map: Vec<Option<usize>>,
    /// Per kind, its best fit under any column of the header plus the bonus
    /// for staying in place: what a row's own alignment could gain at most.
    best: [f32; KINDS],
}

impl Settled {
    fn new(columns: Vec<Option<Role>>, width: usize, map: Vec<Option<usize>>) -> Settled {
        let best = KIND_ORDER
            .map(|k| columns.iter().map(|&r| fit(k, r)).fold(SKIP_CELL, f32::max) + SAME_COLUMN);
        Settled {
            columns,
            width,
            map,
            best,
        }
    }
}

impl Detector {
    pub fn new(file: &std::path::Path, only: Option<&str>) -> Detector {
        Detector {
            file: file.to_path_buf(),
            only: only.map(str::to_owned),
            window: crate::catalog::WINDOW,
            out: Vec::new(),
            blocks: 0,
            sheet: None,
            filled_rows: 0,
            skipped: false,
            spare_window: Vec::new(),
        }
    }

    /// Settle each block's alignment from at most `rows` of its rows.
    pub fn with_window(mut self, rows: usize) -> Detector {
        self.window = rows.max(1);
        self
    }

    /// What was found since the last call; `spare` (emptied) holds what
    /// comes next, so that the two buffers are reused, never grown anew.
    pub fn take(&mut self, mut spare: Vec<Event>) -> Vec<Event> {
        spare.clear();
        std::mem::replace(&mut self.out, spare)
    }

    /// Rows holding something, over every sheet read.
    pub fn filled_rows(&self) -> usize {
        self.filled_rows
    }

    /// Some sheet was skipped unread (hidden, a cover, not the one asked for).
    pub fn skipped(&self) -> bool {
        self.skipped
    }

    /// Headers found so far.
    pub fn blocks(&self) -> usize {
        self.blocks
    }

    fn note(&mut self, loc: Location, message: &str) {
        self.out
            .push(Event::Diagnostic(Diagnostic::note(loc, message)));
    }

    /// Which sheets to read: `only` (by name or 1-based position) if given,
    /// else every visible sheet that is not named as a cover, revision
    /// history or instructions (those are named in a note).
    pub fn choose(&mut self, sheets: &[crate::source::SheetMeta]) -> Vec<bool> {
        let several = sheets.len() > 1;
        let chosen: Vec<bool> = sheets
            .iter()
            .map(|sheet| {
                let name = sheet.name.as_deref();
                if let Some(only) = &self.only {
                    let by_position = only.parse::<usize>().ok() == Some(sheet.index + 1);
                    return by_position || name == Some(only.as_str());
                }
                let Some(n) = name else { return true };
                let loc = Location::file(&self.file).sheet(name);
                if sheet.hidden {
                    self.note(loc, "hidden sheet skipped (name it with --sheet to read it)");
                    return false;
                }
                if is_side_sheet(n) && several {
                    self.note(
                        loc,
                        "skipped: its name says it is a cover, revision-history or instructions sheet",
                    );
                    return false;
                }
                true
            })
            .collect();
        self.skipped |= chosen.iter().any(|c| !c);
        chosen
    }

    /// A sheet begins.
    pub fn begin(&mut self, sheet: &crate::source::SheetMeta, merges: &[crate::grid::Region]) {
        self.sheet = Some(SheetState {
            name: sheet.name.clone(),
            spreader: crate::grid::Spreader::new(merges),
            queue: std::collections::VecDeque::new(),
            held: None,
            block: None,
            blocks: 0,
            records: 0,
        });
    }

    /// The next row of the sheet.
    pub fn row(&mut self, mut row: Row) {
        // Every stage compares cells without the white space around them:
        // trimmed once here, as the row comes in.
        for cell in &mut row.cells {
            let t = cell.trim();
            if t.len() != cell.len() {
                // in place, without a copy
                let start = t.as_ptr() as usize - cell.as_ptr() as usize;
                let end = start + t.len();
                cell.truncate(end);
                cell.drain(..start);
            }
        }
        if row.cells.iter().any(|c| !c.is_empty()) {
            self.filled_rows += 1;
        }
        let Some(mut sheet) = self.sheet.take() else {
            return;
        };
        let spread = sheet.spreader.spread(row);
        sheet.queue.push_back(Typed::new(spread));
        while sheet.queue.len() >= 2 {
            self.step(&mut sheet);
        }
        self.sheet = Some(sheet);
    }

    /// The sheet has no more rows.
    pub fn end(&mut self) {
        let Some(mut sheet) = self.sheet.take() else {
            return;
        };
        while !sheet.queue.is_empty() {
            self.step(&mut sheet);
        }
        if let Some((held, true)) = sheet.held.take() {
            self.commit(&mut sheet, held);
        }
        self.finish_block(&mut sheet);
        let loc = Location::file(&self.file).sheet(sheet.name.as_deref());
        if sheet.blocks == 0 {
            if sheet.name.is_some() {
                self.note(loc, "skipped: no checklist header in this sheet");
            }
        } else if sheet.records == 0 {
            self.note(loc, "a checklist header but no item rows");
        }
    }

    /// Classify the first queued row: a header (taking the row below as its
    /// lower row, or the row above as its upper row) or a data row.
    fn step(&mut self, sheet: &mut SheetState) {
        let Some(row) = sheet.queue.pop_front() else {
            return;
        };
        let Some((mut columns, mut header_rows, taken)) = header_at(&row, sheet.queue.front())
        else {
            if let Some((held, true)) = sheet.held.take() {
                self.commit(sheet, held);
            }
            let data = sheet.block.is_some() && !row.spread.vertical.is_blank();
            sheet.held = Some((row, data));
            return;
        };
        let held = sheet.held.take();
        let mut parent_used = false;
        if taken == 1 {
            if let Some((above, _)) = &held {
                if let Some(composed) = with_parent(above, &row) {
                    columns = composed;
                    header_rows.insert(0, above.number());
                    parent_used = true;
                }
            }
        }
        let child = if taken == 2 {
            sheet.queue.pop_front()
        } else {
            None
        };
        let unlabeled = {
            let parent = held.as_ref().filter(|_| parent_used).map(|(r, _)| r.full());
            let rows: Vec<&Row> = parent
                .into_iter()
                .chain(std::iter::once(row.full()))
                .chain(child.as_ref().map(Typed::full))
                .collect();
            (0..columns.len())
                .map(|c| rows.iter().all(|r| r.cell(c).trim().is_empty()))
                .collect()
        };
        if let Some((above, true)) = held {
            if !parent_used {
                self.commit(sheet, above);
            }
        }
        self.finish_block(sheet);
        let block = Block {
            sheet: sheet.name.clone(),
            header_rows,
            columns,
            unlabeled,
        };
        sheet.block = Some(BlockState {
            index: self.blocks,
            found: block.columns.clone(),
            block,
            window: self.fresh_window(),
            window_cells: 0,
            settled: None,
            numbers_suffice: false,
        });
        self.blocks += 1;
        sheet.blocks += 1;
        sheet.held = Some((child.unwrap_or(row), false));
    }

    /// Hand a data row to the block it belongs to.
    fn commit(&mut self, sheet: &mut SheetState, row: Typed) {
        let Some(block) = sheet.block.as_mut() else {
            return;
        };
        if is_section_or_note(row.full(), &block.found) {
            return;
        }
        if block.settled.is_some() {
            let placed = place(block, row, &self.file);
            self.emit(sheet, placed);
            return;
        }
        block.window_cells += row.spread.cell_count();
        block.window.push(row);
        if block.window.len() >= self.window || block.window_cells >= WINDOW_CELLS {
            self.settle(sheet);
        }
    }

    /// Settle the alignment of the current block from the rows in its
    /// window, then lay those rows out.
    fn settle(&mut self, sheet: &mut SheetState) {
        let Some(block) = sheet.block.as_mut() else {
            return;
        };
        if block.settled.is_some() {
            return;
        }
        let mut notes = Vec::new();
        name_answer_column(&mut block.block, &block.window, &self.file, &mut notes);
        // Columns beyond MAX_COLUMNS are never a checklist's: their cells stay
        // unplaced (and are reported as stray), and the alignment stays small.
        let columns: Vec<Option<Role>> =
            block.block.columns[..block.block.columns.len().min(MAX_COLUMNS)].to_vec();
        let width = block
            .window
            .iter()
            .map(|r| r.spread.vertical.cells.len())
            .max()
            .unwrap_or(0)
            .max(columns.len())
            .min(MAX_COLUMNS);
        // The block's alignment, from the evidence of all its rows: how
        // many cells of each kind stand in each column, weighed once.
        let mut counts = vec![[0u32; KINDS]; width];
        for row in &block.window {
            for (i, &k) in row.kinds.iter().enumerate() {
                counts[i][k as usize] += 1;
            }
        }
        let mut score = vec![vec![0.0f32; columns.len()]; width];
        let mut skip = vec![0.0f32; width];
        let mut same = vec![0.0f32; width];
        for (i, column) in counts.iter().enumerate() {
            for (k, &n) in column.iter().enumerate().skip(1) {
                if n == 0 {
                    continue;
                }
                let (kind, n) = (KIND_ORDER[k], n as f32);
                skip[i] += SKIP_CELL * n;
                same[i] += SAME_COLUMN * n;
                for (j, &r) in columns.iter().enumerate() {
                    score[i][j] += fit(kind, r) * n;
                }
            }
        }
        let (_, map) = align(&score, &skip, &same);
        block.settled = Some(Settled::new(columns, width, map));
        self.out
            .push(Event::Block(block.index, block.block.clone()));
        self.out.extend(notes.into_iter().map(Event::Diagnostic));
        let mut window = std::mem::take(&mut block.window);
        block.window_cells = 0;
        self.out.reserve(window.len());
        for row in window.drain(..) {
            let Some(block) = sheet.block.as_ref() else {
                return;
            };
            let placed = place(block, row, &self.file);
            self.emit(sheet, placed);
        }
        self.spare_window = window;
    }

    /// A window for a new block: the last one's buffer, or room for as many
    /// rows as a window holds (up to [`ROOM`]).
    fn fresh_window(&mut self) -> Vec<Typed> {
        let mut window = std::mem::take(&mut self.spare_window);
        if window.capacity() == 0 {
            window.reserve_exact(self.window.min(ROOM));
        }
        window
    }

    fn emit(&mut self, sheet: &mut SheetState, placed: Placed) {
        self.out.extend(placed.event(&mut sheet.records));
    }

    fn finish_block(&mut self, sheet: &mut SheetState) {
        self.settle(sheet);
        sheet.block = None;
    }
}

/// The layout of a text table that opens with the header `checksheet
/// catalog` writes (`id,major,…,check`, then `sheet,row` or not): a catalog
/// exported by this tool and perhaps corrected by hand. Its header needs no
/// search and its block no settling: the columns are what the header says
/// (the block's alignment is the identity). Each row is then told apart and
/// laid out as [`Detector`] lays out a row of a settled block (blank,
/// section and note rows skipped, a row whose cells were shifted by hand
/// realigned by its content, cells beyond the header stray), except that a
/// row with a number is an item even without text: the export of an answer
/// sheet that prints only numbers lists its items so. The header repeated
/// on a later row begins a new block, as it would there.
pub struct Trusted {
    file: std::path::PathBuf,
    header: Vec<String>,
    state: BlockState,
    filled_rows: usize,
    records: usize,
    out: Vec<Event>,
}

/// The catalog's own columns, in order: the first eleven must be there,
/// `sheet` and `row` may follow.
const OWN_HEADER: [&str; 13] = crate::report::CATALOG_COLUMNS;
const OWN_REQUIRED: usize = 11;

impl Trusted {
    /// The layout of a table whose first row is `header`, when that is the
    /// header `checksheet catalog` writes (cells compared trimmed).
    pub fn of(file: &std::path::Path, header: &Row) -> Option<Trusted> {
        let cells = &header.cells;
        let own = header.number == 1
            && (OWN_REQUIRED..=OWN_HEADER.len()).contains(&cells.len())
            && cells.iter().zip(OWN_HEADER).all(|(c, h)| c.trim() == h);
        if !own {
            return None;
        }
        let header: Vec<String> = cells.iter().map(|c| c.trim().to_owned()).collect();
        let columns: Vec<Option<Role>> = header.iter().map(|c| role_of(c)).collect();
        // each column its own; a cell past the header is placed nowhere
        let identity = (0..columns.len()).map(Some).collect();
        let block = Block {
            sheet: None,
            header_rows: vec![1],
            columns: columns.clone(),
            unlabeled: vec![false; header.len()],
        };
        let state = BlockState {
            index: 0,
            found: columns.clone(),
            block,
            window: Vec::new(),
            window_cells: 0,
            settled: Some(Settled::new(columns, MAX_COLUMNS, identity)),
            numbers_suffice: true,
        };
        let mut trusted = Trusted {
            file: file.to_path_buf(),
            header,
            state,
            filled_rows: 1,
            records: 0,
            out: Vec::new(),
        };
        trusted
            .out
            .push(Event::Block(0, trusted.state.block.clone()));
        Some(trusted)
    }

    /// What was found since the last call (see [`Detector::take`]).
    pub fn take(&mut self, mut spare: Vec<Event>) -> Vec<Event> {
        spare.clear();
        std::mem::replace(&mut self.out, spare)
    }

    /// Rows holding something, the header included.
    pub fn filled_rows(&self) -> usize {
        self.filled_rows
    }

    /// Headers found (the first and its repetitions).
    pub fn blocks(&self) -> usize {
        self.state.index + 1
    }

    /// The next row of the table.
    pub fn row(&mut self, mut row: Row) {
        for cell in &mut row.cells {
            let t = cell.trim();
            if t.len() != cell.len() {
                *cell = t.to_owned();
            }
        }
        if row.cells.iter().all(String::is_empty) {
            return;
        }
        self.filled_rows += 1;
        // (a spreadsheet program may pad a row with empty cells)
        let width = self.header.len();
        let repeated = row.cells.len() >= width
            && row.cells[..width] == self.header[..]
            && row.cells[width..].iter().all(String::is_empty);
        if repeated {
            self.state.index += 1;
            self.state.block.header_rows = vec![row.number];
            self.out
                .push(Event::Block(self.state.index, self.state.block.clone()));
            return;
        }
        if is_section_or_note(&row, &self.state.found) {
            return;
        }
        let placed = place(&self.state, Typed::new(Spread::plain(row)), &self.file);
        self.out.extend(placed.event(&mut self.records));
    }

    /// The table has no more rows.
    pub fn end(&mut self) {
        if self.records == 0 {
            self.out.push(Event::Diagnostic(Diagnostic::note(
                Location::file(&self.file).sheet(None),
                "a checklist header but no item rows",
            )));
        }
    }
}

/// A row as the layout holds it: its views and the kind of each cell of
/// its vertical view, typed once as the row comes in.
struct Typed {
    spread: Spread,
    kinds: Vec<Kind>,
}

impl Typed {
    fn new(spread: Spread) -> Typed {
        let width = spread.vertical.cells.len().min(MAX_COLUMNS);
        let kinds = kinds_of(&spread.vertical, width);
        Typed { spread, kinds }
    }

    fn full(&self) -> &Row {
        self.spread.full()
    }

    fn number(&self) -> u32 {
        self.spread.number()
    }

    /// The kinds of the full view's cells, where they are the vertical view's.
    fn full_kinds(&self) -> Option<&[Kind]> {
        (!self.spread.has_full_view()).then_some(&self.kinds[..])
    }
}

/// What a data row turns out to be.
enum Placed {
    Record(RawRecord),
    Orphan(RawRecord),
    Note(Diagnostic),
    Nothing,
}

impl Placed {
    /// The event a placed row gives (none for nothing); an item row is
    /// counted in `records`.
    fn event(self, records: &mut usize) -> Option<Event> {
        match self {
            Placed::Record(r) => {
                *records += 1;
                Some(Event::Record(r))
            }
            Placed::Orphan(r) => Some(Event::Orphan(r)),
            Placed::Note(d) => Some(Event::Diagnostic(d)),
            Placed::Nothing => None,
        }
    }
}

/// The kind of each cell of a row, up to `width`. Short texts (group cells,
/// levels, guideline names, references) repeat down a sheet and are typed
/// once; longer texts are mostly unique and typed as they come.
fn kinds_of(row: &Row, width: usize) -> Vec<Kind> {
    (0..width)
        .map(|c| {
            let text = row.cell(c);
            if text.is_empty() {
                Kind::Empty
            } else if text.len() <= 9 && text.bytes().all(|b| b.is_ascii_digit()) {
                Kind::Int
            } else if is_long(text) || (text.as_bytes()[0].is_ascii_digit() && text.is_ascii()) {
                // long texts are typed by their head alone (see `kind`);
                // item numbers and references are mostly unique, and cheap
                kind(text)
            } else {
                kind_cached(text)
            }
        })
        .collect()
}

/// Lay a row out under a settled block (cells beyond the columns it
/// settled on are unplaced).
fn place(block: &BlockState, row: Typed, file: &std::path::Path) -> Placed {
    let width = block.settled.as_ref().map_or(0, |s| s.width);
    let kinds = &row.kinds[..row.kinds.len().min(width)];
    place_with(block, row.spread, kinds, file)
}

/// Lay a row out under its block's settled alignment (or its own, where its
/// content clearly says so).
fn place_with(
    block: &BlockState,
    row: Spread,
    row_kinds: &[Kind],
    file: &std::path::Path,
) -> Placed {
    let Some(settled) = &block.settled else {
        return Placed::Nothing;
    };
    let columns = &settled.columns;
    let block_map = &settled.map;
    let block_score = mapping_score(row_kinds, columns, block_map);
    // The row's own alignment can only beat its block's by the margin if
    // its best conceivable score does; most rows are settled by this bound.
    let bound: f32 = row_kinds
        .iter()
        .filter(|&&k| k != Kind::Empty)
        .map(|&k| settled.best[k as usize])
        .sum();
    let own = (bound - block_score > ROW_MARGIN).then(|| row_alignment(row_kinds, columns));
    let map = match &own {
        Some((own_score, own_map)) if own_score - block_score > ROW_MARGIN => own_map,
        _ => block_map,
    };
    let vertical = row.vertical;
    let mut record = RawRecord {
        sheet: block.block.sheet.clone(),
        row: vertical.number,
        block: block.index,
        values: Vec::new(),
        stray: Vec::new(),
        realigned: false,
    };
    let mut placed: Vec<(usize, Value)> = Vec::with_capacity(vertical.cells.len());
    for (i, text) in vertical.cells.into_iter().enumerate() {
        if text.is_empty() {
            continue;
        }
        match map.get(i).copied().flatten() {
            Some(j) => {
                if i != j {
                    record.realigned = true;
                }
                match columns[j] {
                    Some(role) => placed.push((
                        j,
                        Value {
                            role,
                            col: i as u32,
                            text,
                        },
                    )),
                    None => record.stray.push((i as u32, text)),
                }
            }
            None => record.stray.push((i as u32, text)),
        }
    }
    placed.sort_by_key(|(j, _)| *j);
    record.values = placed.into_iter().map(|(_, v)| v).collect();
    let has_text = record.get(Role::Measure).is_some() || record.get(Role::Check).is_some();
    let numbered = record.values.iter().any(|v| v.role.is_number());
    // (under the tool's own header a row with a number is an item too)
    let textless_sheet =
        block.numbers_suffice || (!block.block.has(Role::Measure) && !block.block.has(Role::Check));
    let responded = record.values.iter().any(|v| v.role.is_response());
    // on an answer sheet a row with a response but its number left
    // blank is an item too: its number is rebuilt from the rows around
    if has_text || (textless_sheet && (numbered || responded)) {
        Placed::Record(record)
    } else if responded {
        // a response on a row that is no item (a vendor's note row, an
        // inserted row): kept so that no answer is lost
        Placed::Orphan(record)
    } else if numbered {
        let loc = Location::file(file)
            .sheet(block.block.sheet.as_deref())
            .cell(record.row, None);
        Placed::Note(Diagnostic::note(
            loc,
            "a numbered row with no requirement text; not read as an item",
        ))
    } else {
        Placed::Nothing
    }
}

/// What a cell looks like, for realignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    Empty,
    Int,
    /// `1-1-1-1`, `3.2.1`, `A.5.1`
    Dotted,
    /// `II. 1. 1. 1`, `Ⅲ. 2. 1`
    Section,
    Level,
    /// `1. 設備・運用 1) 一般`
    Category,
    Guideline,
    Mark,
    Short,
    Long,
}

/// The number of kinds, and each kind by its number.
const KINDS: usize = 10;
const KIND_ORDER: [Kind; KINDS] = [
    Kind::Empty,
    Kind::Int,
    Kind::Dotted,
    Kind::Section,
    Kind::Level,
    Kind::Category,
    Kind::Guideline,
    Kind::Mark,
    Kind::Short,
    Kind::Long,
];

fn kind(cell: &str) -> Kind {
    let t = cell.trim();
    if t.is_empty() {
        return Kind::Empty;
    }
    // plain ASCII digits: the most common cell, typed without a copy
    if t.len() <= 9 && t.bytes().all(|b| b.is_ascii_digit()) {
        return Kind::Int;
    }
    // plain ASCII item numbers and references (`1-1-1-1`, `3.2.9`): what
    // the steps below make of them, without them
    if let Some(k) = plain_number_kind(t) {
        return k;
    }
    // Long texts are requirement or check texts unless they open with a
    // category label; only their head needs a look.
    let long = is_long(t);
    if long {
        // a category label opens with a number (or 第); other texts need no
        // normalising at all
        let opens_with_number = t
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || c == '第');
        if !opens_with_number {
            return Kind::Long;
        }
        let end = t.char_indices().nth(16).map_or(t.len(), |(i, _)| i);
        return if is_category_label(&normalized(&t[..end])) {
            Kind::Category
        } else {
            Kind::Long
        };
    }
    let n = normalized(t);
    if integer_of(&n).is_some() {
        return Kind::Int;
    }
    let chars = n.chars().count();
    if chars <= 24 {
        if chars <= 24 && crate::catalog::Level::parse(&n).is_some() {
            return Kind::Level;
        }
        if is_section_ref(&n) {
            return Kind::Section;
        }
        if is_dotted(&n) {
            return Kind::Dotted;
        }
    }
    if is_category_label(&n) {
        return Kind::Category;
    }
    if is_guideline_name(&n) {
        return Kind::Guideline;
    }
    if chars <= 12 && answer::is_notation(&n) {
        return Kind::Mark;
    }
    if chars <= 30 {
        Kind::Short
    } else {
        Kind::Long
    }
}

/// More than 40 characters (told by the bytes where they suffice: a
/// character takes one to four).
fn is_long(t: &str) -> bool {
    // characters counted by their first bytes (those that are no
    // continuation byte), without decoding
    t.len() > 160 || (t.len() > 40 && t.bytes().filter(|&b| (b as i8) >= -0x40).count() > 40)
}

/// The kind of a short text of ASCII digit groups joined by single `-` or
/// `.` (`1-1-1-1`, `3.2.9`, `1.0`): already normalised, no level, no
/// section reference (no roman head), so an integer where [`integer_of`]
/// reads one and dotted otherwise; `None` for any other text.
fn plain_number_kind(t: &str) -> Option<Kind> {
    let b = t.as_bytes();
    if b.len() > 24 || !b.first()?.is_ascii_digit() || !b.last()?.is_ascii_digit() {
        return None;
    }
    let (mut run, mut separators) = (0, 0);
    for (i, &c) in b.iter().enumerate() {
        if c.is_ascii_digit() {
            run += 1;
            if run > 6 {
                return None;
            }
        } else if (c == b'-' || c == b'.') && b[i - 1].is_ascii_digit() {
            run = 0;
            separators += 1;
        } else {
            return None;
        }
    }
    (separators > 0).then(|| match integer_of(t) {
        Some(_) => Kind::Int,
        None => Kind::Dotted,
    })
}

/// An item number of two parts or more (`1-1-1-1`, `3.2.1`, `A.5.1`).
fn is_dotted(n: &str) -> bool {
    n.contains(['-', '.', '‐', '−', '–', '—', '_', '/', ' '])
        && count_parts(n).is_some_and(|p| p >= 2)
}

/// [`kind`] remembered per thread: every row is tried as a header, and data
/// rows repeat their short texts.
fn kind_cached(t: &str) -> Kind {
    thread_local! {
        static SEEN: std::cell::RefCell<foldhash::HashMap<String, Kind>> =
            std::cell::RefCell::new(foldhash::HashMap::default());
    }
    SEEN.with(|seen| {
        if let Some(&k) = seen.borrow().get(t) {
            return k;
        }
        let k = kind(t);
        let mut seen = seen.borrow_mut();
        if seen.len() > 50_000 {
            seen.clear();
        }
        seen.insert(t.to_owned(), k);
        k
    })
}

/// A section reference: a roman or arabic head and numbers (`II. 1. 1. 1`).
fn is_section_ref(n: &str) -> bool {
    let mut parts = n
        .split(['.', '．'])
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let Some(head) = parts.next() else {
        return false;
    };
    if head.is_empty() || !head.chars().all(|c| matches!(c, 'I' | 'V' | 'X')) {
        return false;
    }
    let mut rest = 0;
    for p in parts {
        if !p.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        rest += 1;
    }
    rest >= 1
}

/// `1. 設備・運用`, `3．契約`, `2) 安全管理`, `第1章 …`: a number then words.
fn is_category_label(n: &str) -> bool {
    let s = n.trim_start_matches('第');
    let digits = s.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 2 {
        return false;
    }
    let rest = s[digits..].trim_start();
    let Some(mark) = rest.chars().next() else {
        return false;
    };
    if !matches!(mark, '.' | ')' | '章' | '、') {
        return false;
    }
    let after = rest[mark.len_utf8()..].trim_start();
    after.chars().next().is_some_and(|c| !c.is_ascii_digit())
}

fn is_guideline_name(n: &str) -> bool {
    let has = |needle: &str| contains_ignoring_ascii_case(n.as_bytes(), needle.as_bytes());
    let bytes = n.as_bytes();
    let ends_gl = bytes.len() >= 2 && bytes[bytes.len() - 2..].eq_ignore_ascii_case(b"gl");
    ends_gl
        || has("-gl")
        || n.contains("ガイドライン")
        || has("guideline")
        || has("iso")
        || has("jis ")
        || has("nist")
}

/// `needle` inside `hay`, ASCII letters of either case alike: only where
/// the needle's first byte stands is the rest compared (most cells of a
/// checklist hold no ASCII letter at all). An empty needle is in every text.
fn contains_ignoring_ascii_case(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), hay).any(|i| {
        hay.get(i + 1..i + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(rest))
    })
}

/// How well a cell of a kind fits a role; `None` is a column with no role.
fn fit(kind: Kind, role: Option<Role>) -> f32 {
    use Role::*;
    let Some(role) = role else { return 0.0 };
    match kind {
        Kind::Empty => 0.0,
        Kind::Int => match role {
            Major | Middle | Minor | Req | Id => 3.0,
            Ref => 0.5,
            Evidence | Remarks => -0.5,
            Answer => -1.0,
            _ => -2.0,
        },
        Kind::Dotted => match role {
            Id => 4.0,
            Ref => 2.5,
            Major | Middle | Minor | Req => 0.5,
            Evidence | Remarks | Guideline => 0.0,
            _ => -2.0,
        },
        Kind::Section => match role {
            Ref => 3.5,
            Id | Guideline | Evidence | Remarks => 0.0,
            _ => -2.0,
        },
        Kind::Level => match role {
            Level => 5.0,
            Remarks => 0.0,
            Answer => -1.0,
            _ => -3.0,
        },
        Kind::Category => match role {
            Category => 4.0,
            Measure => 1.0,
            Check => 0.5,
            Evidence | Remarks => 0.0,
            _ => -2.0,
        },
        Kind::Guideline => match role {
            Guideline => 4.0,
            Evidence => 0.5,
            Ref | Category | Measure | Check | Remarks => 0.0,
            _ => -2.0,
        },
        Kind::Mark => match role {
            Answer => 4.0,
            Remarks => 0.0,
            Level => -1.0,
            _ => -2.0,
        },
        Kind::Short => match role {
            Measure | Check | Category | Evidence | Remarks => 1.0,
            Guideline | Answer => 0.5,
            Ref => -1.0,
            _ => -2.0,
        },
        Kind::Long => match role {
            Measure | Check => 2.0,
            Remarks | Evidence => 1.0,
            Category => -0.5,
            Guideline | Answer => -1.0,
            _ => -3.0,
        },
    }
}

/// The widest header the layout aligns against.
const MAX_COLUMNS: usize = 256;

const SKIP_CELL: f32 = -1.5;
const SAME_COLUMN: f32 = 0.5;
/// How much better a row's own alignment must be to leave its block's.
const ROW_MARGIN: f32 = 6.0;

/// Align cells (by column) to header columns. `score[i][j]` is the fit of
/// cell column i under header column j, `skip[i]` the cost of leaving cell
/// column i unplaced, `same[i]` the bonus for keeping it in place. Returns the
/// header column of each cell column.
fn align(score: &[Vec<f32>], skip: &[f32], same: &[f32]) -> (f32, Vec<Option<usize>>) {
    let n = score.len();
    let m = score.first().map_or(0, Vec::len);
    let mut dp = vec![vec![f32::NEG_INFINITY; m + 1]; n + 1];
    // 0 = diagonal (match), 1 = skip cell, 2 = skip header column
    let mut from = vec![vec![0u8; m + 1]; n + 1];
    dp[0][0] = 0.0;
    for i in 0..=n {
        for j in 0..=m {
            if i == 0 && j == 0 {
                continue;
            }
            let mut best = f32::NEG_INFINITY;
            let mut how = 0u8;
            if i > 0 && j > 0 {
                let bonus = if i == j { same[i - 1] } else { 0.0 };
                let v = dp[i - 1][j - 1] + score[i - 1][j - 1] + bonus;
                if v > best {
                    best = v;
                    how = 0;
                }
            }
            if i > 0 {
                let v = dp[i - 1][j] + skip[i - 1];
                if v > best + 1e-6 {
                    best = v;
                    how = 1;
                }
            }
            if j > 0 {
                let v = dp[i][j - 1];
                if v > best + 1e-6 {
                    best = v;
                    how = 2;
                }
            }
            dp[i][j] = best;
            from[i][j] = how;
        }
    }
    let mut mapping = vec![None; n];
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        match from[i][j] {
            0 if i > 0 && j > 0 => {
                mapping[i - 1] = Some(j - 1);
                i -= 1;
                j -= 1;
            }
            1 if i > 0 => i -= 1,
            _ if j > 0 => j -= 1,
            _ => i -= 1,
        }
    }
    (dp[n][m], mapping)
}

/// Score of a row under a given mapping, counted the way `align` counts.
fn mapping_score(kinds: &[Kind], columns: &[Option<Role>], mapping: &[Option<usize>]) -> f32 {
    kinds
        .iter()
        .enumerate()
        .map(|(i, &k)| match mapping.get(i).copied().flatten() {
            _ if k == Kind::Empty => 0.0,
            Some(j) => fit(k, columns[j]) + if i == j { SAME_COLUMN } else { 0.0 },
            None => SKIP_CELL,
        })
        .sum()
}

fn row_alignment(kinds: &[Kind], columns: &[Option<Role>]) -> (f32, Vec<Option<usize>>) {
    let score: Vec<Vec<f32>> = kinds
        .iter()
        .map(|&k| columns.iter().map(|&r| fit(k, r)).collect())
        .collect();
    let nonempty = |k: &Kind| if *k == Kind::Empty { 0.0 } else { 1.0 };
    let skip: Vec<f32> = kinds.iter().map(|k| nonempty(k) * SKIP_CELL).collect();
    let same: Vec<f32> = kinds.iter().map(|k| nonempty(k) * SAME_COLUMN).collect();
    align(&score, &skip, &same)
}

/// Roles of a row read as a header (cells that are labels), or `None` when
/// the row is not label-like (numbers or long text in it).
fn label_roles(row: &Row, kinds: Option<&[Kind]>) -> Option<Vec<Option<Role>>> {
    let mut roles = Vec::with_capacity(row.cells.len());
    // cells that only data holds: numbers, item numbers, levels, section
    // references, category labels, answer marks, long texts
    let mut data_like = 0;
    for (c, cell) in row.cells.iter().enumerate() {
        let t = cell.trim();
        if t.is_empty() {
            roles.push(None);
            continue;
        }
        if is_long(t) {
            data_like += 1;
            roles.push(None);
            continue;
        }
        // a cell that is no label may still be data (`No` is a label, not
        // an answer, when it names a column); an item number or section
        // reference never is a label
        let kind = match kinds.and_then(|k| k.get(c)) {
            Some(&k) => k,
            None => kind_cached(t),
        };
        if kind == Kind::Int {
            return None;
        }
        let role = match kind {
            Kind::Dotted | Kind::Section => None,
            _ => role_of(t),
        };
        if role.is_none()
            && matches!(
                kind,
                Kind::Dotted
                    | Kind::Level
                    | Kind::Section
                    | Kind::Category
                    | Kind::Mark
                    | Kind::Long
            )
        {
            data_like += 1;
            if data_like > 1 {
                return None;
            }
        }
        roles.push(role);
    }
    if data_like > 1 {
        return None;
    }
    Some(roles)
}

fn distinct(roles: &[Option<Role>]) -> BTreeSet<Role> {
    roles.iter().flatten().copied().collect()
}

fn is_primary(roles: &[Option<Role>]) -> bool {
    let d = distinct(roles);
    d.len() >= 3 || (d.len() >= 2 && (d.contains(&Role::Measure) || d.contains(&Role::Check)))
}

/// Can `child` be the lower row of a two-row header whose upper row is `parent`?
fn is_child(
    parent: &Row,
    parent_roles: &[Option<Role>],
    child: &Row,
    child_kinds: Option<&[Kind]>,
) -> bool {
    let Some(child_roles) = label_roles(child, child_kinds) else {
        return false;
    };
    child_roles.iter().enumerate().any(|(c, role)| {
        role.is_some() && {
            let above = parent.cell(c).trim();
            above.is_empty()
                || compact(above) == compact(child.cell(c))
                || matches!(parent_roles.get(c).copied().flatten(), Some(r) if r.is_number())
                || (c > 0 && parent.cell(c - 1).trim() == above)
        }
    })
}

/// Header columns from one or two label rows.
fn compose(parent: &Row, child: Option<&Row>) -> Vec<Option<Role>> {
    let Some(child) = child else {
        return parent.cells.iter().map(|c| role_of(c.trim())).collect();
    };
    let width = parent.cells.len().max(child.cells.len());
    // A label above blanks that have labels below spans them (merged in the
    // original sheet, spread over nothing in a text export).
    let mut upper: Vec<String> = (0..width)
        .map(|c| parent.cell(c).trim().to_owned())
        .collect();
    for c in 1..width {
        if upper[c].is_empty()
            && !child.cell(c).trim().is_empty()
            && !child.cell(c - 1).trim().is_empty()
        {
            upper[c] = upper[c - 1].clone();
        }
    }
    (0..width)
        .map(|c| {
            let above = role_of(&upper[c]);
            let below_text = child.cell(c).trim();
            if below_text.is_empty() {
                return above;
            }
            let below = role_of(below_text);
            match (above, below) {
                (Some(a), Some(b)) if a.is_number() && b.is_number() => Some(b),
                // columns under a numbering label hold parts of the number
                (Some(a), _) if a.is_number() => Some(Role::Req),
                (_, Some(b)) => Some(b),
                (a, None) => a,
            }
        })
        .collect()
}

/// A header starting at `row` (with `next` the row after it): its columns,
/// its rows and how many rows it takes.
fn header_at(typed: &Typed, next: Option<&Typed>) -> Option<(Vec<Option<Role>>, Vec<u32>, usize)> {
    let row = typed.full();
    let roles = label_roles(row, typed.full_kinds())?;
    if !is_primary(&roles) {
        return None;
    }
    let child = next
        .filter(|c| c.number() == row.number + 1 && is_child(row, &roles, c.full(), c.full_kinds()))
        .map(Typed::full);
    let columns = compose(row, child);
    let d = distinct(&columns);
    // A checklist header names the requirement text; a vendor's answer sheet
    // may keep only the numbers and the response columns.
    let texts = d.contains(&Role::Measure) || d.contains(&Role::Check);
    let answer_sheet = d.iter().any(|r| r.is_number()) && d.iter().any(|r| r.is_response());
    if !(texts || answer_sheet) {
        return None;
    }
    let mut header_rows = vec![row.number];
    if let Some(c) = child {
        header_rows.push(c.number);
    }
    let taken = header_rows.len();
    Some((columns, header_rows, taken))
}

/// A label row directly above a header, holding labels the header lacks
/// (`項番` over the number columns): returns the header recomposed.
fn with_parent(parent: &Typed, header: &Typed) -> Option<Vec<Option<Role>>> {
    if parent.number() + 1 != header.number() {
        return None;
    }
    let parent_roles = label_roles(parent.full(), parent.full_kinds())?;
    if distinct(&parent_roles).is_empty() || is_primary(&parent_roles) {
        return None;
    }
    is_child(
        parent.full(),
        &parent_roles,
        header.full(),
        header.full_kinds(),
    )
    .then(|| compose(parent.full(), Some(header.full())))
}

/// A column the vendor added without a label, holding answer marks (○ × △,
/// Yes/No) on most of its rows, is the answer column when the header has
/// none: its answers must not be lost.
fn name_answer_column(
    block: &mut Block,
    rows: &[Typed],
    file: &std::path::Path,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if block.has(Role::Answer) {
        return;
    }
    let width = rows
        .iter()
        .map(|r| r.spread.vertical.cells.len())
        .max()
        .unwrap_or(0);
    let best = (0..width)
        // a blank label, not an unknown one (`クラウド ○` marks applicability)
        .filter(|&c| {
            block.unlabeled.get(c).copied().unwrap_or(true)
                && block.columns.get(c).copied().flatten().is_none()
        })
        .map(|c| {
            let (marks, filled) = rows.iter().fold((0, 0), |(m, f), r| match r.kinds.get(c) {
                None | Some(Kind::Empty) => (m, f),
                Some(&k) => (m + usize::from(k == Kind::Mark), f + 1),
            });
            (c, marks, filled)
        })
        .filter(|&(_, marks, filled)| marks >= 3 && marks * 2 >= filled)
        .max_by_key(|&(_, marks, _)| marks);
    if let Some((c, _, _)) = best {
        if block.columns.len() <= c {
            block.columns.resize(c + 1, None);
        }
        block.columns[c] = Some(Role::Answer);
        let at = Location::file(file).sheet(block.sheet.as_deref()).cell(
            block.header_rows.last().copied().unwrap_or(1),
            Some(c as u32),
        );
        diagnostics.push(Diagnostic::note(
            at,
            "a column without a label holds answer marks: read as the answer column",
        ));
    }
}

/// A row of one distinct value (a section title, a note) is not an item,
/// unless that value is a requirement text standing in its column.
fn is_section_or_note(full: &Row, columns: &[Option<Role>]) -> bool {
    // most rows hold several distinct values: told apart without a copy
    let mut raw: [&str; 2] = [""; 2];
    let mut seen = 0;
    for c in &full.cells {
        let t = c.as_str();
        if t.is_empty() || raw[..seen].contains(&t) {
            continue;
        }
        if seen == 2 {
            return false;
        }
        raw[seen] = t;
        seen += 1;
    }
    if seen == 0 || (seen == 2 && compact(raw[0]) != compact(raw[1])) {
        return false;
    }
    let (col, text) = match full.cells.iter().enumerate().find(|(_, c)| !c.is_empty()) {
        Some((c, t)) => (c, t.as_str()),
        None => return true,
    };
    let note = ['※', '*', '＊', '注', '(', '（', '【', '<', '＜'];
    let role = columns.get(col).copied().flatten();
    // a lone item number is an unanswered item of an answer sheet (or a
    // numbered row without text, noted later), never a section title
    let number = matches!(kind(text), Kind::Int | Kind::Dotted);
    if role.is_some_and(Role::is_number) && number {
        return false;
    }
    if role.is_some_and(Role::is_response) {
        // a lone answer or remark is a response, never a section title
        return false;
    }
    let in_text_column = matches!(role, Some(Role::Measure | Role::Check));
    !(in_text_column && text.chars().count() >= 15 && !text.starts_with(note))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The needle is found where some window of the text is it, ASCII
        /// letters of either case alike.
        #[test]
        fn found_ignoring_case_where_a_window_is_the_needle(
            hay in "[aAbB\\- ガ]{0,12}",
            needle in "[aAbB\\-]{1,3}",
        ) {
            let windows = hay
                .as_bytes()
                .windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()));
            proptest::prop_assert_eq!(
                contains_ignoring_ascii_case(hay.as_bytes(), needle.as_bytes()),
                windows
            );
            proptest::prop_assert!(contains_ignoring_ascii_case(hay.as_bytes(), b""));
        }
    }

    fn row(n: u32, cells: &[&str]) -> Row {
        Row {
            number: n,
            cells: cells.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn the_tools_own_header_is_told_exactly() {
        let file = std::path::Path::new("c.csv");
        let own = OWN_HEADER.map(str::to_owned);
        let of = |n: u32, cells: &[&str]| Trusted::of(file, &row(n, cells)).is_some();
        let eleven: Vec<&str> = OWN_HEADER[..11].to_vec();
        assert!(of(1, &eleven));
        assert!(of(1, &OWN_HEADER[..12]));
        assert!(of(1, &own.iter().map(String::as_str).collect::<Vec<_>>()));
        let padded: Vec<String> = eleven.iter().map(|c| format!(" {c} ")).collect();
        assert!(of(
            1,
            &padded.iter().map(String::as_str).collect::<Vec<_>>()
        ));
        // not on a later row, not short, not spelt otherwise, nothing more
        assert!(!of(2, &eleven));
        assert!(!of(1, &OWN_HEADER[..10]));
        let mut respelt = eleven.clone();
        respelt[0] = "ID";
        assert!(!of(1, &respelt));
        let mut more = own.iter().map(String::as_str).collect::<Vec<_>>();
        more.push("answer");
        assert!(!of(1, &more));
        let mut trailing = eleven.clone();
        trailing.push("");
        assert!(!of(1, &trailing));
    }

    #[test]
    fn under_the_tools_header_rows_are_told_apart_as_in_a_settled_block() {
        let file = std::path::Path::new("c.csv");
        let mut trusted = Trusted::of(file, &row(1, &OWN_HEADER[..11])).expect("own header");
        // a numbered row without text, a row shifted left by one cell, a
        // blank row, a section title, the header again (padded), a cell
        // past it
        let long =
            "医療情報を保存する機器は、施錠された区画に設置し、入退室を管理して記録すること。";
        trusted.row(row(2, &["1-1", "1", "", "", "1"]));
        trusted.row(row(
            3,
            &[
                "1-1-1-2",
                "1",
                "1",
                "1",
                "2",
                "1. 区分1",
                long,
                "総務省 医療 ASP-GL",
                "3.2.9",
                "・規程があるか",
            ],
        ));
        trusted.row(row(4, &["", " "]));
        trusted.row(row(5, &["", "", "", "", "", "", "", "運用管理"]));
        let mut padded_header = OWN_HEADER[..11].to_vec();
        padded_header.push("");
        trusted.row(row(6, &padded_header));
        let mut past = vec![""; 11];
        past[7] = "要件";
        past.push("メモ");
        trusted.row(row(7, &past));
        trusted.end();
        let events = trusted.take(Vec::new());
        let blocks: Vec<usize> = events
            .iter()
            .filter_map(|e| match e {
                Event::Block(i, _) => Some(*i),
                _ => None,
            })
            .collect();
        assert_eq!(blocks, [0, 1]);
        let records: Vec<&RawRecord> = events
            .iter()
            .filter_map(|e| match e {
                Event::Record(r) => Some(r),
                _ => None,
            })
            .collect();
        assert_eq!(records.iter().map(|r| r.row).collect::<Vec<_>>(), [2, 3, 7]);
        assert!(!records[0].realigned);
        assert_eq!(records[1].text(Role::Measure), long);
        assert_eq!(records[1].text(Role::Check), "・規程があるか");
        assert_eq!(records[1].text(Role::Level), "");
        assert!(records[1].realigned);
        assert_eq!(records[2].block, 1);
        assert_eq!(records[2].stray, [(11, "メモ".to_owned())]);
        assert_eq!(trusted.filled_rows(), 6);
        assert_eq!(trusted.blocks(), 2);
    }

    #[test]
    fn side_sheets_by_name() {
        assert!(is_side_sheet("表紙"));
        assert!(is_side_sheet("改訂履歴"));
        assert!(is_side_sheet("Revision history"));
        // "チェックリスト" must not be mistaken for a lookup list
        assert!(!is_side_sheet("チェックリスト"));
        assert!(!is_side_sheet("Checklist"));
        assert!(!is_side_sheet("回答"));
    }

    #[test]
    fn kinds_are_numbered_in_order() {
        for (i, k) in KIND_ORDER.iter().enumerate() {
            assert_eq!(*k as usize, i);
        }
    }

    /// The shortcut for plain ASCII numbers types them as the whole of
    /// `kind` does.
    #[test]
    fn plain_numbers_are_typed_as_the_long_way_types_them() {
        let mut texts: Vec<String> = [
            "1-1-1-1",
            "3.2.9",
            "7.6.14",
            "1.0",
            "12.00",
            "1.0.0",
            "1-2",
            "0-0",
            "123456-1",
            "1234567-1",
            "1..2",
            "1--2",
            "1-",
            "-1",
            "1.",
            "1-.2",
            "1-a",
            "1 2",
            "II.1",
            "1.2.3.4.5.6.7.8.9.10.11",
            "1.2.3.4.5.6.7.8.9.10.11.12",
        ]
        .map(String::from)
        .to_vec();
        for a in 0..30u32 {
            for sep in ["-", "."] {
                texts.push(format!("{a}{sep}{}", a * 7 % 13));
                texts.push(format!("{}{sep}{a}{sep}0", a % 4));
            }
        }
        for t in &texts {
            if let Some(k) = plain_number_kind(t) {
                // the steps of `kind` the shortcut leaves out
                let n = normalized(t);
                let long_way = if integer_of(&n).is_some() {
                    Kind::Int
                } else {
                    assert!(crate::catalog::Level::parse(&n).is_none(), "{t}");
                    assert!(!is_section_ref(&n), "{t}");
                    assert!(is_dotted(&n), "{t}");
                    Kind::Dotted
                };
                assert_eq!(k, long_way, "{t}");
            }
        }
        assert_eq!(plain_number_kind("1-1-1-1"), Some(Kind::Dotted));
        assert_eq!(plain_number_kind("1.0"), Some(Kind::Int));
        assert_eq!(plain_number_kind("1..2"), None);
        assert_eq!(plain_number_kind("1234567-1"), None);
    }

    #[test]
    fn kinds_of_cells() {
        assert_eq!(kind("12"), Kind::Int);
        assert_eq!(kind("１２"), Kind::Int);
        assert_eq!(kind("1-1-1-1"), Kind::Dotted);
        assert_eq!(kind("7.6.14"), Kind::Dotted);
        assert_eq!(kind("II. 1. 1. 1"), Kind::Section);
        assert_eq!(kind("Ⅲ. 1. 1"), Kind::Section);
        assert_eq!(kind("必須"), Kind::Level);
        assert_eq!(kind("1. 設備・運用 1) 一般"), Kind::Category);
        assert_eq!(kind("経産省医療外部保存-GL"), Kind::Guideline);
        assert_eq!(kind("○"), Kind::Mark);
        assert_eq!(
            kind("経営陣は、情報セキュリティに関する取り組みについて責任を持って支援すること。"),
            Kind::Long
        );
    }

    #[test]
    fn two_row_header_with_number_parent() {
        let parent = row(
            5,
            &[
                "大分類",
                "項番",
                "",
                "",
                "要件",
                "分類",
                "必須／推奨",
                "対策項目",
            ],
        );
        let child = row(6, &["", "中分類", "小分類", "項目", "", "", "", ""]);
        let roles = label_roles(&parent, None).unwrap();
        assert!(is_child(&parent, &roles, &child, None));
        let cols = compose(&parent, Some(&child));
        use Role::*;
        assert_eq!(
            cols,
            vec![
                Some(Major),
                Some(Middle),
                Some(Minor),
                Some(Req),
                Some(Req),
                Some(Category),
                Some(Level),
                Some(Measure)
            ]
        );
    }

    #[test]
    fn shifted_rows_are_realigned_by_content() {
        use Role::*;
        // the header has a 項番 column the rows lack
        let columns = vec![
            Some(Major),
            Some(Middle),
            Some(Minor),
            Some(Req),
            Some(Id),
            Some(Category),
            Some(Level),
            Some(Measure),
            Some(Guideline),
            Some(Ref),
            Some(Check),
        ];
        let cells = [
            "2",
            "1",
            "5",
            "11",
            "2. 機能と運用 1) 安全管理",
            "必須",
            "外部事業者の運営するデータセンターを利用する場合は、契約を確認すること。",
            "経産省医療外部保存-GL",
            "7.5.2",
            "・運用の中で、データセンターの入退館の管理を確認しているか。",
            "",
        ];
        let kinds: Vec<Kind> = cells.iter().map(|c| kind(c)).collect();
        let (_, map) = row_alignment(&kinds, &columns);
        assert_eq!(
            &map[..10],
            &[
                Some(0),
                Some(1),
                Some(2),
                Some(3),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                Some(9),
                Some(10)
            ]
        );
    }
}
