#!/usr/bin/env bash
# schemathesis over the API: starts the demo server on a temporary database, reads the demo API
# token it prints (a coordinator of the first demo municipality), and runs schemathesis (PyPI)
# with the OpenAPI document against every operation, read and write, with a bounded number of
# examples each: no answer may be a 5xx, and every answer must match its documented status,
# media type and schema.
#
#   scripts/schemathesis.sh [PLANMON_BINARY]      (default target/debug/planmon)
#
# Needs python3 with venv; schemathesis is installed once into a virtual environment under
# target/ (SCHEMATHESIS_VENV). SCHEMATHESIS_EXAMPLES (default 20) bounds the examples per
# operation.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/debug/planmon}"
version="4.32.5"
venv="${SCHEMATHESIS_VENV:-target/schemathesis-venv}"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi
# shellcheck source=scripts/demo-server.sh
source scripts/demo-server.sh
demo_server "$bin" "${SCHEMATHESIS_PORT:-18097}"
token="$(grep -oE '^API ключ .*: [0-9a-f]{64}$' "$work/out.txt" | grep -oE '[0-9a-f]{64}$' || true)"
[ -n "$token" ] || { echo "the demo server printed no API token"; cat "$work/out.txt"; exit 1; }
# Real identifiers for the round endpoints (else every write is a 404): the first demo round and
# the first update its token sees.
curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/rounds/1" -o "$work/round.json"
python3 - "$work/round.json" >"$work/schemathesis.toml" <<'PY'
import json, sys
u = json.load(open(sys.argv[1]))["updates"][0]
print("[parameters]")
print('"path.id" = 1')
print(f'"path.measure" = {json.dumps(u["measure"])}')
print(f'"path.institution" = {u["institution_id"]}')
PY
"$venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run "$base/api/v1/openapi.json" \
    --url "$base" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "${SCHEMATHESIS_EXAMPLES:-20}" \
    --phases examples,coverage,fuzzing \
    --seed 14 \
    --generation-database none \
    --workers 1 \
    --request-timeout 30 \
    --no-color
# The server answered everything without dying.
kill -0 "$server"
