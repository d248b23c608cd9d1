//! The answer vocabulary: how vendors write yes, partial, no and n/a.
//!
//! A cell is compared after NFKC and trimming, with a trailing parenthesised
//! note ignored (`○（実施済み）` is yes). Anything not in the vocabulary is
//! `other` and keeps its raw text; an empty cell is unanswered.

use serde::Serialize;

use crate::text::normalize;

/// A normalised answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    Yes,
    Partial,
    No,
    Na,
    Other,
}

impl Answer {
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::Partial => "partial",
            Answer::No => "no",
            Answer::Na => "na",
            Answer::Other => "other",
        }
    }

    pub fn parse_word(s: &str) -> Option<Answer> {
        match s.trim().to_ascii_lowercase().as_str() {
            "yes" => Some(Answer::Yes),
            "partial" => Some(Answer::Partial),
            "no" => Some(Answer::No),
            "na" | "n/a" => Some(Answer::Na),
            "other" => Some(Answer::Other),
            _ => None,
        }
    }
}

const NOTATIONS: &[(&str, Answer)] = &[
    ("○", Answer::Yes),
    ("〇", Answer::Yes),
    ("◯", Answer::Yes),
    ("●", Answer::Yes),
    ("◎", Answer::Yes),
    ("✓", Answer::Yes),
    ("✔", Answer::Yes),
    ("☑", Answer::Yes),
    ("■", Answer::Yes),
    ("はい", Answer::Yes),
    ("有", Answer::Yes),
    ("有り", Answer::Yes),
    ("あり", Answer::Yes),
    ("済", Answer::Yes),
    ("済み", Answer::Yes),
    ("実施済", Answer::Yes),
    ("実施済み", Answer::Yes),
    ("対応済", Answer::Yes),
    ("対応済み", Answer::Yes),
    ("実施", Answer::Yes),
    ("対応", Answer::Yes),
    ("適合", Answer::Yes),
    ("yes", Answer::Yes),
    ("y", Answer::Yes),
    ("true", Answer::Yes),
    ("ok", Answer::Yes),
    ("compliant", Answer::Yes),
    ("implemented", Answer::Yes),
    ("△", Answer::Partial),
    ("▲", Answer::Partial),
    ("一部", Answer::Partial),
    ("一部対応", Answer::Partial),
    ("一部実施", Answer::Partial),
    ("一部適合", Answer::Partial),
    ("部分的", Answer::Partial),
    ("partial", Answer::Partial),
    ("partially", Answer::Partial),
    ("partly", Answer::Partial),
    ("×", Answer::No),
    ("✕", Answer::No),
    ("✖", Answer::No),
    ("x", Answer::No),
    ("いいえ", Answer::No),
    ("無", Answer::No),
    ("無し", Answer::No),
    ("なし", Answer::No),
    ("未", Answer::No),
    ("未実施", Answer::No),
    ("未対応", Answer::No),
    ("不適合", Answer::No),
    ("no", Answer::No),
    ("n", Answer::No),
    ("false", Answer::No),
    ("ng", Answer::No),
    ("non-compliant", Answer::No),
    ("-", Answer::Na),
    ("ー", Answer::Na),
    ("―", Answer::Na),
    ("‐", Answer::Na),
    ("−", Answer::Na),
    ("–", Answer::Na),
    ("—", Answer::Na),
    ("/", Answer::Na),
    ("該当なし", Answer::Na),
    ("該当無し", Answer::Na),
    ("対象外", Answer::Na),
    ("非該当", Answer::Na),
    ("n/a", Answer::Na),
    ("na", Answer::Na),
    ("not applicable", Answer::Na),
];

/// Extra notations given by the user (`--answers FILE`), checked first.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    extra: Vec<(String, Answer)>,
}

impl Vocabulary {
    pub fn with(mut self, notation: &str, answer: Answer) -> Vocabulary {
        self.extra.push((key(notation), answer));
        self
    }

    /// The normalised answer of a cell; `None` for an empty cell.
    pub fn classify(&self, cell: &str) -> Option<Answer> {
        let k = key(cell);
        if k.is_empty() {
            return None;
        }
        let core = strip_note(&k);
        for candidate in [k.as_str(), core.as_str()] {
            if let Some((_, a)) = self.extra.iter().find(|(n, _)| n == candidate) {
                return Some(*a);
            }
            if let Some(a) = builtin(candidate) {
                return Some(a);
            }
        }
        Some(Answer::Other)
    }
}

/// The built-in notation for an already keyed text.
fn builtin(k: &str) -> Option<Answer> {
    static KEYED: std::sync::OnceLock<Vec<(String, Answer)>> = std::sync::OnceLock::new();
    KEYED
        .get_or_init(|| NOTATIONS.iter().map(|&(n, a)| (key(n), a)).collect())
        .iter()
        .find(|(n, _)| n == k)
        .map(|&(_, a)| a)
}

/// True when the cell is one of the known notations (used to recognise an
/// answer column by its content).
pub fn is_notation(cell: &str) -> bool {
    let k = key(cell);
    !k.is_empty() && (builtin(&k).is_some() || builtin(&strip_note(&k)).is_some())
}

fn key(s: &str) -> String {
    normalize(s).to_lowercase()
}

/// `○（実施済み）` → `○`, `yes - see policy` is left alone.
fn strip_note(k: &str) -> String {
    let k = k.trim();
    if let Some(pos) = k.find(['(', '[', '【']) {
        let head = k[..pos].trim();
        if !head.is_empty() {
            return head.to_owned();
        }
    }
    // `○ 実施済み` / `○:規程あり` → leading mark
    let first: String = k.chars().take(1).collect();
    if builtin(&first).is_some() && !first.chars().all(|c| c.is_ascii_alphanumeric()) {
        return first;
    }
    k.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notations_of_the_design() {
        let v = Vocabulary::default();
        let cases: &[(&str, Option<Answer>)] = &[
            ("○", Some(Answer::Yes)),
            ("〇", Some(Answer::Yes)),
            ("◯", Some(Answer::Yes)),
            ("○（実施済み）", Some(Answer::Yes)),
            ("はい", Some(Answer::Yes)),
            ("Yes", Some(Answer::Yes)),
            ("ＹＥＳ", Some(Answer::Yes)),
            ("対応済み", Some(Answer::Yes)),
            ("△", Some(Answer::Partial)),
            ("一部対応", Some(Answer::Partial)),
            ("Partially", Some(Answer::Partial)),
            ("×", Some(Answer::No)),
            ("いいえ", Some(Answer::No)),
            ("未実施", Some(Answer::No)),
            ("No", Some(Answer::No)),
            ("－", Some(Answer::Na)),
            ("-", Some(Answer::Na)),
            ("ー", Some(Answer::Na)),
            ("N/A", Some(Answer::Na)),
            ("該当なし", Some(Answer::Na)),
            ("？", Some(Answer::Other)),
            ("検討中", Some(Answer::Other)),
            ("", None),
            ("  ", None),
        ];
        for (cell, want) in cases {
            assert_eq!(v.classify(cell), *want, "cell {cell:?}");
        }
    }

    #[test]
    fn user_notations_extend_the_vocabulary() {
        let v = Vocabulary::default().with("検討中", Answer::Partial);
        assert_eq!(v.classify("検討中"), Some(Answer::Partial));
    }
}
