#!/usr/bin/env python3
"""checksheet side by side with what users would pick instead (issue 7).

One command generates the inputs, runs this project and its peers on the same
inputs, and prints one table (markdown) of times, peak memory (RSS) and
ratios, with each of issue 7's targets judged met or not met:

- reading: `checksheet catalog F -f csv -q -o OUT` beside calamine's raw read
  of F (`target/release/examples/calamine_raw`, the floor), openpyxl
  (`load_workbook(F)` merely loading, and `load_workbook(F, read_only=True)`
  with every row iterated) and `pandas.read_excel(F, sheet_name=None,
  header=None)` with the openpyxl engine and, when python-calamine is
  installed, the calamine engine; F is samples/hispro-checklist.xlsx, the
  generated checklists of 500, 10,000 and 100,000 items and big.xlsx (about a
  million rows, ~100 MB);
- diff: `checksheet diff OLD NEW -f csv -q -o OUT` beside daff's key-less
  compare of the same tables already parsed (bench/diff_vs_daff.py's
  `run_daff`), both scored by pair F1 against the generator's truth, for
  revision pairs of 1,000, 10,000 and 100,000 items;
- ingest: 1,000 submissions of 500 items against their catalog, into an xlsx
  matrix report and (for reference) into csv;
- migrate: samples/submissions/vendor-a.xlsx into
  samples/hispro-checklist-r2.xlsx (no peer; for the record).

Every measurement is a process of its own, timed from start to exit (wall
time) with its peak RSS taken from the kernel's rusage of the child
(`os.wait4`, `ru_maxrss`). Cheap measurements run several times and report
the median time (n = runs) and the highest RSS; the Python peers also report
their own time after their imports (bench/peers.py), which is what the ratios
use for them. The ratios are taken against checksheet's whole-process time.

Requirements (this script builds and installs nothing):
    cargo build --release              # target/release/checksheet
    cargo build --release --examples   # make_bench_inputs, calamine_raw, inprocess
    pip install daff openpyxl pandas   # the peers (python-calamine: optional)

Usage:
    python3 bench/compare.py [--quick] [--keep DIR] [--skip-slow-peers]
                             [--cold-runs N] [--timeout SECONDS]

--quick      smaller inputs (checklists of 500 and 10,000 items, a big
             workbook of 100,000 rows, 100 submissions, diff of 1,000 and
             10,000 items): a smoke test of a minute or two; the targets
             defined on the full inputs are then not judged
--keep DIR   generate the inputs into DIR (reusing those already there) and
             write the table to DIR/results.md as well; else a temporary
             directory, removed afterwards
--skip-slow-peers   no Python peers on big.xlsx (they take minutes)
--cold-runs  runs of the 10,000-item diff each after 3 s idle, as a user runs
             it once, beside one run of daff after 3 s idle (default 9; 0: none)
--timeout    seconds before a Python peer run is stopped (default 600)
"""

import argparse
import datetime
import importlib.util
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BINARY = os.path.join(ROOT, "target", "release", "checksheet")
EXAMPLES = os.path.join(ROOT, "target", "release", "examples")
MAKE_INPUTS = os.path.join(EXAMPLES, "make_bench_inputs")
CALAMINE_RAW = os.path.join(EXAMPLES, "calamine_raw")
INPROCESS = os.path.join(EXAMPLES, "inprocess")
PEAK_RSS = os.path.join(EXAMPLES, "peak_rss")
PEERS = os.path.join(HERE, "peers.py")
SAMPLE = os.path.join(ROOT, "samples", "hispro-checklist.xlsx")
MIGRATE_OLD = os.path.join(ROOT, "samples", "submissions", "vendor-a.xlsx")
MIGRATE_TEMPLATE = os.path.join(ROOT, "samples", "hispro-checklist-r2.xlsx")

sys.path.insert(0, HERE)
import diff_vs_daff  # noqa: E402  (the revision-pair generator, and daff's call)

# Seconds of idle before each cold run of the diff: the guest hands free
# memory back to the host two seconds after it was freed.
COLD_PAUSE = 3

# The seed of the revision pairs (diff_vs_daff.py's default).
DIFF_SEED = 2025


class Mode:
    """The inputs of one run."""

    def __init__(self, quick):
        self.quick = quick
        if quick:
            self.sizes = [500, 10_000]
            self.big_rows = 100_000
            self.submissions = 100
            self.diff_sizes = [1_000, 10_000]
        else:
            self.sizes = [500, 10_000, 100_000]
            self.big_rows = 1_000_000
            self.submissions = 1_000
            self.diff_sizes = [1_000, 10_000, 100_000]


# ---------------------------------------------------------------------------
# Running and measuring one process
# ---------------------------------------------------------------------------

class Run:
    """One process: wall seconds, peak RSS (KiB), exit code, output."""

    def __init__(self, wall, rss_kib, code, stdout, stderr, timed_out):
        self.wall = wall
        self.rss_kib = rss_kib
        self.code = code
        self.stdout = stdout
        self.stderr = stderr
        self.timed_out = timed_out


def run_once(cmd, timeout):
    """Run cmd to its end (its process group killed after timeout seconds)
    through the peak_rss launcher, which takes its wall time and the
    kernel's peak RSS of it (see examples/peak_rss.rs for why not from
    here)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".rss") as usage:
        proc = subprocess.Popen([PEAK_RSS, usage.name] + cmd, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err, start_new_session=True)
        try:
            proc.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            timed_out = True
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        line = usage.read().split()
        if timed_out or len(line) != 3:
            return Run(timeout, 0, proc.returncode, stdout, stderr, True)
        wall, rss_kib, code = float(line[0]), int(line[1]), int(line[2])
        return Run(wall, rss_kib, code, stdout, stderr, False)


class Outcome:
    """A measurement over its runs; `failure` says why it has no result,
    `skipped` why it was not run."""

    def __init__(self, label):
        self.label = label
        self.runs = []
        self.inner = []
        self.failure = None
        self.failed_run = None
        self.skipped = None
        self.extra = {}

    @property
    def ok(self):
        return bool(self.runs) and self.failure is None and self.skipped is None

    @property
    def n(self):
        return len(self.runs)

    @property
    def wall(self):
        return statistics.median(r.wall for r in self.runs)

    @property
    def inner_seconds(self):
        return statistics.median(self.inner) if self.inner else None

    @property
    def rss_kib(self):
        return max(r.rss_kib for r in self.runs)

    @property
    def rss_mb(self):
        return self.rss_kib * 1024 / 1e6

    @property
    def last(self):
        return self.runs[-1]


def skipped(label, why):
    outcome = Outcome(label)
    outcome.skipped = why
    return outcome


class Command:
    """A command to measure: its label, argv, the exit codes that mean it
    worked, and how to read its in-process seconds from its stdout."""

    def __init__(self, label, argv, ok_codes=(0,), parse=None):
        self.label = label
        self.argv = argv
        self.ok_codes = ok_codes
        self.parse = parse


def measure_together(commands, runs, budget, timeout=3600):
    """Run the commands in turn, round after round, up to `runs` rounds,
    fewer once `budget` seconds are spent (at least one): taken in turn,
    a floor and what is set beside it see the same state of a noisy
    machine. Commands run more than once get one untimed round before: the
    first run of a program pays for paging it and its input in. A command
    that fails or times out is not run again."""
    outcomes = [Outcome(c.label) for c in commands]
    if runs > 1:
        for command in commands:
            run_once(command.argv, timeout)
    spent = 0.0
    for _ in range(runs):
        for command, outcome in zip(commands, outcomes):
            if outcome.failure:
                continue
            run = run_once(command.argv, timeout)
            if run.timed_out:
                outcome.failure = f"timed out after {timeout:.0f} s"
                outcome.failed_run = run
                continue
            if run.code not in command.ok_codes:
                first = next((line for line in run.stderr.splitlines() if line.strip()), "")
                outcome.failure = f"failed (exit {run.code}): {first.strip()[:300]}"
                outcome.failed_run = run
                continue
            outcome.runs.append(run)
            if command.parse:
                outcome.inner.append(command.parse(run.stdout))
            spent += run.wall
        if spent >= budget or all(o.failure for o in outcomes):
            break
    for outcome in outcomes:
        print(f"  {outcome.label}: {describe(outcome)}", file=sys.stderr, flush=True)
    return outcomes


def measure(label, cmd, runs, budget, timeout=3600, ok_codes=(0,), parse=None):
    """measure_together of one command."""
    return measure_together([Command(label, cmd, ok_codes, parse)], runs, budget, timeout)[0]


def calamine_seconds(stdout):
    return float(re.search(r"seconds ([0-9.]+)", stdout).group(1))


def peer_seconds(stdout):
    return json.loads(stdout.strip().splitlines()[-1])["seconds"]


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------

def fmt_time(seconds):
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_mb(mb):
    return f"{mb:,.0f} MB" if mb >= 10 else f"{mb:.1f} MB"


def describe(outcome, inner_label=None):
    """A table cell for a measurement."""
    if outcome.skipped:
        return f"skipped ({outcome.skipped})"
    if outcome.failure:
        run = outcome.failed_run
        return (f"{outcome.failure} — after {fmt_time(run.wall)}, "
                f"{fmt_mb(run.rss_kib * 1024 / 1e6)}")
    if inner_label and outcome.inner_seconds is not None:
        return (f"{fmt_time(outcome.inner_seconds)} {inner_label} "
                f"({fmt_time(outcome.wall)} whole process), {fmt_mb(outcome.rss_mb)} "
                f"(n={outcome.n})")
    return f"{fmt_time(outcome.wall)}{spread(outcome)}, {fmt_mb(outcome.rss_mb)} (n={outcome.n})"


def spread(outcome):
    """The range of the run times, where there are several."""
    if outcome.n < 3:
        return ""
    walls = [r.wall for r in outcome.runs]
    return f" [{fmt_time(min(walls))}–{fmt_time(max(walls))}]"


def brief(outcome):
    """A cell for a measurement already described in full in a row above."""
    if outcome.ok or outcome.skipped:
        return describe(outcome)
    return outcome.failure.split(":")[0] + " (see above)"


def verdict(condition):
    return "**yes**" if condition else "**no**"


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------

def submission_paths(directory, count):
    return [os.path.join(directory, "submissions", f"sub-{k:04d}.xlsx")
            for k in range(1, count + 1)]


def prepare_inputs(directory, mode):
    """Write what is missing of the inputs into directory; a manifest says
    how many rows the big workbook there has."""
    manifest_path = os.path.join(directory, "inputs.json")
    manifest = {}
    if os.path.exists(manifest_path):
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    sizes = [n for n in mode.sizes
             if not os.path.exists(os.path.join(directory, f"checklist-{n}.xlsx"))]
    big = os.path.join(directory, "big.xlsx")
    big_rows = 0 if (os.path.exists(big) and manifest.get("big_rows") == mode.big_rows) \
        else mode.big_rows
    subs = submission_paths(directory, mode.submissions)
    have_subs = all(os.path.exists(p) for p in subs) and \
        os.path.exists(os.path.join(directory, "catalog-500.xlsx"))
    submissions = 0 if have_subs else mode.submissions
    if sizes or big_rows or submissions:
        cmd = [MAKE_INPUTS, directory, "--sizes", ",".join(map(str, sizes)),
               "--big-rows", str(big_rows), "--submissions", str(submissions)]
        print("generating: " + " ".join(cmd[1:]), file=sys.stderr, flush=True)
        subprocess.run(cmd, check=True, stdout=sys.stderr)
        if big_rows:
            manifest["big_rows"] = big_rows
        with open(manifest_path, "w", encoding="utf-8") as f:
            json.dump(manifest, f)
    else:
        print(f"reusing the inputs in {directory}", file=sys.stderr)
    for n in mode.diff_sizes:
        pair = os.path.join(directory, f"diff-{n}")
        if all(os.path.exists(os.path.join(pair, f)) for f in ("old.csv", "new.csv", "truth.csv")):
            continue
        os.makedirs(pair, exist_ok=True)
        print(f"generating the {n:,}-item revision pair (bench/diff_vs_daff.py)",
              file=sys.stderr, flush=True)
        diff_vs_daff.generate(n, DIFF_SEED, pair)
    # What was just written is still being flushed to disk: let it finish
    # before anything is timed.
    os.sync()


# ---------------------------------------------------------------------------
# The measurements
# ---------------------------------------------------------------------------

class Table:
    def __init__(self):
        self.rows = []

    def add(self, measurement, ours, theirs, ratio="—", target="—", met="—"):
        self.rows.append((measurement, ours, theirs, ratio, target, met))

    def markdown(self):
        head = ("measurement", "checksheet (time, RSS)", "peer / floor (time, RSS)",
                "ratio", "target", "met?")
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for row in self.rows:
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
        return "\n".join(lines)


class Bench:
    def __init__(self, args, mode, directory, work):
        self.args = args
        self.mode = mode
        self.dir = directory
        self.work = work
        self.table = Table()
        self.python = sys.executable
        self.has_calamine_engine = importlib.util.find_spec("python_calamine") is not None
        self.has_daff = importlib.util.find_spec("daff") is not None
        self.has_openpyxl = importlib.util.find_spec("openpyxl") is not None
        self.has_pandas = importlib.util.find_spec("pandas") is not None
        self.quick = mode.quick

    def out(self, name):
        return os.path.join(self.work, name)

    # Runs and budgets: cheap things often, costly ones once. This machine
    # stalls a process for a millisecond or more now and then and drifts by
    # a fifth over minutes: a median of 9 runs of a 10 ms process moved by
    # a quarter from one run of this script to the next, so the runs that
    # take milliseconds are taken a hundred times, in turn with their floor.
    def rust_runs(self, items):
        if items >= 1_000_000:
            return 3, 60
        if items >= 100_000:
            return 5, 30
        if self.quick:
            return 5, 5
        return (101, 20) if items <= 1_000 else (31, 20)

    def python_runs(self, items):
        if items >= 100_000:
            return 1, 0
        return (3, 10) if self.quick else (5, 30)

    # -- reading ------------------------------------------------------------

    def reading(self):
        files = [(SAMPLE, "samples/hispro-checklist.xlsx", 504, True)]
        for n in self.mode.sizes:
            files.append((os.path.join(self.dir, f"checklist-{n}.xlsx"),
                          f"checklist-{n}.xlsx", n, n == 500))
        files.append((os.path.join(self.dir, "big.xlsx"), "big.xlsx", self.mode.big_rows, False))
        for path, name, items, small_target in files:
            self.read_one(path, name, items, small_target)

    def read_inprocess(self, path, title, limit):
        """catalog::read beside calamine's raw read in one process (the
        library, without a process's start and exit), in turn."""
        run = run_once([INPROCESS, "read", path], 600)
        match = re.search(r"catalog_seconds ([0-9.]+) raw_seconds ([0-9.]+) runs (\d+)",
                          run.stdout) if run.code == 0 else None
        if not match:
            self.table.add(f"catalog of {title}, in-process (library) vs calamine raw read",
                           "failed", "—", "—")
            return
        ours, floor, runs = float(match.group(1)), float(match.group(2)), int(match.group(3))
        r = ours / floor
        target = f"≤ {limit}× the raw read" if limit else "—"
        met = verdict(r <= limit) if limit else "—"
        self.table.add(f"catalog of {title}, in-process (`catalog::read`, as the criterion "
                       "bench) vs calamine raw read in the same process",
                       f"{fmt_time(ours)} (median of {runs})", f"{fmt_time(floor)}",
                       f"{r:.2f}× the raw read", target, met)

    def python_peer(self, label, args, items, big):
        if big and self.args.skip_slow_peers:
            return skipped(label, "--skip-slow-peers")
        runs, budget = self.python_runs(items)
        return measure(label, [self.python, PEERS] + args, runs, budget,
                       timeout=self.args.timeout, parse=peer_seconds)

    def read_one(self, path, name, items, small_target):
        big = name == "big.xlsx"
        size = os.path.getsize(path) / 1e6
        title = f"`{name}` ({items:,} {'rows' if big else 'items'}, {size:.1f} MB)"
        print(f"reading {title}", file=sys.stderr, flush=True)
        runs, budget = self.rust_runs(items)
        ours, floor = measure_together([
            Command("checksheet catalog",
                    [BINARY, "catalog", path, "-f", "csv", "-q", "-o", self.out("catalog.csv")],
                    ok_codes=(0, 1)),
            Command("calamine raw", [CALAMINE_RAW, path], parse=calamine_seconds),
        ], runs, budget)
        # The raw read's own cells and time, for the record.
        if floor.ok:
            cells = re.search(r"cells (\d+)", floor.last.stdout).group(1)
            floor_cell = describe(floor) + f"; {int(cells):,} cells"
        else:
            floor_cell = describe(floor)

        # The floor: a 500-item checklist within 1.5x, the big one within 2x
        # and 200 MB.
        limit = 1.5 if small_target else 2.0 if big else None
        judged = limit is not None and not (big and self.quick)
        ratio, met = "—", "—"
        if ours.ok and floor.ok:
            r = ours.wall / floor.wall
            ratio = f"{r:.2f}× the raw read"
            if judged:
                met = verdict(r <= limit)
        elif judged and not ours.ok:
            met = "**no** (catalog failed)"
        target = f"≤ {limit}× the raw read" if limit else "—"
        if big and self.quick and limit:
            target += " (full input only)"
        self.table.add(f"catalog of {title} vs calamine raw read (floor)",
                       describe(ours), floor_cell, ratio, target, met)
        if not big:
            self.read_inprocess(path, title, limit if small_target else None)
        if big:
            met = "—"
            if not self.quick:
                if ours.ok:
                    met = verdict(ours.rss_mb <= 200)
                else:
                    met = "**no** (catalog failed)"
            self.table.add(f"peak RSS of catalog of {title}",
                           brief(ours), brief(floor), "—",
                           "≤ 200 MB" + (" (full input only)" if self.quick else ""), met)

        def peer(label, args, installed, why):
            if not installed:
                return skipped(label, why + " not installed")
            return self.python_peer(label, args, items, big)

        peers = [
            ("openpyxl `load_workbook(F)` (default mode, merely loading)",
             peer("openpyxl load", ["openpyxl-load", path], self.has_openpyxl,
                  "openpyxl"), "load"),
            ("openpyxl `load_workbook(F, read_only=True)` + every row iterated",
             peer("openpyxl read_only + iterate", ["openpyxl-iter", path],
                  self.has_openpyxl, "openpyxl"), "load + iterate"),
            ("`pandas.read_excel(F, sheet_name=None, header=None)` (openpyxl engine)",
             peer("pandas openpyxl", ["pandas", path, "openpyxl"],
                  self.has_pandas and self.has_openpyxl, "pandas or openpyxl"), "read_excel"),
            ("`pandas.read_excel(…, engine=\"calamine\")` (python-calamine)",
             peer("pandas calamine", ["pandas", path, "calamine"],
                  self.has_pandas and self.has_calamine_engine, "pandas or python-calamine"),
             "read_excel"),
        ]
        for label, peer, what in peers:
            ratio, met, target = "—", "—", "—"
            if ours.ok and peer.ok:
                r = peer.inner_seconds / ours.wall
                ratio = f"peer {r:.1f}× as long"
                if small_target and what == "load":
                    met = verdict(r >= 5)
            elif small_target and what == "load":
                met = "**no** (catalog failed)" if not ours.ok else "not measured"
            if small_target and what == "load":
                target = "peer ≥ 5× as long"
            self.table.add(f"catalog of {title} vs {label}", brief(ours),
                           describe(peer, what + " in-process"), ratio, target, met)

    # -- diff ---------------------------------------------------------------

    def diffs(self):
        results = {}
        for n in self.mode.diff_sizes:
            results[n] = self.diff_one(n)
        # Scaling: ten times the items at most fifteen times the time.
        if 10_000 in results and 100_000 in results:
            small, large = results[10_000], results[100_000]
            if small.ok and large.ok:
                r = large.wall / small.wall
                self.table.add("diff: ten times the items (10,000 → 100,000), checksheet",
                               f"{fmt_time(small.wall)} → {fmt_time(large.wall)}", "—",
                               f"{r:.1f}× the time", "≤ 15× the time", verdict(r <= 15))
            else:
                self.table.add("diff: ten times the items (10,000 → 100,000), checksheet",
                               describe(small) + " → " + describe(large), "—", "—",
                               "≤ 15× the time", "**no** (diff failed)")
        if 100_000 in results:
            large = results[100_000]
            met = verdict(large.wall <= 10 and large.rss_mb <= 2000) if large.ok \
                else "**no** (diff failed)"
            self.table.add("diff of two 100,000-item revisions: time and RSS",
                           describe(large), "—", "—", "≤ 10 s and ≤ 2 GB", met)
        elif self.quick:
            self.table.add("diff of 100,000 items (time, RSS, scaling)", "not run (--quick)",
                           "—", "—", "≤ 10 s, ≤ 2 GB, ≤ 15× t(10k)", "not judged (--quick)")

    def diff_one(self, n):
        pair = os.path.join(self.dir, f"diff-{n}")
        old, new = os.path.join(pair, "old.csv"), os.path.join(pair, "new.csv")
        truth, changed = diff_vs_daff.load_truth(pair)
        print(f"diff of {n:,} items", file=sys.stderr, flush=True)
        out = self.out(f"diff-{n}.csv")
        runs, budget = self.rust_runs(n)
        ours = measure("checksheet diff", [BINARY, "diff", old, new, "-f", "csv", "-q", "-o", out],
                       runs, budget, ok_codes=(0, 1))
        ours_f1 = None
        if ours.ok:
            with open(out, encoding="utf-8") as f:
                found = diff_vs_daff.diff_pairs(f.read())
            ours_f1 = diff_vs_daff.score(found, truth, changed)[2]
        if self.has_daff:
            daff_pairs = self.out(f"daff-{n}.csv")
            runs, budget = (1, 0) if n >= 100_000 else ((1, 0) if self.quick else (3, 30))
            theirs = measure("daff compare", [self.python, PEERS, "daff", old, new, daff_pairs],
                             runs, budget, timeout=self.args.timeout, parse=peer_seconds)
        else:
            theirs = skipped("daff", "daff not installed")
        theirs_f1 = None
        if theirs.ok:
            with open(daff_pairs, newline="", encoding="utf-8") as f:
                rows = list(diff_vs_daff.csv.DictReader(f))
            found = {(r["old_id"], r["new_id"]) for r in rows}
            theirs_f1 = diff_vs_daff.score(found, truth, changed)[2]

        ours_cell = describe(ours) + (f", pair F1 {ours_f1:.4f}" if ours_f1 is not None else "")
        theirs_cell = describe(theirs, "compare in-process") + \
            (f", pair F1 {theirs_f1:.4f}" if theirs_f1 is not None else "")
        ratio, met, target = "—", "—", "—"
        if n == 10_000:
            target = "daff ≥ 20× as long; F1 ≥ 0.99"
        if ours.ok and theirs.ok:
            r = theirs.inner_seconds / ours.wall
            ratio = f"daff {r:.1f}× as long"
            if n == 10_000:
                met = verdict(r >= 20 and ours_f1 >= 0.99)
        elif ours.ok and theirs.failure and theirs.failure.startswith("timed out"):
            r = self.args.timeout / ours.wall
            ratio = f"daff > {r:.0f}× as long"
            if n == 10_000:
                met = verdict(ours_f1 >= 0.99)
        elif n == 10_000:
            met = "**no** (diff failed)" if not ours.ok else "not measured"
        self.table.add(f"diff of two {n:,}-item revisions (catalog csv) vs daff key-less "
                       "compare of the parsed tables", ours_cell, theirs_cell, ratio, target, met)
        if n == 10_000 and ours.ok and self.args.cold_runs > 0:
            daff = ([self.python, PEERS, "daff", old, new, daff_pairs] if theirs.ok else None)
            self.diff_cold([BINARY, "diff", old, new, "-f", "csv", "-q", "-o", out], daff)
        # Like for like: daff is given parsed tables; checksheet's alignment
        # and changes of the parsed catalogs, in one process.
        run = run_once([INPROCESS, "diff", old, new], 600)
        match = re.search(r"seconds ([0-9.]+) runs (\d+)", run.stdout) if run.code == 0 else None
        if match and theirs.ok:
            inner, runs = float(match.group(1)), int(match.group(2))
            r = theirs.inner_seconds / inner
            self.table.add(f"diff of two {n:,}-item revisions, like for like: checksheet's "
                           "alignment and changes of the parsed catalogs (in-process) vs daff's "
                           "compare of the parsed tables",
                           f"{fmt_time(inner)} (median of {runs})",
                           describe(theirs, "compare in-process"), f"daff {r:.1f}× as long",
                           target, verdict(r >= 20 and ours_f1 is not None and ours_f1 >= 0.99)
                           if n == 10_000 else "—")
        return ours

    def diff_cold(self, cmd, daff):
        """The diff as a user runs it: once, after the machine was idle.
        Each run comes after a pause of COLD_PAUSE seconds, in which this
        virtual machine hands the memory freed by the run before back to the
        host (bench/README.md, "Warm and cold runs"); the runs above come
        one after the other, each on memory the one before has just freed.
        daff's compare is run cold as well (once, the same pause before it),
        and the ratio taken against that run."""
        print(f"  the same, {self.args.cold_runs} runs each after {COLD_PAUSE} s idle",
              file=sys.stderr, flush=True)
        cold = Outcome("checksheet diff, cold")
        for _ in range(self.args.cold_runs):
            time.sleep(COLD_PAUSE)
            run = run_once(cmd, 600)
            if run.timed_out or run.code not in (0, 1):
                cold.failure = f"failed (exit {run.code})"
                break
            cold.runs.append(run)
        theirs = skipped("daff", "daff not measured")
        if daff:
            time.sleep(COLD_PAUSE)
            theirs = measure("daff compare, cold", daff, 1, 0, timeout=self.args.timeout,
                             parse=peer_seconds)
        ratio = "—"
        if cold.ok and theirs.ok:
            ratio = f"daff {theirs.inner_seconds / cold.wall:.1f}× as long"
        self.table.add(f"the same, each run after {COLD_PAUSE} s idle (as a checklist is "
                       "diffed: once, on memory the host has taken back)",
                       describe(cold), describe(theirs, "compare in-process"), ratio,
                       "—", "—")

    # -- ingest and migrate -------------------------------------------------

    def ingest(self):
        count = self.mode.submissions
        files = submission_paths(self.dir, count)
        catalog = os.path.join(self.dir, "catalog-500.xlsx")
        print(f"ingest of {count} submissions", file=sys.stderr, flush=True)
        base = [BINARY, "ingest"] + files + ["--catalog", catalog, "-q"]
        xlsx = measure("ingest → xlsx", base + ["-o", self.out("report.xlsx")], 3, 40,
                       ok_codes=(0, 1))
        csv_ = measure("ingest → csv", base + ["-f", "csv", "-o", self.out("report.csv")], 3, 40,
                       ok_codes=(0, 1))
        judged = count == 1000
        met = "not judged (--quick)" if not judged else \
            verdict(xlsx.wall <= 15) if xlsx.ok else "**no** (ingest failed)"
        per = f"{xlsx.wall / count * 1000:.1f} ms per submission" if xlsx.ok else "—"
        self.table.add(f"ingest of {count:,} submissions × 500 items → xlsx matrix report "
                       "(`-o report.xlsx`)", describe(xlsx), "—", per,
                       "≤ 15 s (1,000 submissions)", met)
        per = f"{csv_.wall / count * 1000:.1f} ms per submission" if csv_.ok else "—"
        self.table.add(f"ingest of {count:,} submissions → csv (`-f csv`), for reference",
                       describe(csv_), "—", per)

    def migrate(self):
        print("migrate", file=sys.stderr, flush=True)
        runs, budget = self.rust_runs(500)
        outcome = measure("migrate", [BINARY, "migrate", MIGRATE_OLD, MIGRATE_TEMPLATE,
                                      "-o", self.out("migrated.xlsx"), "-q", "-f", "csv"],
                          runs, budget, ok_codes=(0, 1))
        self.table.add("migrate `vendor-a.xlsx` into `hispro-checklist-r2.xlsx` "
                       "(plan + migrated workbook + csv report)", describe(outcome), "—")


def inputs_listing(directory, mode):
    lines = []
    names = [f"checklist-{n}.xlsx" for n in mode.sizes] + ["big.xlsx", "catalog-500.xlsx"]
    for name in names:
        path = os.path.join(directory, name)
        if os.path.exists(path):
            lines.append(f"- `{name}`: {os.path.getsize(path) / 1e6:.1f} MB")
    subs = submission_paths(directory, mode.submissions)
    total = sum(os.path.getsize(p) for p in subs)
    lines.append(f"- `submissions/`: {len(subs)} files, {total / 1e6:.1f} MB")
    for n in mode.diff_sizes:
        pair = os.path.join(directory, f"diff-{n}")
        size = sum(os.path.getsize(os.path.join(pair, f)) for f in ("old.csv", "new.csv"))
        lines.append(f"- `diff-{n}/old.csv`, `new.csv`: {size / 1e6:.1f} MB together")
    return "\n".join(lines)


def header(mode):
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return (f"checksheet {commit}{' (modified)' if dirty else ''}, "
            f"{'--quick' if mode.quick else 'full'} run, "
            f"{datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}, "
            f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small inputs: a smoke test")
    parser.add_argument("--keep", metavar="DIR", help="inputs (and results.md) in DIR")
    parser.add_argument("--skip-slow-peers", action="store_true",
                        help="no Python peers on big.xlsx")
    parser.add_argument("--cold-runs", type=int, default=9, metavar="N",
                        help="runs of the 10,000-item diff after an idle pause each (0: none)")
    parser.add_argument("--timeout", type=float, default=600,
                        help="seconds before a Python peer run is stopped (default 600)")
    args = parser.parse_args()

    missing = [p for p in (BINARY, MAKE_INPUTS, CALAMINE_RAW, INPROCESS, PEAK_RSS)
               if not os.path.exists(p)]
    if missing:
        sys.exit("missing: " + ", ".join(os.path.relpath(p, ROOT) for p in missing)
                 + "\nbuild first:\n    cargo build --release\n"
                 "    cargo build --release --examples")
    mode = Mode(args.quick)
    if args.keep:
        directory = os.path.abspath(args.keep)
        os.makedirs(directory, exist_ok=True)
    else:
        directory = tempfile.mkdtemp(prefix="checksheet-bench-")
    work = tempfile.mkdtemp(prefix="checksheet-bench-out-")
    try:
        started = time.perf_counter()
        prepare_inputs(directory, mode)
        bench = Bench(args, mode, directory, work)
        bench.reading()
        bench.diffs()
        bench.ingest()
        bench.migrate()
        elapsed = time.perf_counter() - started
        text = (f"{header(mode)}; the whole run took {elapsed / 60:.1f} min.\n\n"
                f"Inputs ({directory}):\n\n{inputs_listing(directory, mode)}\n\n"
                f"{bench.table.markdown()}\n\n"
                "Times are medians of n runs (wall time of the whole process; "
                "[fastest–slowest] where n ≥ 3), after one untimed run where n > 1; catalog and "
                "its calamine floor run in turn, so that both see the same machine; RSS is the "
                "highest peak RSS of those runs (rusage of the child). Python peers: the time "
                "they report after their imports, whole process in brackets; the ratios use "
                "the former against checksheet's whole process.\n")
        print()
        print(text)
        if args.keep:
            with open(os.path.join(directory, "results.md"), "w", encoding="utf-8") as f:
                f.write(text)
            print(f"written to {os.path.join(directory, 'results.md')}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
