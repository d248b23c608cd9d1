//! Responses: the answer, evidence and remarks a vendor wrote on each item.
//!
//! A submission is a checklist whose header also has answer, evidence or
//! remarks columns; it is read like any checklist (`catalog`), and this
//! module takes the responses from the rows that became items.

use serde::Serialize;

use crate::answer::{Answer, Vocabulary};
use crate::catalog::Catalog;
use crate::role::Role;

/// What a vendor wrote on one item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Response {
    /// Normalised answer; `None` when unanswered.
    pub answer: Option<Answer>,
    /// The answer cell as written.
    pub answer_raw: String,
    pub evidence: String,
    pub remarks: String,
    /// 0-based columns of the answer, evidence and remarks cells, where found.
    pub answer_col: Option<u32>,
    pub evidence_col: Option<u32>,
    pub remarks_col: Option<u32>,
}

impl Response {
    pub fn is_empty(&self) -> bool {
        self.answer_raw.trim().is_empty()
            && self.evidence.trim().is_empty()
            && self.remarks.trim().is_empty()
    }

    /// The answer word of the contract: `yes partial no na other` or empty.
    pub fn answer_word(&self) -> &'static str {
        self.answer.map(Answer::as_str).unwrap_or("")
    }
}

/// True when the checklist has a column for vendor responses.
pub fn has_responses(catalog: &Catalog) -> bool {
    catalog
        .records
        .iter()
        .any(|r| r.values.iter().any(|v| v.role.is_response()))
        || catalog.blocks_have_responses
}

/// The response on each item of a catalog (same order as `catalog.items`).
pub fn responses(catalog: &Catalog, vocabulary: &Vocabulary) -> Vec<Response> {
    of_records(&catalog.records, vocabulary)
}

/// The response on each of some rows.
pub fn of_records(records: &[crate::layout::RawRecord], vocabulary: &Vocabulary) -> Vec<Response> {
    records
        .iter()
        .map(|record| {
            let raw = record.get(Role::Answer);
            let evidence = record.get(Role::Evidence);
            let remarks = record.get(Role::Remarks);
            let answer_raw = raw.map(|v| v.text.trim().to_owned()).unwrap_or_default();
            Response {
                answer: vocabulary.classify(&answer_raw),
                answer_raw,
                evidence: evidence
                    .map(|v| v.text.trim().to_owned())
                    .unwrap_or_default(),
                remarks: remarks
                    .map(|v| v.text.trim().to_owned())
                    .unwrap_or_default(),
                answer_col: raw.map(|v| v.col),
                evidence_col: evidence.map(|v| v.col),
                remarks_col: remarks.map(|v| v.col),
            }
        })
        .collect()
}
