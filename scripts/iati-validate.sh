#!/usr/bin/env bash
# IATI 2.03 check of the open data export: starts the demo server on a temporary database,
# downloads /data/iati/activities.xml and one plan's file, validates them against the official
# IATI 2.03 activities XSD (shipped in the PyPI package pyIATI, iati/resources/standard/2-03/)
# with xmllint, and checks the codes the XSD does not enforce against the 2.03 codelists.
#
#   scripts/iati-validate.sh [PLANMON_BINARY]      (default target/debug/planmon)
#
# Needs xmllint (Debian libxml2-utils), python3 and pip (to download pyIATI once).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/debug/planmon}"
[ -x "$bin" ] || cargo build --bin planmon
cache="${IATI_CACHE:-target/iati}"
standard="$cache/standard/2-03"
if [ ! -f "$standard/schemas/iati-activities-schema.xsd" ]; then
    mkdir -p "$cache/dl"
    python3 -m pip download --quiet --no-deps --no-binary :all: pyIATI==0.4.1 -d "$cache/dl"
    tar -xzf "$cache"/dl/pyIATI-0.4.1.tar.gz -C "$cache/dl"
    mkdir -p "$cache/standard"
    cp -r "$cache/dl/pyIATI-0.4.1/iati/resources/standard/2-03" "$cache/standard/"
fi
work="$(mktemp -d)"
port="${IATI_PORT:-18098}"
cleanup() {
    [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
PLANMON_LOG=warn "$bin" --data-dir "$work" serve --demo --addr "127.0.0.1:$port" >"$work/out.txt" 2>&1 &
server=$!
for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { cat "$work/out.txt"; exit 1; }
    sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/data/iati/activities.xml" -o "$work/activities.xml"
curl -fsS "http://127.0.0.1:$port/data/iati/plans/1.xml" -o "$work/plan-1.xml"
for f in "$work/activities.xml" "$work/plan-1.xml"; do
    xmllint --noout --nonet --schema "$standard/schemas/iati-activities-schema.xsd" "$f"
done
python3 scripts/iati-codelists.py "$standard/codelists" "$work/activities.xml"
