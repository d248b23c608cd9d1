//! Spreadsheet workbooks through calamine: xlsx/xlsm, xlsb, xls, ods.
//!
//! xlsx and xlsb are streamed cell by cell into a sparse grid (a sheet that
//! claims A1:XFD1048576 with two cells costs two cells); xls and ods go
//! through calamine's ranges. Merged regions come from calamine for xlsx and
//! xls. Formulas count by their cached value.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::Path;

use calamine::{
    Data, DataRef, Dimensions, Ods, OdsError, Reader, SheetType, SheetVisible, Xls, XlsError, Xlsb,
    XlsbError, Xlsx, XlsxError,
};

use super::{Book, Format, SheetMeta, Visitor, MAX_CELLS, MAX_DENSE_CELLS};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::grid::{number_text, Region, Row, Sheet};

/// Widest row we accept: Excel's own limit is 16,384 columns.
const MAX_COLUMNS: u32 = 16_384;

/// The largest part a workbook package may inflate to, and all parts together.
const MAX_PART: u64 = 1 << 30;
const MAX_PACKAGE: u64 = 2 << 30;

/// A zip bomb (a part, or the whole package, inflating past the limits) as
/// the package declares it; `None` when it looks sane or is no zip at all
/// (the readers then say what is wrong).
fn bomb<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    max_part: u64,
    max_package: u64,
) -> Option<String> {
    let mut total = 0u64;
    for i in 0..zip.len() {
        let (name, size) = {
            let meta = zip.by_index_raw(i).ok()?;
            (meta.name().ok()?.to_string(), meta.size())
        };
        total = total.saturating_add(size);
        if size > max_part {
            return Some(format!("its part {name} inflates to {size} bytes"));
        }
    }
    (total > max_package).then(|| format!("it inflates to {total} bytes"))
}

/// Where a zip package is read from: a file (streamed, never read whole) or
/// bytes already in memory.
#[derive(Clone, Copy)]
pub(super) enum Input<'a> {
    File(&'a Path),
    Bytes(&'a [u8]),
}

/// A fresh reader over an [`Input`].
pub(super) enum InputReader<'a> {
    File(BufReader<File>),
    Bytes(Cursor<&'a [u8]>),
}

impl<'a> Input<'a> {
    fn open(self) -> std::io::Result<InputReader<'a>> {
        Ok(match self {
            Input::File(path) => {
                InputReader::File(BufReader::with_capacity(1 << 16, File::open(path)?))
            }
            Input::Bytes(bytes) => InputReader::Bytes(Cursor::new(bytes)),
        })
    }

    fn bytes(self) -> std::io::Result<std::borrow::Cow<'a, [u8]>> {
        Ok(match self {
            Input::File(path) => std::fs::read(path)?.into(),
            Input::Bytes(bytes) => bytes.into(),
        })
    }
}

impl Read for InputReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            InputReader::File(f) => f.read(buf),
            InputReader::Bytes(c) => c.read(buf),
        }
    }
}

impl Seek for InputReader<'_> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        match self {
            InputReader::File(f) => f.seek(pos),
            InputReader::Bytes(c) => c.seek(pos),
        }
    }
}

fn io(path: &Path, e: std::io::Error) -> Error {
    Error::at(path, ErrorKind::Io(e))
}

pub(super) fn visit_zip(
    path: &Path,
    input: Input<'_>,
    visitor: &mut dyn Visitor,
) -> Result<Format> {
    let names: Vec<String> = match zip::ZipArchive::new(input.open().map_err(|e| io(path, e))?) {
        Ok(mut zip) => {
            if let Some(why) = bomb(&mut zip, MAX_PART, MAX_PACKAGE) {
                return Err(Error::at(
                    path,
                    ErrorKind::Limit(format!(
                        "refusing a package that would not fit in memory: {why}"
                    )),
                ));
            }
            zip.file_names()
                .filter_map(|n| n.ok().map(|n| n.into_owned()))
                .collect()
        }
        Err(_) => return Err(broken_zip(path, input)),
    };
    let has = |name: &str| names.iter().any(|n| n == name);
    if has("xl/workbook.bin") {
        stream(path, input, Format::Xlsb, visitor)?;
        Ok(Format::Xlsb)
    } else if has("xl/workbook.xml") {
        stream(path, input, Format::Xlsx, visitor)?;
        Ok(Format::Xlsx)
    } else if has("content.xml") && has("mimetype") {
        let bytes = input.bytes().map_err(|e| io(path, e))?;
        if !contains(&bytes[..bytes.len().min(200)], b"opendocument.spreadsheet") {
            return Err(Error::at(
                path,
                ErrorKind::NotSpreadsheet("an OpenDocument file that is not a spreadsheet".into()),
            ));
        }
        let book = read_ods(path, &bytes)?;
        book.visit(visitor)?;
        Ok(Format::Ods)
    } else if has("[Content_Types].xml") || has("content.xml") {
        Err(Error::at(
            path,
            ErrorKind::NotSpreadsheet(
                "a zip package that holds no workbook (a Word or PowerPoint file?)".into(),
            ),
        ))
    } else {
        Err(Error::at(
            path,
            ErrorKind::NotSpreadsheet("a zip archive that holds no workbook".into()),
        ))
    }
}

/// Why a file that starts like a zip archive cannot be opened as one.
fn broken_zip(path: &Path, input: Input<'_>) -> Error {
    let truncated = match input.bytes() {
        Ok(bytes) => find_end_of_central_directory(&bytes).is_none(),
        Err(e) => return io(path, e),
    };
    if truncated {
        Error::at(
            path,
            ErrorKind::Corrupt("the zip archive ends before its directory (truncated?)".into()),
        )
    } else {
        Error::at(
            path,
            ErrorKind::Corrupt("broken zip archive (its directory cannot be read)".into()),
        )
    }
}

fn read_ods(path: &Path, bytes: &[u8]) -> Result<Book> {
    let scan = super::ods_spans::scan(bytes);
    // calamine expands repeated cells into a dense rectangle: refuse one
    // that the content claims but memory cannot hold
    if scan.cells > MAX_CELLS as u64 || scan.area > MAX_DENSE_CELLS as u64 {
        return Err(Error::at(
            path,
            ErrorKind::Limit(format!(
                "the spreadsheet claims {} filled cells over {} cells of area (repeated cells counted); refusing to expand it",
                scan.cells, scan.area
            )),
        ));
    }
    let mut spans = scan.regions;
    let book = Ods::new(Cursor::new(bytes)).map_err(|e| ods_error(path, None, e))?;
    let mut out = read_ranges(path, book, Format::Ods, ods_error)?;
    for sheet in &mut out.sheets {
        if let Some(regions) = sheet.name.as_ref().and_then(|n| spans.remove(n)) {
            sheet.merges = regions;
        }
    }
    Ok(out)
}

/// A workbook whose sheets calamine streams cell by cell.
enum StreamBook<'a> {
    Xlsx(Xlsx<InputReader<'a>>),
    Xlsb(Xlsb<InputReader<'a>>),
}

/// What the reading thread hands to the visitor.
enum Message {
    Begin(usize, Vec<Region>),
    Cells(Cells),
    End,
}

/// Rows sent to the visitor at a time.
const BATCH: usize = 64;

/// A batch of cells as read, in sheet order: their texts one after the other
/// in one buffer. The reader copies each cell's text once, into the buffer,
/// and makes no string of it: the strings of the rows are made where the
/// rows are laid out ([`Cells::rows`]), so that on two threads the reading
/// one (the longer task) does less, and each string is freed where it was
/// made.
#[derive(Default)]
struct Cells {
    text: String,
    /// Each cell's 1-based row, 0-based column and the end of its text in
    /// `text` (where the next one's begins).
    cells: Vec<(u32, u32, usize)>,
}

/// Batches made into rows and emptied, for the reader to fill again: a
/// sheet of any length takes a few buffers, not a fresh one per batch.
type Spare = std::sync::Mutex<Vec<Cells>>;

/// Where the reader's messages go (`emit` says whether to go on), and the
/// emptied batches it fills again.
struct Out<'a> {
    emit: &'a mut dyn FnMut(Message) -> bool,
    spare: &'a Spare,
    /// The most text and cells a batch has held yet: a new batch is given
    /// that room at once rather than grown to it by doubling, each doubling
    /// a copy into memory touched for the first time.
    room: (usize, usize),
}

impl<'a> Out<'a> {
    fn new(emit: &'a mut dyn FnMut(Message) -> bool, spare: &'a Spare) -> Self {
        Out {
            emit,
            spare,
            room: (0, 0),
        }
    }

    /// An emptied batch to fill, or a new one with room for the largest yet.
    fn fresh(&self) -> Cells {
        let recycled = self.spare.lock().ok().and_then(|mut spare| spare.pop());
        recycled.unwrap_or_else(|| Cells {
            text: String::with_capacity(self.room.0),
            cells: Vec::with_capacity(self.room.1),
        })
    }

    /// Hand a batch on; false when the visitor is gone.
    fn send(&mut self, batch: Cells) -> bool {
        self.room.0 = self.room.0.max(batch.text.len());
        self.room.1 = self.room.1.max(batch.cells.len());
        (self.emit)(Message::Cells(batch))
    }
}

impl Cells {
    /// Empty the batch and leave it for the next.
    fn recycle(mut self, spare: &Spare) {
        self.text.clear();
        self.cells.clear();
        if let Ok(mut spare) = spare.lock() {
            spare.push(self);
        }
    }

    /// The batch as rows, each cell at its column: a row begins wherever
    /// the row number changes (a row met again, which no spreadsheet program
    /// writes, is a row of its own).
    fn rows(&self) -> impl Iterator<Item = Row> + '_ {
        let mut cells = self.cells.iter().peekable();
        let mut start = 0;
        // cells of the row before (at most WIDTH_HINT): room made at once
        let mut width = 0;
        std::iter::from_fn(move || {
            let &&(number, _, _) = cells.peek()?;
            let mut row = Row {
                number,
                cells: Vec::with_capacity(width),
            };
            while let Some(&(_, col, end)) = cells.next_if(|c| c.0 == number) {
                let col = col as usize;
                if row.cells.len() <= col {
                    row.cells.resize(col + 1, String::new());
                }
                row.cells[col] = self.text[start..end].to_owned();
                start = end;
            }
            width = row.cells.len().min(WIDTH_HINT);
            Some(row)
        })
    }
}

/// Stream the chosen sheets of an xlsx or xlsb package. Alone, over two
/// threads: a reading thread opens the workbook with calamine (its shared
/// strings), then parses the sheets cell by cell, while this thread scans the
/// merged regions (xlsx), tells the visitor the sheets and lays out the rows
/// already read; so reading and laying out overlap on any sheet, and only a
/// few batches of rows are ever in flight (what is left when the reader is
/// done is laid out on its core). The reading thread does not wait
/// for the visitor's choice: it reads the sheets in order and leaves off a
/// sheet once it learns that it was not chosen, and this thread passes on
/// only the chosen sheets' rows. On a worker of a parallel batch (ingest, or
/// the two lists of a diff) the cores are busy with the other files
/// already: there it all happens on the calling thread, one step after the
/// other.
fn stream(path: &Path, input: Input<'_>, format: Format, visitor: &mut dyn Visitor) -> Result<()> {
    if rayon::current_thread_index().is_some() {
        return stream_here(path, input, format, visitor);
    }
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc::sync_channel;
    let (scanned_tx, scanned_rx) = sync_channel::<Option<Scanned>>(1);
    let (sheets_tx, sheets_rx) = sync_channel::<Vec<(SheetMeta, String)>>(1);
    let (chosen_tx, chosen_rx) = sync_channel::<Vec<bool>>(1);
    // a few batches ahead at most: the buffers go round, and a reader faster
    // than the layout waits instead of filling fresh memory
    let (tx, rx) = sync_channel::<Message>(4);
    let spare = &Spare::default();
    // the core the reading thread was on when it was done
    let done_on = &AtomicUsize::new(usize::MAX);
    let read = move || -> Result<()> {
        let mut book = open_book(path, input, format)?;
        let sheets = worksheets(&book);
        let order = reading_order(&sheets);
        if sheets_tx.send(sheets).is_err() {
            return Ok(());
        }
        // the merged regions: scanned while the workbook was opened
        let mut scanned = scanned_rx.recv().ok().flatten();
        read_sheets(
            path,
            &mut book,
            &order,
            &mut scanned,
            &mut Chosen::Coming(chosen_rx),
            &mut Out::new(&mut |message| tx.send(message).is_ok(), spare),
        )
        .inspect(|_| {
            if let Some(core) = crate::threads::current_core() {
                done_on.store(core, Ordering::Release);
            }
        })
    };
    let lay_out = move || -> Result<()> {
        // the merged regions, while calamine opens the workbook
        let _ = scanned_tx.send(scan(input, format));
        let Ok(sheets) = sheets_rx.recv() else {
            // the workbook could not be opened: the reader says why
            return Ok(());
        };
        let (plain, chosen) = choose(visitor, format, sheets)?;
        let _ = chosen_tx.send(chosen.clone());
        // the rows of sheets not chosen (read before the reader knew) are
        // passed over; an error drops the receiver, which stops the reader
        let mut passing = false;
        let mut moved = false;
        rx.into_iter().try_for_each(|message| {
            // Rows left to lay out when the reader is done go to its core.
            // The host of the machines measured here takes one vCPU or the
            // other for a while; the reader, done first with the longer
            // task, was likely on the free one, and this thread on the
            // taken one (a 500-item catalog's last rows took 0.8 ms there).
            if !moved {
                let core = done_on.load(Ordering::Acquire);
                if core != usize::MAX {
                    moved = true;
                    if crate::threads::current_core() != Some(core) {
                        crate::threads::move_to(core);
                    }
                }
            }
            if let Message::Begin(index, _) = &message {
                passing = !chosen.get(*index).copied().unwrap_or(false);
            }
            if passing {
                if let Message::Cells(batch) = message {
                    batch.recycle(spare);
                }
                return Ok(());
            }
            apply(visitor, &plain, message, spare)
        })
    };
    let (read, laid_out) = crate::threads::beside(read, lay_out).map_err(|e| io(path, e))?;
    // the reader's error first: what it could not read explains the rest
    read.unwrap_or_else(|_| Err(super::malformed(path)))
        .and(laid_out)
}

/// [`stream`] on the calling thread alone.
fn stream_here(
    path: &Path,
    input: Input<'_>,
    format: Format,
    visitor: &mut dyn Visitor,
) -> Result<()> {
    let mut book = open_book(path, input, format)?;
    let sheets = worksheets(&book);
    let order = reading_order(&sheets);
    let (plain, chosen) = choose(visitor, format, sheets)?;
    if !chosen.contains(&true) {
        return Ok(());
    }
    let mut scanned = scan(input, format);
    let spare = Spare::default();
    let mut visited = Ok(());
    let read = read_sheets(
        path,
        &mut book,
        &order,
        &mut scanned,
        &mut Chosen::Known(chosen),
        &mut Out::new(
            &mut |message| {
                visited = apply(visitor, &plain, message, &spare);
                visited.is_ok()
            },
            &spare,
        ),
    );
    read.and(visited)
}

fn open_book<'a>(path: &Path, input: Input<'a>, format: Format) -> Result<StreamBook<'a>> {
    let reader = input.open().map_err(|e| io(path, e))?;
    Ok(match format {
        Format::Xlsb => StreamBook::Xlsb(Xlsb::new(reader).map_err(|e| xlsb_error(path, e))?),
        _ => StreamBook::Xlsx(Xlsx::new(reader).map_err(|e| xlsx_error(path, None, e))?),
    })
}

/// The merged regions of an xlsx package's sheets (xlsb has none to scan).
fn scan(input: Input<'_>, format: Format) -> Option<Scanned> {
    match format {
        Format::Xlsx => Scanned::of(input),
        _ => None,
    }
}

/// The worksheets as the reader goes through them: position and name.
fn reading_order(sheets: &[(SheetMeta, String)]) -> Vec<(usize, String)> {
    sheets.iter().map(|(m, n)| (m.index, n.clone())).collect()
}

/// The workbook's worksheets in order, as the visitor is told of them, with
/// the names calamine reads them by.
fn worksheets(book: &StreamBook<'_>) -> Vec<(SheetMeta, String)> {
    let sheets = match book {
        StreamBook::Xlsx(b) => b.sheets_metadata(),
        StreamBook::Xlsb(b) => b.sheets_metadata(),
    };
    sheets
        .iter()
        .filter(|m| m.typ == SheetType::WorkSheet)
        .enumerate()
        .map(|(index, m)| {
            let meta = SheetMeta {
                index,
                name: Some(m.name.clone()),
                hidden: m.visible != SheetVisible::Visible,
            };
            (meta, m.name.clone())
        })
        .collect()
}

/// Tell the visitor the sheets; the sheets as told, and which it chose.
fn choose(
    visitor: &mut dyn Visitor,
    format: Format,
    sheets: Vec<(SheetMeta, String)>,
) -> Result<(Vec<SheetMeta>, Vec<bool>)> {
    let plain: Vec<SheetMeta> = sheets.into_iter().map(|(m, _)| m).collect();
    let chosen = visitor.start(format, &[], &plain)?;
    Ok((plain, chosen))
}

/// Hand one message of the reader to the visitor.
fn apply(
    visitor: &mut dyn Visitor,
    sheets: &[SheetMeta],
    message: Message,
    spare: &Spare,
) -> Result<()> {
    match message {
        Message::Begin(index, merges) => visitor.begin(&sheets[index], merges),
        Message::Cells(batch) => {
            let visited = batch.rows().try_for_each(|row| visitor.row(row));
            batch.recycle(spare);
            visited
        }
        Message::End => visitor.end(),
    }
}

/// What one look at a workbook's package tells of each sheet: its merged
/// regions (none where the scan failed: calamine's reader then finds them).
struct Scanned {
    sheets: std::collections::HashMap<String, Option<Vec<Dimensions>>>,
}

impl Scanned {
    /// `None` when the package is unusual.
    fn of(input: Input<'_>) -> Option<Scanned> {
        let mut package = crate::package::Package::new(input.open().ok()?)?;
        let mut sheets = std::collections::HashMap::new();
        for sheet in package.sheets()? {
            let Ok(entry) = package.zip.by_name(&sheet.path) else {
                continue;
            };
            sheets.insert(sheet.name, super::xlsx_merges::scan(entry).ok());
        }
        Some(Scanned { sheets })
    }
}

/// Which sheets the visitor chose, as the reading thread learns it.
enum Chosen {
    Known(Vec<bool>),
    /// Still to come from the laying-out thread.
    Coming(std::sync::mpsc::Receiver<Vec<bool>>),
}

impl Chosen {
    /// Whether sheet `index` was chosen; `None` while that is not known.
    fn peek(&mut self, index: usize) -> Option<bool> {
        if let Chosen::Coming(rx) = self {
            match rx.try_recv() {
                Ok(chosen) => *self = Chosen::Known(chosen),
                Err(std::sync::mpsc::TryRecvError::Empty) => return None,
                // the visitor refused the sheets: none is wanted
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    *self = Chosen::Known(Vec::new())
                }
            }
        }
        Some(self.wait(index))
    }

    /// Whether sheet `index` was chosen, waiting for the choice if need be.
    fn wait(&mut self, index: usize) -> bool {
        if let Chosen::Coming(rx) = self {
            *self = Chosen::Known(rx.recv().unwrap_or_default());
        }
        matches!(self, Chosen::Known(chosen) if chosen.get(index) == Some(&true))
    }
}

/// How reading a sheet ended.
enum SheetRead {
    /// The sheet was read whole, or left off as not chosen.
    Done,
    /// The visitor is gone: nothing more to read.
    Stop,
}

/// Read the sheets (position and name) in order, handing each message to
/// `emit` (which says whether to go on). A sheet whose choice is not known
/// yet is read all the same, and left off (without its `End`) as soon as it
/// turns out not chosen; what cannot be read of it is an error only if it was
/// chosen, as a sheet not chosen is never read at all once the choice is
/// known.
fn read_sheets(
    path: &Path,
    book: &mut StreamBook<'_>,
    sheets: &[(usize, String)],
    scanned: &mut Option<Scanned>,
    chosen: &mut Chosen,
    out: &mut Out<'_>,
) -> Result<()> {
    for (index, name) in sheets {
        if chosen.peek(*index) == Some(false) {
            continue;
        }
        match read_sheet(path, book, *index, name, scanned, chosen, out) {
            Ok(SheetRead::Done) => {}
            Ok(SheetRead::Stop) => return Ok(()),
            Err(e) if chosen.wait(*index) => return Err(e),
            Err(_) => {}
        }
    }
    Ok(())
}

/// [`read_sheets`] of one sheet.
fn read_sheet(
    path: &Path,
    book: &mut StreamBook<'_>,
    index: usize,
    name: &str,
    scanned: &mut Option<Scanned>,
    chosen: &mut Chosen,
    out: &mut Out<'_>,
) -> Result<SheetRead> {
    let merges = match book {
        StreamBook::Xlsx(b) => {
            let scanned = scanned
                .as_mut()
                .and_then(|s| s.sheets.get_mut(name))
                .and_then(Option::take);
            let dims = match scanned {
                Some(d) => d,
                None => b
                    .merge_cells_by_sheet_name(name)
                    .map_err(|e| xlsx_error(path, Some(name), e))?,
            };
            regions(dims)
        }
        StreamBook::Xlsb(_) => Vec::new(),
    };
    if !(out.emit)(Message::Begin(index, merges)) {
        return Ok(SheetRead::Stop);
    }
    let mut rows = Batcher::new(path, name, out);
    // a cell into the batch; where reading ends early, how (the sheet turned
    // out not chosen, looked at now and then, or the visitor is gone)
    let mut n = 0usize;
    let mut take = |row: u32, col: u32, value: &DataRef<'_>| -> Result<Option<SheetRead>> {
        if !rows.push(row, col, value)? {
            return Ok(Some(SheetRead::Stop));
        }
        n += 1;
        let left_off = n % LOOK_AGAIN == 0 && chosen.peek(index) == Some(false);
        Ok(left_off.then_some(SheetRead::Done))
    };
    match book {
        StreamBook::Xlsx(b) => {
            let mut cells = b
                .worksheet_cells_reader(name)
                .map_err(|e| xlsx_error(path, Some(name), e))?;
            while let Some(cell) = cells
                .next_cell()
                .map_err(|e| xlsx_error(path, Some(name), e))?
            {
                let (row, col) = cell.get_position();
                if let Some(end) = take(row, col, cell.get_value())? {
                    return Ok(end);
                }
            }
        }
        StreamBook::Xlsb(b) => {
            let mut cells = b
                .worksheet_cells_reader(name)
                .map_err(|e| xlsb_error(path, e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| xlsb_error(path, e))? {
                let (row, col) = cell.get_position();
                if let Some(end) = take(row, col, cell.get_value())? {
                    return Ok(end);
                }
            }
        }
    }
    if chosen.peek(index) == Some(false) {
        return Ok(SheetRead::Done);
    }
    Ok(if rows.finish() && (out.emit)(Message::End) {
        SheetRead::Done
    } else {
        SheetRead::Stop
    })
}

/// Cells read between two looks at whether the sheet being read was chosen.
const LOOK_AGAIN: usize = 256;

/// Cells in sheet order into batches of [`BATCH`] rows, handed on.
struct Batcher<'a, 'b, 'c> {
    path: &'a Path,
    name: &'a str,
    out: &'b mut Out<'c>,
    batch: Cells,
    /// The row of the last cell, and how many rows the batch has begun.
    row: Option<u32>,
    rows: usize,
}

/// The most cells a row is given room for before they come: a sheet with
/// one very wide row must not make every row that wide.
const WIDTH_HINT: usize = 64;

impl<'a, 'b, 'c> Batcher<'a, 'b, 'c> {
    fn new(path: &'a Path, name: &'a str, out: &'b mut Out<'c>) -> Self {
        let batch = out.fresh();
        Batcher {
            path,
            name,
            out,
            batch,
            row: None,
            rows: 0,
        }
    }

    /// Add a cell (0-based row and column) unless it is empty; false when
    /// the visitor is gone.
    fn push(&mut self, row: u32, col: u32, value: &DataRef<'_>) -> Result<bool> {
        let start = self.batch.text.len();
        push_data_ref(&mut self.batch.text, value);
        if self.batch.text.len() == start {
            return Ok(true);
        }
        if col >= MAX_COLUMNS {
            return Err(Error::new(
                ErrorKind::Limit(format!(
                    "a cell lies beyond column XFD (column {}), which no spreadsheet program writes",
                    col + 1
                )),
                Location::file(self.path)
                    .sheet(Some(self.name))
                    .cell(row + 1, Some(col)),
            ));
        }
        let number = row + 1;
        if self.row != Some(number) {
            if self.rows == BATCH {
                // the full batch goes; this cell's text begins the next
                let mut next = self.out.fresh();
                next.text.push_str(&self.batch.text[start..]);
                self.batch.text.truncate(start);
                let full = std::mem::replace(&mut self.batch, next);
                if !self.out.send(full) {
                    return Ok(false);
                }
                self.rows = 0;
            }
            self.row = Some(number);
            self.rows += 1;
        }
        let end = self.batch.text.len();
        self.batch.cells.push((number, col, end));
        Ok(true)
    }

    /// Send what is left; false when the visitor is gone.
    fn finish(mut self) -> bool {
        self.batch.cells.is_empty() || self.out.send(std::mem::take(&mut self.batch))
    }
}

fn regions(merges: Vec<Dimensions>) -> Vec<Region> {
    merges
        .into_iter()
        .map(|d| Region {
            first_row: d.start.0 + 1,
            last_row: d.end.0 + 1,
            first_col: d.start.1,
            last_col: d.end.1.min(MAX_COLUMNS - 1),
        })
        .collect()
}

pub(super) fn read_compound(path: &Path, bytes: &[u8]) -> Result<Book> {
    // An encrypted xlsx is an OLE compound file holding `EncryptedPackage`.
    if contains(bytes, &utf16le("EncryptedPackage")) || contains(bytes, &utf16le("EncryptionInfo"))
    {
        return Err(Error::at(path, ErrorKind::Encrypted));
    }
    if !contains(bytes, &utf16le("Workbook")) && !contains(bytes, &utf16le("Book")) {
        if compound_directory_missing(bytes) {
            return Err(Error::at(
                path,
                ErrorKind::Corrupt(
                    "the file ends before its table of contents (truncated?)".into(),
                ),
            ));
        }
        return Err(Error::at(
            path,
            ErrorKind::NotSpreadsheet(
                "an OLE compound document that holds no workbook (a Word .doc?)".into(),
            ),
        ));
    }
    // calamine makes a dense range of every sheet as it opens the file
    if let Some(area) = super::xls_scan::largest_area(bytes) {
        if area > MAX_DENSE_CELLS as u64 {
            return Err(Error::at(
                path,
                ErrorKind::Limit(format!(
                    "a sheet spans {area} cells from its first to its last cell; refusing to expand it"
                )),
            ));
        }
    }
    let book = Xls::new(Cursor::new(bytes)).map_err(|e| xls_error(path, None, e))?;
    let mut book_out = read_ranges(path, book, Format::Xls, xls_error)?;
    book_out.format = Format::Xls;
    Ok(book_out)
}

/// Merged regions of a workbook that reports them (xls does; ods does not).
trait Merges {
    fn merges(&mut self, _name: &str) -> Vec<Dimensions> {
        Vec::new()
    }
}

impl Merges for Xls<Cursor<&[u8]>> {
    fn merges(&mut self, name: &str) -> Vec<Dimensions> {
        self.merge_cells_by_sheet_name(name).unwrap_or_default()
    }
}

impl Merges for Ods<Cursor<&[u8]>> {}

fn read_ranges<'a, R, E>(
    path: &Path,
    mut book: R,
    format: Format,
    error: fn(&Path, Option<&str>, E) -> Error,
) -> Result<Book>
where
    R: Reader<Cursor<&'a [u8]>, Error = E> + Merges,
{
    let metas: Vec<calamine::Sheet> = book.sheets_metadata().to_vec();
    let mut sheets = Vec::new();
    let mut budget = Budget::default();
    for meta in metas.iter().filter(|m| m.typ == SheetType::WorkSheet) {
        let name = meta.name.clone();
        let range = book
            .worksheet_range(&name)
            .map_err(|e| error(path, Some(&name), e))?;
        let mut builder = SheetBuilder::new(path, &name);
        for (row, col, value) in range.used_cells() {
            let text = data_text(value);
            builder.push(
                row as u32 + start_row(&range),
                col as u32 + start_col(&range),
                text,
                &mut budget,
            )?;
        }
        let merges = book.merges(&name);
        sheets.push(builder.finish(merges, meta.visible != SheetVisible::Visible));
    }
    Ok(Book {
        format,
        sheets,
        notes: Vec::new(),
    })
}

fn start_row(range: &calamine::Range<Data>) -> u32 {
    range.start().map(|s| s.0).unwrap_or(0)
}

fn start_col(range: &calamine::Range<Data>) -> u32 {
    range.start().map(|s| s.1).unwrap_or(0)
}

/// Counts cells across a workbook against the limits.
#[derive(Default)]
struct Budget {
    cells: usize,
    dense: usize,
}

/// Collects cells (in any order) into rows.
struct SheetBuilder<'a> {
    path: &'a Path,
    name: String,
    cells: Vec<(u32, u32, String)>,
}

impl<'a> SheetBuilder<'a> {
    fn new(path: &'a Path, name: &str) -> SheetBuilder<'a> {
        SheetBuilder {
            path,
            name: name.to_owned(),
            cells: Vec::new(),
        }
    }

    fn push(&mut self, row: u32, col: u32, text: String, budget: &mut Budget) -> Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        let at = || {
            Location::file(self.path)
                .sheet(Some(&self.name))
                .cell(row + 1, Some(col))
        };
        if col >= MAX_COLUMNS {
            return Err(Error::new(
                ErrorKind::Limit(format!(
                    "a cell lies beyond column XFD (column {}), which no spreadsheet program writes",
                    col + 1
                )),
                at(),
            ));
        }
        budget.cells += 1;
        budget.dense += col as usize + 1;
        if budget.cells > MAX_CELLS || budget.dense > MAX_DENSE_CELLS {
            return Err(Error::new(
                ErrorKind::Limit(format!(
                    "the workbook holds more than {MAX_CELLS} cells (or rows wider than its content warrants); refusing to read it whole"
                )),
                at(),
            ));
        }
        self.cells.push((row, col, text));
        Ok(())
    }

    fn finish(mut self, merges: Vec<Dimensions>, hidden: bool) -> Sheet {
        self.cells.sort_by_key(|c| (c.0, c.1));
        let mut rows: Vec<Row> = Vec::new();
        for (row, col, text) in self.cells {
            let number = row + 1;
            if rows.last().map(|r| r.number) != Some(number) {
                rows.push(Row {
                    number,
                    cells: Vec::new(),
                });
            }
            if let Some(last) = rows.last_mut() {
                let col = col as usize;
                if last.cells.len() <= col {
                    last.cells.resize(col + 1, String::new());
                }
                last.cells[col] = text;
            }
        }
        let merges = regions(merges);
        Sheet {
            name: Some(self.name),
            rows,
            merges,
            hidden,
        }
    }
}

/// A cell's text, as [`data_text`] makes it, added to `out`.
fn push_data_ref(out: &mut String, value: &DataRef<'_>) {
    match value {
        DataRef::SharedString(s) => push_clean(out, s),
        DataRef::String(s) => push_clean(out, s),
        DataRef::Int(i) => {
            let _ = write!(out, "{i}");
        }
        DataRef::Float(f) => out.push_str(&number_text(*f)),
        DataRef::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        DataRef::DateTime(d) => out.push_str(&date_text(d)),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => out.push_str(s),
        DataRef::Error(e) => {
            let _ = write!(out, "{e}");
        }
        DataRef::Empty => {}
    }
}

fn data_text(value: &Data) -> String {
    match value {
        Data::String(s) => clean(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(d) => date_text(d),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("{e}"),
        Data::Empty => String::new(),
    }
}

/// Cell text with Windows line breaks made plain and NULs dropped.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_clean(&mut out, s);
    out
}

/// [`clean`] of `s`, added to `out`.
fn push_clean(out: &mut String, s: &str) {
    if memchr::memchr2(b'\r', b'\0', s.as_bytes()).is_some() {
        out.push_str(
            &s.replace("\r\n", "\n")
                .replace(['\r'], "\n")
                .replace('\0', ""),
        );
    } else {
        out.push_str(s);
    }
}

fn date_text(d: &calamine::ExcelDateTime) -> String {
    if d.is_duration() {
        return number_text(d.as_f64());
    }
    let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
    if h == 0 && mi == 0 && s == 0 {
        format!("{y:04}-{mo:02}-{day:02}")
    } else {
        format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
    }
}

fn xlsx_error(path: &Path, sheet: Option<&str>, e: XlsxError) -> Error {
    let kind = match e {
        XlsxError::Password => ErrorKind::Encrypted,
        XlsxError::Io(io) => ErrorKind::Io(io),
        XlsxError::Zip(z) => ErrorKind::Corrupt(format!("broken zip archive ({z})")),
        other => ErrorKind::Corrupt(other.to_string()),
    };
    Error::new(kind, Location::file(path).sheet(sheet))
}

fn xlsb_error(path: &Path, e: XlsbError) -> Error {
    let kind = match e {
        XlsbError::Password => ErrorKind::Encrypted,
        XlsbError::Io(io) => ErrorKind::Io(io),
        other => ErrorKind::Corrupt(other.to_string()),
    };
    Error::at(path, kind)
}

fn xls_error(path: &Path, sheet: Option<&str>, e: XlsError) -> Error {
    let kind = match e {
        XlsError::Password => ErrorKind::Encrypted,
        XlsError::Io(io) => ErrorKind::Io(io),
        other => ErrorKind::Corrupt(other.to_string()),
    };
    Error::new(kind, Location::file(path).sheet(sheet))
}

fn ods_error(path: &Path, sheet: Option<&str>, e: OdsError) -> Error {
    let kind = match e {
        OdsError::Password => ErrorKind::Encrypted,
        OdsError::Io(io) => ErrorKind::Io(io),
        other => ErrorKind::Corrupt(other.to_string()),
    };
    Error::new(kind, Location::file(path).sheet(sheet))
}

/// The compound file header names the sector of its directory; a file cut
/// short no longer reaches it.
fn compound_directory_missing(bytes: &[u8]) -> bool {
    let u16_at = |o: usize| {
        bytes
            .get(o..o + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let u32_at = |o: usize| {
        bytes
            .get(o..o + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let (Some(shift), Some(first)) = (u16_at(30), u32_at(48)) else {
        return true;
    };
    if !(7..=16).contains(&shift) {
        return true;
    }
    let size = 1u64 << shift;
    (first as u64 + 1) * size >= bytes.len() as u64
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn find_end_of_central_directory(bytes: &[u8]) -> Option<usize> {
    let start = bytes.len().saturating_sub(65_557);
    bytes[start..]
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .map(|p| p + start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_part_inflating_past_the_limit_is_a_bomb() {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file(
            "xl/sharedStrings.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(&vec![b' '; 5000]).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
        assert!(bomb(&mut zip, 4096, 1 << 20).is_some_and(|w| w.contains("sharedStrings")));
        assert!(bomb(&mut zip, 1 << 20, 4096).is_some());
        assert!(bomb(&mut zip, 1 << 20, 1 << 20).is_none());
    }

    /// Cells through a [`Batcher`] and back into rows, as the visitor gets
    /// them; `spare` holds the batches handed back.
    fn batched(cells: &[(u32, u32, &str)], spare: &Spare) -> (Vec<Row>, usize) {
        let mut batches = Vec::new();
        let mut emit = |message| {
            if let Message::Cells(batch) = message {
                batches.push(batch);
            }
            true
        };
        let mut out = Out::new(&mut emit, spare);
        let mut batcher = Batcher::new(Path::new("t.xlsx"), "Sheet1", &mut out);
        for &(row, col, text) in cells {
            assert!(batcher
                .push(row, col, &DataRef::SharedString(text))
                .unwrap());
        }
        assert!(batcher.finish());
        let count = batches.len();
        let mut rows = Vec::new();
        for batch in batches {
            rows.extend(batch.rows());
            batch.recycle(spare);
        }
        (rows, count)
    }

    #[test]
    fn cells_come_back_as_rows_each_at_its_column() {
        let spare = Spare::default();
        let (rows, batches) = batched(
            &[
                (0, 0, "項番"),
                (0, 2, "対策"),
                (1, 1, ""),
                (2, 1, "1-1"),
                (2, 3, "経営陣は、…\r\n文書化すること"),
                (2, 4, "\0"),
            ],
            &spare,
        );
        assert_eq!(batches, 1);
        let cells = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert_eq!(
            rows,
            vec![
                Row {
                    number: 1,
                    cells: cells(&["項番", "", "対策"]),
                },
                // row 2 held only an empty cell: no row at all
                Row {
                    number: 3,
                    cells: cells(&["", "1-1", "", "経営陣は、…\n文書化すること"]),
                },
            ]
        );
    }

    /// A batch ends between rows, never inside one: the cell that begins
    /// row BATCH + 1 begins the next batch, its text with it. The batches
    /// handed back are filled again.
    #[test]
    fn batches_break_between_rows_and_their_buffers_are_filled_again() {
        let texts: Vec<String> = (0..3 * BATCH).map(|i| format!("行{i}の値")).collect();
        let mut cells = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            cells.push((i as u32, 0, text.as_str()));
            cells.push((i as u32, 2, "○"));
        }
        let spare = Spare::default();
        let (rows, batches) = batched(&cells, &spare);
        assert_eq!(batches, 3);
        assert_eq!(rows.len(), 3 * BATCH);
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row.number, i as u32 + 1);
            assert_eq!(row.cells, vec![texts[i].clone(), String::new(), "○".into()]);
        }
        // the three batches came back; a second sheet takes them again
        assert_eq!(spare.lock().unwrap().len(), 3);
        let (again, _) = batched(&cells, &spare);
        assert_eq!(again, rows);
        assert_eq!(spare.lock().unwrap().len(), 3);
    }

    /// A row met again after another (which no spreadsheet program writes)
    /// is a row of its own, as the reader read it.
    #[test]
    fn a_row_met_again_is_a_row_of_its_own() {
        let (rows, _) = batched(&[(4, 0, "a"), (5, 0, "b"), (4, 1, "c")], &Spare::default());
        let numbers: Vec<u32> = rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![5, 6, 5]);
        assert_eq!(rows[2].cells, vec![String::new(), "c".to_string()]);
    }

    #[test]
    fn a_new_batch_has_room_for_the_largest_sent_and_an_emptied_one_comes_first() {
        let spare = Spare::default();
        let mut emit = |_| true;
        let mut out = Out::new(&mut emit, &spare);
        let mut first = out.fresh();
        first.text.push_str(&"x".repeat(1000));
        first
            .cells
            .extend((0..40).map(|c| (1, c, 25 * (c as usize + 1))));
        assert!(out.send(first));
        let fresh = out.fresh();
        assert!(fresh.text.capacity() >= 1000, "{}", fresh.text.capacity());
        assert!(fresh.cells.capacity() >= 40, "{}", fresh.cells.capacity());
        let mut emptied = Cells::default();
        emptied.text.push('y');
        emptied.recycle(&spare);
        let again = out.fresh();
        assert!(again.text.is_empty() && again.text.capacity() < 1000);
    }

    #[test]
    fn a_cell_past_xfd_is_refused_and_an_empty_one_is_not() {
        let spare = Spare::default();
        let mut emit = |_| true;
        let mut out = Out::new(&mut emit, &spare);
        let mut batcher = Batcher::new(Path::new("t.xlsx"), "Sheet1", &mut out);
        assert!(batcher.push(0, MAX_COLUMNS, &DataRef::Empty).unwrap());
        let refused = batcher.push(0, MAX_COLUMNS, &DataRef::Int(1)).unwrap_err();
        assert!(
            refused.to_string().contains("beyond column XFD"),
            "{refused}"
        );
    }
}
