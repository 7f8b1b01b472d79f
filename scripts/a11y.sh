#!/usr/bin/env bash
# Accessibility check (WCAG 2.1 AA) of every page, as users' tools check it: starts the demo
# server on a temporary database and runs axe-core in headless Chromium over every page of each
# kind, for an anonymous visitor and for each demo role (tests/a11y/axe.mjs).
#
#   scripts/a11y.sh [PLANMON_BINARY]      (default target/debug/planmon, built if missing)
#
# Environment: A11Y_ENGLISH_ONLY=1 visits only the English pages; A11Y_ENGLISH_STRICT=1 fails on
# Bulgarian interface text left outside lang="bg" in an English page (reported otherwise).
# Needs Debian's chromium and Node.js; installs the npm packages of tests/a11y if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/debug/planmon}"
[ -x "$bin" ] || cargo build --bin planmon
if [ ! -d tests/a11y/node_modules ]; then
    (cd tests/a11y && npm ci --no-audit --no-fund --silent)
fi
work="$(mktemp -d)"
port="${A11Y_PORT:-18099}"
cleanup() {
    [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
PLANMON_PUBLIC_URL="http://127.0.0.1:$port" PLANMON_LOG=warn \
    "$bin" --data-dir "$work" serve --demo --addr "127.0.0.1:$port" >"$work/out.txt" 2>&1 &
server=$!
for _ in $(seq 1 120); do
    grep -q "http://127.0.0.1:$port" "$work/out.txt" 2>/dev/null && break
    kill -0 "$server" 2>/dev/null || { cat "$work/out.txt"; exit 1; }
    sleep 0.5
done
# The demo accounts, one "email password role" line each, as the server printed them.
grep -E '^\s+\S+@\S+\s' "$work/out.txt" >"$work/logins.txt" || true
PLANMON_BASE="http://127.0.0.1:$port" PLANMON_LOGINS="$work/logins.txt" node tests/a11y/axe.mjs
