#!/usr/bin/env python3
"""A small catalog beside calamine's raw read, round after round (issue 7).

`compare.py` measures the two sides in turn within a second or two: one
sample of the machine's spell. On the 2-vCPU machines measured here the ratio
moves with the vCPU the host is busy on (bench/README.md, "Ratios move with
the machine"), so a ratio near its target needs several samples, minutes
apart. This script takes them: each round runs `checksheet catalog F -f csv
-q -o OUT` and `calamine_raw F` in turn, RUNS times each, through the same
launcher as compare.py, and prints the round's medians and their ratio; at the
end, the spread of the ratios and how many rounds were within the target.

Requirements: `cargo build --release && cargo build --release --examples`.

Usage:
    python3 bench/rounds.py [--file F] [--rounds N] [--runs R] [--pause S]
                            [--target X]

--file     the workbook (default samples/hispro-checklist.xlsx)
--rounds   how many rounds (default 10)
--runs     runs of each side per round (default 60)
--pause    seconds between rounds (default 15)
--target   the ratio to stay within (default 1.5, issue 7's)
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402  (the binaries' paths and the launcher)


def round_medians(file, runs, out):
    """One round: both sides in turn, after one untimed run of each; the
    median wall seconds of checksheet and of the floor."""
    ours = [compare.BINARY, "catalog", file, "-f", "csv", "-q", "-o", out]
    floor = [compare.CALAMINE_RAW, file]
    for cmd in (ours, floor):
        compare.run_once(cmd, 60)
    times = ([], [])
    for _ in range(runs):
        for side, cmd in enumerate((ours, floor)):
            run = compare.run_once(cmd, 60)
            if run.timed_out or run.code not in (0, 1):
                sys.exit(f"{' '.join(cmd)} failed (exit {run.code}): {run.stderr.strip()}")
            times[side].append(run.wall)
    return statistics.median(times[0]), statistics.median(times[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", default=compare.SAMPLE)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--pause", type=float, default=15)
    parser.add_argument("--target", type=float, default=1.5)
    args = parser.parse_args()
    for binary in (compare.BINARY, compare.CALAMINE_RAW, compare.PEAK_RSS):
        if not os.path.exists(binary):
            sys.exit(f"{binary} is missing: cargo build --release && cargo build --release --examples")
    print(f"# `catalog {os.path.basename(args.file)}` against `calamine_raw`, "
          f"{args.rounds} rounds of {args.runs} runs each side")
    print("| round | at | checksheet | calamine raw | ratio |")
    print("|---|---|---|---|---|")
    ratios = []
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "catalog.csv")
        for n in range(1, args.rounds + 1):
            ours, floor = round_medians(args.file, args.runs, out)
            ratios.append(ours / floor)
            at = datetime.datetime.now().strftime("%H:%M:%S")
            print(f"| {n} | {at} | {ours * 1e3:.2f} ms | {floor * 1e3:.2f} ms | "
                  f"{ours / floor:.2f}× |", flush=True)
            if n < args.rounds:
                time.sleep(args.pause)
    within = sum(r <= args.target for r in ratios)
    print(f"\nratios {min(ratios):.2f}–{max(ratios):.2f}×, median "
          f"{statistics.median(ratios):.2f}×; within {args.target}×: "
          f"{within} of {len(ratios)} rounds")


if __name__ == "__main__":
    main()
