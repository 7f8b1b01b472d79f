#!/usr/bin/env bash
# The Пловдив plan page served by planmon against nginx serving the same bytes from a file, side
# by side in one run, as a browser asks (Accept-Encoding: gzip, deflate, br; nginx with
# gzip_static and a .gz made with gzip -9) and uncompressed; on SQLite, and on PostgreSQL when
# BENCH_POSTGRES_URL names a server whose user may create databases
# (e.g. postgres://postgres@127.0.0.1:5432/postgres). Loopback only.
# Needs wrk, nginx and curl (apt-get install wrk nginx curl).
# Usage: bench/vs-nginx.sh [seconds per run, default 10] [connections, default 64]
# The machine is shared (2 cores, wrk on the same cores): compare the ratio, not the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
conns="${2:-64}"
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
bin=$PWD/target/release/planmon
work=$(mktemp -d)
chmod 755 "$work" # nginx workers run as another user
port=18090
nport=18091
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    if [ -n "${pgdb:-}" ]; then psql "$BENCH_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
browser=(-H "Accept-Encoding: gzip, deflate, br")

rps() { # URL [wrk header args…] -> requests/s
    local url=$1; shift
    wrk -t2 -c"$conns" -d"${secs}s" "$@" "$url" | awk '/Requests\/sec/ {print int($2)}'
}

run() { # label database-url
    local label=$1 url=$2 data="$work/data-$1"
    PLANMON_DATA_DIR="$data" PLANMON_DATABASE_URL="$url" PLANMON_LOG=warn \
        "$bin" serve --demo --addr "127.0.0.1:$port" >/dev/null &
    local pid=$!
    pids+=("$pid")
    until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.1; done
    local plan
    plan=$(curl -s "http://127.0.0.1:$port/api/v1/plans" | grep -o '"id":[0-9]*,"municipality":"Пловдив"' | grep -o '[0-9]*' | head -n1)
    local page="http://127.0.0.1:$port/plans/$plan"
    # The same bytes for nginx: the page as planmon sends it, and gzip -9 of it.
    mkdir -p "$work/www"
    curl -s "$page" -o "$work/www/plan.html"
    gzip -9 -k -f "$work/www/plan.html"
    chmod -R a+rX "$work/www"
    cat >"$work/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    types { text/html html; }
    server {
        listen 127.0.0.1:$nport;
        root $work/www;
        gzip_static on;
        etag on;
    }
}
EOF
    [ -f "$work/nginx.pid" ] || nginx -c "$work/nginx.conf" -p "$work"
    sleep 0.5
    curl -sf "http://127.0.0.1:$nport/plan.html" -o /dev/null
    # Warm both.
    curl -s "${browser[@]}" "$page" -o /dev/null
    curl -s "$page" -o /dev/null
    local size br gz
    size=$(stat -c %s "$work/www/plan.html")
    br=$(curl -s "${browser[@]}" "$page" | wc -c)
    gz=$(stat -c %s "$work/www/plan.html.gz")
    echo "== $label: /plans/$plan, ${size} bytes (planmon br ${br}, nginx gzip -9 ${gz}); wrk -t2 -c$conns -d${secs}s"
    local p_b n_b p_i n_i
    p_b=$(rps "$page" "${browser[@]}")
    n_b=$(rps "http://127.0.0.1:$nport/plan.html" "${browser[@]}")
    p_i=$(rps "$page")
    n_i=$(rps "http://127.0.0.1:$nport/plan.html")
    printf '%-34s %10s %10s %7s\n' "" planmon nginx ratio
    printf '%-34s %10s %10s %7s\n' "as a browser asks (br/gzip)" "$p_b" "$n_b" "$(awk "BEGIN {printf \"%.2f\", $p_b / $n_b}")"
    printf '%-34s %10s %10s %7s\n' "uncompressed" "$p_i" "$n_i" "$(awk "BEGIN {printf \"%.2f\", $p_i / $n_i}")"
    local etag
    etag=$(curl -s -D - -o /dev/null "${browser[@]}" "$page" | awk -F': ' 'tolower($1) == "etag" {print $2}' | tr -d '\r')
    echo "If-None-Match: $(curl -s -o /dev/null -w '%{http_code}' "${browser[@]}" -H "If-None-Match: $etag" "$page")"
    echo "planmon RSS: $(( $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024 )) MB"
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

run sqlite "sqlite://$work/data-sqlite/planmon.db?mode=rwc"
if [ -n "${BENCH_POSTGRES_URL:-}" ]; then
    pgdb="planmon_bench_$$"
    psql "$BENCH_POSTGRES_URL" -qc "CREATE DATABASE $pgdb" >/dev/null
    run postgres "${BENCH_POSTGRES_URL%/*}/$pgdb"
fi
