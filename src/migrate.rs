//! Migrate: last year's answers carried into the new revision's items.
//!
//! The old submission's items are aligned with the new template's; each new
//! item gets an action: `carried` (the same requirement: the answer is
//! copied), `review` (text, group or level changed, split, merged or a weak
//! pairing: the answer is copied but marked), or `new` (no counterpart: left
//! empty). Every old response with no new home is a `dropped` row, so no
//! answer is lost silently. Pure: writing the workbook is `render::template`.

use serde::Serialize;

use crate::align::{self, Mapping, Reason};
use crate::catalog::Catalog;
use crate::change::{item_changes, Change};
use crate::record::IdOrigin;
use crate::submission::Response;

/// What happened to one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Carried,
    Review,
    New,
    Dropped,
}

impl Action {
    pub const ALL: [Action; 4] = [
        Action::Carried,
        Action::Review,
        Action::New,
        Action::Dropped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Carried => "carried",
            Action::Review => "review",
            Action::New => "new",
            Action::Dropped => "dropped",
        }
    }
}

/// One line of the migration: a new item and where its answer came from, or
/// an old answer that found no home.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    pub action: Action,
    /// Index of the new (template) item; none for `dropped`.
    pub new: Option<usize>,
    /// Indices of the old items the answer came from.
    pub old: Vec<usize>,
    /// Index into the old submission's orphan rows, for a dropped response on
    /// a row that was no item.
    pub orphan: Option<usize>,
    /// What is written into the new item (or what was dropped).
    pub response: Response,
    pub similarity: Option<f64>,
    pub note: String,
}

/// The migration of a submission onto a template.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// One per template item in template order, then the dropped answers.
    pub moves: Vec<Move>,
}

impl Plan {
    pub fn count(&self, action: Action) -> usize {
        self.moves.iter().filter(|m| m.action == action).count()
    }
}

/// Several old responses onto one new item: the answer if they agree, else
/// the first with the others in the note; evidence and remarks joined.
fn combine(responses: &[&Response]) -> (Response, Option<String>) {
    let Some(first) = responses.first() else {
        return (Response::default(), None);
    };
    let mut out = (*first).clone();
    let mut conflict = None;
    if responses.len() > 1 {
        let answers: Vec<&str> = responses
            .iter()
            .map(|r| r.answer_raw.as_str())
            .filter(|a| !a.is_empty())
            .collect();
        if responses.iter().any(|r| r.answer != first.answer) {
            conflict = Some(format!(
                "the merged items were answered differently: {}",
                answers.join(" / ")
            ));
        }
        let join = |f: fn(&Response) -> &str| {
            let mut seen: Vec<&str> = Vec::new();
            for r in responses {
                let v = f(r).trim();
                if !v.is_empty() && !seen.contains(&v) {
                    seen.push(v);
                }
            }
            seen.join("\n")
        };
        out.evidence = join(|r| r.evidence.as_str());
        out.remarks = join(|r| r.remarks.as_str());
    }
    (out, conflict)
}

/// Plan the migration of `old` (a submission, with its responses) onto the
/// items of `new` (the template).
pub fn plan(
    old: &Catalog,
    old_responses: &[Response],
    orphan_responses: &[Response],
    new: &Catalog,
    mapping: &Mapping,
) -> Plan {
    let alignment = align::align(&old.items, &new.items, mapping);
    let shared = crate::change::Shared::of(old, new);
    let mut by_new: Vec<Vec<&align::Pair>> = vec![Vec::new(); new.items.len()];
    for p in &alignment.pairs {
        by_new[p.new].push(p);
    }
    let mut moves = Vec::with_capacity(new.items.len() + alignment.removed.len());
    for (j, item) in new.items.iter().enumerate() {
        let pairs = &by_new[j];
        if pairs.is_empty() {
            moves.push(Move {
                action: Action::New,
                new: Some(j),
                old: Vec::new(),
                orphan: None,
                response: Response::default(),
                similarity: None,
                note: "new in this revision: to be answered".to_owned(),
            });
            continue;
        }
        let olds: Vec<usize> = pairs.iter().map(|p| p.old).collect();
        let responses: Vec<&Response> = olds.iter().map(|&i| &old_responses[i]).collect();
        let (response, conflict) = combine(&responses);
        let first = pairs[0];
        let mut reasons: Vec<String> = Vec::new();
        let split = pairs.iter().any(|p| p.reason == Reason::Split);
        let merged = pairs.len() > 1 || pairs.iter().any(|p| p.reason == Reason::Merged);
        if split {
            reasons.push(format!("split from {}", old.items[first.old].id));
        }
        if merged {
            let ids: Vec<&str> = olds.iter().map(|&i| old.items[i].id.as_str()).collect();
            reasons.push(format!("merged from {}", ids.join(", ")));
        }
        if !split && !merged {
            let was = &old.items[first.old];
            // a number the reader had to reconstruct is a guess: a different
            // group under it is no move
            let numbers_known = was.origin == IdOrigin::Printed && item.origin == IdOrigin::Printed;
            let changes = item_changes(was, item, shared);
            let textless = crate::text::compact(&was.measure).is_empty()
                && crate::text::compact(&was.check).is_empty();
            if textless {
                // an answer-only sheet: the number is all there is to go by
                reasons.push(
                    "placed by its number only (the old submission has no requirement text)"
                        .to_owned(),
                );
            }
            for c in changes
                .into_iter()
                .filter(|c| !(textless && matches!(c, Change::Text | Change::Check)))
            {
                match c {
                    Change::Text => reasons.push(format!(
                        "requirement reworded (similarity {:.2})",
                        first.similarity
                    )),
                    Change::Group if numbers_known => {
                        reasons.push(format!("moved from {}", was.group()))
                    }
                    Change::Level => reasons.push("level changed".to_owned()),
                    Change::Check => reasons.push("check points changed".to_owned()),
                    _ => {}
                }
            }
            if first.weak {
                reasons.push(format!("weak pairing (similarity {:.2})", first.similarity));
            }
        }
        if let Some(c) = conflict {
            reasons.push(c);
        }
        let action = if reasons.is_empty() {
            Action::Carried
        } else {
            Action::Review
        };
        let mut note = reasons.join("; ");
        if old.items[first.old].id != item.id && !merged {
            let renumbered = format!("was {}", old.items[first.old].id);
            note = if note.is_empty() {
                renumbered
            } else {
                format!("{renumbered}; {note}")
            };
        }
        moves.push(Move {
            action,
            new: Some(j),
            old: olds,
            orphan: None,
            response,
            similarity: Some(first.similarity),
            note,
        });
    }
    for &i in &alignment.removed {
        if old_responses[i].is_empty() {
            continue;
        }
        moves.push(Move {
            action: Action::Dropped,
            new: None,
            old: vec![i],
            orphan: None,
            response: old_responses[i].clone(),
            similarity: None,
            note: "no counterpart in the new revision: the answer was not carried".to_owned(),
        });
    }
    for (k, response) in orphan_responses.iter().enumerate() {
        if response.is_empty() {
            continue;
        }
        moves.push(Move {
            action: Action::Dropped,
            new: None,
            old: Vec::new(),
            orphan: Some(k),
            response: response.clone(),
            similarity: None,
            note: "a response on a row that is no checklist item".to_owned(),
        });
    }
    Plan { moves }
}

/// Where answers go in the template: per sheet, the columns for answer,
/// evidence and remarks (found in the header, or added after the last column).
#[derive(Debug, Clone, Default)]
pub struct Placement {
    /// Per sheet name: [answer, evidence, remarks] columns, and whether each
    /// was added.
    pub columns: std::collections::HashMap<Option<String>, [(u32, bool); 3]>,
}

const ROLES: [crate::role::Role; 3] = [
    crate::role::Role::Answer,
    crate::role::Role::Evidence,
    crate::role::Role::Remarks,
];

/// Decide the answer columns of each sheet of the template. `widths` gives
/// the number of columns each sheet uses.
pub fn placement(
    template: &Catalog,
    widths: &std::collections::HashMap<Option<String>, u32>,
) -> Placement {
    let mut out = Placement::default();
    for block in &template.blocks {
        if out.columns.contains_key(&block.sheet) {
            continue;
        }
        let mut next = widths
            .get(&block.sheet)
            .copied()
            .unwrap_or(block.columns.len() as u32);
        let mut cols = [(0u32, false); 3];
        for (k, role) in ROLES.iter().enumerate() {
            cols[k] = match block.columns.iter().position(|c| *c == Some(*role)) {
                Some(c) => (c as u32, false),
                None => {
                    next += 1;
                    (next - 1, true)
                }
            };
        }
        out.columns.insert(block.sheet.clone(), cols);
    }
    out
}

/// Header labels for added columns, in the header's language.
fn labels(template: &Catalog) -> [&'static str; 3] {
    let japanese = template
        .items
        .iter()
        .take(20)
        .any(|i| !i.measure.is_ascii());
    if japanese {
        ["回答", "根拠資料", "備考"]
    } else {
        ["Answer", "Evidence", "Remarks"]
    }
}

/// The cells to write into the template for a plan.
pub fn writes(
    plan: &Plan,
    template: &Catalog,
    placement: &Placement,
    unnamed: &str,
) -> crate::render::template::Writes {
    use crate::render::template::CellWrite;
    let mut out: crate::render::template::Writes = std::collections::HashMap::new();
    let labels = labels(template);
    // labels of added columns on every header (repeated at page breaks)
    for block in &template.blocks {
        let Some(cols) = placement.columns.get(&block.sheet) else {
            continue;
        };
        let sheet = block.sheet.clone().unwrap_or_else(|| unnamed.to_owned());
        let last_existing = block.columns.len().saturating_sub(1) as u32;
        for (k, &(col, added)) in cols.iter().enumerate() {
            if !added {
                continue;
            }
            for (h, &row) in block.header_rows.iter().enumerate() {
                let text = if h == 0 {
                    labels[k].to_owned()
                } else {
                    String::new()
                };
                out.entry(sheet.clone())
                    .or_default()
                    .entry(row)
                    .or_default()
                    .insert(
                        col,
                        CellWrite {
                            text,
                            highlight: false,
                            style_from: Some(last_existing),
                        },
                    );
            }
        }
    }
    for m in &plan.moves {
        let Some(j) = m.new else { continue };
        let item = &template.items[j];
        let sheet = item.sheet.clone().unwrap_or_else(|| unnamed.to_owned());
        let Some(cols) = placement.columns.get(&item.sheet) else {
            continue;
        };
        let review = m.action == Action::Review;
        let values = [
            m.response.answer_raw.as_str(),
            m.response.evidence.as_str(),
            m.response.remarks.as_str(),
        ];
        let last_existing = template.blocks[template.records[j].block]
            .columns
            .len()
            .saturating_sub(1) as u32;
        for (k, &(col, _)) in cols.iter().enumerate() {
            if values[k].is_empty() && !review {
                continue;
            }
            out.entry(sheet.clone())
                .or_default()
                .entry(item.row)
                .or_default()
                .insert(
                    col,
                    CellWrite {
                        text: values[k].to_owned(),
                        highlight: review,
                        style_from: Some(last_existing),
                    },
                );
        }
    }
    out
}
