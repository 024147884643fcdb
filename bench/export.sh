#!/usr/bin/env bash
# The export for people (issue 21: names beside codes, a CSV for Dutch Excel, a Dutch workbook)
# against the plain CSV, in one run on one database: `versnelling export actions` of every action
# of a generated programme (`seed --scale N`, default 10 ≈ 10,000 actions), each format ROUNDS
# times; the median wall time and the peak memory (max RSS) per format, and each as a ratio to
# the plain CSV measured in the same run.
#
#   BIN=target/release/versnelling SCALE=10 bash bench/export.sh
#
# Needs GNU time (/usr/bin/time) and python3.
set -euo pipefail
BIN=${BIN:-target/release/versnelling}
BIN=$(realpath "$BIN")
SCALE=${SCALE:-10}
ROUNDS=${ROUNDS:-5}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DB="sqlite://$WORK/export.db"
echo "seeding --scale $SCALE …" >&2
(cd "$WORK" && "$BIN" --database-url "$DB" seed --scale "$SCALE" >/dev/null 2>&1)

declare -A ARGS=(
  [plain_csv]='--format csv --plain'
  [dutch_csv]='--format csv --lang nl'
  [english_csv]='--format csv --lang en'
  [dutch_xlsx]='--format xlsx --lang nl'
  [json]='--format json'
)
ORDER=(plain_csv dutch_csv english_csv dutch_xlsx json)
for round in $(seq "$ROUNDS"); do
  for name in "${ORDER[@]}"; do
    # shellcheck disable=SC2086
    /usr/bin/time -f "$name %e %M" -a -o "$WORK/times" \
      "$BIN" --database-url "$DB" export actions ${ARGS[$name]} --out "$WORK/$name.out" >/dev/null 2>&1
    echo "round $round/$ROUNDS: $name" >&2
  done
done
for name in "${ORDER[@]}"; do echo "$name $(stat -c %s "$WORK/$name.out")" >>"$WORK/sizes"; done
python3 - "$WORK/times" "$WORK/sizes" "${ORDER[@]}" <<'PY'
import statistics, sys
times, sizes, order = sys.argv[1], sys.argv[2], sys.argv[3:]
runs = {}
for line in open(times):
    name, seconds, kb = line.split()
    runs.setdefault(name, []).append((float(seconds), int(kb)))
size = dict(line.split() for line in open(sizes))
base_s = statistics.median(s for s, _ in runs["plain_csv"])
base_kb = statistics.median(k for _, k in runs["plain_csv"])
print("| format | median wall (s) | × plain CSV | peak RSS (MB) | × plain CSV | file (MB) |")
print("|---|---|---|---|---|---|")
for name in order:
    s = statistics.median(x for x, _ in runs[name])
    kb = statistics.median(k for _, k in runs[name])
    print(f"| {name} | {s:.2f} | {s / base_s:.2f} | {kb / 1024:.0f} | {kb / base_kb:.2f} | {int(size[name]) / 1e6:.1f} |")
PY
