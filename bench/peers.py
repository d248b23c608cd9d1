#!/usr/bin/env python3
"""The peers of `bench/compare.py`, one per process, each timing itself.

`compare.py` runs this script once per measurement, as a process of its own,
so that it can take the whole process's wall time and peak RSS (interpreter
and imports included) beside the time the peer itself reports here (after
its imports, the file read and processed). Prints one line of JSON:
`{"seconds": in-process time, "cells": non-empty cells seen, ...}`.

    peers.py openpyxl-load FILE     openpyxl.load_workbook(FILE), default mode,
                                    nothing read from the cells ("merely
                                    loading": openpyxl parses every cell here)
    peers.py openpyxl-iter FILE     load_workbook(FILE, read_only=True) and
                                    every row of every sheet iterated
    peers.py pandas FILE ENGINE     pandas.read_excel(FILE, sheet_name=None,
                                    header=None, engine=ENGINE): openpyxl or
                                    calamine (the python-calamine package)
    peers.py daff OLD NEW PAIRS     daff's key-less compare of two catalog csv
                                    files, as bench/diff_vs_daff.py runs it
                                    (tables parsed before the clock starts);
                                    the pairs found are written to PAIRS
"""

import csv
import json
import os
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))


def openpyxl_load(path):
    import openpyxl

    start = time.perf_counter()
    book = openpyxl.load_workbook(path)
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "sheets": len(book.worksheets)}


def openpyxl_iter(path):
    import openpyxl

    start = time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True)
    cells = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if value is not None:
                    cells += 1
    elapsed = time.perf_counter() - start
    book.close()
    return {"seconds": elapsed, "cells": cells}


def pandas_read(path, engine):
    import pandas

    if engine == "calamine":
        import python_calamine  # noqa: F401  (pip install python-calamine)
    start = time.perf_counter()
    frames = pandas.read_excel(path, sheet_name=None, header=None, engine=engine)
    elapsed = time.perf_counter() - start
    cells = int(sum(frame.count().sum() for frame in frames.values()))
    return {"seconds": elapsed, "cells": cells}


def daff_compare(old, new, pairs_path):
    sys.path.insert(0, HERE)
    import diff_vs_daff

    pairs, elapsed = diff_vs_daff.run_daff(old, new)
    with open(pairs_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["old_id", "new_id"])
        w.writerows(sorted(pairs))
    return {"seconds": elapsed, "pairs": len(pairs)}


def main():
    # openpyxl warns about styles it does not know; the timings are the point.
    warnings.simplefilter("ignore")
    kind, args = sys.argv[1], sys.argv[2:]
    if kind == "openpyxl-load":
        result = openpyxl_load(*args)
    elif kind == "openpyxl-iter":
        result = openpyxl_iter(*args)
    elif kind == "pandas":
        result = pandas_read(*args)
    elif kind == "daff":
        result = daff_compare(*args)
    else:
        sys.exit(f"unknown peer {kind!r}; see the docstring of {__file__}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
