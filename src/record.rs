//! Item numbering: from the number cells of each row to a unique id.
//!
//! Numbers come split over columns (`大分類 中分類 小分類 要件`) or in one cell
//! (`1-1-1-1`). Group numbers left empty take the value of the item row above
//! in the same block (merged or not); a requirement number never does. What the
//! printed numbers leave open is decided from the rows around:
//!
//! - a minor column that repeats the requirement number on every row of its
//!   group (`3 1 26 26`) is a copy, not a level;
//! - three numbers under a four-number header are major, middle and
//!   requirement when the third number runs 1, 2, 3 … and major, middle and
//!   minor (requirement missing) when it repeats;
//! - a missing or repeated requirement number is reconstructed as the next
//!   ordinal of its group, counted across page breaks, with a warning naming
//!   the row; an ambiguous one keeps its reading and gets a warning.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::Diagnostic;
use crate::error::Location;
use crate::layout::{Layout, RawRecord};
use crate::role::Role;
use crate::text::{integer_of, normalized, split_number};

/// How an item got its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IdOrigin {
    /// The printed numbers.
    Printed,
    /// Rebuilt: the printed requirement number was missing or repeated.
    Reconstructed,
    /// Printed numbers that can be read two ways; one reading was taken.
    Ambiguous,
    /// The checklist prints no numbers at all: ids are the item ordinals.
    Ordinal,
}

/// The number of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    pub id: String,
    pub major: String,
    pub middle: String,
    pub minor: String,
    pub req: String,
    pub origin: IdOrigin,
}

/// Number parts of one row before interpretation.
#[derive(Debug, Clone, Default)]
struct Parts {
    major: Option<String>,
    middle: Option<String>,
    minor: Option<String>,
    req: Option<String>,
    /// The header has a requirement column, but the row printed fewer numbers
    /// than the header has number columns.
    short: bool,
    /// The third number was read as the requirement (see module doc).
    req_from_third: bool,
    /// No number of any kind on the row.
    none: bool,
    /// The whole number came from one cell: nothing to fill down.
    from_cell: bool,
}

fn clean_part(s: &str) -> Option<String> {
    let n = normalized(s);
    if n.is_empty() {
        return None;
    }
    Some(match integer_of(&n) {
        Some(i) => i.to_string(),
        None => n.into_owned(),
    })
}

fn parts_of(
    record: &RawRecord,
    header_numbers: &[Role],
    file: &std::path::Path,
    diags: &mut Vec<Diagnostic>,
) -> Parts {
    let mut p = Parts::default();
    let take =
        |role: Role| -> Option<String> { record.get(role).and_then(|v| clean_part(&v.text)) };
    p.major = take(Role::Major);
    p.middle = take(Role::Middle);
    p.minor = take(Role::Minor);
    p.req = take(Role::Req);
    // The requirement number printed twice must agree.
    let reqs: Vec<String> = record
        .all(Role::Req)
        .filter_map(|v| clean_part(&v.text))
        .collect();
    if reqs.windows(2).any(|w| w[0] != w[1]) {
        let loc = Location::file(file)
            .sheet(record.sheet.as_deref())
            .cell(record.row, None);
        diags.push(Diagnostic::warning(
            loc,
            format!("the requirement number is printed twice with different values ({}); the first is used", reqs.join(" and ")),
        ));
    }
    // One cell holding the whole number, or a plain ordinal.
    if let Some(id) = record.get(Role::Id) {
        if let Some(mut parts) = split_number(&id.text) {
            // five parts ending in a repeated number are four printed with
            // the requirement twice (`1-1-1-5-5`, as the seed prints it)
            if parts.len() == 5 && parts[3] == parts[4] {
                parts.pop();
            }
            let split_given = p.major.is_some() || p.middle.is_some() || p.minor.is_some();
            if parts.len() == 1 && split_given && p.req.is_none() {
                p.req = Some(parts[0].clone());
            } else if !split_given && p.req.is_none() {
                p.from_cell = true;
                let (last, groups) = parts
                    .split_last()
                    .map(|(l, g)| (l.clone(), g.to_vec()))
                    .unwrap_or_default();
                p.req = Some(last);
                let mut g = groups.into_iter();
                p.major = g.next();
                p.middle = g.next();
                let rest: Vec<String> = g.collect();
                if !rest.is_empty() {
                    p.minor = Some(rest.join("-"));
                }
            }
        }
    }
    let has_req_column = header_numbers.contains(&Role::Req);
    let printed = [&p.major, &p.middle, &p.minor, &p.req]
        .iter()
        .filter(|x| x.is_some())
        .count();
    let header_split = header_numbers.iter().filter(|r| **r != Role::Id).count();
    p.short = has_req_column && p.req.is_none() && printed > 0 && printed < header_split;
    p.none = printed == 0;
    p
}

/// Number every record of a layout.
pub fn number(file: &std::path::Path, layout: &Layout, diags: &mut Vec<Diagnostic>) -> Vec<Number> {
    let records = &layout.records;
    let roles: Vec<Vec<Role>> = layout.blocks.iter().map(|b| b.number_roles()).collect();
    let mut parts: Vec<Parts> = records
        .iter()
        .map(|r| parts_of(r, &roles[r.block], file, diags))
        .collect();
    let any_numbers = parts.iter().any(|p| !p.none);
    if !any_numbers {
        if !records.is_empty() {
            diags.push(Diagnostic::note(
                Location::file(file),
                "the checklist prints no item numbers; ids are the item ordinals 1, 2, 3 …",
            ));
        }
        return (1..=records.len())
            .map(|i| Number {
                id: i.to_string(),
                major: String::new(),
                middle: String::new(),
                minor: String::new(),
                req: i.to_string(),
                origin: IdOrigin::Ordinal,
            })
            .collect();
    }
    fill_down(records, &mut parts);
    read_runs(records, &mut parts);
    assign(file, records, &parts, diags)
}

/// Group numbers left empty take the value of the item row above in the same block.
fn fill_down(records: &[RawRecord], parts: &mut [Parts]) {
    for i in 1..records.len() {
        if records[i].block != records[i - 1].block || parts[i].none && parts[i - 1].none {
            continue;
        }
        let (before, after) = parts.split_at_mut(i);
        let prev = &before[i - 1];
        let cur = &mut after[0];
        if cur.from_cell {
            continue;
        }
        if cur.major.is_none() {
            cur.major.clone_from(&prev.major);
        }
        if cur.middle.is_none() && cur.major == prev.major {
            cur.middle.clone_from(&prev.middle);
        }
        if cur.minor.is_none() && cur.major == prev.major && cur.middle == prev.middle && !cur.short
        {
            cur.minor.clone_from(&prev.minor);
        }
        cur.none = false;
    }
}

/// Runs of rows of one block sharing major and middle.
fn runs(records: &[RawRecord], parts: &[Parts]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=records.len() {
        let boundary = i == records.len()
            || records[i].block != records[start].block
            || parts[i].major != parts[start].major
            || parts[i].middle != parts[start].middle;
        if boundary {
            out.push(start..i);
            start = i;
        }
    }
    out
}

fn read_runs(records: &[RawRecord], parts: &mut [Parts]) {
    for run in runs(records, parts) {
        // `3 1 26 26`: the minor column repeats the requirement number on
        // every row of the group that prints both.
        let both: Vec<usize> = run
            .clone()
            .filter(|&i| parts[i].minor.is_some() && parts[i].req.is_some())
            .collect();
        let copies = both.len() >= 2
            && both.iter().all(|&i| parts[i].minor == parts[i].req)
            && both
                .windows(2)
                .any(|w| parts[w[0]].minor != parts[w[1]].minor);
        if copies {
            for &i in &both {
                parts[i].minor = None;
            }
            continue;
        }
        // Three numbers under a four-number header.
        let short: Vec<usize> = run
            .clone()
            .filter(|&i| parts[i].short && parts[i].minor.is_some())
            .collect();
        if short.is_empty() {
            continue;
        }
        let thirds: Vec<&Option<String>> = short.iter().map(|&i| &parts[i].minor).collect();
        let distinct: HashSet<&Option<String>> = thirds.iter().copied().collect();
        let runs_on = distinct.len() == thirds.len();
        if runs_on {
            for &i in &short {
                let p = &mut parts[i];
                p.req = p.minor.take();
                p.req_from_third = true;
            }
        }
    }
}

fn group_key(p: &Parts) -> String {
    [&p.major, &p.middle, &p.minor]
        .iter()
        .filter_map(|x| x.as_deref())
        .collect::<Vec<_>>()
        .join("-")
}

fn join_id(group: &str, req: &str) -> String {
    if group.is_empty() {
        req.to_owned()
    } else {
        let mut id = String::with_capacity(group.len() + 1 + req.len());
        id.push_str(group);
        id.push('-');
        id.push_str(req);
        id
    }
}

fn ordinal_word(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, x) if x != 11 => "st",
        (2, x) if x != 12 => "nd",
        (3, x) if x != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn assign(
    file: &std::path::Path,
    records: &[RawRecord],
    parts: &[Parts],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Number> {
    let loc = |r: &RawRecord| {
        Location::file(file)
            .sheet(r.sheet.as_deref())
            .cell(r.row, None)
    };
    // Groups (major, middle) that have a minor level somewhere.
    let with_minor: HashSet<(Option<&str>, Option<&str>)> = parts
        .iter()
        .filter(|p| p.minor.is_some())
        .map(|p| (p.major.as_deref(), p.middle.as_deref()))
        .collect();
    let groups: Vec<String> = parts.iter().map(group_key).collect();
    let printed_ids: Vec<Option<String>> = parts
        .iter()
        .zip(&groups)
        .map(|(p, g)| p.req.as_ref().map(|req| join_id(g, req)))
        .collect();
    // Every printed id, so a reconstructed one never takes it; the first row
    // printing an id owns it.
    let mut owner: HashMap<&str, usize> = HashMap::with_capacity(parts.len());
    for (i, id) in printed_ids.iter().enumerate() {
        if let Some(id) = id {
            owner.entry(id.as_str()).or_insert(i);
        }
    }
    let mut taken: HashSet<String> = owner.keys().map(|k| (*k).to_owned()).collect();
    let mut counter: HashMap<&str, u64> = HashMap::new();
    let mut out = Vec::with_capacity(records.len());
    for (i, (record, p)) in records.iter().zip(parts).enumerate() {
        let group = groups[i].as_str();
        let printed = &printed_ids[i];
        let mut origin = IdOrigin::Printed;
        let id = match printed {
            Some(id) if owner.get(id.as_str()) == Some(&i) => {
                if let Some(n) = p.req.as_deref().and_then(integer_of) {
                    let c = counter.entry(group).or_insert(0);
                    *c = (*c).max(n);
                }
                if p.req_from_third
                    && with_minor.contains(&(p.major.as_deref(), p.middle.as_deref()))
                {
                    origin = IdOrigin::Ambiguous;
                    let third = p.req.clone().unwrap_or_default();
                    diags.push(Diagnostic::warning(
                        loc(record),
                        format!(
                            "ambiguous numbering: {} may be requirement {third} of {group} or a group {group}-{third} whose requirement number is missing; read as requirement {third} (id {id})",
                            [&p.major, &p.middle, &p.req].iter().filter_map(|x| x.as_deref()).collect::<Vec<_>>().join(" "),
                        ),
                    ));
                }
                id.clone()
            }
            _ => {
                origin = IdOrigin::Reconstructed;
                let c = counter.entry(group).or_insert(0);
                let mut n = *c + 1;
                let mut candidate = join_id(group, &n.to_string());
                while taken.contains(&candidate) {
                    n += 1;
                    candidate = join_id(group, &n.to_string());
                }
                *c = n;
                let why = match printed {
                    Some(dup) => format!(
                        "the number {dup} is printed again (first on row {})",
                        records[owner[dup.as_str()]].row
                    ),
                    None => "no requirement number is printed".to_owned(),
                };
                let of = if group.is_empty() {
                    String::new()
                } else {
                    format!(" of {group}")
                };
                diags.push(Diagnostic::warning(
                    loc(record),
                    format!(
                        "{why}; id {candidate} reconstructed (the {} item{of})",
                        ordinal_word(n)
                    ),
                ));
                candidate
            }
        };
        taken.insert(id.clone());
        let req = match origin {
            IdOrigin::Reconstructed => id.rsplit('-').next().unwrap_or_default().to_owned(),
            _ => p.req.clone().unwrap_or_default(),
        };
        out.push(Number {
            id,
            major: p.major.clone().unwrap_or_default(),
            middle: p.middle.clone().unwrap_or_default(),
            minor: p.minor.clone().unwrap_or_default(),
            req,
            origin,
        });
    }
    out
}
