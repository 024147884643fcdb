#!/usr/bin/env bash
# Reads now and as of a past moment, two release binaries side by side in one run (issue 20):
# each binary serves its own SQLite demo database (made by itself), one worker pinned to core 0,
# wrk on core 1 (-t1 -c8 -d8s); three rounds alternating the binaries, the median per binary.
#
#   BEFORE=/path/to/old/versnelling AFTER=target/release/versnelling bash bench/as_of.sh
#
# Build the old binary from a worktree of the old commit (see bench/before_after.sh).
# Needs wrk, taskset, curl and python3.
set -euo pipefail
PORT=18191
ROUNDS=${ROUNDS:-3}
# shellcheck source=bench/two_binaries.sh
source "$(dirname "$0")/two_binaries.sh"
for name in before after; do
  prepare "$name" "sqlite://$WORK/$name.db"
done

# name → path; the list is the area page's read, the action its page's read.
declare -A PATHS=(
  [list_now]='/api/v1/actions?area=rotterdam-zuid&limit=100'
  [list_past]='/api/v1/actions?area=rotterdam-zuid&limit=100&as_of=2021-03-31'
  [action_now]='/api/v1/actions/5'
  [action_past]='/api/v1/actions/5?as_of=2021-03-31'
  [area_past]='/api/v1/areas/rotterdam-zuid?as_of=2021-03-31'
)
ORDER=(list_now list_past action_now action_past area_past)
declare -A RESULTS
for round in $(seq "$ROUNDS"); do
  for name in before after; do
    VERSNELLING__SERVER__WORKERS=1 VERSNELLING__REPORTS__AUTO_DRAFT=false RUST_LOG=warn \
      taskset -c 0 "${BIN[$name]}" --database-url "sqlite://$WORK/$name.db" --bind "127.0.0.1:$PORT" serve \
      >"$WORK/$name.log" 2>&1 &
    pid=$!
    wait_ready
    tok=$(token)
    for key in "${ORDER[@]}"; do
      status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "http://127.0.0.1:$PORT${PATHS[$key]}")
      if [ "$status" != 200 ]; then RESULTS[$name,$key]+=" n/a($status)"; continue; fi
      taskset -c 1 wrk -t1 -c8 -d2s -H "Authorization: Bearer $tok" "http://127.0.0.1:$PORT${PATHS[$key]}" >/dev/null
      rps=$(taskset -c 1 wrk -t1 -c8 -d8s -H "Authorization: Bearer $tok" "http://127.0.0.1:$PORT${PATHS[$key]}" \
        | awk '/Requests\/sec/ {print $2}')
      RESULTS[$name,$key]+=" $rps"
      echo "round $round $name $key: $rps req/s" >&2
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "n/a")}'; }
echo "$(date -u) — $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| read | before (req/s) | after (req/s) | after / before |\n|---|---:|---:|---:|\n'
for key in "${ORDER[@]}"; do
  b=$(echo "${RESULTS[before,$key]}" | median)
  a=$(echo "${RESULTS[after,$key]}" | median)
  ratio=$(python3 -c "import sys
try: print(f'{float(sys.argv[2])/float(sys.argv[1]):.2f}')
except Exception: print('n/a')" "$b" "$a")
  printf '| `%s` | %s | %s | %s |\n' "${PATHS[$key]}" "$b" "$a" "$ratio"
done
