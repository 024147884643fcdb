#!/usr/bin/env bash
# Hostile import files (issue 18): makes them (bench/import_bombs.py) and measures a release
# binary refusing each with `versnelling import actions FILE --dry-run` against the demo data:
#   bash bench/import_bombs.sh [BINARY…]    (default: target/release/versnelling, built first)
# One table row per file and binary: exit code, wall time, peak RSS (/usr/bin/time -v) and the
# error line. Each run gets at most 4 GB of address space and 60 s (ulimit -v, timeout), so a
# binary without the limits (an older build) fails fast instead of taking the machine's memory.
# A good file, the demo's own export, is measured first for comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then
  cargo build --release --bin versnelling
  bins=(target/release/versnelling)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/import_bombs.py "$work/files" >/dev/null

echo "| binary | file | bytes | exit | wall s | peak RSS MB | error |"
echo "|---|---|---:|---:|---:|---:|---|"
for bin in "${bins[@]}"; do
  bin=$(realpath "$bin")
  data="$work/data-$(basename "$bin")-$RANDOM"
  mkdir -p "$data"
  (cd "$data" && "$bin" seed --demo >/dev/null && "$bin" export actions --format xlsx --out "$work/files/0-demo-export.xlsx" >/dev/null)
  for file in "$work"/files/*; do
    rm -f "$work/time"
    set +e
    (
      cd "$data"
      ulimit -v 4194304
      timeout 60 /usr/bin/time -v -o "$work/time" "$bin" import actions "$file" --dry-run >"$work/out" 2>"$work/err"
    )
    code=$?
    set -e
    if [ "$code" -eq 124 ]; then
      echo "| $(basename "$bin") | $(basename "$file") | $(stat -c %s "$file") | killed | > 60 | ? | still running after 60 s (timeout) |"
      continue
    fi
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time" | awk -F: '{ printf "%.2f", ($1 * 60) + $2 }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time" | awk '{ printf "%.0f", $1 / 1024 }')
    status=$(sed -n 's/.*Exit status: //p' "$work/time")
    signal=$(sed -n 's/.*Command terminated by signal //p' "$work/time")
    [ -z "$signal" ] || status="signal $signal"
    if grep -q 'panicked at' "$work/err"; then
      error="panic: $(grep -A1 -m1 'panicked at' "$work/err" | tail -1)"
    elif grep -q 'memory allocation' "$work/err"; then
      error=$(grep -m1 'memory allocation' "$work/err")
    else
      error=$( (grep -v '^$' "$work/err" || true) | tail -1)
    fi
    error=$(echo "$error" | sed "s|$work/files/||" | cut -c1-110 | tr '|' '/')
    [ -n "$error" ] || error="(ok) $(tail -1 "$work/out" | sed "s|$work/files/||" | cut -c1-80)"
    echo "| $(basename "$bin") | $(basename "$file") | $(stat -c %s "$file") | $status | $wall | $rss | $error |"
  done
done
