#!/usr/bin/env bash
# Ingest of many submissions in one call, and of one submission as a whole
# process (issue 4: 1,000 submissions of ~500 items within 15 s on 2 cores;
# one within 30 ms). Submissions are the committed vendor samples, copied N
# times (default 1000) into a temporary folder. Run after `cargo build --release`.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
bin=target/release/checksheet
[ -x "$bin" ] || { echo "build first: cargo build --release"; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
half=$(( n / 2 ))
for i in $(seq 1 "$half"); do
  cp samples/submissions/vendor-a.xlsx "$dir/a$i.xlsx"
  cp samples/submissions/vendor-c.xlsx "$dir/c$i.xlsx"
done
count=$(ls "$dir" | wc -l)
measure() { /usr/bin/time -f "%e s, %M KB peak RSS" "$@" 2>&1 >/dev/null | tail -1; }
echo "ingest of $count submissions in one call: $(measure "$bin" ingest "$dir"/*.xlsx --catalog samples/hispro-checklist.xlsx -f csv -q -o "$dir/out.csv")"
echo "ingest of one submission (whole process):  $(measure "$bin" ingest samples/submissions/vendor-a.xlsx --catalog samples/hispro-checklist.xlsx -f csv -q -o "$dir/one.csv")"
