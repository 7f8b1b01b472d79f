#!/usr/bin/env bash
# HTTP benchmark of the release binary: start-up time to ready, idle memory, and requests/s
# with p50/p99 latency for the Пловдив plan page and its JSON at 32 connections.
# Needs wrk and curl (apt-get install wrk curl). Usage: bench/http.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
bin=target/release/planmon
dir=$(mktemp -d)
port=18080
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT

# First start: creates the database and imports the demo plans; stop it, then time a normal start.
PLANMON_DATA_DIR="$dir" PLANMON_LOG=warn "$bin" serve --demo --addr "127.0.0.1:$port" >/dev/null &
pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.05; done
kill $pid; wait $pid 2>/dev/null || true

start=$(date +%s%N)
PLANMON_DATA_DIR="$dir" PLANMON_LOG=warn "$bin" serve --demo --addr "127.0.0.1:$port" >/dev/null &
pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.005; done
ready=$(( ($(date +%s%N) - start) / 1000000 ))
sleep 1
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
echo "start-up to ready: ${ready} ms"
echo "idle RSS: $((rss / 1024)) MB (${rss} kB)"

plan=$(curl -s "http://127.0.0.1:$port/api/v1/plans" | grep -o '"id":[0-9]*,"municipality":"Пловдив"' | grep -o '[0-9]*' | head -n1)
for path in "/plans/$plan" "/api/v1/plans/$plan"; do
    echo "== GET $path, 32 connections, ${secs}s"
    wrk -t2 -c32 -d"${secs}s" --latency "http://127.0.0.1:$port$path" | grep -E "Requests/sec|50%|99%|Transfer/sec|Non-2xx"
done
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
echo "RSS after load: $((rss / 1024)) MB"
