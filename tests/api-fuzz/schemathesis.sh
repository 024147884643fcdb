#!/usr/bin/env bash
# API fuzzing: schemathesis generates requests from our own OpenAPI document and checks that no
# answer is a 5xx and that every answer matches the schema the document gives for it. It runs
# once per role (admin, ministry, municipality, viewer) against the real binary serving the demo
# programme, with a fixed seed and a bounded number of examples, so a run is repeatable.
#
#   tests/api-fuzz/schemathesis.sh [BINARY]
#
# BINARY defaults to target/debug/versnelling (or $CARGO_TARGET_DIR/debug/versnelling).
# VERSNELLING_FUZZ_DATABASE_URL=postgres://… fuzzes against PostgreSQL instead of a fresh SQLite
# file (the database must be empty or hold only this script's earlier data).
# VERSNELLING_FUZZ_EXAMPLES (default 12) and VERSNELLING_FUZZ_SEED (default 20210331) bound it.
# Needs `st` (pip install schemathesis==4.32.5). Exits non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/../.."

binary="${1:-${CARGO_TARGET_DIR:-target}/debug/versnelling}"
examples="${VERSNELLING_FUZZ_EXAMPLES:-12}"
seed="${VERSNELLING_FUZZ_SEED:-20210331}"
command -v st >/dev/null || { echo "schemathesis (st) is not installed: pip install schemathesis==4.32.5" >&2; exit 1; }
[ -x "$binary" ] || { echo "no binary at $binary: cargo build first" >&2; exit 1; }

work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [ -n "${VERSNELLING_FUZZ_KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export VERSNELLING_DATABASE_URL="${VERSNELLING_FUZZ_DATABASE_URL:-sqlite://$work/fuzz.db}"
export VERSNELLING__DATA__DIR="$work/data"
export VERSNELLING_BIND="127.0.0.1:$port"
# The fuzzer logs in with wrong passwords too: keep the throttle out of the way of the run.
export VERSNELLING__AUTH__LOGIN_MAX_FAILURES=1000000
export VERSNELLING__AUTH__LOGIN_MAX_FAILURES_PER_ADDRESS=1000000
export VERSNELLING__LOG__LEVEL=warn

"$binary" seed --demo >/dev/null
password="fuzzing passphrase $seed"
add_user() {
  local name=$1; shift
  "$binary" user list | grep -q "^$name " \
    || printf '%s\n' "$password" | "$binary" user add --username "$name" "$@" --password-stdin >/dev/null
}
add_user fuzz-admin --role admin
add_user fuzz-ministry --role ministry --ministry SZW
add_user fuzz-municipality --role municipality --municipality Rotterdam
add_user fuzz-viewer --role viewer

"$binary" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null

token() {
  curl -fsS -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$password\"}" \
    "http://127.0.0.1:$port/api/v1/auth/token" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

status=0
for role in admin ministry municipality viewer; do
  echo "--- schemathesis as $role (seed $seed, at most $examples examples per operation)"
  # Logging out, changing the password or revoking tokens would end the run's own session.
  # One worker: schemathesis's workers are threads, and with several, CPython 3.11's ast module
  # failed inside schemathesis ("AST constructor recursion depth mismatch"), not in our API.
  if ! st run "http://127.0.0.1:$port/api/v1/openapi.json" \
      -H "Authorization: Bearer $(token "fuzz-$role")" \
      --checks not_a_server_error,response_schema_conformance \
      --exclude-path-regex 'logout|password|/me/tokens|/users/\{id\}/tokens' \
      --phases examples,coverage,fuzzing \
      --max-examples "$examples" --seed "$seed" --workers 1 \
      --request-timeout 30 --no-color \
      --report junit --report-junit-path "$work/junit-$role.xml" \
      >"$work/st-$role.log" 2>&1; then
    status=1
    cat "$work/st-$role.log"
  else
    tail -n 8 "$work/st-$role.log"
  fi
  python3 - "$work/junit-$role.xml" "$role" <<'PY' || status=1
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else list(root)
tests = sum(int(s.get("tests", 0)) for s in suites)
failures = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
print(f"schemathesis {sys.argv[2]}: {tests} operations tested, {failures} with findings")
sys.exit(1 if failures else 0)
PY
done
if grep -q "panicked" "$work/server.log"; then
  echo "the server panicked during the run:" >&2
  grep -B2 -A5 "panicked" "$work/server.log" >&2
  status=1
fi
exit $status
