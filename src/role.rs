//! Column roles and the header vocabulary that recognises them.
//!
//! A header label is compared after NFKC, removal of white space and case
//! folding. An exact vocabulary entry wins; otherwise the longest entry the
//! label contains (so `エビデンス（文書名・章番号）` is evidence, `大分類` is not
//! `分類`). Short ASCII words (`No`, `ID`, `Ref`) only match as whole words.

use serde::Serialize;

use crate::text::compact;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Major,
    Middle,
    Minor,
    Req,
    /// One cell holding the whole item number (`1-1-1-1`), or a generic `項番`.
    Id,
    Category,
    Level,
    Measure,
    Guideline,
    Ref,
    Check,
    Answer,
    Evidence,
    Remarks,
}

impl Role {
    /// Roles that hold (part of) an item number.
    pub fn is_number(self) -> bool {
        matches!(
            self,
            Role::Major | Role::Middle | Role::Minor | Role::Req | Role::Id
        )
    }

    /// Roles a vendor fills in.
    pub fn is_response(self) -> bool {
        matches!(self, Role::Answer | Role::Evidence | Role::Remarks)
    }
}

/// The vocabulary: label (any spelling; compacted before use) → role.
const VOCABULARY: &[(&str, Role)] = &[
    // numbering
    ("大分類", Role::Major),
    ("大項目", Role::Major),
    ("章", Role::Major),
    ("major", Role::Major),
    ("中分類", Role::Middle),
    ("中項目", Role::Middle),
    ("節", Role::Middle),
    ("middle", Role::Middle),
    ("小分類", Role::Minor),
    ("小項目", Role::Minor),
    ("minor", Role::Minor),
    ("要件", Role::Req),
    ("要件番号", Role::Req),
    ("項目番号", Role::Req),
    ("細目", Role::Req),
    ("枝番", Role::Req),
    ("req", Role::Req),
    ("項番", Role::Id),
    ("番号", Role::Id),
    ("管理番号", Role::Id),
    ("通番", Role::Id),
    ("no", Role::Id),
    ("no.", Role::Id),
    ("id", Role::Id),
    ("#", Role::Id),
    ("itemno", Role::Id),
    ("itemno.", Role::Id),
    ("controlid", Role::Id),
    ("controlno", Role::Id),
    ("requirementid", Role::Id),
    ("requirementno", Role::Id),
    ("requirementno.", Role::Id),
    ("reqid", Role::Id),
    ("reqno", Role::Id),
    ("number", Role::Id),
    // description
    ("分類", Role::Category),
    ("カテゴリ", Role::Category),
    ("カテゴリー", Role::Category),
    ("category", Role::Category),
    ("domain", Role::Category),
    ("section", Role::Category),
    ("area", Role::Category),
    ("topic", Role::Category),
    ("controlfamily", Role::Category),
    ("family", Role::Category),
    ("必須/推奨", Role::Level),
    ("必須・推奨", Role::Level),
    ("必須推奨", Role::Level),
    ("必須or推奨", Role::Level),
    ("区分", Role::Level),
    ("要求レベル", Role::Level),
    ("mandatory/recommended", Role::Level),
    ("required/recommended", Role::Level),
    ("level", Role::Level),
    ("priority", Role::Level),
    ("severity", Role::Level),
    ("重要度", Role::Level),
    ("対策項目", Role::Measure),
    ("要求事項", Role::Measure),
    ("要件内容", Role::Measure),
    ("要求内容", Role::Measure),
    ("管理策", Role::Measure),
    ("対策内容", Role::Measure),
    ("チェック項目", Role::Measure),
    ("質問", Role::Measure),
    ("設問", Role::Measure),
    ("項目", Role::Measure),
    ("評価項目", Role::Measure),
    ("点検項目", Role::Measure),
    ("内容", Role::Measure),
    ("要求", Role::Measure),
    ("description", Role::Measure),
    ("controlobjective", Role::Measure),
    ("requirementtext", Role::Measure),
    ("controltext", Role::Measure),
    ("requirement", Role::Measure),
    ("requirements", Role::Measure),
    ("control", Role::Measure),
    ("question", Role::Measure),
    ("measure", Role::Measure),
    ("対象gl", Role::Guideline),
    ("参照ガイドライン", Role::Guideline),
    ("対象ガイドライン", Role::Guideline),
    ("ガイドライン", Role::Guideline),
    ("準拠基準", Role::Guideline),
    ("guideline", Role::Guideline),
    ("guidelines", Role::Guideline),
    ("standard", Role::Guideline),
    ("根拠規格", Role::Guideline),
    ("参照規格", Role::Guideline),
    ("glでの参照箇所", Role::Ref),
    ("参照箇所", Role::Ref),
    ("該当箇所", Role::Ref),
    ("参照先", Role::Ref),
    ("参照", Role::Ref),
    ("reference", Role::Ref),
    ("references", Role::Ref),
    ("ref", Role::Ref),
    ("確認項目", Role::Check),
    ("確認のポイント", Role::Check),
    ("確認ポイント", Role::Check),
    ("確認事項", Role::Check),
    ("確認内容", Role::Check),
    ("確認方法", Role::Check),
    ("checkpoints", Role::Check),
    ("checkpoint", Role::Check),
    ("checkpoints", Role::Check),
    ("check", Role::Check),
    ("チェック内容", Role::Check),
    ("着眼点", Role::Check),
    ("確認の着眼点", Role::Check),
    ("解説", Role::Check),
    ("guidance", Role::Check),
    ("implementationguidance", Role::Check),
    ("auditguidance", Role::Check),
    ("testprocedure", Role::Check),
    // responses
    ("回答", Role::Answer),
    ("回答欄", Role::Answer),
    ("適合状況", Role::Answer),
    ("実施状況", Role::Answer),
    ("対応状況", Role::Answer),
    ("自己評価", Role::Answer),
    ("評価", Role::Answer),
    ("チェック", Role::Answer),
    ("結果", Role::Answer),
    ("判定", Role::Answer),
    ("実施有無", Role::Answer),
    ("対応有無", Role::Answer),
    ("answer", Role::Answer),
    ("response", Role::Answer),
    ("status", Role::Answer),
    ("compliance", Role::Answer),
    ("compliant", Role::Answer),
    ("yes/no", Role::Answer),
    ("self-assessment", Role::Answer),
    ("selfassessment", Role::Answer),
    ("rating", Role::Answer),
    ("回答(○×)", Role::Answer),
    ("記入欄", Role::Answer),
    ("根拠資料", Role::Evidence),
    ("根拠", Role::Evidence),
    ("エビデンス", Role::Evidence),
    ("証跡", Role::Evidence),
    ("証憑", Role::Evidence),
    ("該当文書", Role::Evidence),
    ("文書名", Role::Evidence),
    ("資料名", Role::Evidence),
    ("提出資料", Role::Evidence),
    ("evidence", Role::Evidence),
    ("referencedocument", Role::Evidence),
    ("referencedocuments", Role::Evidence),
    ("備考", Role::Remarks),
    ("コメント", Role::Remarks),
    ("補足", Role::Remarks),
    ("補足説明", Role::Remarks),
    ("特記事項", Role::Remarks),
    ("remarks", Role::Remarks),
    ("remark", Role::Remarks),
    ("comments", Role::Remarks),
    ("comment", Role::Remarks),
    ("notes", Role::Remarks),
    ("note", Role::Remarks),
    ("対応内容", Role::Remarks),
    ("実施内容", Role::Remarks),
    ("justification", Role::Remarks),
    ("explanation", Role::Remarks),
];

/// A vocabulary entry is matched inside a longer label only when it is long
/// enough not to occur by accident (`no` in `annotation`).
fn matches_inside(word: &str) -> bool {
    !word.is_ascii() || word.len() >= 5
}

/// The role of a header label, if it is one.
///
/// Every row is tried as a header, and data rows repeat the same short texts
/// (levels, guideline names, category labels): answers are remembered per
/// thread.
pub fn role_of(label: &str) -> Option<Role> {
    thread_local! {
        static SEEN: std::cell::RefCell<foldhash::HashMap<String, Option<Role>>> =
            std::cell::RefCell::new(foldhash::HashMap::default());
    }
    SEEN.with(|seen| {
        if let Some(&role) = seen.borrow().get(label) {
            return role;
        }
        let role = classify(label);
        let mut seen = seen.borrow_mut();
        if seen.len() > 50_000 {
            seen.clear();
        }
        seen.insert(label.to_owned(), role);
        role
    })
}

fn classify(label: &str) -> Option<Role> {
    let key = strip_decoration(&compact(label));
    if key.is_empty() || key.chars().count() > 40 {
        return None;
    }
    if let Some(role) = lookup(&key) {
        return Some(role);
    }
    // The label without its bracketed remarks: `回答（○/×）` → `回答`.
    let core = strip_brackets(&key);
    if core != key && !core.is_empty() {
        if let Some(role) = lookup(&core) {
            return Some(role);
        }
        if let Some(role) = longest_inside(&core) {
            return Some(role);
        }
    }
    longest_inside(&key).or_else(|| whole_word(label))
}

/// The vocabulary compacted once.
fn vocabulary() -> &'static [(String, Role)] {
    static COMPACTED: std::sync::OnceLock<Vec<(String, Role)>> = std::sync::OnceLock::new();
    COMPACTED.get_or_init(|| VOCABULARY.iter().map(|&(w, r)| (compact(w), r)).collect())
}

fn lookup(key: &str) -> Option<Role> {
    vocabulary().iter().find(|(w, _)| w == key).map(|&(_, r)| r)
}

/// The longest entry inside the label, if the label is not much longer than
/// it (a title that happens to contain `チェック` is not an answer column).
fn longest_inside(key: &str) -> Option<Role> {
    let len = key.chars().count();
    vocabulary()
        .iter()
        .filter(|(w, _)| matches_inside(w) && key.contains(w.as_str()))
        .filter(|(w, _)| len <= w.chars().count() + 8)
        // equal lengths: the specific number part beats the generic 項番
        .max_by_key(|(w, r)| (w.chars().count(), *r != Role::Id))
        .map(|&(_, r)| r)
}

/// Short English words as whole words of the label: `Item No.` → id.
fn whole_word(label: &str) -> Option<Role> {
    let lower = crate::text::normalize(label).to_lowercase();
    // a label is a few ASCII words; a sentence that mentions "section" is not
    if !lower.is_ascii() || lower.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '#')
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() > 3 {
        return None;
    }
    words.into_iter().find_map(lookup)
}

fn strip_decoration(key: &str) -> String {
    key.trim_matches(|c: char| matches!(c, ':' | '*' | '※' | '★' | '■' | '●' | '◆'))
        .to_owned()
}

fn strip_brackets(key: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in key.chars() {
        match c {
            '(' | '[' | '【' | '〔' | '<' | '「' => depth += 1,
            ')' | ']' | '】' | '〕' | '>' | '」' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_from_the_design_vocabulary() {
        let cases: &[(&str, Option<Role>)] = &[
            ("大分類", Some(Role::Major)),
            ("大 分類", Some(Role::Major)),
            ("中分類", Some(Role::Middle)),
            ("小分類", Some(Role::Minor)),
            ("要件", Some(Role::Req)),
            ("項番", Some(Role::Id)),
            ("項番 要件", Some(Role::Req)),
            ("No.", Some(Role::Id)),
            ("Item No.", Some(Role::Id)),
            ("ID", Some(Role::Id)),
            ("分類", Some(Role::Category)),
            ("必須／推奨", Some(Role::Level)),
            ("必須 /推奨", Some(Role::Level)),
            ("区分", Some(Role::Level)),
            ("対策項目", Some(Role::Measure)),
            ("要求事項", Some(Role::Measure)),
            ("Requirement", Some(Role::Measure)),
            ("Requirement ID", Some(Role::Id)),
            ("対象GL", Some(Role::Guideline)),
            ("GLでの 参照 箇所", Some(Role::Ref)),
            ("GLでの参照箇所", Some(Role::Ref)),
            ("確認項目", Some(Role::Check)),
            ("確認のポイント", Some(Role::Check)),
            ("Check points", Some(Role::Check)),
            ("回答", Some(Role::Answer)),
            ("回答（○/×）", Some(Role::Answer)),
            ("自己評価", Some(Role::Answer)),
            ("Compliance", Some(Role::Answer)),
            ("根拠資料", Some(Role::Evidence)),
            ("エビデンス（文書名・章番号）", Some(Role::Evidence)),
            ("Reference document", Some(Role::Evidence)),
            ("Reference", Some(Role::Ref)),
            ("備考", Some(Role::Remarks)),
            ("Comments", Some(Role::Remarks)),
            ("評価項目", Some(Role::Measure)),
            ("確認の着眼点", Some(Role::Check)),
            ("対応内容", Some(Role::Remarks)),
            ("Control Objective", Some(Role::Measure)),
            ("Implementation Guidance", Some(Role::Check)),
            ("Control Family", Some(Role::Category)),
            ("Yes/No", Some(Role::Answer)),
            ("Self-Assessment", Some(Role::Answer)),
            ("HISPRO 外部保存、ASP・SaaS チェックシート", None),
            ("1. 設備・運用", None),
            ("annotation", None),
            ("Data Retention Policy, section 2.5", None),
            ("Planned for Q3", None),
            ("", None),
        ];
        for (label, want) in cases {
            assert_eq!(role_of(label), *want, "label {label:?}");
        }
    }
}
