//! Ingest: a vendor's submission placed on the canonical items.
//!
//! The submission is read like any checklist; its items are paired with the
//! catalog's by the aligner (by text, with the number as a tie-breaker, by the
//! number alone where the vendor kept no text), and every catalog item gets a
//! status: `ok`, `altered` (the vendor edited the requirement text),
//! `missing`, or `duplicate` (two submission rows for it); every submission
//! row that found no item, and every response on a row that is no item, is an
//! `extra` row. No answer, evidence or remark is dropped. Pure: no I/O.

use serde::Serialize;

use crate::align::{self, Mapping, Reason};
use crate::catalog::{Catalog, Item};
use crate::layout::RawRecord;
use crate::role::Role;
use crate::submission::Response;
use crate::text::compact;

/// Status of an ingest row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Altered,
    Missing,
    Extra,
    Duplicate,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Ok,
        Status::Altered,
        Status::Missing,
        Status::Extra,
        Status::Duplicate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Altered => "altered",
            Status::Missing => "missing",
            Status::Extra => "extra",
            Status::Duplicate => "duplicate",
        }
    }
}

/// One row of an ingest result.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub status: Status,
    /// The catalog item (none for `extra`).
    pub item: Option<usize>,
    /// The id to show: the catalog's, or the vendor's for an `extra` row.
    pub id: String,
    pub response: Response,
    /// Where the vendor's row stands.
    pub sheet: Option<String>,
    pub row: Option<u32>,
    pub similarity: Option<f64>,
    pub note: String,
    /// The requirement text as the vendor's row has it.
    pub their_measure: String,
}

/// A submission placed on a catalog.
#[derive(Debug, Clone, Default)]
pub struct Ingest {
    pub rows: Vec<Placed>,
}

impl Ingest {
    pub fn count(&self, status: Status) -> usize {
        self.rows.iter().filter(|r| r.status == status).count()
    }

    /// Catalog items placed but with no answer.
    pub fn unanswered(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| {
                r.item.is_some() && r.status != Status::Missing && r.response.answer.is_none()
            })
            .count()
    }

    /// Answers in a notation the vocabulary does not know.
    pub fn unreadable(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.response.answer == Some(crate::answer::Answer::Other))
            .count()
    }

    /// Anything a reviewer must look at.
    pub fn has_problems(&self) -> bool {
        self.rows.iter().any(|r| r.status != Status::Ok)
            || self.unanswered() > 0
            || self.unreadable() > 0
    }
}

fn response_text(r: &Response) -> String {
    let mut parts = Vec::new();
    if !r.answer_raw.is_empty() {
        parts.push(format!("answer {:?}", r.answer_raw));
    }
    if !r.evidence.is_empty() {
        parts.push(format!("evidence {:?}", r.evidence));
    }
    if !r.remarks.is_empty() {
        parts.push(format!("remarks {:?}", r.remarks));
    }
    parts.join(", ")
}

fn where_(item: &Item) -> String {
    match &item.sheet {
        Some(s) => format!("sheet {s} row {}", item.row),
        None => format!("row {}", item.row),
    }
}

/// A catalog ready to place submissions on: its side of the aligner and its
/// texts folded once, however many submissions are placed.
pub struct Reference<'a> {
    catalog: &'a Catalog,
    side: align::Side<'a>,
    /// The first item of each requirement text (compacted).
    by_key: std::collections::HashMap<String, usize>,
}

impl<'a> Reference<'a> {
    pub fn new(catalog: &'a Catalog) -> Reference<'a> {
        let mut by_key = std::collections::HashMap::new();
        for (i, item) in catalog.items.iter().enumerate() {
            let key = compact(&item.measure);
            if !key.is_empty() {
                by_key.entry(key).or_insert(i);
            }
        }
        Reference {
            catalog,
            side: align::Side::new(&catalog.items),
            by_key,
        }
    }

    /// Place a submission's items and responses on the catalog.
    pub fn ingest(
        &self,
        submission: &Catalog,
        responses: &[Response],
        orphan_responses: &[Response],
    ) -> Ingest {
        place(self, submission, responses, orphan_responses)
    }
}

/// Place a submission's items and responses on the catalog.
pub fn ingest(
    catalog: &Catalog,
    submission: &Catalog,
    responses: &[Response],
    orphan_responses: &[Response],
) -> Ingest {
    Reference::new(catalog).ingest(submission, responses, orphan_responses)
}

fn place(
    reference: &Reference<'_>,
    submission: &Catalog,
    responses: &[Response],
    orphan_responses: &[Response],
) -> Ingest {
    let catalog = reference.catalog;
    let alignment = align::align_sides(
        &reference.side,
        &align::Side::new(&submission.items),
        &Mapping::default(),
    );
    // pairs by catalog item
    let mut by_item: Vec<Vec<&align::Pair>> = vec![Vec::new(); catalog.items.len()];
    for p in &alignment.pairs {
        by_item[p.old].push(p);
    }
    // An unpaired submission row with the very text of an item already
    // placed is a second row for that item.
    let mut second_rows: Vec<Vec<usize>> = vec![Vec::new(); catalog.items.len()];
    let by_key = &reference.by_key;
    let mut extra_rows = Vec::new();
    for j in alignment.added.iter().copied() {
        let key = compact(&submission.items[j].measure);
        match by_key.get(&key) {
            Some(&i) if !key.is_empty() && !by_item[i].is_empty() => second_rows[i].push(j),
            _ => extra_rows.push(j),
        }
    }
    let mut rows = Vec::with_capacity(catalog.items.len() + extra_rows.len());
    for (i, item) in catalog.items.iter().enumerate() {
        let pairs = &by_item[i];
        let Some(first) = pairs.first() else {
            rows.push(Placed {
                status: Status::Missing,
                item: Some(i),
                id: item.id.clone(),
                response: Response::default(),
                sheet: None,
                row: None,
                similarity: None,
                note: "not found in the submission".to_owned(),
                their_measure: String::new(),
            });
            continue;
        };
        let j = first.new;
        let theirs = &submission.items[j];
        let mut notes = Vec::new();
        let no_text = compact(&theirs.measure).is_empty() && compact(&theirs.check).is_empty();
        let mut status = match first.reason {
            _ if no_text => {
                notes.push(
                    "placed by its number (the submission has no requirement text)".to_owned(),
                );
                Status::Ok
            }
            Reason::Same | Reason::Renumbered | Reason::Moved if first.similarity >= 0.999 => {
                Status::Ok
            }
            _ => Status::Altered,
        };
        if theirs.id != item.id && !no_text {
            notes.push(format!("the vendor numbered it {}", theirs.id));
        }
        if status == Status::Altered {
            if first.reason == Reason::Split || pairs.len() > 1 {
                notes.push("the vendor split this item over several rows".to_owned());
            } else if first.reason == Reason::Merged {
                notes.push("the vendor merged this item with another into one row".to_owned());
            } else {
                notes.push(format!(
                    "the requirement text was edited (similarity {:.2})",
                    first.similarity
                ));
            }
            if first.weak {
                notes.push("weak match: check it".to_owned());
            }
        }
        // further rows of the same item: a split, or a duplicate
        let mut others: Vec<usize> = pairs.iter().skip(1).map(|p| p.new).collect();
        if !second_rows[i].is_empty() {
            status = Status::Duplicate;
            others.extend(second_rows[i].iter().copied());
        }
        for &k in &others {
            let r = &responses[k];
            let mut note = format!("also on {}", where_(&submission.items[k]));
            let said = response_text(r);
            if !said.is_empty() {
                note.push_str(&format!(": {said}"));
            }
            notes.push(note);
        }
        let response = responses[j].clone();
        // cells of the vendor's row that stand under no known column
        if let Some(record) = submission.records.get(j) {
            let stray: Vec<&str> = record
                .stray
                .iter()
                .map(|(_, t)| t.trim())
                .filter(|t| !t.is_empty())
                .collect();
            if !stray.is_empty() {
                notes.push(format!("also written in the row: {}", stray.join(" | ")));
            }
        }
        if response.answer == Some(crate::answer::Answer::Other) {
            notes.push(format!("unknown answer notation {:?}", response.answer_raw));
        } else if response.answer.is_none() {
            notes.push("unanswered".to_owned());
        }
        rows.push(Placed {
            status,
            item: Some(i),
            id: item.id.clone(),
            response,
            sheet: theirs.sheet.clone(),
            row: Some(theirs.row),
            similarity: Some(first.similarity),
            note: notes.join("; "),
            their_measure: theirs.measure.clone(),
        });
    }
    for j in extra_rows {
        let theirs = &submission.items[j];
        let mut note = String::from("no catalog item for this row");
        if !theirs.measure.is_empty() {
            let head: String = theirs.measure.chars().take(40).collect();
            note.push_str(&format!(": {head}"));
        }
        rows.push(Placed {
            status: Status::Extra,
            item: None,
            id: theirs.id.clone(),
            response: responses[j].clone(),
            sheet: theirs.sheet.clone(),
            row: Some(theirs.row),
            similarity: None,
            note,
            their_measure: theirs.measure.clone(),
        });
    }
    for (record, response) in submission.orphans.iter().zip(orphan_responses) {
        rows.push(orphan(record, response));
    }
    Ingest { rows }
}

fn orphan(record: &RawRecord, response: &Response) -> Placed {
    let id = record
        .values
        .iter()
        .filter(|v| v.role.is_number())
        .map(|v| v.text.trim().to_owned())
        .collect::<Vec<_>>()
        .join("-");
    let text = record.text(Role::Measure);
    let note = if text.is_empty() {
        "a response on a row that is no checklist item".to_owned()
    } else {
        format!(
            "a response on a row that is no checklist item: {}",
            text.chars().take(40).collect::<String>()
        )
    };
    Placed {
        status: Status::Extra,
        item: None,
        id,
        response: response.clone(),
        sheet: record.sheet.clone(),
        row: Some(record.row),
        similarity: None,
        note,
        their_measure: text.to_owned(),
    }
}
