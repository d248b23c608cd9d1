//! Text normalisation for comparison: NFKC, white space, case.
//!
//! Nothing here changes what is shown to the user; these are the keys by which
//! labels, numbers and requirement texts are compared, so that full-width and
//! half-width forms, line breaks and spacing never count as a difference.

use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

/// NFKC, every run of white space (line breaks included) made one space, trimmed.
pub fn normalize(s: &str) -> String {
    normalized(s).into_owned()
}

/// [`normalize`] without a copy when the text is already normal (the common
/// case for numbers, levels and most Japanese text).
pub fn normalized(s: &str) -> std::borrow::Cow<'_, str> {
    match form(s) {
        Form::Normal => {
            let t = s.trim();
            if tidy(t) {
                return std::borrow::Cow::Borrowed(t);
            }
            collapse(s.chars()).into()
        }
        Form::Narrow => collapse(narrowed(s).chars()).into(),
        Form::General => collapse(s.nfkc()).into(),
    }
}

/// How a text reaches NFKC.
enum Form {
    /// It is in NFKC already.
    Normal,
    /// Through [`narrowed`], a character at a time.
    Narrow,
    /// Through the general algorithm.
    General,
}

fn form(s: &str) -> Form {
    let bytes = s.as_bytes();
    let mut narrow = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            i += 1;
            continue;
        }
        if plain_at(bytes, i) {
            i += 3;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if stable(c) {
            continue;
        }
        if !to_ascii(c) {
            return if unicode_normalization::is_nfkc_quick(s.chars())
                == unicode_normalization::IsNormalized::Yes
            {
                Form::Normal
            } else {
                Form::General
            };
        }
        narrow = true;
    }
    if narrow {
        Form::Narrow
    } else {
        Form::Normal
    }
}

/// Forms NFKC maps to ASCII one character at a time: full-width ASCII and
/// the ideographic space (`（`, `：`, `１`, `Ａ`), circled and parenthesised
/// numbers (`①`, `⑴`) and roman numerals (`Ⅲ`), the common case of Japanese
/// checklists. Neither they nor the [`stable`] characters combine with their
/// neighbours, so a text of only these is normalised a character at a time,
/// without the general algorithm over the whole text.
fn to_ascii(c: char) -> bool {
    matches!(c,
        '\u{FF01}'..='\u{FF5E}' | '\u{3000}'
        | '\u{2460}'..='\u{249B}'   // ① … ⒛, ⑴ … ⒇, ⒈ … ⒛
        | '\u{2160}'..='\u{217F}'   // Ⅰ … ⅿ
    )
}

/// A text of [`Form::Narrow`] as NFKC gives it.
fn narrowed(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{FF01}'..='\u{FF5E}' => out.extend(char::from_u32(c as u32 - 0xFEE0)),
            '\u{3000}' => out.push(' '),
            c if to_ascii(c) => out.extend(std::iter::once(c).nfkc()),
            c => out.push(c),
        }
    }
    out
}

/// No white space but single spaces.
fn tidy(t: &str) -> bool {
    let mut space = false;
    for c in t.chars() {
        match c {
            ' ' if space => return false,
            ' ' => space = true,
            c if c.is_whitespace() => return false,
            _ => space = false,
        }
    }
    true
}

/// Ranges that NFKC leaves alone, checked first because the library's quick
/// check costs a table search per character.
fn stable(c: char) -> bool {
    // the usual characters of a Japanese text first
    if c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        return true;
    }
    matches!(c,
        '\u{0}'..='\u{7F}'            // ASCII
        | '\u{3001}'..='\u{3003}'     // 、。〃
        | '\u{3005}'..='\u{3007}'     // 々〆〇
        | '\u{3008}'..='\u{3011}'     // brackets 〈〉《》「」『』【】
        | '\u{3013}'..='\u{301F}'
        | '\u{3041}'..='\u{3096}'     // hiragana (not the combining marks)
        | '\u{309D}'..='\u{309E}'
        | '\u{30A1}'..='\u{30FA}'     // katakana
        | '\u{30FC}'..='\u{30FE}'
        | '\u{30FB}'                  // ・
        | '\u{4E00}'..='\u{9FFF}'     // CJK unified ideographs
        | '\u{2010}'                  // dashes, quotes, bullets (not the
        | '\u{2012}'..='\u{2016}'     // non-breaking hyphen, double low
        | '\u{2018}'..='\u{2023}'     // line or leaders, which NFKC maps)
        | '\u{2027}'
        | '\u{25A0}'..='\u{25FF}'     // geometric shapes ○ △ □
        | '\u{2715}' | '\u{2716}' | '\u{00D7}' | '\u{2713}' | '\u{2714}'
    )
}

fn collapse(chars: impl Iterator<Item = char>) -> String {
    let mut out = String::new();
    let mut space = false;
    for c in chars {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// NFKC, all white space removed, lower case: the key for header labels and
/// for "formatting-only" comparisons of texts.
pub fn compact(s: &str) -> String {
    compact_cow(s).into_owned()
}

/// [`compact`], the text itself where it is compact already (most of a
/// Japanese checklist's requirement texts: no white space, no upper case, no
/// full-width ASCII), without a copy.
pub fn compact_cow(s: &str) -> Cow<'_, str> {
    if let Some(out) = compact_plain(s) {
        return out;
    }
    let mut out = String::with_capacity(s.len());
    match form(s) {
        Form::Normal => push_folded(&mut out, s.chars()),
        Form::Narrow => push_folded(&mut out, narrowed(s).chars()),
        Form::General => push_folded(&mut out, s.nfkc()),
    }
    Cow::Owned(out)
}

/// [`compact`] in one pass that copies the runs of characters it keeps as
/// they are (kana, kanji, lower-case ASCII) and maps the [`to_ascii`] forms
/// one at a time; `None` when a character needs the general algorithm. The
/// text itself where nothing in it changes.
fn compact_plain(s: &str) -> Option<Cow<'_, str>> {
    let bytes = s.as_bytes();
    // made at the first character that changes
    let mut changed: Option<String> = None;
    let (mut run, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if (ASCII_CHANGES >> b) & 1 == 1 {
                let out = changed.get_or_insert_with(|| String::with_capacity(s.len()));
                out.push_str(&s[run..i]);
                if !b.is_ascii_whitespace() {
                    out.push(b.to_ascii_lowercase() as char);
                }
                run = i + 1;
            }
            i += 1;
            continue;
        }
        if plain_at(bytes, i) {
            i += 3;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        let n = c.len_utf8();
        if !(caseless(c) && stable(c)) {
            let out = changed.get_or_insert_with(|| String::with_capacity(s.len()));
            out.push_str(&s[run..i]);
            run = i + n;
            if stable(c) {
                if !c.is_whitespace() {
                    out.extend(c.to_lowercase());
                }
            } else if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
                // full-width ASCII, the usual one: as NFKC maps it
                let a = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
                out.push(a.to_ascii_lowercase());
            } else if to_ascii(c) {
                // one character at a time, as `narrowed` does
                let mut one = [0u8; 4];
                push_folded(out, narrowed(c.encode_utf8(&mut one)).chars());
            } else {
                return None;
            }
        }
        i += n;
    }
    Some(match changed {
        Some(mut out) => {
            out.push_str(&s[run..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(s),
    })
}

/// The ASCII bytes [`compact`] changes: upper case and white space.
const ASCII_CHANGES: u128 = {
    let mut mask = 0u128;
    let mut b = 0u8;
    while b < 0x80 {
        if b.is_ascii_uppercase() || b.is_ascii_whitespace() {
            mask |= 1 << b;
        }
        b += 1;
    }
    mask
};

/// The plain characters of U+3000–U+30FF (CJK punctuation and kana of the
/// [`stable`] ranges), one bit each.
const PLAIN_KANA: [u64; 4] = {
    let mut bits = [0u64; 4];
    let mut u = 0x3000u32;
    while u <= 0x30FF {
        if matches!(u,
            0x3001..=0x3003 | 0x3005..=0x3011 | 0x3013..=0x301F
            | 0x3041..=0x3096 | 0x309D..=0x309E | 0x30A1..=0x30FE)
        {
            let k = (u - 0x3000) as usize;
            bits[k >> 6] |= 1 << (k & 63);
        }
        u += 1;
    }
    bits
};

/// A three-byte character that NFKC leaves alone and that has no case
/// begins at byte `i` of valid UTF-8: a CJK unified ideograph (U+4E00–
/// U+9FFF), or kana and CJK punctuation of the [`stable`] ranges. Told from
/// the bytes, without decoding and without a branch on which kind it is
/// (kana and kanji alternate unpredictably): most of a Japanese text.
fn plain_at(bytes: &[u8], i: usize) -> bool {
    let Some(&[lead, b1, b2]) = bytes.get(i..i + 3) else {
        return false;
    };
    // U+4E00–U+9FFF: E4 B8 80 to E9 BF BF
    let kanji = lead.wrapping_sub(0xE5) <= 4 || (lead == 0xE4) & (b1 >= 0xB8);
    // U+3000–U+30FF: E3 80 80 to E3 83 BF
    let k = (usize::from(b1 & 0x03) << 6) | usize::from(b2 & 0x3F);
    let kana = (lead == 0xE3) & (b1 <= 0x83) & ((PLAIN_KANA[k >> 6] >> (k & 63)) & 1 == 1);
    kanji | kana
}

/// Characters without white space, lower case.
fn push_folded(out: &mut String, chars: impl Iterator<Item = char>) {
    for c in chars {
        if c.is_ascii() {
            if !c.is_ascii_whitespace() {
                out.push(c.to_ascii_lowercase());
            }
        } else if caseless(c) {
            // kana and kanji: no case, and the ideographic space is the
            // only white space among them
            if c != '\u{3000}' {
                out.push(c);
            }
        } else if !c.is_whitespace() {
            out.extend(c.to_lowercase());
        }
    }
}

/// Ranges where no character has a lower case form (CJK punctuation, kana,
/// CJK ideographs, half-width kana): most of a Japanese text, folded without
/// a table search.
fn caseless(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF61}'..='\u{FF9F}')
}

/// True when the text is, after NFKC and trimming, a whole number such as
/// `12`, `１２` or `12.0`.
pub fn as_integer(s: &str) -> Option<u64> {
    integer_of(&normalized(s))
}

/// [`as_integer`] of a text already normalised.
pub fn integer_of(n: &str) -> Option<u64> {
    let (whole, frac) = n.split_once('.').unwrap_or((n, ""));
    if whole.is_empty()
        || whole.len() > 9
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b == b'0')
    {
        return None;
    }
    whole.parse().ok()
}

/// Split a one-cell item number (`1-1-1-1`, `1.1.1.1`, `１－１－１－１`,
/// `A.5.1`) into its parts; `None` when the text is not such a number.
pub fn split_number(s: &str) -> Option<Vec<String>> {
    split_normalized(&normalized(s))
}

/// Calls `part` with each part of a one-cell item number already
/// normalised (parts are separated by `- . ‐ − – — _ /` and spaces); false
/// when the text is not such a number (a part that is neither digits, nor a
/// short letter prefix of the first part, nor a letter and digits; or no
/// digit at all). One pass, no copies: every cell is typed, few are split.
fn each_part<'a>(n: &'a str, mut part: impl FnMut(&'a str)) -> bool {
    let n = n.trim_end_matches(['.', ')']);
    if n.is_empty() || n.len() > 40 * 4 || n.chars().nth(40).is_some() {
        return false;
    }
    let mut digit = false;
    let mut index = 0;
    let mut start = 0;
    let separator = |c: char| matches!(c, '-' | '.' | '‐' | '−' | '–' | '—' | '_' | '/' | ' ');
    for (i, c) in n.char_indices().chain(std::iter::once((n.len(), ' '))) {
        if !separator(c) {
            continue;
        }
        let p = &n[start..i];
        start = i + c.len_utf8();
        if p.is_empty() {
            continue;
        }
        let b = p.as_bytes();
        let digits = b.iter().all(u8::is_ascii_digit) && b.len() <= 6;
        // a short letter prefix is allowed on the first part only (A.5.1, AC-2)
        let prefix = index == 0 && b.len() <= 4 && b.iter().all(u8::is_ascii_alphabetic);
        let mixed = b.len() <= 6
            && b.len() > 1
            && b[0].is_ascii_alphabetic()
            && b[1..].iter().all(u8::is_ascii_digit);
        if !(digits || prefix || mixed) {
            return false;
        }
        digit |= b.iter().any(u8::is_ascii_digit);
        index += 1;
        part(p);
    }
    index > 0 && digit
}

/// How many parts a one-cell item number already normalised has; `None`
/// when the text is no such number.
pub fn count_parts(n: &str) -> Option<usize> {
    let mut count = 0;
    each_part(n, |_| count += 1).then_some(count)
}

/// [`split_number`] of a text already normalised.
pub fn split_normalized(n: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    each_part(n, |p| parts.push(p)).then(|| {
        parts
            .into_iter()
            .map(|p| {
                if p.bytes().all(|b| b.is_ascii_digit()) {
                    let t = p.trim_start_matches('0');
                    if t.is_empty() { "0" } else { t }.to_owned()
                } else {
                    p.to_ascii_uppercase()
                }
            })
            .collect()
    })
}

/// Number of terminal columns a string takes (CJK characters count two).
pub fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compact_text_is_folded_to_itself_without_a_copy() {
        for s in [
            "経営陣は、情報セキュリティに責任を持つこと。",
            "・規程があるか",
            "abc1-2",
            "",
        ] {
            assert!(
                matches!(compact_cow(s), Cow::Borrowed(t) if t == s),
                "{s:?}"
            );
        }
        for (s, folded) in [
            ("Ａ社の 規程", "a社の規程"),
            ("要件\n（続き）", "要件(続き)"),
            ("Wide", "wide"),
            ("①", "1"),
        ] {
            assert!(
                matches!(compact_cow(s), Cow::Owned(ref t) if t == folded),
                "{s:?}"
            );
        }
    }

    proptest::proptest! {
        /// The fold, copied or not, is what NFKC and the removal of white
        /// space and case give (the general algorithm, taken independently),
        /// and the text comes back uncopied only where that leaves it as it
        /// is.
        #[test]
        fn a_text_comes_back_uncopied_only_where_it_folds_to_itself(
            s in "[あ-んア-ン亜-唖a-zA-Z0-9 　（）・、。ＡａⅢ①\\-\n]{0,40}"
        ) {
            let mut general = String::new();
            push_folded(&mut general, s.nfkc());
            let folded = compact_cow(&s);
            if matches!(folded, Cow::Borrowed(_)) {
                proptest::prop_assert_eq!(general.as_str(), s.as_str());
            }
            proptest::prop_assert_eq!(folded.as_ref(), general.as_str());
        }
    }

    #[test]
    fn plain_characters_are_told_by_their_bytes() {
        for c in ('\u{3000}'..='\u{A000}').chain(['a', '\u{4DFF}', '\u{FF08}']) {
            let s = c.to_string();
            assert_eq!(
                plain_at(s.as_bytes(), 0),
                caseless(c) && stable(c) && !c.is_ascii(),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn the_stable_ranges_are_stable() {
        for c in (0u32..0x1_0000)
            .filter_map(char::from_u32)
            .filter(|&c| stable(c))
        {
            let s = c.to_string();
            assert_eq!(s.nfkc().collect::<String>(), s, "U+{:04X}", c as u32);
        }
        assert_eq!(normalize("…"), "...");
    }

    #[test]
    fn full_width_forms_map_as_nfkc_maps_them() {
        let all: String = ('\u{FF01}'..='\u{FF5E}')
            .chain('\u{2460}'..='\u{249B}')
            .chain('\u{2160}'..='\u{217F}')
            .chain(['\u{3000}', '漢', 'か', '1', '.'])
            .collect();
        let general: String = all.nfkc().collect();
        assert!(matches!(form(&all), Form::Narrow));
        assert_eq!(narrowed(&all), general);
        assert_eq!(normalize("（１）　対策"), "(1) 対策");
        assert_eq!(compact("ＡＢＣ：　ｄ"), "abc:d");
        // the one-pass path and the general one agree
        for text in [
            "必須 /推奨",
            "GLでの 参照 箇所",
            "Ab ×○ 漢字\nかな",
            "Ⅲ．１",
            "䶿一鿿\u{4DFF}丁",
        ] {
            let mut general = String::new();
            push_folded(&mut general, text.nfkc());
            assert_eq!(compact(text), general, "{text}");
        }
    }

    #[test]
    fn normalize_unifies_widths_and_spaces() {
        assert_eq!(normalize("  ＡＢＣ　１２\n３ "), "ABC 12 3");
        assert_eq!(compact("必須 /推奨"), "必須/推奨");
        assert_eq!(compact("GLでの 参照 箇所"), "glでの参照箇所");
    }

    #[test]
    fn integers_in_every_spelling() {
        assert_eq!(as_integer("12"), Some(12));
        assert_eq!(as_integer("１２"), Some(12));
        assert_eq!(as_integer("3.0"), Some(3));
        assert_eq!(as_integer(" 7 "), Some(7));
        assert_eq!(as_integer("3.2"), None);
        assert_eq!(as_integer("II"), None);
        assert_eq!(as_integer(""), None);
    }

    #[test]
    fn one_cell_numbers_split() {
        let v = |s: &[&str]| Some(s.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(split_number("1-1-1-1"), v(&["1", "1", "1", "1"]));
        assert_eq!(split_number("1.2.3.4"), v(&["1", "2", "3", "4"]));
        assert_eq!(split_number("１－２－３－０４"), v(&["1", "2", "3", "4"]));
        assert_eq!(split_number("A.5.1"), v(&["A", "5", "1"]));
        assert_eq!(split_number("AC-2"), v(&["AC", "2"]));
        assert_eq!(split_number("12"), v(&["12"]));
        assert_eq!(split_number("設備"), None);
        assert_eq!(split_number("総務省 ASP-GL"), None);
    }
}
