#!/usr/bin/env bash
# Load benchmark (issue 10). One command reproduces every figure of bench/RESULTS.md
# "Performance":
#
#   bash bench/load.sh
#
# What it does, in one run (so every ratio compares figures measured minutes apart, under the
# same machine load):
#   1. builds the release binary and the reference server (examples/reference_server.rs);
#   2. prepares the databases: the demo (`versnelling seed --demo`, fresh every run) and the
#      large programme (`seed --scale $BENCH_SCALE`, generated once and cached: SQLite under
#      bench/.data/, PostgreSQL as the template database vbench_large_s<N>_pristine; each run
#      works on a copy);
#   3. per backend (SQLite, PostgreSQL) and data set (demo, large), at 16 and 64 connections,
#      runs wrk (2 threads, $BENCH_WARMUP s warm-up, $BENCH_DURATION s measured) against
#        (a)  the reference server, GET /plaintext
#        (a2) the reference server, GET /actions (100 action objects held in memory)
#        (b)  GET /api/v1/progress?area=$BENCH_AREA          an area's roll-up
#        (c)  GET /api/v1/actions?area=$BENCH_AREA&limit=100 an area's action list
#        (c*) GET /api/v1/actions?limit=100                  100 actions (demo areas hold ~10)
#        (d)  GET /api/v1/charts/areas-status.svg            a chart of the whole programme, asked
#             for as a browser does (Accept-Encoding: gzip; runs before 2026-12-02 07:30 did not)
#        (e)  POST /api/v1/actions/{random id}/updates       a progress update (bench/post_update.lua)
#      recording req/s, p50 and p99 latency, non-2xx answers and the server's peak RSS (VmHWM,
#      reset before each run through /proc/PID/clear_refs);
#   4. after each (e): SIGKILL the server, count the rows carrying that run's note and compare
#      with the 2xx answers wrk received (every acknowledged write must be there), restart;
#   5. scale-out on PostgreSQL: one instance pinned to core 0 against two instances pinned to
#      cores 0 and 1 (one worker each), the same wrk load, then writes through both at once and
#      the same totals read back from both;
#   6. writes the Markdown tables (date, uptime, commit, targets met or not with their ratios)
#      to bench/.data/results/load-<date>.md and prints them.
#
# Settings (environment): BENCH_DURATION (10), BENCH_WARMUP (2), BENCH_CONNECTIONS ("16 64"),
# BENCH_BACKENDS ("sqlite postgres"), BENCH_DATASETS ("demo large"), BENCH_SCALE (100),
# BENCH_AREA (rotterdam-zuid), BENCH_SCALEOUT (1), BENCH_PG_ADMIN_URL (a role with CREATEDB,
# default postgres://versnelling:versnelling@127.0.0.1:5432/postgres), BENCH_SERVER_ENV (extra
# VAR=value settings for the servers, e.g. "VERSNELLING__DATABASE__SQLITE_SYNCHRONOUS=normal").
# `bash bench/load.sh --clean` removes the cached data sets (files and template database).
#
# Needs: wrk (installed with apt-get when missing), python3, curl, taskset (util-linux),
# psql (PostgreSQL's client) for the PostgreSQL part.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-"16 64"}
BACKENDS=${BENCH_BACKENDS:-"sqlite postgres"}
DATASETS=${BENCH_DATASETS:-"demo large"}
SCALE=${BENCH_SCALE:-100}
AREA=${BENCH_AREA:-rotterdam-zuid}
SCALEOUT=${BENCH_SCALEOUT:-1}
PG_ADMIN_URL=${BENCH_PG_ADMIN_URL:-postgres://versnelling:versnelling@127.0.0.1:5432/postgres}
read -r -a SERVER_ENV <<<"${BENCH_SERVER_ENV:-}"
DATA=$ROOT/bench/.data
RUN=$DATA/run
APP_PORT=18181
APP2_PORT=18183
REF_PORT=18182
PASSWORD="bench-wachtwoord-$(date +%s)"
PG_PRISTINE="vbench_large_s${SCALE}_pristine"

pg_url() { # database name -> URL
  local base=${PG_ADMIN_URL%%\?*}
  echo "${base%/*}/$1?sslmode=disable"
}
psql_admin() { psql "$(pg_url "$(basename "${PG_ADMIN_URL%%\?*}")")" -v ON_ERROR_STOP=1 -qtA "$@"; }

if [ "${1:-}" = "--clean" ]; then
  rm -rf "$DATA"
  psql_admin -c "DROP DATABASE IF EXISTS $PG_PRISTINE" || true
  echo "removed bench/.data and the database $PG_PRISTINE"
  exit 0
fi

log() { echo "==> $*" >&2; }

# ---- tools -------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq wrk
fi
for tool in python3 curl taskset; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench/load.sh needs $tool" >&2; exit 1; }
done
case " $BACKENDS " in *" postgres "*)
  command -v psql >/dev/null 2>&1 || { echo "bench/load.sh needs psql for PostgreSQL" >&2; exit 1; } ;;
esac

log "building the release binaries"
cargo build --release --quiet --bin versnelling --example reference_server
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release/versnelling
REF=$TARGET/release/examples/reference_server

mkdir -p "$DATA/results" "$RUN"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
TSV=$DATA/results/load-$STAMP.tsv
OUT=$DATA/results/load-$STAMP.md
: >"$TSV"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src charts examples migrations Cargo.toml || echo ' (with uncommitted changes)')"
  echo "machine: nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "uptime before: $(uptime)"
  echo "wrk: $(wrk --version 2>&1 | head -n1 | cut -d' ' -f1-2), 2 threads, ${WARMUP} s warm-up, ${DURATION} s measured"
  echo "server settings: defaults (config/default.toml) ${BENCH_SERVER_ENV:-}"
} >"$DATA/results/load-$STAMP.head"

# ---- servers -----------------------------------------------------------------------------
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${PG_USED:-0}" = 1 ]; then
    for db in vbench_demo vbench_large; do psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
  fi
}
trap cleanup EXIT

server_env() { # data dir
  # No automatic draft report: on the large data set serve would start building one for every
  # period past its cut-off (100,000 actions) and the measurements would time that instead.
  echo VERSNELLING__DATA__DIR="$1" VERSNELLING__LOG__FORMAT=json VERSNELLING__REPORTS__AUTO_DRAFT=false "${SERVER_ENV[@]}"
}

wait_ready() { # port
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0
    curl -fs "http://127.0.0.1:$1/plaintext" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the server on port $1 did not come up" >&2
  return 1
}

# start_app URL PORT DATADIR [taskset-cpus] [workers]; sets APP_PID
start_app() {
  local url=$1 port=$2 dir=$3 cpus=${4:-} workers=${5:-}
  local pin=()
  [ -n "$cpus" ] && pin=(taskset -c "$cpus")
  local extra=()
  [ -n "$workers" ] && extra=(VERSNELLING__SERVER__WORKERS="$workers")
  mkdir -p "$dir"
  # shellcheck disable=SC2046
  env $(server_env "$dir") "${extra[@]}" "${pin[@]}" "$BIN" --database-url "$url" \
    --bind "127.0.0.1:$port" serve >>"$dir/server.log" 2>&1 &
  APP_PID=$!
  PIDS+=("$APP_PID")
  wait_ready "$port"
}

start_reference() { # URL DATADIR; sets REF_PID
  mkdir -p "$2"
  env VERSNELLING__DATA__DIR="$2" VERSNELLING_DATABASE_URL="$1" VERSNELLING_BIND="127.0.0.1:$REF_PORT" \
    "${SERVER_ENV[@]}" "$REF" >>"$2/reference.log" 2>&1 &
  REF_PID=$!
  PIDS+=("$REF_PID")
  wait_ready "$REF_PORT"
}

stop() { # pid [signal]
  kill "-${2:-TERM}" "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

token() { # port -> an access token of the bench admin
  curl -fs -H 'Content-Type: application/json' \
    -d "{\"username\":\"bench-admin\",\"password\":\"$PASSWORD\"}" \
    "http://127.0.0.1:$1/api/v1/auth/token" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

reset_peak() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null || true; }
peak_mb() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }

# wrk output -> "req/s p50_ms p99_ms non2xx errors kB_per_answer"
parse_wrk() {
  python3 -c '
import re, sys
text = sys.stdin.read()
def ms(v):
    n, unit = re.match(r"([\d.]+)(\w+)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
non = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
err = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
errors = sum(int(x) for x in err.groups()) if err else 0
read = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(\w+) read", text)
kb = 0.0
if read and int(read.group(1)):
    size = float(read.group(2)) * {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}[read.group(3)]
    kb = size / int(read.group(1)) / 1024
print("%.0f %.3f %.3f %d %d %.1f" % (float(rps.group(1)) if rps else 0, ms(p50.group(1)) if p50 else -1,
      ms(p99.group(1)) if p99 else -1, int(non.group(1)) if non else 0, errors, kb))
'
}

# measure BACKEND DATASET TEST CONNS PID URL [wrk args...]; appends a row to $TSV
measure() {
  local backend=$1 dataset=$2 test=$3 conns=$4 pid=$5 url=$6
  shift 6
  BENCH_TAG="${BENCH_TAG:-bench}-warm-up" wrk -t2 -c"$conns" -d"${WARMUP}s" "$@" "$url" >/dev/null 2>&1 || true
  reset_peak "$pid"
  local output
  output=$(wrk -t2 -c"$conns" -d"${DURATION}s" --latency "$@" "$url" 2>&1)
  local parsed rss
  parsed=$(parse_wrk <<<"$output")
  rss=$(peak_mb "$pid")
  echo "$output" >"$RUN/wrk-$backend-$dataset-$test-$conns.txt"
  local tab=$'\t'
  echo -e "$backend\t$dataset\t$test\t$conns\t${parsed// /$tab}\t$rss\t$(uptime | sed 's/.*load average: //')" >>"$TSV"
  log "$backend $dataset ($test) c=$conns: $parsed rss=${rss}MB"
  LAST_OUTPUT=$output
}

count_rows() { # backend url-or-path tag
  if [ "$1" = sqlite ]; then
    python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("select count(*) from progress_updates where note=?", (sys.argv[2],)).fetchone()[0])' "$2" "$3"
  else
    psql "$2" -qtA -c "select count(*) from progress_updates where note = '$3'"
  fi
}

sql_value() { # backend url-or-path sql
  if [ "$1" = sqlite ]; then
    python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$2" "$3"
  else
    psql "$2" -qtA -c "$3"
  fi
}

add_bench_admin() { # url
  printf '%s\n' "$PASSWORD" | "$BIN" --database-url "$1" user add --username bench-admin \
    --role admin --password-stdin >/dev/null 2>&1 ||
    printf '%s\n' "$PASSWORD" | "$BIN" --database-url "$1" user set-password bench-admin \
      --password-stdin >/dev/null
}

# ---- data sets ---------------------------------------------------------------------------
# prepare BACKEND DATASET -> echoes the database URL the run works on (a fresh copy)
prepare() {
  local backend=$1 dataset=$2
  if [ "$backend" = sqlite ]; then
    local work=$RUN/$dataset.db
    rm -f "$work" "$work-wal" "$work-shm"
    if [ "$dataset" = demo ]; then
      VERSNELLING__DATA__DIR=$RUN/seed "$BIN" --database-url "sqlite://$work" seed --demo >/dev/null
    else
      local pristine=$DATA/sqlite-large-s$SCALE.db
      if [ ! -f "$pristine" ]; then
        log "generating the large SQLite data set (seed --scale $SCALE, about a minute)"
        VERSNELLING__DATA__DIR=$RUN/seed "$BIN" --database-url "sqlite://$pristine.tmp" seed --scale "$SCALE" >&2
        mv "$pristine.tmp" "$pristine"
      fi
      VERSNELLING__DATA__DIR=$RUN/seed "$BIN" --database-url "sqlite://$pristine" migrate >/dev/null
      python3 -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA wal_checkpoint(TRUNCATE)")' "$pristine"
      cp "$pristine" "$work"
    fi
    echo "sqlite://$work"
  else
    PG_USED=1
    local name=vbench_$dataset
    psql_admin -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null
    if [ "$dataset" = demo ]; then
      psql_admin -c "CREATE DATABASE $name" >/dev/null
      VERSNELLING__DATA__DIR=$RUN/seed "$BIN" --database-url "$(pg_url "$name")" seed --demo >/dev/null
    else
      if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PG_PRISTINE'")" ]; then
        log "generating the large PostgreSQL data set (seed --scale $SCALE, about a minute)"
        psql_admin -c "DROP DATABASE IF EXISTS ${PG_PRISTINE}_tmp" >/dev/null
        psql_admin -c "CREATE DATABASE ${PG_PRISTINE}_tmp" >/dev/null
        VERSNELLING__DATA__DIR=$RUN/seed "$BIN" --database-url "$(pg_url "${PG_PRISTINE}_tmp")" seed --scale "$SCALE" >&2
        psql "$(pg_url "${PG_PRISTINE}_tmp")" -qc "VACUUM ANALYZE" >/dev/null
        psql_admin -c "ALTER DATABASE ${PG_PRISTINE}_tmp RENAME TO $PG_PRISTINE" >/dev/null
      fi
      VERSNELLING__DATA__DIR=$RUN/seed "$BIN" --database-url "$(pg_url "$PG_PRISTINE")" migrate >/dev/null
      psql_admin -c "CREATE DATABASE $name TEMPLATE $PG_PRISTINE" >/dev/null
    fi
    echo "$(pg_url "$name")"
  fi
}

# ---- one block: a backend and a data set -------------------------------------------------
block() {
  local backend=$1 dataset=$2
  log "preparing $backend / $dataset"
  local url path
  url=$(prepare "$backend" "$dataset")
  path=${url#sqlite://}
  add_bench_admin "$url"
  local action_max actions_in_area
  action_max=$(sql_value "$backend" "$path" "select max(id) from actions")
  actions_in_area=$(sql_value "$backend" "$path" "select count(*) from actions a join areas r on r.id = a.area_id where r.code = '$AREA'")
  echo -e "#info\t$backend\t$dataset\tactions=$action_max\tin_area=$actions_in_area" >>"$TSV"
  local dir=$RUN/$backend-$dataset
  rm -rf "$dir"
  start_reference "$url" "$dir"
  start_app "$url" "$APP_PORT" "$dir"
  local app=http://127.0.0.1:$APP_PORT ref=http://127.0.0.1:$REF_PORT
  # A cold chart (first render after start) and a cold roll-up, once, for the record.
  local tok
  tok=$(token "$APP_PORT")
  local cold_chart cold_rollup
  cold_chart=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $tok" "$app/api/v1/charts/areas-status.svg")
  cold_rollup=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $tok" "$app/api/v1/progress?area=$AREA")
  echo -e "#cold\t$backend\t$dataset\tchart_s=$cold_chart\trollup_s=$cold_rollup" >>"$TSV"
  for conns in $CONNECTIONS; do
    tok=$(token "$APP_PORT")
    local auth=(-H "Authorization: Bearer $tok")
    measure "$backend" "$dataset" a "$conns" "$REF_PID" "$ref/plaintext"
    measure "$backend" "$dataset" a2 "$conns" "$REF_PID" "$ref/actions"
    measure "$backend" "$dataset" b "$conns" "$APP_PID" "$app/api/v1/progress?area=$AREA" "${auth[@]}"
    measure "$backend" "$dataset" c "$conns" "$APP_PID" "$app/api/v1/actions?area=$AREA&limit=100" "${auth[@]}"
    measure "$backend" "$dataset" 'c*' "$conns" "$APP_PID" "$app/api/v1/actions?limit=100" "${auth[@]}"
    measure "$backend" "$dataset" d "$conns" "$APP_PID" "$app/api/v1/charts/areas-status.svg" "${auth[@]}" \
      -H "Accept-Encoding: gzip"
    local tag="bench-$STAMP-$backend-$dataset-$conns"
    BENCH_TOKEN=$tok BENCH_ACTION_MAX=$action_max BENCH_TAG=$tag \
      measure "$backend" "$dataset" e "$conns" "$APP_PID" "$app" -s bench/post_update.lua
    local acknowledged
    acknowledged=$(awk '/^acknowledged/ { print $2 }' <<<"$LAST_OUTPUT")
    # Acknowledged means durable: kill the server without warning, then count.
    stop "$APP_PID" KILL
    local stored
    stored=$(count_rows "$backend" "$path" "$tag")
    echo -e "#writes\t$backend\t$dataset\t$conns\tacknowledged=$acknowledged\tstored=$stored" >>"$TSV"
    log "writes: acknowledged $acknowledged, stored after SIGKILL $stored"
    start_app "$url" "$APP_PORT" "$dir"
  done
  stop "$APP_PID"
  stop "$REF_PID"
}

for backend in $BACKENDS; do
  for dataset in $DATASETS; do
    block "$backend" "$dataset"
  done
done

# ---- scale-out: two instances on one PostgreSQL ------------------------------------------
# Fair on 2 cores: each instance gets one worker and one core (taskset); the baseline is one
# such instance. wrk, PostgreSQL and the reference float over both cores in both runs, so the
# second instance competes with them for the second core: this shows whether a second instance
# adds throughput, not what two machines would give.
if [ "$SCALEOUT" = 1 ] && [[ " $BACKENDS " == *" postgres "* ]]; then
  log "scale-out on PostgreSQL (demo data)"
  url=$(prepare postgres demo)
  add_bench_admin "$url"
  action_max=$(sql_value postgres "$url" "select max(id) from actions")
  dir=$RUN/scaleout
  rm -rf "$dir"
  start_app "$url" "$APP_PORT" "$dir/one" 0 1
  one=$APP_PID
  tok=$(token "$APP_PORT")
  for test in b c e; do
    case $test in
      b) path="/api/v1/progress?area=$AREA"; extra=() ;;
      c) path="/api/v1/actions?area=$AREA&limit=100"; extra=() ;;
      e) path=""; extra=(-s bench/post_update.lua) ;;
    esac
    BENCH_TOKEN=$tok BENCH_ACTION_MAX=$action_max BENCH_TAG="bench-$STAMP-scaleout-one" \
      measure postgres scaleout-1 "$test" 64 "$one" "http://127.0.0.1:$APP_PORT$path" -H "Authorization: Bearer $tok" "${extra[@]}"
  done
  start_app "$url" "$APP2_PORT" "$dir/two" 1 1
  two=$APP_PID
  # One login, used on both instances: they share the signing keys through the database (a
  # token per instance would hide instances that do not).
  tok2=$tok
  for test in b c e; do
    case $test in
      b) path="/api/v1/progress?area=$AREA"; extra=() ;;
      c) path="/api/v1/actions?area=$AREA&limit=100"; extra=() ;;
      e) path=""; extra=(-s bench/post_update.lua) ;;
    esac
    tag="bench-$STAMP-scaleout-two-$test"
    for warm in 1 0; do
      d=$DURATION run_tag=$tag
      [ $warm = 1 ] && d=$WARMUP run_tag=$tag-warm-up
      reset_peak "$one"; reset_peak "$two"
      BENCH_TOKEN=$tok BENCH_ACTION_MAX=$action_max BENCH_TAG=$run_tag \
        wrk -t1 -c32 -d"${d}s" --latency -H "Authorization: Bearer $tok" "${extra[@]}" "http://127.0.0.1:$APP_PORT$path" >"$RUN/so-a.txt" 2>&1 &
      wa=$!
      BENCH_TOKEN=$tok2 BENCH_ACTION_MAX=$action_max BENCH_TAG=$run_tag \
        wrk -t1 -c32 -d"${d}s" --latency -H "Authorization: Bearer $tok2" "${extra[@]}" "http://127.0.0.1:$APP2_PORT$path" >"$RUN/so-b.txt" 2>&1 &
      wb=$!
      wait "$wa" "$wb"
    done
    read -r ra a50 a99 an ae akb <<<"$(parse_wrk <"$RUN/so-a.txt")"
    read -r rb b50 b99 bn be bkb <<<"$(parse_wrk <"$RUN/so-b.txt")"
    rss="$(peak_mb "$one")+$(peak_mb "$two")"
    python3 - "$ra" "$rb" "$a50" "$b50" "$a99" "$b99" "$an" "$bn" "$ae" "$be" "$akb" "$rss" "$test" "$(uptime | sed 's/.*load average: //')" >>"$TSV" <<'PY'
import sys
ra, rb, a50, b50, a99, b99, an, bn, ae, be, kb = map(float, sys.argv[1:12])
rss, test, load = sys.argv[12], sys.argv[13], sys.argv[14]
print("postgres\tscaleout-2\t%s\t64\t%.0f\t%.3f\t%.3f\t%d\t%d\t%.1f\t%s\t%s" % (test, ra + rb, max(a50, b50), max(a99, b99), an + bn, ae + be, kb, rss, load))
PY
    if [ "$test" = e ]; then
      ack=$(( $(awk '/^acknowledged/ { print $2 }' "$RUN/so-a.txt") + $(awk '/^acknowledged/ { print $2 }' "$RUN/so-b.txt") ))
    fi
    log "scale-out two instances ($test): $ra + $rb req/s"
  done
  # Consistency: the writes went through both instances at once; both must now give the same
  # totals, equal to what the database holds, and a write through one must show in the
  # other's (cached) roll-up at once.
  stored=$(count_rows postgres "$url" "bench-$STAMP-scaleout-two-e")
  p1=$(curl -fs -H "Authorization: Bearer $tok" "http://127.0.0.1:$APP_PORT/api/v1/progress")
  p2=$(curl -fs -H "Authorization: Bearer $tok2" "http://127.0.0.1:$APP2_PORT/api/v1/progress")
  l1=$(curl -fs -H "Authorization: Bearer $tok" "http://127.0.0.1:$APP_PORT/api/v1/actions?status=on_track&limit=1")
  l2=$(curl -fs -H "Authorization: Bearer $tok2" "http://127.0.0.1:$APP2_PORT/api/v1/actions?status=on_track&limit=1")
  db_on_track=$(sql_value postgres "$url" "select count(*) from actions where status = 'on_track'")
  # A write through instance two, then the roll-up through instance one (whose cache is warm).
  now_status=$(curl -fs -H "Authorization: Bearer $tok2" "http://127.0.0.1:$APP2_PORT/api/v1/actions/1" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
  new_status=off_track
  [ "$now_status" = off_track ] && new_status=at_risk
  curl -fs -o /dev/null -H "Authorization: Bearer $tok2" -H 'Content-Type: application/json' \
    -d "{\"status\":\"$new_status\",\"percent_complete\":10,\"note\":\"scale-out consistency check\"}" \
    "http://127.0.0.1:$APP2_PORT/api/v1/actions/1/updates"
  p1_after=$(curl -fs -H "Authorization: Bearer $tok" "http://127.0.0.1:$APP_PORT/api/v1/progress")
  p2_after=$(curl -fs -H "Authorization: Bearer $tok2" "http://127.0.0.1:$APP2_PORT/api/v1/progress")
  python3 - "$p1" "$p2" "$l1" "$l2" "$p1_after" "$p2_after" "$db_on_track" "$ack" "$stored" >>"$TSV" <<'PY'
import json, sys
p1, p2, l1, l2, p1a, p2a = (json.loads(x) for x in sys.argv[1:7])
db_on_track, ack, stored = (int(x) for x in sys.argv[7:10])
same = p1["total"] == p2["total"] and p1["groups"] == p2["groups"]
same_list = l1["total"] == l2["total"] == db_on_track
same_after = p1a["total"] == p2a["total"] and p1a["groups"] == p2a["groups"]
moved = p1a["total"]["statuses"] != p1["total"]["statuses"]
print("#consistency\tsame_totals=%s\tlist_total_equals_db=%s\twrite_via_two_seen_by_one=%s\tacknowledged=%d\tstored=%d"
      % (same, same_list, same_after and moved, ack, stored))
PY
  stop "$one"
  stop "$two"
fi

echo "uptime after: $(uptime)" >>"$DATA/results/load-$STAMP.head"
python3 bench/report.py "$DATA/results/load-$STAMP.head" "$TSV" | tee "$OUT"
log "written to $OUT"
