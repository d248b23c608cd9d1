//! Sheets of cells with absolute positions: what every reader produces.
//!
//! A grid knows nothing about checklists. It keeps each non-empty row with its
//! 1-based number as a spreadsheet shows it, the cell texts of that row (cached
//! values for formulas, `1` for a float 1.0), and the merged regions of the
//! sheet so that later stages can spread a merged value over the cells it
//! covers.

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
        self.cells
            .iter()
            .all(|c| c.is_empty() || c.trim().is_empty())
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
    /// Rows as the layout stage sees them (see [`Spread`]).
    pub fn spread(&self) -> Vec<Spread> {
        let mut spreader = Spreader::new(&self.merges);
        self.rows
            .iter()
            .map(|r| spreader.spread(r.clone()))
            .collect()
    }
}

/// A row as the layout stage sees it, twice: spread down the first column of
/// every merge that covers it (`vertical`: data rows; a wide merged
/// requirement must not leak into its neighbours), and spread over every cell
/// a merge covers ([`Spread::full`]: header rows want that, a `項番` label over
/// four number columns). The full view is kept only where it differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spread {
    pub vertical: Row,
    full: Option<Row>,
}

impl Spread {
    /// A row no merge touches.
    pub fn plain(row: Row) -> Spread {
        Spread {
            vertical: row,
            full: None,
        }
    }

    pub fn full(&self) -> &Row {
        self.full.as_ref().unwrap_or(&self.vertical)
    }

    pub fn number(&self) -> u32 {
        self.vertical.number
    }

    /// The full view differs from the vertical one (a merge spreads across
    /// columns here).
    pub fn has_full_view(&self) -> bool {
        self.full.is_some()
    }

    /// The cells this row holds in memory (both views), for budgets.
    pub fn cell_count(&self) -> usize {
        self.vertical.cells.len() + self.full.as_ref().map_or(0, |f| f.cells.len())
    }
}

/// Spreads the merged regions of one sheet over its rows as they stream by
/// in order: a merge's value is taken from its first row when that row
/// passes, and given to the rows after it that the merge covers. Spreading
/// reaches only rows that hold something and columns up to the widest row
/// seen, so a merge claiming A1:XFD1048576 costs what the sheet really holds.
#[derive(Debug, Clone, Default)]
pub struct Spreader {
    /// (position in the sheet's list, region), by first row.
    merges: Vec<(usize, Region)>,
    next: usize,
    /// Merges under way: position, region and the value they spread.
    active: Vec<(usize, Region, String)>,
    width: u32,
}

impl Spreader {
    pub fn new(merges: &[Region]) -> Spreader {
        let mut sorted: Vec<(usize, Region)> = merges.iter().copied().enumerate().collect();
        sorted.sort_by_key(|(i, m)| (m.first_row, *i));
        Spreader {
            merges: sorted,
            ..Spreader::default()
        }
    }

    /// The views of the next row (rows must come in ascending order).
    pub fn spread(&mut self, row: Row) -> Spread {
        if self.merges.is_empty() {
            return Spread::plain(row);
        }
        let number = row.number;
        self.width = self.width.max(row.cells.len() as u32);
        self.active.retain(|(_, m, _)| m.last_row >= number);
        while let Some(&(i, m)) = self.merges.get(self.next) {
            if m.first_row > number {
                break;
            }
            self.next += 1;
            // a merge whose first row holds nothing spreads nothing
            if m.first_row == number && m.last_row >= number {
                let anchor = row.cell(m.first_col as usize);
                if !anchor.is_empty() {
                    self.active.push((i, m, anchor.to_owned()));
                }
            }
        }
        if self.active.is_empty() {
            return Spread::plain(row);
        }
        self.active.sort_by_key(|(i, _, _)| *i);
        let width = self.width;
        // a header label spans a few columns, never thousands
        let last_col = |m: &Region| m.last_col.min(width - 1).min(m.first_col + MAX_SPREAD);
        let mut full = self
            .active
            .iter()
            .any(|(_, m, _)| last_col(m) > m.first_col)
            .then(|| row.clone());
        if let Some(full) = &mut full {
            for (_, m, anchor) in &self.active {
                for c in m.first_col..=last_col(m) {
                    set_cell(full, c as usize, anchor);
                }
            }
        }
        let mut vertical = row;
        for (_, m, anchor) in &self.active {
            set_cell(&mut vertical, m.first_col as usize, anchor);
        }
        let full = full.filter(|f| *f != vertical);
        Spread { vertical, full }
    }
}

fn set_cell(row: &mut Row, col: usize, value: &str) {
    if value.is_empty() || !row.cell(col).is_empty() {
        return;
    }
    if row.cells.len() <= col {
        row.cells.resize(col + 1, String::new());
    }
    row.cells[col] = value.to_owned();
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
        let spread = sheet.spread();
        // rows that hold nothing are not made up (row 4)
        let numbers: Vec<u32> = spread.iter().map(Spread::number).collect();
        assert_eq!(numbers, vec![2, 3, 5]);
        assert_eq!(spread[1].vertical.cell(0), "1");
        assert_eq!(spread[2].vertical.cell(0), "");
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
        let spread = sheet.spread();
        assert_eq!(spread[0].full().cells, vec!["項番", "項番", "項番", "分類"]);
        assert_eq!(spread[0].vertical.cells, vec!["項番", "", "", "分類"]);
    }
}
