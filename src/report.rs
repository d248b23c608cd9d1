//! Results as plain tables: the only input of the renderers.
//!
//! Every command turns its results into a [`Report`]: a title, the inputs, a
//! few summary counts and one table whose columns are the output contract's,
//! in order. Renderers never see library types, so a new output format is one
//! new file in `render/`.

use std::borrow::Cow;

use serde::Serialize;

use crate::catalog::{Catalog, Item};

/// One cell: text or a whole number (numbers stay numbers in json and xlsx).
/// Text is borrowed from the results where it can be (an item's requirement
/// text is not copied into every report that shows it).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell<'a> {
    Text(Cow<'a, str>),
    Number(u64),
    Float(f64),
    Empty,
}

impl Cell<'_> {
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => s.as_ref().into(),
            Cell::Number(n) => n.to_string().into(),
            Cell::Float(f) => thousandths(*f).into(),
            Cell::Empty => "".into(),
        }
    }
}

/// `format!("{f:.3}")`, without the exact decimal expansion where the value
/// times 1000 is clearly not near a tie (a diff prints one similarity a
/// row): that product is off by half a unit in its last place at most, so
/// rounding it gives the digits the exact expansion would.
fn thousandths(f: f64) -> String {
    let x = f * 1000.0;
    let fraction = (x - x.trunc()).abs();
    if x.is_nan() || x.abs() >= 1e9 || (fraction - 0.5).abs() < 1e-6 {
        // not a number, large, or near a tie
        return format!("{f:.3}");
    }
    let n = x.abs().round() as u64;
    let sign = if f.is_sign_negative() { "-" } else { "" };
    format!("{sign}{}.{:03}", n / 1000, n % 1000)
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(s: &'a str) -> Cell<'a> {
        Cell::Text(Cow::Borrowed(s))
    }
}

impl From<String> for Cell<'_> {
    fn from(s: String) -> Self {
        Cell::Text(Cow::Owned(s))
    }
}

/// A titled table with a summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Report<'a> {
    pub title: String,
    pub inputs: Vec<String>,
    pub summary: Vec<(String, String)>,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell<'a>>>,
    /// Name of the column whose value colours a row (status, action), if any.
    pub status_column: Option<&'static str>,
    /// What changed, for people: shown (with inline differences) instead of
    /// the table on a terminal when there is any.
    pub details: Vec<Detail<'a>>,
    /// Two columns (old, new) whose texts are shown with their character
    /// differences marked.
    pub inline: Vec<(&'static str, &'static str)>,
    /// Items × submissions with the normalised answers (batch ingest).
    pub matrix: Option<Matrix>,
    /// Name of the detail sheet of an xlsx report.
    pub detail_name: &'static str,
}

/// A reviewer's matrix: one row per catalog item, one column per file.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub files: Vec<String>,
    /// (id, requirement text, answer word per file)
    pub rows: Vec<(String, String, Vec<String>)>,
}

impl Report<'_> {
    /// The report without its rows, details and matrix: what a renderer
    /// writing rows as they come needs to know.
    pub fn clone_header(&self) -> Report<'static> {
        Report {
            title: self.title.clone(),
            inputs: self.inputs.clone(),
            summary: self.summary.clone(),
            columns: self.columns.clone(),
            rows: Vec::new(),
            status_column: self.status_column,
            details: Vec::new(),
            inline: self.inline.clone(),
            matrix: None,
            detail_name: self.detail_name,
        }
    }

    /// Values of a column, by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| *c == name)
    }

    /// Per column of a row, the text split into marked segments where the
    /// column is one of an inline pair whose texts differ.
    pub fn marked(&self, row: &[Cell]) -> Vec<Option<Vec<crate::render::inline::Segment>>> {
        let mut out = vec![None; row.len()];
        for (a, b) in &self.inline {
            let (Some(a), Some(b)) = (self.column(a), self.column(b)) else {
                continue;
            };
            let (old, new) = (row[a].text(), row[b].text());
            if old.is_empty() || new.is_empty() || old == new {
                continue;
            }
            let (x, y) = crate::render::inline::segments(&old, &new);
            out[a] = Some(x);
            out[b] = Some(y);
        }
        out
    }

    /// The status of a row (the value of the status column), if any.
    pub fn status_of(&self, row: &[Cell]) -> Option<String> {
        let c = self.column(self.status_column?)?;
        row.get(c).map(|cell| cell.text().into_owned())
    }
}

/// One change told to a person: a heading and the old and new texts.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail<'a> {
    pub status: String,
    pub heading: String,
    pub old: Option<Cow<'a, str>>,
    pub new: Option<Cow<'a, str>>,
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

/// One item as a row of the catalog contract's columns, its texts borrowed.
pub fn item_row(item: &Item) -> Vec<Cell<'_>> {
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
        item.sheet.as_deref().unwrap_or("").into(),
        Cell::Number(item.row as u64),
    ]
}

/// The catalog as a report.
pub fn catalog(catalog: &Catalog) -> Report<'_> {
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
        details: Vec::new(),
        inline: Vec::new(),
        matrix: None,
        detail_name: "Items",
    }
}

/// The diff contract's columns, in order (submissions add the two answers).
pub const DIFF_COLUMNS: [&str; 9] = [
    "status",
    "old_id",
    "new_id",
    "changes",
    "similarity",
    "old_sheet",
    "old_row",
    "new_sheet",
    "new_row",
];

/// The columns of a diff: the answers' only where two submissions were
/// compared.
pub fn diff_columns(diff: &crate::change::Diff) -> Vec<&'static str> {
    let mut columns = DIFF_COLUMNS.to_vec();
    if diff.submissions {
        columns.extend(["old_answer", "new_answer"]);
    }
    columns.extend([
        "reason",
        "note",
        "old_measure",
        "new_measure",
        "old_check",
        "new_check",
    ]);
    columns
}

/// The two lists' responses, by item, where two submissions are compared.
pub type Responses<'r> = Option<(
    &'r [crate::submission::Response],
    &'r [crate::submission::Response],
)>;

/// One row of a diff's table, under [`diff_columns`]: what a row format
/// writes without the whole report being made.
pub fn diff_row<'a>(
    old: &'a Catalog,
    new: &'a Catalog,
    r: &'a crate::change::Row,
    responses: Responses<'_>,
) -> Vec<Cell<'a>> {
    let o = r.old.map(|i| &old.items[i]);
    let n = r.new.map(|j| &new.items[j]);
    // the fixed columns, two answers, reason, note and the four texts
    let mut row: Vec<Cell<'a>> = Vec::with_capacity(DIFF_COLUMNS.len() + 2 + 6);
    row.extend([
        r.status.as_str().into(),
        o.map_or("", |i| i.id.as_str()).into(),
        n.map_or("", |i| i.id.as_str()).into(),
        changes_of(r).into(),
        r.similarity.map(Cell::Float).unwrap_or(Cell::Empty),
        o.and_then(|i| i.sheet.as_deref()).unwrap_or("").into(),
        o.map(|i| Cell::Number(i.row as u64)).unwrap_or(Cell::Empty),
        n.and_then(|i| i.sheet.as_deref()).unwrap_or("").into(),
        n.map(|i| Cell::Number(i.row as u64)).unwrap_or(Cell::Empty),
    ]);
    if let Some((ro, rn)) = responses {
        row.push(r.old.map(|i| ro[i].answer_word()).unwrap_or("").into());
        row.push(r.new.map(|j| rn[j].answer_word()).unwrap_or("").into());
    }
    row.extend([
        r.reason.map(|x| x.as_str()).unwrap_or("").into(),
        r.note.as_str().into(),
        o.map_or("", |i| i.measure.as_str()).into(),
        n.map_or("", |i| i.measure.as_str()).into(),
        o.map_or("", |i| i.check.as_str()).into(),
        n.map_or("", |i| i.check.as_str()).into(),
    ]);
    row
}

/// A row's kinds of change, `;`-separated.
fn changes_of(r: &crate::change::Row) -> String {
    r.changes
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

/// A diff as a report.
pub fn diff<'a>(
    old: &'a Catalog,
    new: &'a Catalog,
    diff: &'a crate::change::Diff,
    responses: Responses<'_>,
) -> Report<'a> {
    use crate::change::{Change, Status};
    let columns = diff_columns(diff);
    // each row on its own, in parallel, in order
    use rayon::prelude::*;
    let built: Vec<(Vec<Cell<'a>>, Option<Detail<'a>>)> = diff
        .rows
        .par_iter()
        .with_min_len(512)
        .map(|r| {
            let o = r.old.map(|i| &old.items[i]);
            let n = r.new.map(|j| &new.items[j]);
            let row = diff_row(old, new, r, responses);
            let detail = (r.status != Status::Unchanged).then(|| {
                let changes = changes_of(r);
                let ids = match (o, n) {
                    (Some(a), Some(b)) if a.id != b.id => format!("{} → {}", a.id, b.id),
                    (Some(a), _) => a.id.clone(),
                    (None, Some(b)) => b.id.clone(),
                    (None, None) => String::new(),
                };
                let mut heading = ids;
                if !changes.is_empty() {
                    heading.push_str(&format!("  [{changes}]"));
                }
                if let Some(s) = r.similarity {
                    heading.push_str(&format!("  similarity {s:.2}"));
                }
                if !r.note.is_empty() {
                    heading.push_str(&format!("  ({})", r.note));
                }
                let text_changed = r.changes.contains(&Change::Text) || r.status != Status::Changed;
                let (old_text, new_text) = if text_changed {
                    (
                        o.map(|i| i.measure.as_str().into()),
                        n.map(|i| i.measure.as_str().into()),
                    )
                } else if r.changes.contains(&Change::Check) {
                    (
                        o.map(|i| i.check.as_str().into()),
                        n.map(|i| i.check.as_str().into()),
                    )
                } else if let (Some((ro, rn)), Some(i), Some(j)) = (responses, r.old, r.new) {
                    let show = |x: &crate::submission::Response| -> Cow<'a, str> {
                        format!("{} {} {}", x.answer_raw, x.evidence, x.remarks)
                            .trim()
                            .to_owned()
                            .into()
                    };
                    (Some(show(&ro[i])), Some(show(&rn[j])))
                } else {
                    (None, None)
                };
                Detail {
                    status: r.status.as_str().to_owned(),
                    heading,
                    old: old_text,
                    new: new_text,
                }
            });
            (row, detail)
        })
        .collect();
    let mut rows = Vec::with_capacity(built.len());
    let mut details = Vec::new();
    for (row, detail) in built {
        rows.push(row);
        details.extend(detail);
    }
    let mut summary: Vec<(String, String)> = Status::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), diff.count(*s).to_string()))
        .collect();
    for c in Change::ALL {
        let n = diff.count_change(c);
        if n > 0 {
            summary.push((format!("changes: {}", c.as_str()), n.to_string()));
        }
    }
    let weak = diff.rows.iter().filter(|r| r.weak).count();
    summary.push(("weak pairings to check".to_owned(), weak.to_string()));
    Report {
        title: if diff.submissions {
            "Submission diff"
        } else {
            "Checklist diff"
        }
        .to_owned(),
        inputs: vec![
            old.path.display().to_string(),
            new.path.display().to_string(),
        ],
        summary,
        columns,
        rows,
        status_column: Some("status"),
        details,
        inline: vec![("old_measure", "new_measure"), ("old_check", "new_check")],
        matrix: None,
        detail_name: "Changes",
    }
}

/// The ingest contract's columns, in order (several files add a leading `file`).
pub const INGEST_COLUMNS: [&str; 10] = [
    "id",
    "status",
    "answer",
    "answer_raw",
    "evidence",
    "remarks",
    "sheet",
    "row",
    "similarity",
    "note",
];

/// One or several ingested submissions as a report; `several` when several
/// files were named (a leading `file` column, even if only one could be
/// read), the matrix when more than one was.
pub fn ingest<'a>(
    catalog: &'a Catalog,
    results: &'a [(String, &'a crate::ingest::Ingest)],
    several: bool,
) -> Report<'a> {
    use crate::ingest::Status;
    let mut report = ingest_header(catalog, several);
    let mut matrix = Matrix::of(catalog);
    for (file, result) in results {
        report
            .rows
            .extend(ingest_rows(catalog, file, result, several));
        report.summary.push((file.clone(), summary_line(result)));
        matrix.add(file, result);
    }
    report.details = results
        .iter()
        .flat_map(|(file, result)| {
            result
                .rows
                .iter()
                .filter(|p| p.status != Status::Ok)
                .map(move |p| Detail {
                    status: p.status.as_str().to_owned(),
                    heading: if several {
                        format!("{file}: {}  {}", p.id, p.note)
                    } else {
                        format!("{}  {}", p.id, p.note)
                    },
                    old: None,
                    new: None,
                })
        })
        .collect();
    report.inputs.extend(results.iter().map(|(f, _)| f.clone()));
    report.matrix = (several && results.len() > 1).then_some(matrix);
    report
}

/// An ingest report with no rows yet: its title, the catalog as its first
/// input, its columns (a leading `file` column for several submissions).
pub fn ingest_header(catalog: &Catalog, several: bool) -> Report<'static> {
    let mut columns: Vec<&'static str> = Vec::new();
    if several {
        columns.push("file");
    }
    columns.extend(INGEST_COLUMNS);
    columns.extend(["measure", "submitted_measure"]);
    Report {
        title: "Submissions placed on the catalog".to_owned(),
        inputs: vec![catalog.path.display().to_string()],
        summary: Vec::new(),
        columns,
        rows: Vec::new(),
        status_column: Some("status"),
        details: Vec::new(),
        inline: vec![("measure", "submitted_measure")],
        matrix: None,
        detail_name: "Placed",
    }
}

/// The rows of one submission placed on the catalog.
pub fn ingest_rows<'a>(
    catalog: &'a Catalog,
    file: &'a str,
    result: &'a crate::ingest::Ingest,
    several: bool,
) -> impl Iterator<Item = Vec<Cell<'a>>> + 'a {
    result.rows.iter().map(move |p| {
        let mut row: Vec<Cell<'a>> = Vec::with_capacity(INGEST_COLUMNS.len() + 3);
        if several {
            row.push(file.into());
        }
        row.extend([
            p.id.as_str().into(),
            p.status.as_str().into(),
            p.response.answer_word().into(),
            p.response.answer_raw.as_str().into(),
            p.response.evidence.as_str().into(),
            p.response.remarks.as_str().into(),
            p.sheet.as_deref().unwrap_or("").into(),
            p.row.map(|r| Cell::Number(r as u64)).unwrap_or(Cell::Empty),
            p.similarity.map(Cell::Float).unwrap_or(Cell::Empty),
            p.note.as_str().into(),
            p.item
                .map_or("", |i| catalog.items[i].measure.as_str())
                .into(),
            p.their_measure.as_str().into(),
        ]);
        row
    })
}

impl Matrix {
    /// The catalog's items with no submission yet.
    pub fn of(catalog: &Catalog) -> Matrix {
        Matrix {
            files: Vec::new(),
            rows: catalog
                .items
                .iter()
                .map(|i| (i.id.clone(), i.measure.clone(), Vec::new()))
                .collect(),
        }
    }

    /// One more submission: a column of its normalised answers.
    pub fn add(&mut self, file: &str, result: &crate::ingest::Ingest) {
        self.files.push(file.to_owned());
        for row in &mut self.rows {
            row.2.push(String::new());
        }
        let column = self.files.len() - 1;
        for p in &result.rows {
            if let (Some(i), true) = (p.item, p.status != crate::ingest::Status::Missing) {
                if let Some(row) = self.rows.get_mut(i) {
                    row.2[column] = p.response.answer_word().to_owned();
                }
            }
        }
    }
}

/// `items 504: ok 480, altered 5, missing 3, extra 2, duplicate 1, unanswered 10`
pub fn summary_line(result: &crate::ingest::Ingest) -> String {
    use crate::ingest::Status;
    let items = result.rows.iter().filter(|r| r.item.is_some()).count();
    let mut parts = vec![format!("items {items}")];
    for s in Status::ALL {
        parts.push(format!("{} {}", s.as_str(), result.count(s)));
    }
    parts.push(format!("unanswered {}", result.unanswered()));
    parts.push(format!("unreadable answers {}", result.unreadable()));
    parts.join(", ")
}

/// The migrate contract's columns, in order.
pub const MIGRATE_COLUMNS: [&str; 9] = [
    "new_id",
    "new_row",
    "old_id",
    "old_row",
    "action",
    "answer",
    "evidence",
    "remarks",
    "similarity",
];

/// A migration as a report.
pub fn migrate<'a>(
    old: &'a Catalog,
    new: &'a Catalog,
    plan: &'a crate::migrate::Plan,
) -> Report<'a> {
    use crate::migrate::Action;
    let mut columns = MIGRATE_COLUMNS.to_vec();
    columns.extend(["note", "answer_raw", "new_sheet", "old_sheet", "measure"]);
    let mut rows = Vec::with_capacity(plan.moves.len());
    let mut details = Vec::new();
    for m in &plan.moves {
        let n = m.new.map(|j| &new.items[j]);
        let olds: Vec<&crate::catalog::Item> = m.old.iter().map(|&i| &old.items[i]).collect();
        let orphan = m.orphan.map(|k| &old.orphans[k]);
        let old_ids: Vec<&str> = olds.iter().map(|i| i.id.as_str()).collect();
        let old_row = olds
            .first()
            .map(|i| Cell::Number(i.row as u64))
            .or_else(|| orphan.map(|o| Cell::Number(o.row as u64)))
            .unwrap_or(Cell::Empty);
        let old_sheet = olds
            .first()
            .and_then(|i| i.sheet.clone())
            .or_else(|| orphan.and_then(|o| o.sheet.clone()))
            .unwrap_or_default();
        rows.push(vec![
            n.map(|i| i.id.clone()).unwrap_or_default().into(),
            n.map(|i| Cell::Number(i.row as u64)).unwrap_or(Cell::Empty),
            old_ids.join(";").into(),
            old_row,
            m.action.as_str().into(),
            m.response.answer_word().into(),
            m.response.evidence.as_str().into(),
            m.response.remarks.as_str().into(),
            m.similarity.map(Cell::Float).unwrap_or(Cell::Empty),
            m.note.as_str().into(),
            m.response.answer_raw.as_str().into(),
            n.and_then(|i| i.sheet.clone()).unwrap_or_default().into(),
            old_sheet.into(),
            n.map(|i| i.measure.clone())
                .or_else(|| olds.first().map(|i| i.measure.clone()))
                .unwrap_or_default()
                .into(),
        ]);
        if m.action != Action::Carried {
            let id = n.map(|i| i.id.clone()).unwrap_or_else(|| old_ids.join(";"));
            details.push(Detail {
                status: m.action.as_str().to_owned(),
                heading: format!("{id}  {}", m.note),
                old: olds
                    .first()
                    .map(|i| i.measure.as_str().into())
                    .filter(|_| m.action == Action::Review),
                new: n
                    .map(|i| i.measure.as_str().into())
                    .filter(|_| m.action == Action::Review),
            });
        }
    }
    let summary = Action::ALL
        .iter()
        .map(|a| (a.as_str().to_owned(), plan.count(*a).to_string()))
        .collect();
    Report {
        title: "Answers migrated to the new revision".to_owned(),
        inputs: vec![
            old.path.display().to_string(),
            new.path.display().to_string(),
        ],
        summary,
        columns,
        rows,
        status_column: Some("action"),
        details,
        inline: Vec::new(),
        matrix: None,
        detail_name: "Actions",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn thousandths_are_the_exact_expansions_digits() {
        for f in [
            0.0,
            -0.0,
            1.0,
            0.0005,
            0.0015,
            0.0625,
            0.1235,
            0.9995,
            -0.0001,
            0.8125,
            2.0 / 3.0,
            999_999.999_5,
            1e12,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
        ] {
            assert_eq!(thousandths(f), format!("{f:.3}"), "{f:e}");
        }
    }

    proptest! {
        #[test]
        fn thousandths_of_any_number_are_formats(f in any::<f64>()) {
            prop_assert_eq!(thousandths(f), format!("{f:.3}"));
        }

        #[test]
        fn thousandths_of_similarities_are_formats(k in 0u32..=1_000_000, tie in any::<bool>()) {
            // values on and near the ties of three decimals
            let f = f64::from(k) / 1e6 + if tie { 0.0005 } else { 0.0 };
            prop_assert_eq!(thousandths(f), format!("{f:.3}"));
        }
    }
}
