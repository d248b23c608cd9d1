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
//!
//! The stage streams: each decision looks at the rows around within a window
//! of records (a run of one group, the ids printed ahead; 10,000 unless
//! said otherwise), so a list of a million items is numbered holding a
//! window and the ids given. On any list shorter than the window this is the
//! same as looking at the whole list. An item whose printed id nothing ahead
//! can change (no item before holds it, its reading is plain) is numbered as
//! soon as its group is read, so items flow out while the sheet is still
//! being read; a number to rebuild waits for its window, and the items
//! behind it with it.

use std::collections::VecDeque;

use foldhash::{HashMap, HashSet};

use crate::diagnostic::Diagnostic;
use crate::error::Location;
use crate::layout::{Block, RawRecord};
use crate::role::Role;
use crate::text::{integer_of, normalized, split_number};

/// How an item got its id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IdOrigin {
    /// The printed numbers.
    #[default]
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
    // plain digits, the common case: `007` is 7, without the round trip
    if !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit()) {
        let t = s.trim_start_matches('0');
        return Some(if t.is_empty() { "0" } else { t }.to_owned());
    }
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
    let reqs: Vec<String> = if record.all(Role::Req).nth(1).is_some() {
        record
            .all(Role::Req)
            .filter_map(|v| clean_part(&v.text))
            .collect()
    } else {
        Vec::new()
    };
    if reqs.windows(2).any(|w| w[0] != w[1]) {
        let loc = Location::file(file)
            .sheet(record.sheet.as_deref())
            .cell(record.row, None);
        diags.push(Diagnostic::warning(
            loc,
            format!("the requirement number is printed twice with different values ({}); the first is used", reqs.join(" and ")),
        ));
    }
    // One cell holding the whole number, or a plain ordinal (needed only
    // where the split columns give no requirement number).
    if let Some(id) = record.get(Role::Id).filter(|_| p.req.is_none()) {
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

/// What the numbering stage gives, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Numbered {
    Item(RawRecord, Number),
    Diagnostic(Diagnostic),
}

/// Whether the list prints numbers at all (undecided until a number is seen,
/// or a window of records has gone by without one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Undecided,
    Numbered,
    /// No numbers in the first window: ids are the item ordinals.
    Ordinal,
}

/// A record waiting to be numbered.
struct Pending {
    record: RawRecord,
    parts: Parts,
    group: String,
    printed: Option<String>,
}

/// The numbering stage as a stream: records in (in list order), numbered
/// items out.
pub struct Numberer {
    file: std::path::PathBuf,
    /// Records (and rows of a group, and ids printed ahead) looked at
    /// before a record is numbered.
    window: usize,
    /// The number roles of each block's header, by block index.
    roles: Vec<Vec<Role>>,
    out: Vec<Numbered>,
    mode: Mode,
    /// Records seen while the mode is undecided.
    early: Vec<(RawRecord, Parts)>,
    /// The last record's block and parts, for filling group cells down.
    previous: Option<(usize, Parts)>,
    /// The run of records of one block, major and middle being read.
    run: Vec<(RawRecord, Parts)>,
    /// Records read, waiting for the window ahead of them to fill.
    queue: VecDeque<Pending>,
    /// Ids printed in the queue, by [`key`], with how many times.
    queued: HashMap<u64, usize>,
    /// Groups (major, middle) that have a minor level somewhere.
    with_minor: HashSet<(Option<String>, Option<String>)>,
    /// Every id given, with the row of its item and whether it was printed.
    taken: HashMap<Box<str>, (u32, bool)>,
    /// The highest requirement number given in each group.
    counter: HashMap<String, u64>,
    ordinals: u64,
}

impl Numberer {
    pub fn new(file: &std::path::Path) -> Numberer {
        Numberer {
            file: file.to_path_buf(),
            window: crate::catalog::WINDOW,
            roles: Vec::new(),
            out: Vec::new(),
            mode: Mode::Undecided,
            early: Vec::new(),
            previous: None,
            run: Vec::new(),
            queue: VecDeque::new(),
            queued: HashMap::default(),
            with_minor: HashSet::default(),
            taken: HashMap::default(),
            counter: HashMap::default(),
            ordinals: 0,
        }
    }

    /// Look at most `records` records ahead.
    pub fn with_window(mut self, records: usize) -> Numberer {
        self.window = records.max(1);
        self
    }

    /// What was numbered since the last call; `spare` (emptied) holds what
    /// comes next, so that the two buffers are reused, never grown anew.
    pub fn take(&mut self, mut spare: Vec<Numbered>) -> Vec<Numbered> {
        spare.clear();
        std::mem::replace(&mut self.out, spare)
    }

    /// A block's header, before its records.
    pub fn block(&mut self, index: usize, block: &Block) {
        if self.roles.len() <= index {
            self.roles.resize(index + 1, Vec::new());
        }
        self.roles[index] = block.number_roles();
    }

    /// The next record of the list.
    pub fn push(&mut self, record: RawRecord) {
        let mut diags = Vec::new();
        let roles = self.roles.get(record.block).map_or(&[][..], Vec::as_slice);
        let parts = parts_of(&record, roles, &self.file, &mut diags);
        self.out.extend(diags.into_iter().map(Numbered::Diagnostic));
        match self.mode {
            Mode::Undecided if parts.none => {
                self.early.push((record, parts));
                if self.early.len() >= self.window {
                    self.decide(Mode::Ordinal);
                }
            }
            Mode::Undecided => {
                self.decide(Mode::Numbered);
                self.fill(record, parts);
            }
            Mode::Ordinal if parts.none => self.ordinal(record),
            _ => self.fill(record, parts),
        }
    }

    /// The list has no more records.
    pub fn finish(&mut self) {
        if self.mode == Mode::Undecided {
            self.decide(Mode::Ordinal);
        }
        self.close_run();
        self.out.reserve(self.queue.len());
        while !self.queue.is_empty() {
            self.assign_next();
        }
    }

    fn decide(&mut self, mode: Mode) {
        self.mode = mode;
        let early = std::mem::take(&mut self.early);
        if mode == Mode::Ordinal && !early.is_empty() {
            self.out.push(Numbered::Diagnostic(Diagnostic::note(
                Location::file(&self.file),
                "the checklist prints no item numbers; ids are the item ordinals 1, 2, 3 …",
            )));
        }
        for (record, parts) in early {
            match mode {
                Mode::Ordinal => self.ordinal(record),
                _ => self.fill(record, parts),
            }
        }
    }

    /// An item of a list that prints no numbers: the next free ordinal.
    fn ordinal(&mut self, record: RawRecord) {
        self.ordinals += 1;
        while self.taken.contains_key(self.ordinals.to_string().as_str()) {
            self.ordinals += 1;
        }
        let id = self.ordinals.to_string();
        self.taken.insert(id.clone().into(), (record.row, false));
        let number = Number {
            req: id.clone(),
            id,
            major: String::new(),
            middle: String::new(),
            minor: String::new(),
            origin: IdOrigin::Ordinal,
        };
        self.out.push(Numbered::Item(record, number));
    }

    /// Group numbers left empty take the value of the item row above in the
    /// same block; then the record joins the run of its group.
    fn fill(&mut self, record: RawRecord, mut cur: Parts) {
        let previous = match self.run.last() {
            Some((r, p)) => Some((r.block, p)),
            None => self.previous.as_ref().map(|(b, p)| (*b, p)),
        };
        if let Some((block, prev)) = previous {
            if block == record.block && !(cur.none && prev.none) && !cur.from_cell {
                if cur.major.is_none() {
                    cur.major.clone_from(&prev.major);
                }
                if cur.middle.is_none() && cur.major == prev.major {
                    cur.middle.clone_from(&prev.middle);
                }
                if cur.minor.is_none()
                    && cur.major == prev.major
                    && cur.middle == prev.middle
                    && !cur.short
                {
                    cur.minor.clone_from(&prev.minor);
                }
                cur.none = false;
            }
        }
        let boundary = self.run.first().is_some_and(|(first, p)| {
            first.block != record.block || p.major != cur.major || p.middle != cur.middle
        });
        if boundary || self.run.len() >= self.window {
            self.close_run();
        }
        self.run.push((record, cur));
    }

    /// Read the numbers of a run of one group as a whole (see the module
    /// doc), then queue its records.
    fn close_run(&mut self) {
        let mut run = std::mem::take(&mut self.run);
        // the next record fills its group cells from the last one as read,
        // before the run's reading changed it
        if let Some((record, parts)) = run.last() {
            self.previous = Some((record.block, parts.clone()));
        }
        read_run(&mut run);
        // a run is one group (major, middle): it has a minor level if any
        // of its records has one
        if let Some((_, p)) = run.iter().find(|(_, p)| p.minor.is_some()) {
            let group = (p.major.clone(), p.middle.clone());
            if !self.with_minor.contains(&group) {
                self.with_minor.insert(group);
            }
        }
        for (record, parts) in run.drain(..) {
            let group = group_key(&parts);
            let printed = parts.req.as_ref().map(|req| join_id(&group, req));
            if let Some(id) = &printed {
                *self.queued.entry(key(id)).or_insert(0) += 1;
            }
            // the queue grows as it needs to: most records leave it as soon
            // as their ids are settled, and a ring made a window wide at once
            // would be walked through whole, a fresh page every dozen records
            self.queue.push_back(Pending {
                record,
                parts,
                group,
                printed,
            });
            if self.queue.len() > self.window {
                self.assign_next();
            }
        }
        // the emptied buffer for the next run
        self.run = run;
        self.assign_settled();
    }

    /// Number the queued records whose ids nothing ahead can change: from
    /// the front, each that prints an id no item before it holds, read
    /// plainly (an ambiguous reading waits for the groups ahead). They are
    /// numbered as the window would number them, only sooner, so items flow
    /// out as the sheet is read; the first record that waits (a number to
    /// rebuild, an ambiguity) holds the ones behind it, keeping list order.
    fn assign_settled(&mut self) {
        while self.queue.front().is_some_and(|p| {
            !p.parts.req_from_third
                && p.printed
                    .as_deref()
                    .is_some_and(|id| !self.taken.contains_key(id))
        }) {
            self.assign_next();
        }
    }

    /// Number the first queued record: its printed id if no item before it
    /// holds it, else the next ordinal of its group that no item holds or
    /// prints ahead.
    fn assign_next(&mut self) {
        let Some(Pending {
            record,
            parts: p,
            group,
            printed,
        }) = self.queue.pop_front()
        else {
            return;
        };
        if let Some(id) = &printed {
            let k = key(id);
            if let Some(n) = self.queued.get_mut(&k) {
                *n -= 1;
                if *n == 0 {
                    self.queued.remove(&k);
                }
            }
        }
        let file = &self.file;
        let loc = || {
            Location::file(file)
                .sheet(record.sheet.as_deref())
                .cell(record.row, None)
        };
        let mut origin = IdOrigin::Printed;
        let id = match printed {
            Some(id) if !self.taken.contains_key(id.as_str()) => {
                if let Some(n) = p.req.as_deref().and_then(integer_of) {
                    match self.counter.get_mut(&group) {
                        Some(c) => *c = (*c).max(n),
                        None => {
                            self.counter.insert(group.clone(), n);
                        }
                    }
                }
                if p.req_from_third
                    && self
                        .with_minor
                        .contains(&(p.major.clone(), p.middle.clone()))
                {
                    origin = IdOrigin::Ambiguous;
                    let third = p.req.clone().unwrap_or_default();
                    self.out.push(Numbered::Diagnostic(Diagnostic::warning(
                        loc(),
                        format!(
                            "ambiguous numbering: {} may be requirement {third} of {group} or a group {group}-{third} whose requirement number is missing; read as requirement {third} (id {id})",
                            [&p.major, &p.middle, &p.req].iter().filter_map(|x| x.as_deref()).collect::<Vec<_>>().join(" "),
                        ),
                    )));
                }
                id
            }
            _ => {
                origin = IdOrigin::Reconstructed;
                let c = self.counter.get(&group).copied().unwrap_or(0);
                let mut n = c + 1;
                let mut candidate = join_id(&group, &n.to_string());
                while self.taken.contains_key(candidate.as_str()) || self.printed_ahead(&candidate)
                {
                    n += 1;
                    candidate = join_id(&group, &n.to_string());
                }
                self.counter.insert(group.clone(), n);
                let why = match &printed {
                    Some(dup) => match self.taken.get(dup.as_str()) {
                        Some((row, true)) => {
                            format!("the number {dup} is printed again (first on row {row})")
                        }
                        Some((row, false)) => format!(
                            "the number {dup} was already given to the item on row {row}, which prints no number of its own"
                        ),
                        None => format!("the number {dup} is taken"),
                    },
                    None => "no requirement number is printed".to_owned(),
                };
                let of = if group.is_empty() {
                    String::new()
                } else {
                    format!(" of {group}")
                };
                self.out.push(Numbered::Diagnostic(Diagnostic::warning(
                    loc(),
                    format!(
                        "{why}; id {candidate} reconstructed (the {} item{of})",
                        ordinal_word(n)
                    ),
                )));
                candidate
            }
        };
        self.taken.insert(
            id.as_str().into(),
            (record.row, origin != IdOrigin::Reconstructed),
        );
        let req = match origin {
            IdOrigin::Reconstructed => id.rsplit('-').next().unwrap_or_default().to_owned(),
            _ => p.req.clone().unwrap_or_default(),
        };
        let number = Number {
            id,
            major: p.major.unwrap_or_default(),
            middle: p.middle.unwrap_or_default(),
            minor: p.minor.unwrap_or_default(),
            req,
            origin,
        };
        self.out.push(Numbered::Item(record, number));
    }
}

/// The key an id is counted under in the queue.
fn key(id: &str) -> u64 {
    use std::hash::BuildHasher;
    // a fixed seed: the same input gives the same output
    foldhash::fast::FixedState::with_seed(0).hash_one(id)
}

impl Numberer {
    /// Some record in the queue prints this id (the count by key says
    /// maybe; the queue itself says for sure).
    fn printed_ahead(&self, id: &str) -> bool {
        self.queued.contains_key(&key(id))
            && self.queue.iter().any(|p| p.printed.as_deref() == Some(id))
    }
}

/// The numbers of one run (records of one block sharing major and middle).
fn read_run(run: &mut [(RawRecord, Parts)]) {
    // `3 1 26 26`: the minor column repeats the requirement number on every
    // row of the group that prints both.
    let both: Vec<usize> = (0..run.len())
        .filter(|&i| run[i].1.minor.is_some() && run[i].1.req.is_some())
        .collect();
    let copies = both.len() >= 2
        && both.iter().all(|&i| run[i].1.minor == run[i].1.req)
        && both
            .windows(2)
            .any(|w| run[w[0]].1.minor != run[w[1]].1.minor);
    if copies {
        for &i in &both {
            run[i].1.minor = None;
        }
        return;
    }
    // Three numbers under a four-number header.
    let short: Vec<usize> = (0..run.len())
        .filter(|&i| run[i].1.short && run[i].1.minor.is_some())
        .collect();
    if short.is_empty() {
        return;
    }
    let distinct: HashSet<&Option<String>> = short.iter().map(|&i| &run[i].1.minor).collect();
    if distinct.len() == short.len() {
        for &i in &short {
            let p = &mut run[i].1;
            p.req = p.minor.take();
            p.req_from_third = true;
        }
    }
}

fn group_key(p: &Parts) -> String {
    let mut key = String::new();
    for part in [&p.major, &p.middle, &p.minor].into_iter().flatten() {
        if !key.is_empty() {
            key.push('-');
        }
        key.push_str(part);
    }
    key
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Value;

    fn block() -> Block {
        Block {
            sheet: None,
            header_rows: vec![1],
            columns: vec![Some(Role::Major), Some(Role::Req), Some(Role::Measure)],
            unlabeled: vec![false; 3],
        }
    }

    /// An item row: major and requirement number (`None`: left blank).
    fn record(row: u32, major: &str, req: Option<&str>) -> RawRecord {
        let mut values = vec![Value {
            role: Role::Major,
            col: 0,
            text: major.to_owned(),
        }];
        if let Some(req) = req {
            values.push(Value {
                role: Role::Req,
                col: 1,
                text: req.to_owned(),
            });
        }
        values.push(Value {
            role: Role::Measure,
            col: 2,
            text: format!("要件{row}"),
        });
        RawRecord {
            sheet: None,
            row,
            block: 0,
            values,
            stray: Vec::new(),
            realigned: false,
        }
    }

    fn ids(out: &[Numbered]) -> Vec<String> {
        out.iter()
            .filter_map(|n| match n {
                Numbered::Item(_, number) => Some(number.id.clone()),
                _ => None,
            })
            .collect()
    }

    /// Items whose printed ids nothing ahead can change come out as soon as
    /// their group is read, however large the window; a number to rebuild
    /// holds the items behind it until the window (here the end) decides,
    /// and the ids are those the window gives.
    #[test]
    fn printed_ids_come_out_before_the_window_fills() {
        let mut numberer = Numberer::new(std::path::Path::new("t.csv")).with_window(10_000);
        numberer.block(0, &block());
        for (row, req) in [(2, "1"), (3, "2"), (4, "3")] {
            numberer.push(record(row, "1", Some(req)));
        }
        // the next group closes the run of group 1
        numberer.push(record(5, "2", Some("1")));
        assert_eq!(ids(&numberer.take(Vec::new())), ["1-1", "1-2", "1-3"]);
        // 2-? has no number: it waits for what is printed ahead, and so does
        // everything behind it
        numberer.push(record(6, "2", None));
        numberer.push(record(7, "2", Some("2")));
        numberer.push(record(8, "3", Some("1")));
        numberer.push(record(9, "4", Some("1")));
        assert_eq!(ids(&numberer.take(Vec::new())), ["2-1"]);
        numberer.finish();
        // 2-2 is printed ahead of the rebuilt number, which takes 2-3
        assert_eq!(
            ids(&numberer.take(Vec::new())),
            ["2-3", "2-2", "3-1", "4-1"]
        );
    }
}
