#!/usr/bin/env bash
# Accessibility check (WCAG 2.1 AA) of every page, as users' tools check it: starts the demo
# server on a temporary database (scripts/demo-server.sh) and runs axe-core in headless Chromium
# over every page of each kind, for an anonymous visitor and for each demo role
# (tests/a11y/axe.mjs).
#
#   scripts/a11y.sh [PLANMON_BINARY]      (default target/debug/planmon, built if missing)
#
# Environment: A11Y_ENGLISH_ONLY=1 visits only the English pages; A11Y_ENGLISH_STRICT=1 fails on
# Bulgarian interface text left outside lang="bg" in an English page (reported otherwise);
# A11Y_PORT the server's port (18099).
# Needs Debian's chromium and Node.js; installs the npm packages of tests/a11y if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/demo-server.sh
source scripts/demo-server.sh
browser_packages
demo_server "${1:-target/debug/planmon}" "${A11Y_PORT:-18099}"
PLANMON_BASE="$base" PLANMON_LOGINS="$logins" node tests/a11y/axe.mjs
