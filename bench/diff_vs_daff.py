#!/usr/bin/env python3
"""checksheet diff against daff on a large checklist revision with a known truth.

Generates, from a fixed seed, a checklist of N items (default 10,000; give
other sizes as arguments, e.g. 1000 100000) as a csv file with the catalog
columns (id, major, middle, minor, req, category, level, measure, guideline,
ref, check) and its next revision: items inserted and deleted (the rest of
their group renumbered), reworded (5-20 % of the characters), moved to another
group, level, check and guideline changed, split at 「。」, merged, and edited
in formatting only (line breaks, spaces, full-width digits and parentheses).
The requirement texts are recombined from the clauses of the HISPRO seed
checklist (read through `checksheet catalog`), so they read like the real
thing. The generator records the truth: every (old id, new id) pair.

Then it aligns the pair with both tools and prints, per tool: the pairs found,
pair precision / recall / F1 against the truth, the recall on the pairs whose
item changed (everything but `unchanged`), and the wall time:

- checksheet: `target/release/checksheet diff OLD NEW -f csv`, the whole
  process (reading both files, aligning, writing the csv);
- daff: key-less (no primary key), `daff.Coopy.compareTables(old, new, flags)`
  and `align()` on tables built beforehand from the parsed rows with
  `daff.PythonTableView`: the compare only. Its pairs are the row pairs of the
  alignment (`Alignment.a2b`).

Requirements (this script installs nothing):
    cargo build --release          # target/release/checksheet
    pip install daff               # daff's Python package, from PyPI

Usage:
    python3 bench/diff_vs_daff.py [N ...] [--seed S] [--keep DIR] [--no-daff]

--keep DIR writes old.csv, new.csv and truth.csv there (else a temporary
directory, removed afterwards).
"""

import argparse
import csv
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "checksheet")
SEED_CHECKLIST = os.path.join(ROOT, "samples", "hispro-seed.txt")

COLUMNS = ["id", "major", "middle", "minor", "req", "category", "level",
           "measure", "guideline", "ref", "check"]

# Share of the items that each edit touches.
RATES = {
    "delete": 0.02,
    "insert": 0.02,
    "move": 0.01,
    "split": 0.003,
    "merge": 0.003,
    "reword": 0.03,
    "level": 0.005,
    "check": 0.01,
    "guideline": 0.003,
    "formatting": 0.03,
}

# An owner's rewordings: obligation made stronger, clauses added, terms
# replaced (as examples/make_samples.rs does for the sample revision).
REWORDINGS = [
    ("すること。", "しなければならない。"),
    ("することが望ましい。", "することを推奨する。"),
    ("経営陣", "経営層"),
    ("従業員", "従事者"),
    ("情報処理事業者", "情報処理サービス事業者"),
    ("ウイルス", "マルウェア"),
    ("定期的に", "少なくとも年1回、定期的に"),
    ("文書化すること", "文書化し、関係者に周知すること"),
    ("定めること", "定め、文書化すること"),
    ("確認すること", "確認し、その結果を記録すること"),
    ("実施すること", "実施し、その記録を保存すること"),
    ("医療機関等", "委託元の医療機関等"),
    ("適切な", "十分な"),
    ("措置", "対策"),
    ("合意すること", "合意し、契約書等に明記すること"),
    ("管理すること", "管理し、その状況を定期的に点検すること"),
    ("行うこと", "実施すること"),
    ("パスワード", "認証情報"),
    ("情報セキュリティ", "サイバーセキュリティ"),
]
MIN_EDIT, MAX_EDIT = 0.05, 0.20


def compact(text):
    """The comparison key: NFKC, no white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def edit_distance(a, b):
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a):
        diagonal, row[0] = row[0], i + 1
        for j, cb in enumerate(b):
            above = row[j + 1]
            row[j + 1] = min(diagonal + (ca != cb), row[j] + 1, above + 1)
            diagonal = above
    return row[len(b)]


def seed_items():
    """The seed checklist's items, read by checksheet itself."""
    out = subprocess.run([BINARY, "catalog", SEED_CHECKLIST, "-f", "csv", "-q"],
                         capture_output=True, check=False)
    if out.returncode not in (0, 1):
        sys.exit("checksheet catalog failed: " + out.stderr.decode("utf-8", "replace"))
    return list(csv.DictReader(out.stdout.decode("utf-8").splitlines(True)))


def clauses_of(sentence):
    """The clauses of a sentence: split at 「、」 outside brackets."""
    out, depth, start = [], 0, 0
    for at, c in enumerate(sentence):
        if c in "(（「『【":
            depth += 1
        elif c in ")）」』】":
            depth = max(0, depth - 1)
        elif c == "、" and depth == 0:
            out.append(sentence[start:at])
            start = at + 1
    out.append(sentence[start:])
    return [c.strip().lstrip("・").strip() for c in out if c.strip().lstrip("・").strip()]


class Vocabulary:
    """Clauses of the seed's requirements, to recombine into new ones."""

    def __init__(self, items):
        heads, tails, checks = set(), set(), set()
        for item in items:
            for sentence in re.split(r"。|\s・", item["measure"].replace("\n", "")):
                clauses = clauses_of(sentence)
                if any(sentence.count(o) != sentence.count(c)
                       for o, c in ["()", "（）", "「」"]):
                    continue
                if len(clauses) < 2:
                    continue
                heads.update(c for c in clauses[:-1] if 4 <= len(c) <= 40)
                if 6 <= len(clauses[-1]) <= 50:
                    tails.add(clauses[-1])
            for point in item["check"].split("・"):
                point = point.strip()
                if 6 <= len(point) <= 60:
                    checks.add(point)
        self.heads = sorted(heads)
        self.tails = sorted(tails)
        self.checks = sorted(checks)
        self.guidelines = sorted({i["guideline"] for i in items if i["guideline"]})
        self.refs = sorted({i["ref"] for i in items if i["ref"]})

    def sentence(self, rng):
        heads = rng.sample(self.heads, rng.choice([1, 2, 2, 3]))
        return "、".join(heads + [rng.choice(self.tails)]) + "。"

    def requirement(self, rng, taken):
        while True:
            text = self.sentence(rng)
            if rng.random() < 0.3:
                text += self.sentence(rng)
            key = compact(text)
            if key not in taken:
                taken.add(key)
                return text

    def check(self, rng):
        points = rng.sample(self.checks, rng.choice([1, 1, 2]))
        return " ".join("・" + p for p in points)


def checklist(n, rng, vocabulary, taken):
    """n items in groups major-middle-minor of 3 to 60 items."""
    groups = []
    made = 0
    major, middle, minor = 1, 1, 0
    while made < n:
        if minor and rng.random() < 0.25:
            if rng.random() < 0.3:
                major, middle = major + 1, 1
            else:
                middle += 1
            minor = 0
        minor += 1
        size = min(rng.randint(3, 60), n - made)
        category = f"{major}. 区分{major} {middle}) 分野{middle} ({minor}) 項目群{minor}"
        entries = []
        for _ in range(size):
            entries.append({
                "uid": made,
                "category": category,
                "level": "required" if rng.random() < 0.85 else "recommended",
                "measure": vocabulary.requirement(rng, taken),
                "guideline": rng.choice(vocabulary.guidelines),
                "ref": rng.choice(vocabulary.refs),
                "check": vocabulary.check(rng),
                "shown": {},
            })
            made += 1
        groups.append({"key": (str(major), str(middle), str(minor)), "entries": entries})
    return groups


def number(groups):
    """Rows of the catalog columns, each group numbered 1, 2, 3 …"""
    rows, entries = [], []
    for group in groups:
        major, middle, minor = group["key"]
        for k, entry in enumerate(group["entries"], 1):
            row = {
                "id": f"{major}-{middle}-{minor}-{k}",
                "major": major, "middle": middle, "minor": minor, "req": str(k),
                "category": entry["category"], "level": entry["level"],
                "measure": entry["measure"], "guideline": entry["guideline"],
                "ref": entry["ref"], "check": entry["check"],
            }
            shown = dict(row)
            shown.update(entry["shown"])
            rows.append(shown)
            entries.append((row, entry))
    return rows, entries


def reword(text, rng):
    phrases = [p for p in REWORDINGS if p[0] in text]
    rng.shuffle(phrases)
    out = text
    for old, new in phrases:
        candidate = out.replace(old, new, 1)
        ratio = edit_distance(text, candidate) / max(1, len(text))
        if ratio > MAX_EDIT:
            continue
        out = candidate
        if ratio >= MIN_EDIT:
            return out
    return None


WIDE = str.maketrans("0123456789()", "０１２３４５６７８９（）")


def formatting_only(entry, rng):
    """An edit that changes nothing after NFKC and white-space removal."""
    text = entry["measure"]
    how = rng.randrange(4)
    if how == 0 and "、" in text:
        at = text.index("、") + 1
        shown = text[:at] + "\n" + text[at:]
    elif how == 1:
        shown = text.replace("、", "、 ", 1) + " "
    elif how == 2 and text.translate(WIDE) != text:
        shown = text.translate(WIDE)
    else:
        shown = entry["check"].replace(" ・", "\n・")
        if shown == entry["check"]:
            return False
        entry["shown"]["check"] = shown
        return True
    entry["shown"]["measure"] = shown
    return True


def revise(groups, rng, vocabulary, taken):
    """The next revision, and its truth: a list of (old uid or None, new
    entry) links; split and merged entries carry their old uids."""
    n = sum(len(g["entries"]) for g in groups)
    new = [{"key": g["key"], "entries": [dict(e, shown={}, origin=("kept", e["uid"]))
                                         for e in g["entries"]]} for g in groups]
    count = {k: max(1, round(v * n)) for k, v in RATES.items()}
    touched = set()

    def random_slot():
        g = rng.randrange(len(new))
        return g, rng.randrange(len(new[g]["entries"]) + 1)

    def untouched(pred=lambda e: True):
        for _ in range(10_000):
            g = rng.randrange(len(new))
            entries = new[g]["entries"]
            if not entries:
                continue
            k = rng.randrange(len(entries))
            e = entries[k]
            if e["origin"][0] == "kept" and e["uid"] not in touched and pred(e):
                return g, k
        raise RuntimeError("no item left for an edit")

    removed = []
    for _ in range(count["delete"]):
        g, k = untouched()
        e = new[g]["entries"].pop(k)
        touched.add(e["uid"])
        removed.append(e["uid"])
    for i in range(count["move"]):
        g, k = untouched()
        e = new[g]["entries"].pop(k)
        touched.add(e["uid"])
        same_major = [t for t in range(len(new))
                      if t != g and new[t]["key"][0] == new[g]["key"][0]]
        t = rng.choice(same_major) if same_major and rng.random() < 0.7 else rng.randrange(len(new))
        if i % 3 == 0:
            e["measure"] = reword(e["measure"], rng) or e["measure"]
        e["category"] = new[t]["entries"][0]["category"] if new[t]["entries"] else e["category"]
        new[t]["entries"].insert(rng.randrange(len(new[t]["entries"]) + 1), e)
    for _ in range(count["split"]):
        g, k = untouched(lambda e: e["measure"].count("。") >= 2)
        e = new[g]["entries"][k]
        touched.add(e["uid"])
        at = e["measure"].index("。") + 1
        first = dict(e, measure=e["measure"][:at], origin=("split", e["uid"]), shown={})
        rest = dict(e, measure=e["measure"][at:], origin=("split", e["uid"]), shown={})
        new[g]["entries"][k:k + 1] = [first, rest]
    for _ in range(count["merge"]):
        for _ in range(10_000):
            g, k = untouched()
            entries = new[g]["entries"]
            if k + 1 < len(entries):
                b = entries[k + 1]
                a = entries[k]
                if b["origin"][0] == "kept" and b["uid"] not in touched and a["level"] == b["level"]:
                    break
        else:
            raise RuntimeError("nothing to merge")
        touched.update([a["uid"], b["uid"]])
        merged = dict(a, shown={}, origin=("merged", (a["uid"], b["uid"])))
        merged["measure"] = a["measure"] + b["measure"]
        if a["check"] != b["check"]:
            merged["check"] = a["check"] + " " + b["check"]
        if a["ref"] != b["ref"]:
            merged["ref"] = a["ref"] + "、" + b["ref"]
        if a["guideline"] != b["guideline"]:
            merged["guideline"] = a["guideline"] + "、" + b["guideline"]
        new[g]["entries"][k:k + 2] = [merged]
    for i in range(count["insert"]):
        g, k = random_slot()
        category = new[g]["entries"][0]["category"] if new[g]["entries"] else "新規"
        new[g]["entries"].insert(k, {
            "uid": None, "category": category,
            "level": "required" if rng.random() < 0.85 else "recommended",
            "measure": vocabulary.requirement(rng, taken),
            "guideline": rng.choice(vocabulary.guidelines),
            "ref": rng.choice(vocabulary.refs), "check": vocabulary.check(rng),
            "shown": {}, "origin": ("added", None),
        })
    done = 0
    while done < count["reword"]:
        g, k = untouched()
        e = new[g]["entries"][k]
        text = reword(e["measure"], rng)
        touched.add(e["uid"])
        if text:
            e["measure"] = text
            done += 1
    for _ in range(count["level"]):
        g, k = untouched()
        e = new[g]["entries"][k]
        touched.add(e["uid"])
        e["level"] = "recommended" if e["level"] == "required" else "required"
    for _ in range(count["check"]):
        g, k = untouched()
        e = new[g]["entries"][k]
        touched.add(e["uid"])
        e["check"] += " ・その実施の記録が保存され、定期的に点検されているか"
    for _ in range(count["guideline"]):
        g, k = untouched()
        e = new[g]["entries"][k]
        touched.add(e["uid"])
        e["guideline"], e["ref"] = "経産省・総務省 提供事業者GL", "5.2.1"
    done = 0
    while done < count["formatting"]:
        g, k = untouched()
        e = new[g]["entries"][k]
        touched.add(e["uid"])
        done += formatting_only(e, rng)
    return new, removed


def truth_pairs(old_rows_by_uid, new_entries):
    """(old id, new id, kind) of every pair of the revision."""
    pairs = []
    for row, entry in new_entries:
        kind, origin = entry["origin"]
        uids = [] if kind == "added" else list(origin) if kind == "merged" else [origin]
        for uid in uids:
            old = old_rows_by_uid[uid]
            if kind == "kept":
                same = all(old[c] == row[c] for c in COLUMNS)
                kind_of = "unchanged" if same else "changed"
            else:
                kind_of = kind
            pairs.append((old["id"], row["id"], kind_of))
    return pairs


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)


def read_table(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [list(r) for r in csv.reader(f)]


def score(found, truth, changed):
    right = len(found & truth)
    precision = right / len(found) if found else 0.0
    recall = right / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    changed_recall = len(found & changed) / len(changed) if changed else 0.0
    return precision, recall, f1, changed_recall


def diff_pairs(text):
    """The (old id, new id) pairs of the csv output of `checksheet diff`."""
    rows = csv.DictReader(text.splitlines(True))
    return {(r["old_id"], r["new_id"]) for r in rows if r["old_id"] and r["new_id"]}


def run_checksheet(old, new):
    start = time.perf_counter()
    out = subprocess.run([BINARY, "diff", old, new, "-f", "csv", "-q"],
                         capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if out.returncode not in (0, 1):
        sys.exit("checksheet diff failed: " + out.stderr.decode("utf-8", "replace"))
    return diff_pairs(out.stdout.decode("utf-8")), elapsed


def run_daff(old, new):
    import daff  # pip install daff

    a, b = read_table(old), read_table(new)
    ta, tb = daff.PythonTableView(a), daff.PythonTableView(b)
    flags = daff.CompareFlags()  # no primary key: daff finds its own indexes
    start = time.perf_counter()
    alignment = daff.Coopy.compareTables(ta, tb, flags).align()
    elapsed = time.perf_counter() - start
    pairs = set()
    for i in range(1, len(a)):
        j = alignment.a2b(i)
        if j is not None and j >= 1:
            pairs.add((a[i][0], b[j][0]))
    return pairs, elapsed


def generate(n, seed, directory):
    """Write old.csv, new.csv and truth.csv of an n-item revision pair into
    directory; returns the truth (old id, new id, kind) of every pair, the
    old ids removed, the new rows and the number of items added."""
    rng = random.Random(seed)
    vocabulary = Vocabulary(seed_items())
    taken = set()
    groups = checklist(n, rng, vocabulary, taken)
    old_rows, old_entries = number(groups)
    by_uid = {entry["uid"]: row for row, entry in old_entries}
    revised, removed = revise(groups, rng, vocabulary, taken)
    new_rows, new_entries = number(revised)
    truth = truth_pairs(by_uid, new_entries)

    old_path = os.path.join(directory, "old.csv")
    new_path = os.path.join(directory, "new.csv")
    write_csv(old_path, old_rows)
    write_csv(new_path, new_rows)
    with open(os.path.join(directory, "truth.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["old_id", "new_id", "kind"])
        w.writerows(truth)
        w.writerows((by_uid[u]["id"], "", "removed") for u in removed)
    added = sum(1 for _, e in new_entries if e["origin"][0] == "added")
    return truth, removed, new_rows, added


def load_truth(directory):
    """The true pairs written by generate(), and those of changed items."""
    with open(os.path.join(directory, "truth.csv"), newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["old_id"] and r["new_id"]]
    pairs = {(r["old_id"], r["new_id"]) for r in rows}
    changed = {(r["old_id"], r["new_id"]) for r in rows if r["kind"] != "unchanged"}
    return pairs, changed


def bench(n, seed, directory, with_daff):
    truth, removed, new_rows, added = generate(n, seed, directory)
    old_path = os.path.join(directory, "old.csv")
    new_path = os.path.join(directory, "new.csv")

    truth_set = {(o, m) for o, m, _ in truth}
    changed = {(o, m) for o, m, k in truth if k != "unchanged"}
    kinds = {}
    for _, _, k in truth:
        kinds[k] = kinds.get(k, 0) + 1
    print(f"\n{n} items → {len(new_rows)} items: "
          + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
          + f", added {added}, removed {len(removed)}; {len(truth_set)} true pairs "
          f"({len(changed)} of changed items)")

    results = [("checksheet",) + run_checksheet(old_path, new_path)]
    if with_daff:
        results.append(("daff",) + run_daff(old_path, new_path))
    base = results[0][2]
    header = f"{'tool':<11} {'pairs':>7} {'precision':>9} {'recall':>7} {'F1':>7} " \
             f"{'changed recall':>14} {'time (s)':>9} {'× checksheet':>12}"
    print(header)
    print("-" * len(header))
    for tool, pairs, elapsed in results:
        p, r, f1, cr = score(pairs, truth_set, changed)
        print(f"{tool:<11} {len(pairs):>7} {p:>9.4f} {r:>7.4f} {f1:>7.4f} "
              f"{cr:>14.4f} {elapsed:>9.3f} {elapsed / base:>12.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000],
                        help="numbers of items (default 10000)")
    parser.add_argument("--seed", type=int, default=2025, help="generator seed")
    parser.add_argument("--keep", help="write old.csv, new.csv, truth.csv into this directory")
    parser.add_argument("--no-daff", action="store_true", help="run checksheet only")
    args = parser.parse_args()
    if not os.path.exists(BINARY):
        sys.exit(f"{BINARY} is missing: run `cargo build --release` first")
    if not args.no_daff:
        try:
            import daff  # noqa: F401
        except ImportError:
            sys.exit("daff is not installed: `pip install daff` (or give --no-daff)")
    for n in args.sizes:
        if args.keep:
            directory = os.path.join(args.keep, str(n))
            os.makedirs(directory, exist_ok=True)
            bench(n, args.seed, directory, not args.no_daff)
        else:
            with tempfile.TemporaryDirectory() as directory:
                bench(n, args.seed, directory, not args.no_daff)


if __name__ == "__main__":
    main()
