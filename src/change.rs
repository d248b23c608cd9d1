//! What changed between two item lists, pair by pair.
//!
//! Takes an [`Alignment`] and names, for every pair, which fields differ
//! (after NFKC and white-space removal: formatting is no change), and gives
//! every row a status of the output contract. Pure: no I/O.

use serde::Serialize;

use crate::align::{Alignment, Reason, WEAK};
use crate::catalog::Item;
use crate::submission::Response;
use crate::text::compact;

/// Status of a diff row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Unchanged,
    Changed,
    Added,
    Removed,
    Split,
    Merged,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Unchanged,
        Status::Changed,
        Status::Added,
        Status::Removed,
        Status::Split,
        Status::Merged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unchanged => "unchanged",
            Status::Changed => "changed",
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Split => "split",
            Status::Merged => "merged",
        }
    }
}

/// A field that differs within a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Number,
    Group,
    Text,
    Level,
    Check,
    Guideline,
    Ref,
    Answer,
    Evidence,
    Remarks,
}

impl Change {
    pub const ALL: [Change; 10] = [
        Change::Number,
        Change::Group,
        Change::Text,
        Change::Level,
        Change::Check,
        Change::Guideline,
        Change::Ref,
        Change::Answer,
        Change::Evidence,
        Change::Remarks,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Change::Number => "number",
            Change::Group => "group",
            Change::Text => "text",
            Change::Level => "level",
            Change::Check => "check",
            Change::Guideline => "guideline",
            Change::Ref => "ref",
            Change::Answer => "answer",
            Change::Evidence => "evidence",
            Change::Remarks => "remarks",
        }
    }
}

/// One row of a diff.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub status: Status,
    pub old: Option<usize>,
    pub new: Option<usize>,
    pub changes: Vec<Change>,
    pub similarity: Option<f64>,
    pub reason: Option<Reason>,
    pub weak: bool,
    pub pinned: bool,
    pub note: String,
}

/// The rows of a diff, in the new list's order with removed items where they
/// stood.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    pub rows: Vec<Row>,
    /// Both sides carry vendor responses: answers are compared too.
    pub submissions: bool,
}

impl Diff {
    pub fn count(&self, status: Status) -> usize {
        self.rows.iter().filter(|r| r.status == status).count()
    }

    pub fn count_change(&self, change: Change) -> usize {
        self.rows
            .iter()
            .filter(|r| r.changes.contains(&change))
            .count()
    }

    /// Anything other than `unchanged`.
    pub fn differs(&self) -> bool {
        self.rows.iter().any(|r| r.status != Status::Unchanged)
    }
}

fn differs(a: &str, b: &str) -> bool {
    a != b && compact(a) != compact(b)
}

/// Which optional columns both lists have: a field one list lacks entirely
/// (a template without check points) is no change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shared {
    pub level: bool,
    pub check: bool,
    pub guideline: bool,
    pub ref_: bool,
}

impl Shared {
    /// Every field compared.
    pub const ALL: Shared = Shared {
        level: true,
        check: true,
        guideline: true,
        ref_: true,
    };

    /// The columns both catalogs have.
    pub fn of(old: &crate::catalog::Catalog, new: &crate::catalog::Catalog) -> Shared {
        use crate::role::Role;
        let both = |r: Role| old.has_column(r) && new.has_column(r);
        Shared {
            level: both(Role::Level),
            check: both(Role::Check),
            guideline: both(Role::Guideline),
            ref_: both(Role::Ref),
        }
    }
}

/// Fields that differ between an old and a new item.
pub fn item_changes(old: &Item, new: &Item, shared: Shared) -> Vec<Change> {
    let mut out = Vec::new();
    if old.id != new.id {
        out.push(Change::Number);
    }
    if !old.same_group(new) {
        out.push(Change::Group);
    }
    if differs(&old.measure, &new.measure) {
        out.push(Change::Text);
    }
    if shared.level && old.level != new.level {
        out.push(Change::Level);
    }
    if shared.check && differs(&old.check, &new.check) {
        out.push(Change::Check);
    }
    if shared.guideline && differs(&old.guideline, &new.guideline) {
        out.push(Change::Guideline);
    }
    if shared.ref_ && differs(&old.ref_, &new.ref_) {
        out.push(Change::Ref);
    }
    out
}

/// Responses that differ: the normalised answer (the raw text when both are
/// `other`), evidence and remarks.
pub fn response_changes(old: &Response, new: &Response) -> Vec<Change> {
    let mut out = Vec::new();
    let answer_differs = match (old.answer, new.answer) {
        (Some(crate::answer::Answer::Other), Some(crate::answer::Answer::Other)) => {
            differs(&old.answer_raw, &new.answer_raw)
        }
        (a, b) => a != b,
    };
    if answer_differs {
        out.push(Change::Answer);
    }
    if differs(&old.evidence, &new.evidence) {
        out.push(Change::Evidence);
    }
    if differs(&old.remarks, &new.remarks) {
        out.push(Change::Remarks);
    }
    out
}

/// The diff of two lists from their alignment; `responses` compares vendor
/// answers too (two submissions).
pub fn diff(
    old: &[Item],
    new: &[Item],
    alignment: &Alignment,
    shared: Shared,
    responses: Option<(&[Response], &[Response])>,
) -> Diff {
    use rayon::prelude::*;
    // each pair's changes on their own, in parallel
    let mut paired_rows: Vec<Row> = alignment
        .pairs
        .par_iter()
        .with_min_len(512)
        .map(|p| {
            let (o, n) = (&old[p.old], &new[p.new]);
            let mut changes = item_changes(o, n, shared);
            let mut notes: Vec<String> = Vec::new();
            if let Some((ro, rn)) = responses {
                let answer_changes = response_changes(&ro[p.old], &rn[p.new]);
                let reworded = changes
                    .iter()
                    .any(|c| matches!(c, Change::Text | Change::Check | Change::Level));
                if reworded
                    && !answer_changes.contains(&Change::Answer)
                    && ro[p.old].answer.is_some()
                {
                    notes.push(
                        "stale answer: the requirement changed but the answer was kept".to_owned(),
                    );
                }
                changes.extend(answer_changes);
            }
            let status = match p.reason {
                Reason::Split => Status::Split,
                Reason::Merged => Status::Merged,
                _ if changes.is_empty() => Status::Unchanged,
                _ => Status::Changed,
            };
            if p.weak && !p.pinned {
                notes.push(format!(
                    "weak pairing (similarity {:.2}): check it",
                    p.similarity
                ));
            }
            if p.pinned {
                notes.push("pinned by the mapping file".to_owned());
            }
            Row {
                status,
                old: Some(p.old),
                new: Some(p.new),
                changes,
                similarity: Some(p.similarity),
                reason: Some(p.reason),
                weak: p.weak
                    || (p.similarity < WEAK && !matches!(p.reason, Reason::Split | Reason::Merged)),
                pinned: p.pinned,
                note: notes.join("; "),
            }
        })
        .collect();
    for &j in &alignment.added {
        paired_rows.push(Row {
            status: Status::Added,
            old: None,
            new: Some(j),
            changes: Vec::new(),
            similarity: None,
            reason: None,
            weak: false,
            pinned: false,
            note: String::new(),
        });
    }
    // Order: by new position; removed items right after the row of the old
    // item that preceded them.
    paired_rows.sort_by_key(|r| (r.new.unwrap_or(usize::MAX), r.old.unwrap_or(0)));
    let mut paired_old = vec![false; old.len()];
    for p in &alignment.pairs {
        paired_old[p.old] = true;
    }
    // each removed item follows the nearest paired old item before it
    let mut after: std::collections::HashMap<Option<usize>, Vec<usize>> =
        std::collections::HashMap::new();
    let mut last_paired = None;
    let mut predecessor = vec![None; old.len()];
    for (i, &paired) in paired_old.iter().enumerate() {
        predecessor[i] = last_paired;
        if paired {
            last_paired = Some(i);
        }
    }
    for &i in &alignment.removed {
        after.entry(predecessor[i]).or_default().push(i);
    }
    let mut rows: Vec<Row> = Vec::with_capacity(paired_rows.len() + alignment.removed.len());
    rows.extend(
        after
            .remove(&None)
            .unwrap_or_default()
            .into_iter()
            .map(removed_row),
    );
    for row in paired_rows {
        let anchor = row.old;
        rows.push(row);
        if let Some(list) = anchor.and_then(|a| after.remove(&Some(a))) {
            rows.extend(list.into_iter().map(removed_row));
        }
    }
    let mut rest: Vec<usize> = after.into_values().flatten().collect();
    rest.sort_unstable();
    rows.extend(rest.into_iter().map(removed_row));
    Diff {
        rows,
        submissions: responses.is_some(),
    }
}

fn removed_row(i: usize) -> Row {
    Row {
        status: Status::Removed,
        old: Some(i),
        new: None,
        changes: Vec::new(),
        similarity: None,
        reason: None,
        weak: false,
        pinned: false,
        note: String::new(),
    }
}
