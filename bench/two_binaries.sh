# Shared by the scripts that compare two release binaries (bench/before_after.sh, bench/as_of.sh):
# source it after setting PORT. Gives BIN (before/after → binary), WORK (a temporary directory,
# removed on exit), PW, and wait_ready, token and prepare.
: "${BEFORE:?set BEFORE to the old binary}" "${AFTER:?set AFTER to the new binary}" "${PORT:?set PORT}"
PW="zeventien-Lange-koffiebekers-op-het-stadhuis"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
declare -A BIN=([before]=$BEFORE [after]=$AFTER)

wait_ready() { for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && return; sleep 0.2; done; return 1; }
token() {
  curl -s -H 'Content-Type: application/json' -d "{\"username\":\"abtest\",\"password\":\"$PW\"}" \
    "http://127.0.0.1:$PORT/api/v1/auth/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
# prepare NAME URL: the demo and an admin `abtest`, made by binary NAME.
prepare() {
  (cd "$WORK" && "${BIN[$1]}" --database-url "$2" seed --demo >/dev/null 2>&1)
  echo "$PW" | (cd "$WORK" && "${BIN[$1]}" --database-url "$2" user add --username abtest --role admin --password-stdin >/dev/null)
}
