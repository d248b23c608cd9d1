//! Writing answers into the new revision's own xlsx template, in place.
//!
//! The package is edited, not re-created: answer, evidence and remarks cells
//! are written into the sheet XML (inline strings, keeping each cell's
//! style), review cells get a highlighted copy of their style, and a sheet
//! listing every action is added. Every other zip entry is copied byte for
//! byte, so styles, merged cells, widths, heights, print settings, data
//! validation, conditional formats, comments, other sheets and defined names
//! stay exactly as the owner made them. Where the template has no answer
//! columns they are added after its last column in the header's style.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read, Write};

use quick_xml::events::{BytesEnd, BytesStart, Event};

use crate::package::{a1, attr, attrs, column_of, escape, Package};

/// One cell to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellWrite {
    pub text: String,
    /// Give the cell a highlighted copy of its style (an item to review).
    pub highlight: bool,
    /// Take the style of this column of the same row (a new column).
    pub style_from: Option<u32>,
}

/// Writes per sheet name: row → column → cell.
pub type Writes = HashMap<String, BTreeMap<u32, BTreeMap<u32, CellWrite>>>;

/// A plain sheet appended to the workbook (the list of actions).
#[derive(Debug, Clone, Default)]
pub struct ExtraSheet {
    pub name: String,
    pub rows: Vec<Vec<String>>,
    pub widths: Vec<f64>,
}

/// What went wrong editing a package: the caller falls back to a clean
/// workbook and says so.
#[derive(Debug)]
pub struct Unsupported(pub String);

fn fail<T>(why: impl Into<String>) -> Result<T, Unsupported> {
    Err(Unsupported(why.into()))
}

/// Edit the template package: apply `writes`, add `extra`.
///
/// # Errors
/// `Unsupported` when the package is not an ordinary xlsx (no workbook part,
/// a sheet part missing, malformed XML).
pub fn edit(template: &[u8], writes: &Writes, extra: &ExtraSheet) -> Result<Vec<u8>, Unsupported> {
    let mut pkg = Package::open(template).ok_or_else(|| Unsupported("not a zip package".into()))?;
    let sheets = pkg
        .sheets()
        .ok_or_else(|| Unsupported("no workbook part".into()))?;
    let mut edited: HashMap<String, Vec<u8>> = HashMap::new();
    let mut styles = match pkg.read("xl/styles.xml", 64 << 20) {
        Some(xml) => Some(StyleBook::parse(xml)?),
        None => None,
    };
    let mut drop_calc_chain = false;
    for (name, rows) in writes {
        let Some(part) = sheets.iter().find(|s| &s.name == name) else {
            return fail(format!("no sheet {name:?} in the template"));
        };
        let xml = pkg
            .read(&part.path, 512 << 20)
            .ok_or_else(|| Unsupported(format!("sheet part {} missing", part.path)))?;
        let (out, had_formula) = rewrite_sheet(&xml, rows, styles.as_mut())?;
        drop_calc_chain |= had_formula;
        edited.insert(part.path.clone(), out);
    }
    if let Some(styles) = &styles {
        if styles.changed() {
            edited.insert("xl/styles.xml".into(), styles.render());
        }
    }
    // the added sheet
    let taken: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    let mut sheet_name = extra.name.clone();
    let mut k = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&sheet_name)) {
        sheet_name = format!("{} ({k})", extra.name);
        k += 1;
    }
    let mut n = sheets.len() + 1;
    let names: Vec<String> = pkg
        .zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let mut part_name = format!("xl/worksheets/sheet{n}.xml");
    while names.contains(&part_name) {
        n += 1;
        part_name = format!("xl/worksheets/sheet{n}.xml");
    }
    let sheet_id = sheets.iter().map(|s| s.sheet_id).max().unwrap_or(0) + 1;
    let rels = pkg
        .read("xl/_rels/workbook.xml.rels", 16 << 20)
        .ok_or_else(|| Unsupported("no workbook relationships".into()))?;
    let rels_text =
        String::from_utf8(rels).map_err(|_| Unsupported("relationships are not UTF-8".into()))?;
    let mut rid = format!("rIdCs{sheet_id}");
    while rels_text.contains(&format!("\"{rid}\"")) {
        rid.push('x');
    }
    let workbook = pkg
        .read("xl/workbook.xml", 16 << 20)
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| Unsupported("no workbook part".into()))?;
    let prefix = relationship_prefix(&workbook).unwrap_or_else(|| "r".to_owned());
    let sheet_element = format!(
        "<sheet name=\"{}\" sheetId=\"{sheet_id}\" {prefix}:id=\"{rid}\"/>",
        escape(&sheet_name)
    );
    let workbook = insert_before(&workbook, "</sheets>", &sheet_element)?;
    edited.insert("xl/workbook.xml".into(), workbook.into_bytes());
    let target = part_name.trim_start_matches("xl/");
    let mut rels_text = insert_before(
        &rels_text,
        "</Relationships>",
        &format!(
            "<Relationship Id=\"{rid}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"{target}\"/>"
        ),
    )?;
    let types = pkg
        .read("[Content_Types].xml", 16 << 20)
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| Unsupported("no content types".into()))?;
    let mut types = insert_before(
        &types,
        "</Types>",
        &format!(
            "<Override PartName=\"/{part_name}\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        ),
    )?;
    let mut skip: Vec<String> = Vec::new();
    if drop_calc_chain && names.iter().any(|n| n == "xl/calcChain.xml") {
        // overwritten formulas must leave the calculation chain, or Excel
        // repairs the file; without it Excel rebuilds the chain itself
        skip.push("xl/calcChain.xml".into());
        rels_text = remove_element_containing(&rels_text, "Relationship", "calcChain");
        types = remove_element_containing(&types, "Override", "calcChain");
    }
    edited.insert("xl/_rels/workbook.xml.rels".into(), rels_text.into_bytes());
    edited.insert("[Content_Types].xml".into(), types.into_bytes());

    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6));
    for i in 0..pkg.zip.len() {
        let entry = pkg
            .zip
            .by_index_raw(i)
            .map_err(|e| Unsupported(e.to_string()))?;
        let name = entry
            .name()
            .map_err(|e| Unsupported(e.to_string()))?
            .into_owned();
        if skip.contains(&name) {
            continue;
        }
        match edited.get(&name) {
            Some(bytes) => {
                drop(entry);
                out.start_file(name.as_str(), options)
                    .map_err(|e| Unsupported(e.to_string()))?;
                out.write_all(bytes)
                    .map_err(|e| Unsupported(e.to_string()))?;
            }
            None => out
                .raw_copy_file(entry)
                .map_err(|e| Unsupported(e.to_string()))?,
        }
    }
    out.start_file(part_name.as_str(), options)
        .map_err(|e| Unsupported(e.to_string()))?;
    out.write_all(&extra_sheet_xml(extra))
        .map_err(|e| Unsupported(e.to_string()))?;
    let cursor = out.finish().map_err(|e| Unsupported(e.to_string()))?;
    Ok(cursor.into_inner())
}

fn insert_before(xml: &str, closing: &str, element: &str) -> Result<String, Unsupported> {
    let at = xml
        .rfind(closing)
        .ok_or_else(|| Unsupported(format!("no {closing} in the package")))?;
    Ok(format!("{}{element}{}", &xml[..at], &xml[at..]))
}

/// Drop the first `<tag …/>` element whose text contains `needle`.
fn remove_element_containing(xml: &str, tag: &str, needle: &str) -> String {
    let open = format!("<{tag} ");
    let mut at = 0;
    while let Some(start) = xml[at..].find(&open).map(|p| p + at) {
        let Some(end) = xml[start..].find("/>").map(|p| start + p + 2) else {
            break;
        };
        if xml[start..end].contains(needle) {
            return format!("{}{}", &xml[..start], &xml[end..]);
        }
        at = end;
    }
    xml.to_owned()
}

/// The prefix bound to the relationships namespace on the workbook root.
fn relationship_prefix(workbook: &str) -> Option<String> {
    let ns = "=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
    let at = workbook.find(ns)?;
    let head = &workbook[..at];
    let start = head.rfind("xmlns:")? + 6;
    Some(head[start..].to_owned())
}

/// A cell of the sheet XML as it was written.
struct RawCell {
    col: u32,
    xml: Vec<u8>,
    style: Option<String>,
    formula: bool,
}

fn serialize(events: &[Event<'_>]) -> Vec<u8> {
    let mut w = quick_xml::Writer::new(Vec::new());
    for e in events {
        let _ = w.write_event(e.clone());
    }
    w.into_inner()
}

fn prefix_of(qname: &str) -> String {
    match qname.find(':') {
        Some(p) => format!("{}:", &qname[..p]),
        None => String::new(),
    }
}

/// Rewrite one sheet's XML with the writes; returns the new XML and whether a
/// formula cell was overwritten.
fn rewrite_sheet(
    xml: &[u8],
    rows: &BTreeMap<u32, BTreeMap<u32, CellWrite>>,
    mut styles: Option<&mut StyleBook>,
) -> Result<(Vec<u8>, bool), Unsupported> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut writer = quick_xml::Writer::new(Vec::with_capacity(xml.len() + 4096));
    let mut buf = Vec::new();
    let mut pending: Vec<u32> = rows.keys().copied().collect();
    pending.reverse(); // pop from the end = smallest row first
    let mut prefix = String::new();
    let mut formula_overwritten = false;
    let max_col = rows.values().flat_map(|r| r.keys().copied()).max();
    let max_row = rows.keys().copied().max();
    let mut last_row = 0u32;
    let bad = |e: quick_xml::Error| Unsupported(format!("malformed sheet XML: {e}"));
    loop {
        let event = reader.read_event_into(&mut buf).map_err(bad)?.into_owned();
        match &event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "dimension" => {
                let a = attrs(e);
                let reference = attr(&a, "ref").unwrap_or("A1");
                let widened = widen(reference, max_row, max_col);
                let mut start = BytesStart::new(e.name().as_ref().to_owned());
                start.push_attribute(("ref", widened.as_str()));
                let ev = if matches!(event, Event::Empty(_)) {
                    Event::Empty(start)
                } else {
                    Event::Start(start)
                };
                writer
                    .write_event(ev)
                    .map_err(|e| Unsupported(e.to_string()))?;
            }
            Event::Empty(e) if e.local_name().as_ref() == "sheetData" => {
                prefix = prefix_of(e.name().as_ref());
                let name = e.name().as_ref().to_owned();
                writer
                    .write_event(Event::Start(BytesStart::new(name.clone())))
                    .map_err(|e| Unsupported(e.to_string()))?;
                flush_rows(
                    &mut writer,
                    &prefix,
                    &mut pending,
                    u32::MAX,
                    rows,
                    styles.as_deref_mut(),
                    &mut formula_overwritten,
                )?;
                writer
                    .write_event(Event::End(BytesEnd::new(name)))
                    .map_err(|e| Unsupported(e.to_string()))?;
            }
            Event::Start(e) if e.local_name().as_ref() == "sheetData" => {
                prefix = prefix_of(e.name().as_ref());
                writer
                    .write_event(event.clone())
                    .map_err(|e| Unsupported(e.to_string()))?;
            }
            Event::End(e) if e.local_name().as_ref() == "sheetData" => {
                flush_rows(
                    &mut writer,
                    &prefix,
                    &mut pending,
                    u32::MAX,
                    rows,
                    styles.as_deref_mut(),
                    &mut formula_overwritten,
                )?;
                writer
                    .write_event(event.clone())
                    .map_err(|e| Unsupported(e.to_string()))?;
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "row" => {
                let a = attrs(e);
                let number = attr(&a, "r")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(last_row + 1);
                last_row = number;
                flush_rows(
                    &mut writer,
                    &prefix,
                    &mut pending,
                    number,
                    rows,
                    styles.as_deref_mut(),
                    &mut formula_overwritten,
                )?;
                let cells = if matches!(event, Event::Start(_)) {
                    read_cells(&mut reader)?
                } else {
                    Vec::new()
                };
                match rows.get(&number) {
                    Some(w) => {
                        if pending.last() == Some(&number) {
                            pending.pop();
                        }
                        write_row(
                            &mut writer,
                            &prefix,
                            number,
                            Some(e),
                            cells,
                            w,
                            styles.as_deref_mut(),
                            &mut formula_overwritten,
                        )?;
                    }
                    None => {
                        // untouched row: written back as it was
                        let mut out = vec![Event::Start(e.clone())];
                        let mut inner = Vec::new();
                        for c in &cells {
                            inner.extend_from_slice(&c.xml);
                        }
                        if matches!(event, Event::Empty(_)) {
                            writer
                                .write_event(Event::Empty(e.clone()))
                                .map_err(|e| Unsupported(e.to_string()))?;
                        } else {
                            writer
                                .write_event(out.remove(0))
                                .map_err(|e| Unsupported(e.to_string()))?;
                            writer.get_mut().extend_from_slice(&inner);
                            writer
                                .write_event(Event::End(BytesEnd::new(
                                    e.name().as_ref().to_owned(),
                                )))
                                .map_err(|e| Unsupported(e.to_string()))?;
                        }
                    }
                }
            }
            _ => writer
                .write_event(event.clone())
                .map_err(|e| Unsupported(e.to_string()))?,
        }
        buf.clear();
    }
    Ok((writer.into_inner(), formula_overwritten))
}

/// Write the rows that have writes but no element in the sheet, up to (not
/// including) row `before`, in order.
fn flush_rows(
    writer: &mut quick_xml::Writer<Vec<u8>>,
    prefix: &str,
    pending: &mut Vec<u32>,
    before: u32,
    rows: &BTreeMap<u32, BTreeMap<u32, CellWrite>>,
    mut styles: Option<&mut StyleBook>,
    formula_overwritten: &mut bool,
) -> Result<(), Unsupported> {
    while let Some(&r) = pending.last().filter(|&&r| r < before) {
        pending.pop();
        write_row(
            writer,
            prefix,
            r,
            None,
            Vec::new(),
            &rows[&r],
            styles.as_deref_mut(),
            formula_overwritten,
        )?;
    }
    Ok(())
}

/// The cells of a row up to its end tag.
fn read_cells(reader: &mut quick_xml::Reader<&[u8]>) -> Result<Vec<RawCell>, Unsupported> {
    let mut cells = Vec::new();
    let mut buf = Vec::new();
    let mut next_col = 0u32;
    let bad = |e: quick_xml::Error| Unsupported(format!("malformed sheet XML: {e}"));
    loop {
        let event = reader.read_event_into(&mut buf).map_err(bad)?.into_owned();
        match &event {
            Event::End(e) if e.local_name().as_ref() == "row" => break,
            Event::Eof => return fail("the sheet XML ends inside a row"),
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "c" => {
                let a = attrs(e);
                let col = attr(&a, "r").and_then(column_of).unwrap_or(next_col);
                next_col = col + 1;
                let style = attr(&a, "s").map(str::to_owned);
                let mut events = vec![event.clone()];
                let mut formula = false;
                if matches!(event, Event::Start(_)) {
                    let mut depth = 1;
                    let mut inner = Vec::new();
                    while depth > 0 {
                        let ev = reader
                            .read_event_into(&mut inner)
                            .map_err(bad)?
                            .into_owned();
                        match &ev {
                            Event::Start(x) => {
                                depth += 1;
                                if x.local_name().as_ref() == "f" {
                                    formula = true;
                                }
                            }
                            Event::Empty(x) if x.local_name().as_ref() == "f" => formula = true,
                            Event::End(_) => depth -= 1,
                            Event::Eof => return fail("the sheet XML ends inside a cell"),
                            _ => {}
                        }
                        events.push(ev);
                        inner.clear();
                    }
                }
                cells.push(RawCell {
                    col,
                    xml: serialize(&events),
                    style,
                    formula,
                });
            }
            _ => {
                // anything else inside a row (extensions) is kept with the
                // cell before it
                let xml = serialize(std::slice::from_ref(&event));
                match cells.last_mut() {
                    Some(c) => c.xml.extend_from_slice(&xml),
                    None => cells.push(RawCell {
                        col: 0,
                        xml,
                        style: None,
                        formula: false,
                    }),
                }
            }
        }
        buf.clear();
    }
    Ok(cells)
}

#[allow(clippy::too_many_arguments)]
fn write_row(
    writer: &mut quick_xml::Writer<Vec<u8>>,
    prefix: &str,
    number: u32,
    start: Option<&BytesStart<'_>>,
    cells: Vec<RawCell>,
    writes: &BTreeMap<u32, CellWrite>,
    mut styles: Option<&mut StyleBook>,
    formula_overwritten: &mut bool,
) -> Result<(), Unsupported> {
    let io = |e: std::io::Error| Unsupported(e.to_string());
    // the row element, without its `spans` hint (the columns may grow)
    let mut row = BytesStart::new(format!("{prefix}row"));
    match start {
        Some(s) => {
            for (k, v) in attrs(s) {
                if k != "spans" {
                    row.push_attribute((k.as_str(), escape(&v).as_str()));
                }
            }
        }
        None => row.push_attribute(("r", number.to_string().as_str())),
    }
    let styles_of: HashMap<u32, Option<String>> =
        cells.iter().map(|c| (c.col, c.style.clone())).collect();
    let mut merged: BTreeMap<u32, Vec<u8>> = BTreeMap::new();
    let mut unplaced: Vec<u8> = Vec::new();
    for c in cells {
        if writes.contains_key(&c.col) {
            *formula_overwritten |= c.formula;
            continue;
        }
        match merged.entry(c.col) {
            std::collections::btree_map::Entry::Occupied(_) => unplaced.extend_from_slice(&c.xml),
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(c.xml);
            }
        }
    }
    for (&col, w) in writes {
        let base = styles_of.get(&col).cloned().flatten().or_else(|| {
            w.style_from
                .and_then(|f| styles_of.get(&f).cloned().flatten())
        });
        let style = match (&mut styles, w.highlight) {
            (Some(book), true) => Some(book.highlighted(base.as_deref().unwrap_or("0"))),
            _ => base,
        };
        let mut cell = format!("<{prefix}c r=\"{}\"", a1(number, col));
        if let Some(s) = &style {
            cell.push_str(&format!(" s=\"{s}\""));
        }
        if w.text.is_empty() {
            cell.push_str("/>");
        } else {
            cell.push_str(&format!(
                " t=\"inlineStr\"><{prefix}is><{prefix}t xml:space=\"preserve\">{}</{prefix}t></{prefix}is></{prefix}c>",
                escape(&w.text)
            ));
        }
        merged.insert(col, cell.into_bytes());
    }
    writer.write_event(Event::Start(row)).map_err(io)?;
    for xml in merged.values() {
        writer.get_mut().extend_from_slice(xml);
    }
    writer.get_mut().extend_from_slice(&unplaced);
    writer
        .write_event(Event::End(BytesEnd::new(format!("{prefix}row"))))
        .map_err(io)?;
    Ok(())
}

/// `A1:J534` widened to cover the written cells.
fn widen(reference: &str, max_row: Option<u32>, max_col: Option<u32>) -> String {
    let (first, last) = reference.split_once(':').unwrap_or((reference, reference));
    let last_col = column_of(last).unwrap_or(0);
    let last_row: u32 = last
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .unwrap_or(1);
    let col = max_col.map_or(last_col, |c| c.max(last_col));
    let row = max_row.map_or(last_row, |r| r.max(last_row));
    format!("{first}:{}", a1(row, col))
}

/// The workbook's cell formats, with highlighted copies added on demand.
struct StyleBook {
    xml: String,
    /// Byte ranges of each `<xf>` inside `<cellXfs>`.
    xfs: Vec<String>,
    added_xfs: Vec<String>,
    fill_id: Option<usize>,
    fill_count: usize,
    highlighted: HashMap<String, String>,
}

impl StyleBook {
    fn parse(xml: Vec<u8>) -> Result<StyleBook, Unsupported> {
        let xml = String::from_utf8(xml).map_err(|_| Unsupported("styles are not UTF-8".into()))?;
        let xfs = match section(&xml, "cellXfs") {
            Some((inner_start, inner_end)) => elements(&xml[inner_start..inner_end], "xf"),
            None => Vec::new(),
        };
        let fill_count = section(&xml, "fills")
            .map(|(s, e)| elements(&xml[s..e], "fill").len())
            .unwrap_or(0);
        Ok(StyleBook {
            xml,
            xfs,
            added_xfs: Vec::new(),
            fill_id: None,
            fill_count,
            highlighted: HashMap::new(),
        })
    }

    fn changed(&self) -> bool {
        !self.added_xfs.is_empty()
    }

    /// The index of a copy of cell format `s` with a yellow fill.
    fn highlighted(&mut self, s: &str) -> String {
        if let Some(h) = self.highlighted.get(s) {
            return h.clone();
        }
        let Some(base) = s
            .parse::<usize>()
            .ok()
            .and_then(|i| self.xfs.get(i))
            .cloned()
        else {
            return s.to_owned();
        };
        if section(&self.xml, "fills").is_none() || section(&self.xml, "cellXfs").is_none() {
            return s.to_owned();
        }
        let fill = *self.fill_id.get_or_insert(self.fill_count);
        let copy = set_attr(
            &set_attr(&base, "fillId", &fill.to_string()),
            "applyFill",
            "1",
        );
        self.added_xfs.push(copy);
        let index = (self.xfs.len() + self.added_xfs.len() - 1).to_string();
        self.highlighted.insert(s.to_owned(), index.clone());
        index
    }

    fn render(&self) -> Vec<u8> {
        let mut xml = self.xml.clone();
        if self.fill_id.is_some() {
            let fill = "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFFFEB9C\"/><bgColor indexed=\"64\"/></patternFill></fill>";
            if let Some(at) = xml.find("</fills>") {
                xml.insert_str(at, fill);
                xml = set_count(&xml, "fills", self.fill_count + 1);
            }
        }
        if let Some(at) = xml.find("</cellXfs>") {
            xml.insert_str(at, &self.added_xfs.concat());
            xml = set_count(&xml, "cellXfs", self.xfs.len() + self.added_xfs.len());
        }
        xml.into_bytes()
    }
}

/// The inner byte range of `<tag …>…</tag>`.
fn section(xml: &str, tag: &str) -> Option<(usize, usize)> {
    let open = xml.find(&format!("<{tag}"))?;
    let inner = open + xml[open..].find('>')? + 1;
    if xml[..inner].ends_with("/>") {
        return None;
    }
    let close = inner + xml[inner..].find(&format!("</{tag}>"))?;
    Some((inner, close))
}

/// The top-level `<tag>` elements of a fragment, as text.
fn elements(fragment: &str, tag: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut reader = quick_xml::Reader::from_str(fragment);
    let mut depth = 0usize;
    let mut start = 0usize;
    loop {
        let before = reader.buffer_position() as usize;
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                if depth == 0 && e.local_name().as_ref() == tag {
                    start = before;
                }
                depth += 1;
            }
            Ok(Event::Empty(e)) if depth == 0 && e.local_name().as_ref() == tag => {
                out.push(
                    fragment[before..reader.buffer_position() as usize]
                        .trim()
                        .to_owned(),
                );
            }
            Ok(Event::End(e)) => {
                depth = depth.saturating_sub(1);
                if depth == 0 && e.local_name().as_ref() == tag {
                    out.push(
                        fragment[start..reader.buffer_position() as usize]
                            .trim()
                            .to_owned(),
                    );
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// Set an attribute on the first tag of an element's text.
fn set_attr(element: &str, name: &str, value: &str) -> String {
    let tag_end = element.find('>').unwrap_or(element.len());
    let head = &element[..tag_end];
    let key = format!(" {name}=\"");
    if let Some(at) = head.find(&key) {
        let vstart = at + key.len();
        if let Some(vend) = head[vstart..].find('"') {
            return format!("{}{value}{}", &element[..vstart], &element[vstart + vend..]);
        }
    }
    let insert_at = if head.ends_with('/') {
        tag_end - 1
    } else {
        tag_end
    };
    format!(
        "{} {name}=\"{value}\"{}",
        &element[..insert_at],
        &element[insert_at..]
    )
}

fn set_count(xml: &str, tag: &str, count: usize) -> String {
    let Some(open) = xml.find(&format!("<{tag}")) else {
        return xml.to_owned();
    };
    let end = open + xml[open..].find('>').unwrap_or(0);
    let element = &xml[open..=end];
    let updated = set_attr(element, "count", &count.to_string());
    format!("{}{updated}{}", &xml[..open], &xml[end + 1..])
}

/// A plain worksheet: inline strings, the first row frozen.
fn extra_sheet_xml(sheet: &ExtraSheet) -> Vec<u8> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">",
    );
    xml.push_str("<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>");
    xml.push_str("<sheetFormatPr defaultRowHeight=\"15\"/>");
    if !sheet.widths.is_empty() {
        xml.push_str("<cols>");
        for (i, w) in sheet.widths.iter().enumerate() {
            xml.push_str(&format!(
                "<col min=\"{0}\" max=\"{0}\" width=\"{w}\" customWidth=\"1\"/>",
                i + 1
            ));
        }
        xml.push_str("</cols>");
    }
    xml.push_str("<sheetData>");
    for (r, row) in sheet.rows.iter().enumerate() {
        let number = r + 1;
        xml.push_str(&format!("<row r=\"{number}\">"));
        for (c, text) in row.iter().enumerate() {
            if text.is_empty() {
                continue;
            }
            xml.push_str(&format!(
                "<c r=\"{}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
                a1(number as u32, c as u32),
                escape(text)
            ));
        }
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData></worksheet>");
    xml.into_bytes()
}

/// The migrated workbook: the template edited in place when it is an xlsx
/// package, else (or when the package is unusual) a clean xlsx of its
/// contents; the second value says why there was no in-place edit.
///
/// # Errors
/// Only writing the clean workbook can fail (an xlsx writer limit).
pub fn migrated_workbook(
    template_path: &std::path::Path,
    bytes: &[u8],
    book: &crate::source::Book,
    template: &crate::catalog::Catalog,
    plan: &crate::migrate::Plan,
    report: &crate::report::Report,
) -> crate::error::Result<(Vec<u8>, Option<String>)> {
    use crate::migrate;
    let widths = book
        .sheets
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.rows
                    .iter()
                    .map(|r| r.cells.len() as u32)
                    .max()
                    .unwrap_or(0),
            )
        })
        .collect();
    let placement = migrate::placement(template, &widths);
    let unnamed = template_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Checklist".to_owned());
    let writes = migrate::writes(plan, template, &placement, &unnamed);
    let extra = ExtraSheet {
        name: "移行結果".to_owned(),
        rows: std::iter::once(report.columns.iter().map(|c| c.to_string()).collect())
            .chain(
                report
                    .rows
                    .iter()
                    .map(|r| r.iter().map(|c| c.text().into_owned()).collect()),
            )
            .collect(),
        widths: vec![
            10.0, 8.0, 10.0, 8.0, 9.0, 8.0, 24.0, 24.0, 10.0, 40.0, 12.0, 14.0, 14.0, 60.0,
        ],
    };
    let edited = match book.format {
        crate::source::Format::Xlsx => edit(bytes, &writes, &extra).map_err(|e| e.0),
        other => Err(format!(
            "a {} template cannot be edited in place",
            other.name()
        )),
    };
    match edited {
        Ok(out) => Ok((out, None)),
        Err(why) => Ok((
            super::xlsx::clean_workbook(book, &unnamed, &writes, &extra)?,
            Some(why),
        )),
    }
}

/// Read every entry of a zip into memory (for tests comparing packages).
pub fn entries(bytes: &[u8]) -> Option<BTreeMap<String, Vec<u8>>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).ok()?;
        let mut data = Vec::new();
        entry.read_to_end(&mut data).ok()?;
        out.insert(entry.name().ok()?.into_owned(), data);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_set_or_added() {
        assert_eq!(
            set_attr("<xf numFmtId=\"0\" fillId=\"0\"/>", "fillId", "5"),
            "<xf numFmtId=\"0\" fillId=\"5\"/>"
        );
        assert_eq!(
            set_attr("<xf numFmtId=\"0\"/>", "applyFill", "1"),
            "<xf numFmtId=\"0\" applyFill=\"1\"/>"
        );
        assert_eq!(
            set_attr(
                "<xf numFmtId=\"0\"><alignment wrapText=\"1\"/></xf>",
                "fillId",
                "2"
            ),
            "<xf numFmtId=\"0\" fillId=\"2\"><alignment wrapText=\"1\"/></xf>"
        );
    }

    #[test]
    fn cells_are_merged_into_rows_in_column_order() {
        let xml = br#"<worksheet><dimension ref="A1:C2"/><sheetData><row r="1" spans="1:3"><c r="A1" s="1" t="s"><v>0</v></c><c r="C1" s="2"><f>1+1</f><v>2</v></c></row><row r="2"><c r="A2"><v>5</v></c></row></sheetData></worksheet>"#;
        let mut rows = BTreeMap::new();
        let mut r1 = BTreeMap::new();
        r1.insert(
            1,
            CellWrite {
                text: "○".into(),
                highlight: false,
                style_from: Some(0),
            },
        );
        r1.insert(
            2,
            CellWrite {
                text: "x<y".into(),
                highlight: false,
                style_from: None,
            },
        );
        rows.insert(1, r1);
        let mut r4 = BTreeMap::new();
        r4.insert(
            0,
            CellWrite {
                text: "new".into(),
                highlight: false,
                style_from: None,
            },
        );
        rows.insert(4, r4);
        let (out, formula) = rewrite_sheet(xml, &rows, None).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(formula, "the formula cell C1 was overwritten");
        assert!(out.contains(r#"<dimension ref="A1:C4"/>"#), "{out}");
        assert!(
            out.contains(r#"<c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="1" t="inlineStr">"#),
            "{out}"
        );
        assert!(out.contains("x&lt;y"), "{out}");
        assert!(
            out.contains(r#"<row r="2"><c r="A2"><v>5</v></c></row><row r="4">"#),
            "{out}"
        );
        assert!(!out.contains("spans"), "{out}");
    }
}
