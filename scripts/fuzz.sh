#!/usr/bin/env bash
# Fuzzes every parser and renderer on the stable toolchain (examples/fuzz.rs).
# Usage: scripts/fuzz.sh N [TARGET...]   N inputs per target (documents get a share of N);
# targets: hostile bytes zip html csv text pdf import json template report-html report-docx report-pdf.
# FUZZ_SEED=... repeats a run; FUZZ_SECONDS=... caps each target's time (the counts say what ran); FUZZ_PROFILE=release builds optimised (slower to build, faster to run).
# Inputs that panic are saved under target/fuzz/crashes/; the exit status is 1 when any did.
# FUZZ_CURRENT=FILE keeps the input running when the process is killed (run under `ulimit -v`).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"
shift || true
profile=()
if [ "${FUZZ_PROFILE:-dev}" = "release" ]; then profile=(--release); fi
out=$(mktemp)
cargo run "${profile[@]}" --quiet --example fuzz -- "$n" "$@" | tee "$out"
if grep -qE ' [1-9][0-9]* panics' "$out"; then
  echo "panics found: see target/fuzz/crashes/" >&2
  exit 1
fi
