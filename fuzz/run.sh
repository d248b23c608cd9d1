#!/usr/bin/env bash
# Run every fuzz target for a set time (default 600 s each, two at a time on
# this 2-core machine). Needs cargo-fuzz (`cargo install cargo-fuzz`); the
# machine's stable toolchain is asked for nightly flags with RUSTC_BOOTSTRAP.
# Crashing inputs land in fuzz/artifacts/<target>/: copy each into
# tests/fixtures/fuzz/ (tests/fuzz_regressions.rs replays them) and fix it.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
shift || true
targets=${*:-read layout align template}
export RUSTC_BOOTSTRAP=1
root=..
seed() {
  local t=$1 dir=corpus/$1
  mkdir -p "$dir"
  case $t in
    read|template)
      cp -n "$root"/samples/*.xlsx "$root"/samples/submissions/*.{xlsx,xls,ods,csv} "$root"/tests/fixtures/*.xlsx "$dir"/ 2>/dev/null || true
      head -c 20000 "$root"/samples/hispro-seed.txt > "$dir/seed-head.txt" ;;
    layout)
      head -c 30000 "$root"/samples/hispro-seed.txt > "$dir/seed-head.txt"
      sed -n '470,530p' "$root"/samples/hispro-seed.txt > "$dir/seed-shifted.txt" ;;
    align)
      printf '1-1-1|方針を定めること。\n1-1-2|見直すこと。\n\n1-1-1|方針を定め、周知すること。\n1-1-3|見直すこと。\n' > "$dir/pair.txt" ;;
  esac
}
for t in $targets; do seed "$t"; done
cargo fuzz build -O -s none >/dev/null
pids=()
names=()
for t in $targets; do
  cargo fuzz run -O -s none "$t" -- -max_total_time="$secs" -rss_limit_mb=4096 -timeout=20 -max_len=2000000 \
    > "fuzz-$t.log" 2>&1 &
  pids+=($!)
  names+=("$t")
  if [ ${#pids[@]} -ge 2 ]; then
    wait "${pids[0]}" || echo "${names[0]}: a finding, see fuzz/artifacts/${names[0]}"
    pids=("${pids[@]:1}")
    names=("${names[@]:1}")
  fi
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || echo "${names[$i]}: a finding, see fuzz/artifacts/${names[$i]}"
done
for t in $targets; do
  printf '%-9s %s\n' "$t" "$(grep -E 'Done [0-9]+ runs|ERROR|SUMMARY' "fuzz-$t.log" | tail -1)"
done
