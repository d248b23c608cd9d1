#!/usr/bin/env python3
"""Issue 7's two ratios that move with the machine, round after round.

`compare.py` measures each side of a ratio within a second or two: one
sample of the machine's spell. On the 2-vCPU machines measured here the ratio
moves with the vCPU the host is busy on (bench/README.md, "Ratios move with
the machine"), so a ratio near its target needs several samples, minutes
apart. This script takes them, for either target:

- `catalog` (the default): each round runs `checksheet catalog F -f csv -q
  -o OUT` and `calamine_raw F` in turn, RUNS times each, and takes the ratio
  of their medians (target: within 1.5×).
- `diff`: each round runs daff's compare of the 10,000-item revision pair
  once (bench/peers.py, its in-process time, as compare.py takes it) between
  two halves of RUNS runs of `checksheet diff OLD NEW -f csv -q -o OUT`, and
  takes daff's time over the median of ours (target: at least 20×). The pair
  is compare.py's (`--keep DIR` reuses DIR/diff-10000; otherwise it is
  generated into a temporary directory).

Every process runs through the same launcher as compare.py. Each round
prints its times and ratio; at the end, the spread of the ratios and how many
rounds met the target.

Requirements: `cargo build --release && cargo build --release --examples`;
for `diff`, `pip install daff`.

Usage:
    python3 bench/rounds.py [catalog] [--file F] [--rounds N] [--runs R]
                            [--pause S] [--target X]
    python3 bench/rounds.py diff [--keep DIR] [--items N] [--rounds N]
                            [--runs R] [--pause S] [--target X]

--file     the workbook (catalog; default samples/hispro-checklist.xlsx)
--keep     where the revision pair is, or goes (diff; as compare.py's)
--items    the revision pair's size (diff; default 10,000)
--rounds   how many rounds (default 10)
--runs     runs of checksheet per round (default 60 for catalog, where the
           floor runs as often, and 20 for diff)
--pause    seconds between rounds (default 15)
--target   the ratio to stay within (catalog, default 1.5) or to reach
           (diff, default 20), issue 7's
"""

import argparse
import datetime
import importlib.util
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402  (the binaries' paths and the launcher)


def timed(cmd, codes=(0, 1)):
    """One run through compare.py's launcher; its wall seconds."""
    run = compare.run_once(cmd, 600)
    if run.timed_out or run.code not in codes:
        sys.exit(f"{' '.join(cmd)} failed (exit {run.code}): {run.stderr.strip()}")
    return run


def catalog_round(args, out):
    """Both sides in turn, after one untimed run of each; checksheet's and
    the floor's median wall seconds."""
    ours = [compare.BINARY, "catalog", args.file, "-f", "csv", "-q", "-o", out]
    floor = [compare.CALAMINE_RAW, args.file]
    for cmd in (ours, floor):
        timed(cmd)
    times = ([], [])
    for _ in range(args.runs):
        for side, cmd in enumerate((ours, floor)):
            times[side].append(timed(cmd).wall)
    return statistics.median(times[0]), statistics.median(times[1])


def diff_round(args, pair, out):
    """Half of checksheet's runs, daff once, the other half (after one
    untimed run of ours); checksheet's median wall seconds and daff's
    in-process seconds."""
    old, new = os.path.join(pair, "old.csv"), os.path.join(pair, "new.csv")
    ours = [compare.BINARY, "diff", old, new, "-f", "csv", "-q", "-o", out]
    theirs = [sys.executable, compare.PEERS, "daff", old, new, out + ".daff.csv"]
    timed(ours)
    half = max(1, args.runs // 2)
    times = [timed(ours).wall for _ in range(half)]
    daff = compare.peer_seconds(timed(theirs, (0,)).stdout)
    times += [timed(ours).wall for _ in range(args.runs - half)]
    return statistics.median(times), daff


def revision_pair(args, work):
    """The directory of the revision pair: compare.py's, made if missing."""
    base = args.keep or work
    pair = os.path.join(base, f"diff-{args.items}")
    if not all(os.path.exists(os.path.join(pair, f)) for f in ("old.csv", "new.csv")):
        os.makedirs(pair, exist_ok=True)
        print(f"generating the {args.items:,}-item revision pair into {pair}",
              file=sys.stderr, flush=True)
        compare.diff_vs_daff.generate(args.items, compare.DIFF_SEED, pair)
    return pair


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target_of", nargs="?", choices=("catalog", "diff"), default="catalog",
                        metavar="catalog|diff")
    parser.add_argument("--file", default=compare.SAMPLE)
    parser.add_argument("--keep")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--runs", type=int)
    parser.add_argument("--pause", type=float, default=15)
    parser.add_argument("--target", type=float)
    args = parser.parse_args()
    diff = args.target_of == "diff"
    args.runs = args.runs or (20 if diff else 60)
    args.target = args.target or (20.0 if diff else 1.5)
    for binary in (compare.BINARY, compare.CALAMINE_RAW, compare.PEAK_RSS):
        if not os.path.exists(binary):
            sys.exit(f"{binary} is missing: cargo build --release && cargo build --release --examples")
    if diff and importlib.util.find_spec("daff") is None:
        sys.exit("daff is missing: pip install daff")
    ratios = []
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "out.csv")
        if diff:
            pair = revision_pair(args, work)
            print(f"# `diff` of two {args.items:,}-item revisions against daff's compare, "
                  f"{args.rounds} rounds of {args.runs} runs of checksheet and one of daff")
            print("| round | at | checksheet | daff (in-process) | daff's time over ours |")
        else:
            print(f"# `catalog {os.path.basename(args.file)}` against `calamine_raw`, "
                  f"{args.rounds} rounds of {args.runs} runs each side")
            print("| round | at | checksheet | calamine raw | ratio |")
        print("|---|---|---|---|---|")
        for n in range(1, args.rounds + 1):
            if diff:
                ours, daff = diff_round(args, pair, out)
                ratio, theirs = daff / ours, f"{daff:.2f} s"
            else:
                ours, floor = catalog_round(args, out)
                ratio, theirs = ours / floor, f"{floor * 1e3:.2f} ms"
            ratios.append(ratio)
            at = datetime.datetime.now().strftime("%H:%M:%S")
            print(f"| {n} | {at} | {ours * 1e3:.2f} ms | {theirs} | {ratio:.2f}× |", flush=True)
            if n < args.rounds:
                time.sleep(args.pause)
    met = sum((r >= args.target) if diff else (r <= args.target) for r in ratios)
    print(f"\nratios {min(ratios):.2f}–{max(ratios):.2f}×, median "
          f"{statistics.median(ratios):.2f}×; {'at least' if diff else 'within'} "
          f"{args.target:g}×: {met} of {len(ratios)} rounds")


if __name__ == "__main__":
    main()
