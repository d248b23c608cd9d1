//! Sheets of cells with absolute positions: what every reader produces.
//!
//! A grid knows nothing about checklists. It keeps each non-empty row with its
//! 1-based number as a spreadsheet shows it, the cell texts of that row (cached
//! values for formulas, `1` for a float 1.0), and the merged regions of the
//! sheet so that later stages can spread a merged value over the cells it
//! covers.

use std::borrow::Cow;

/// The widest merged region spread over its columns.
const MAX_SPREAD: u32 = 64;

/// A rectangle of merged cells; rows 1-based, columns 0-based, bounds inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub first_row: u32,
    pub last_row: u32,
    pub first_col: u32,
    pub last_col: u32,
}

impl Region {
    pub fn contains(&self, row: u32, col: u32) -> bool {
        (self.first_row..=self.last_row).contains(&row)
            && (self.first_col..=self.last_col).contains(&col)
    }
}

/// One row of a sheet: its number and its cells from column A on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based row number (for text files: the record number, header counted).
    pub number: u32,
    pub cells: Vec<String>,
}

impl Row {
    pub fn cell(&self, col: usize) -> &str {
        self.cells.get(col).map(String::as_str).unwrap_or("")
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// One sheet: its name (none for a text file), rows and merged regions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    pub name: Option<String>,
    pub rows: Vec<Row>,
    pub merges: Vec<Region>,
    /// Hidden sheets are only read when named with `--sheet`.
    pub hidden: bool,
}

impl Sheet {
    /// Rows as the layout stage sees them, each twice: with merged values
    /// spread over every cell they cover (header rows want that: a `項番` label
    /// over four number columns), and spread down the first column only (data
    /// rows: a wide merged requirement must not leak into its neighbours).
    /// Rows no merge touches are borrowed, not copied.
    pub fn spread_rows(&self) -> Vec<(Cow<'_, Row>, Cow<'_, Row>)> {
        if self.merges.is_empty() {
            return self
                .rows
                .iter()
                .map(|r| (Cow::Borrowed(r), Cow::Borrowed(r)))
                .collect();
        }
        let mut rows: Vec<(Cow<'_, Row>, Cow<'_, Row>)> = self
            .rows
            .iter()
            .map(|r| (Cow::Borrowed(r), Cow::Borrowed(r)))
            .collect();
        // Spreading reaches only rows and columns that hold something: a
        // merge claiming A1:XFD1048576 costs what the sheet really holds.
        let width = self.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0) as u32;
        for m in &self.merges {
            let anchor = match self.rows.binary_search_by_key(&m.first_row, |r| r.number) {
                Ok(i) => self.rows[i].cell(m.first_col as usize),
                Err(_) => continue,
            };
            if anchor.is_empty() || m.first_col >= width {
                continue;
            }
            let lo = self.rows.partition_point(|r| r.number < m.first_row);
            let hi = self.rows.partition_point(|r| r.number <= m.last_row);
            // a header label spans a few columns, never thousands
            let last_col = m.last_col.min(width - 1).min(m.first_col + MAX_SPREAD);
            for entry in &mut rows[lo..hi] {
                for c in m.first_col..=last_col {
                    set_cell(&mut entry.0, c as usize, anchor);
                }
                set_cell(&mut entry.1, m.first_col as usize, anchor);
            }
        }
        rows
    }
}

fn set_cell(row: &mut Cow<'_, Row>, col: usize, value: &str) {
    if value.is_empty() || !row.cell(col).is_empty() {
        return;
    }
    let row = row.to_mut();
    if row.cells.len() <= col {
        row.cells.resize(col + 1, String::new());
    }
    if row.cells[col].is_empty() {
        row.cells[col] = value.to_owned();
    }
}

/// Text for a number as a person reads it in the sheet: `1.0` is `1`.
pub fn number_text(value: f64) -> String {
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        let s = format!("{value}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: u32, cells: &[&str]) -> Row {
        Row {
            number: n,
            cells: cells.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn floats_read_as_people_write_them() {
        assert_eq!(number_text(1.0), "1");
        assert_eq!(number_text(12.0), "12");
        assert_eq!(number_text(1.5), "1.5");
    }

    #[test]
    fn vertical_merge_reaches_every_row_it_spans() {
        let sheet = Sheet {
            name: Some("s".into()),
            rows: vec![row(2, &["1", "a"]), row(3, &["", "b"]), row(5, &["", "c"])],
            merges: vec![Region {
                first_row: 2,
                last_row: 4,
                first_col: 0,
                last_col: 0,
            }],
            hidden: false,
        };
        let spread = sheet.spread_rows();
        // rows that hold nothing are not made up (row 4)
        let numbers: Vec<u32> = spread.iter().map(|(r, _)| r.number).collect();
        assert_eq!(numbers, vec![2, 3, 5]);
        assert_eq!(spread[1].1.cell(0), "1");
        assert_eq!(spread[2].1.cell(0), "");
    }

    #[test]
    fn horizontal_merge_spreads_only_in_the_full_view() {
        let sheet = Sheet {
            name: None,
            rows: vec![row(1, &["項番", "", "", "分類"])],
            merges: vec![Region {
                first_row: 1,
                last_row: 1,
                first_col: 0,
                last_col: 2,
            }],
            hidden: false,
        };
        let spread = sheet.spread_rows();
        assert_eq!(spread[0].0.cells, vec!["項番", "項番", "項番", "分類"]);
        assert_eq!(spread[0].1.cells, vec!["項番", "", "", "分類"]);
    }
}
