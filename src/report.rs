//! Results as plain tables: the only input of the renderers.
//!
//! Every command turns its results into a [`Report`]: a title, the inputs, a
//! few summary counts and one table whose columns are the output contract's,
//! in order. Renderers never see library types, so a new output format is one
//! new file in `render/`.

use serde::Serialize;

use crate::catalog::{Catalog, Item};

/// One cell: text or a whole number (numbers stay numbers in json and xlsx).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Text(String),
    Number(u64),
    Float(f64),
    Empty,
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Float(f) => format!("{f:.3}"),
            Cell::Empty => String::new(),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

/// A titled table with a summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub title: String,
    pub inputs: Vec<String>,
    pub summary: Vec<(String, String)>,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    /// Name of the column whose value colours a row (status, action), if any.
    pub status_column: Option<&'static str>,
}

/// The catalog contract's columns, in order.
pub const CATALOG_COLUMNS: [&str; 13] = [
    "id",
    "major",
    "middle",
    "minor",
    "req",
    "category",
    "level",
    "measure",
    "guideline",
    "ref",
    "check",
    "sheet",
    "row",
];

fn item_row(item: &Item) -> Vec<Cell> {
    vec![
        item.id.as_str().into(),
        item.major.as_str().into(),
        item.middle.as_str().into(),
        item.minor.as_str().into(),
        item.req.as_str().into(),
        item.category.as_str().into(),
        item.level.map(|l| l.as_str()).unwrap_or("").into(),
        item.measure.as_str().into(),
        item.guideline.as_str().into(),
        item.ref_.as_str().into(),
        item.check.as_str().into(),
        item.sheet.clone().unwrap_or_default().into(),
        Cell::Number(item.row as u64),
    ]
}

/// The catalog as a report.
pub fn catalog(catalog: &Catalog) -> Report {
    let reconstructed = catalog
        .items
        .iter()
        .filter(|i| i.origin != crate::record::IdOrigin::Printed)
        .count();
    let required = catalog
        .items
        .iter()
        .filter(|i| i.level == Some(crate::catalog::Level::Required))
        .count();
    Report {
        title: "Checklist catalog".to_owned(),
        inputs: vec![catalog.path.display().to_string()],
        summary: vec![
            ("items".to_owned(), catalog.items.len().to_string()),
            ("required".to_owned(), required.to_string()),
            (
                "recommended".to_owned(),
                (catalog
                    .items
                    .iter()
                    .filter(|i| i.level == Some(crate::catalog::Level::Recommended))
                    .count())
                .to_string(),
            ),
            ("ids not as printed".to_owned(), reconstructed.to_string()),
            (
                "warnings".to_owned(),
                catalog.warnings().count().to_string(),
            ),
        ],
        columns: CATALOG_COLUMNS.to_vec(),
        rows: catalog.items.iter().map(item_row).collect(),
        status_column: None,
    }
}
