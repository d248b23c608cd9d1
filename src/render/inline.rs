//! Character-level differences between an old and a new text, as segments
//! every renderer paints its own way (terminal colours, xlsx rich text, HTML
//! `<del>`/`<ins>`). White space is flattened first: it is no change.

/// What a piece of text is to the other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Same,
    Deleted,
    Inserted,
}

/// A run of text with one mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub mark: Mark,
    pub text: String,
}

/// Runs of white space made one space, ends trimmed.
pub fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn push(out: &mut Vec<Segment>, mark: Mark, text: &str) {
    match out.last_mut() {
        Some(last) if last.mark == mark => last.text.push_str(text),
        _ => out.push(Segment {
            mark,
            text: text.to_owned(),
        }),
    }
}

/// The old text with its deletions marked, and the new text with its
/// insertions marked. Each side keeps its own text to the letter (line
/// breaks included); a change of white space alone is not marked.
pub fn segments(old: &str, new: &str) -> (Vec<Segment>, Vec<Segment>) {
    let diff = similar::TextDiff::from_chars(old, new);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for change in diff.iter_all_changes() {
        let v = change.value();
        let blank = v.chars().all(char::is_whitespace);
        match change.tag() {
            similar::ChangeTag::Equal => {
                push(&mut a, Mark::Same, v);
                push(&mut b, Mark::Same, v);
            }
            similar::ChangeTag::Delete if blank => push(&mut a, Mark::Same, v),
            similar::ChangeTag::Insert if blank => push(&mut b, Mark::Same, v),
            similar::ChangeTag::Delete => push(&mut a, Mark::Deleted, v),
            similar::ChangeTag::Insert => push(&mut b, Mark::Inserted, v),
        }
    }
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_one_mark_are_joined() {
        let (a, b) = segments("定期的に見直すこと。", "年に一度見直すこと。");
        assert_eq!(
            a[0],
            Segment {
                mark: Mark::Deleted,
                text: "定期的".into()
            }
        );
        assert_eq!(
            b[0],
            Segment {
                mark: Mark::Inserted,
                text: "年".into()
            }
        );
        assert_eq!(
            a.iter().map(|s| s.text.as_str()).collect::<String>(),
            "定期的に見直すこと。"
        );
    }

    #[test]
    fn line_breaks_are_kept_and_not_marked() {
        let (a, b) = segments("方針を\n定めること。", "方針を定めること。");
        assert_eq!(
            a,
            vec![Segment {
                mark: Mark::Same,
                text: "方針を\n定めること。".into()
            }]
        );
        assert_eq!(b.len(), 1);
    }
}
