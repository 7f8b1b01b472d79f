#!/usr/bin/env bash
# The yearly cycle walked through in a browser, as new users would (issue 17): starts the demo
# server on a temporary database (scripts/demo-server.sh) and runs tests/a11y/walk.mjs in
# headless Chromium: a round opened, an update filled through a submission link with evidence
# attached, returned, fixed, approved, the round closed, the annual report approved, adopted and
# published, and the public pages showing it; no 5xx on any response and no axe-core violation
# on any page visited.
#
#   scripts/walk.sh [PLANMON_BINARY]      (default target/debug/planmon, built if missing)
#
# Environment: WALK_PORT the server's port (18098).
# Needs Debian's chromium and Node.js; installs the npm packages of tests/a11y if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/demo-server.sh
source scripts/demo-server.sh
browser_packages
demo_server "${1:-target/debug/planmon}" "${WALK_PORT:-18098}"
PLANMON_BASE="$base" PLANMON_LOGINS="$logins" timeout 170 node tests/a11y/walk.mjs
