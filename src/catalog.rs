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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
        [&self.major, &self.middle, &self.minor]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("-")
    }
}

/// The items of a checklist, and what was noticed reading it.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub path: PathBuf,
    pub items: Vec<Item>,
    pub diagnostics: Vec<Diagnostic>,
    /// The layout's records, in item order, for stages that need the raw
    /// cells (answers of a submission).
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
#[derive(Debug, Clone, Default)]
pub struct CatalogOptions {
    pub read: ReadOptions,
    /// Only this sheet (name or 1-based position).
    pub sheet: Option<String>,
}

/// Read a checklist file into its catalog.
///
/// # Errors
/// Everything [`source::open`] returns, `NoSuchSheet` when `--sheet` names no
/// sheet, and `NoHeader` when no sheet holds a checklist header.
pub fn read(path: &Path, options: &CatalogOptions) -> Result<Catalog> {
    let book = source::open(path, &options.read)?;
    from_book(path, &book, options)
}

/// Build the catalog of a file already read.
///
/// # Errors
/// As [`read`], without the reading errors.
pub fn from_book(path: &Path, book: &Book, options: &CatalogOptions) -> Result<Catalog> {
    if let Some(only) = &options.sheet {
        let by_position = only
            .parse::<usize>()
            .is_ok_and(|n| n >= 1 && n <= book.sheets.len());
        if !by_position && !book.sheets.iter().any(|s| s.name.as_deref() == Some(only)) {
            let names: Vec<String> = book.sheets.iter().filter_map(|s| s.name.clone()).collect();
            return Err(Error::at(
                path,
                ErrorKind::NoSuchSheet(only.clone(), names.join(", ")),
            ));
        }
    }
    if book
        .sheets
        .iter()
        .all(|s| s.rows.iter().all(|r| r.is_blank()))
    {
        return Err(Error::at(path, ErrorKind::Empty));
    }
    let layout = layout::detect(path, &book.sheets, options.sheet.as_deref());
    if layout.blocks.is_empty() {
        let examined = match (&options.sheet, book.sheets.len()) {
            (Some(only), _) => format!("sheet {only:?}"),
            (None, 1) if book.sheets[0].name.is_none() => "the file".to_owned(),
            _ => {
                let names: Vec<String> = book
                    .sheets
                    .iter()
                    .filter_map(|s| s.name.as_ref().map(|n| format!("{n:?}")))
                    .collect();
                format!("sheets {}", names.join(", "))
            }
        };
        return Err(Error::at(path, ErrorKind::NoHeader(examined)));
    }
    let mut diagnostics: Vec<Diagnostic> = book
        .notes
        .iter()
        .map(|n| Diagnostic::note(Location::file(path), n.clone()))
        .collect();
    diagnostics.extend(layout.diagnostics.iter().cloned());
    let numbers = record::number(path, &layout, &mut diagnostics);
    let mut items = Vec::with_capacity(numbers.len());
    let mut last_category: Option<(usize, String)> = None;
    for (record, number) in layout.records.iter().zip(numbers) {
        let text = |role: Role| record.text(role).trim().to_owned();
        // The category is a group cell: empty means "as above" within a block.
        let mut category = text(Role::Category);
        match &last_category {
            Some((block, c)) if category.is_empty() && *block == record.block => {
                category.clone_from(c)
            }
            _ => {}
        }
        if !category.is_empty() {
            last_category = Some((record.block, category.clone()));
        }
        let level_text = text(Role::Level);
        let level = Level::parse(&level_text);
        if level.is_none() && !level_text.is_empty() {
            let col = record.get(Role::Level).map(|v| v.col);
            diagnostics.push(Diagnostic::warning(
                Location::file(path)
                    .sheet(record.sheet.as_deref())
                    .cell(record.row, col),
                format!("expected a level (必須 or 推奨), found {level_text:?}"),
            ));
        }
        items.push(Item {
            id: number.id,
            major: number.major,
            middle: number.middle,
            minor: number.minor,
            req: number.req,
            category,
            level,
            measure: text(Role::Measure),
            guideline: text(Role::Guideline),
            ref_: text(Role::Ref),
            check: text(Role::Check),
            sheet: record.sheet.clone(),
            row: record.row,
            origin: number.origin,
        });
    }
    let blocks_have_responses = layout
        .blocks
        .iter()
        .any(|b| b.columns.iter().flatten().any(|r| r.is_response()));
    Ok(Catalog {
        path: path.to_path_buf(),
        items,
        diagnostics,
        records: layout.records,
        blocks_have_responses,
        orphans: layout.orphans,
        blocks: layout.blocks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_in_their_spellings() {
        assert_eq!(Level::parse("必須"), Some(Level::Required));
        assert_eq!(Level::parse("【推奨】"), Some(Level::Recommended));
        assert_eq!(Level::parse("Mandatory"), Some(Level::Required));
        assert_eq!(Level::parse("recommended"), Some(Level::Recommended));
        assert_eq!(Level::parse("済"), None);
    }
}
