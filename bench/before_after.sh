#!/usr/bin/env bash
# Compares the request path of two release binaries, on this machine, in one run:
#   1. instructions per cached read under callgrind (SQLite demo, one worker, wrk -t1 -c2);
#   2. req/s with wrk (PostgreSQL demo, a database per binary, server pinned to core 0 with one
#      worker, wrk on core 1, -t1 -c64 -d10s), three rounds alternating the binaries.
#
#   BEFORE=/path/to/old/versnelling AFTER=target/release/versnelling bash bench/before_after.sh
#
# Build the old binary from a worktree of the old commit, e.g.
#   git worktree add /tmp/wt-old COMMIT && (cd /tmp/wt-old && CARGO_TARGET_DIR=$PWD/../target-old \
#     cargo build --release --bin versnelling)
# Needs valgrind, wrk, taskset, curl, python3 and PostgreSQL (BENCH_PG_ADMIN_URL, a role with
# CREATEDB; default postgres://versnelling:versnelling@127.0.0.1:5432/postgres).
set -euo pipefail
PG_ADMIN_URL=${BENCH_PG_ADMIN_URL:-postgres://versnelling:versnelling@127.0.0.1:5432/postgres}
PORT=18190
# shellcheck source=bench/two_binaries.sh
source "$(dirname "$0")/two_binaries.sh"
LIST='/api/v1/actions?area=rotterdam-zuid&limit=100'
ROLLUP='/api/v1/progress?area=rotterdam-zuid'

echo "== instructions per cached read (callgrind)"
for name in before after; do
  url="sqlite://$WORK/cg-$name.db"
  prepare "$name" "$url"
  VERSNELLING__SERVER__WORKERS=1 VERSNELLING__REPORTS__AUTO_DRAFT=false RUST_LOG=warn \
    valgrind --tool=callgrind --callgrind-out-file="$WORK/cg-$name.out" "${BIN[$name]}" \
    --database-url "$url" --bind "127.0.0.1:$PORT" serve >"$WORK/cg-$name.log" 2>&1 &
  pid=$!
  wait_ready
  tok=$(token)
  wrk -t1 -c2 -d5s -H "Authorization: Bearer $tok" "http://127.0.0.1:$PORT$LIST" >/dev/null
  callgrind_control -z "$pid" >/dev/null
  n=$(wrk -t1 -c2 -d20s -H "Authorization: Bearer $tok" "http://127.0.0.1:$PORT$LIST" | awk '/requests in/ {print $1}')
  callgrind_control -d "$pid" >/dev/null
  sleep 1
  dump=$(ls -t "$WORK"/cg-"$name".out* | head -1)
  total=$(callgrind_annotate "$dump" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",","",$1); print $1}')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$name: $total instructions / $n requests = $(( total / n )) per request"
done

echo "== req/s (wrk, PostgreSQL demo, 64 connections)"
base=${PG_ADMIN_URL%%\?*}
for name in before after; do
  psql "$PG_ADMIN_URL" -qtAc "DROP DATABASE IF EXISTS ab_$name" -c "CREATE DATABASE ab_$name" >/dev/null
  prepare "$name" "${base%/*}/ab_$name"
done
run() { # name path -> req/s
  local url="${base%/*}/ab_$1"
  VERSNELLING__SERVER__WORKERS=1 VERSNELLING__REPORTS__AUTO_DRAFT=false RUST_LOG=warn taskset -c 0 \
    "${BIN[$1]}" --database-url "$url" --bind "127.0.0.1:$PORT" serve >>"$WORK/wrk-$1.log" 2>&1 &
  local pid=$!
  wait_ready
  local tok
  tok=$(token)
  taskset -c 1 wrk -t1 -c64 -d3s -H "Authorization: Bearer $tok" "http://127.0.0.1:$PORT$2" >/dev/null
  taskset -c 1 wrk -t1 -c64 -d10s -H "Authorization: Bearer $tok" "http://127.0.0.1:$PORT$2" | awk '/Requests\/sec/ {print $2}'
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
for round in 1 2 3; do
  for path in "$LIST" "$ROLLUP"; do
    for name in before after; do
      echo "round $round $name $path $(run "$name" "$path")"
    done
  done
done
