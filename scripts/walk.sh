#!/usr/bin/env bash
# The yearly cycle walked through in a browser, as new users would (issue 17): starts the demo
# server on a temporary database and runs tests/a11y/walk.mjs in headless Chromium: a round
# opened, an update filled through a submission link with evidence attached, returned, fixed,
# approved, the round closed, the annual report approved, adopted and published, and the public
# pages showing it; no 5xx on any response and no axe-core violation on any page visited.
#
#   scripts/walk.sh [PLANMON_BINARY]      (default target/debug/planmon, built if missing)
#
# Needs Debian's chromium and Node.js; installs the npm packages of tests/a11y if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/debug/planmon}"
[ -x "$bin" ] || cargo build --bin planmon
if [ ! -d tests/a11y/node_modules ]; then
    (cd tests/a11y && npm ci --no-audit --no-fund --silent)
fi
work="$(mktemp -d)"
port="${WALK_PORT:-18098}"
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
PLANMON_BASE="http://127.0.0.1:$port" PLANMON_LOGINS="$work/logins.txt" timeout 170 node tests/a11y/walk.mjs
