//! checksheet reads security checklists in any layout and makes them
//! tractable: the canonical item list (`catalog`), vendor answers normalised
//! against it (`ingest`), what changed between revisions (`diff`) and last
//! year's answers carried into the new template (`migrate`).
//!
//! The pipeline: [`source`] reads a file into [`grid`] sheets of cells;
//! [`layout`] finds the header, column roles and item rows (merged cells,
//! repeated headers, shifted rows); [`record`] numbers the items; [`catalog`]
//! makes the item list; [`report`] turns results into tables that the
//! [`render`] modules write as csv, json, xlsx, markdown or a terminal table.
//!
//! ```
//! use checksheet::catalog::{self, CatalogOptions};
//!
//! let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hispro-seed.txt");
//! let cat = catalog::read(&path, &CatalogOptions::default()).unwrap();
//! assert_eq!(cat.items.len(), 504);
//! assert_eq!(cat.items[0].id, "1-1-1-1");
//! assert_eq!(cat.items[0].row, 7);
//! ```

pub mod align;
pub mod answer;
pub mod catalog;
pub mod change;
pub mod diagnostic;
pub mod error;
pub mod grid;
pub mod ingest;
pub mod layout;
pub mod migrate;
pub mod package;
pub mod record;
pub mod render;
pub mod report;
pub mod role;
pub mod source;
pub mod submission;
pub mod text;
pub mod threads;

pub use error::{Error, ErrorKind, Location, Result};
