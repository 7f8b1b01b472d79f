#!/usr/bin/env bash
# Soak: CONNECTIONS wrk connections for SECONDS over public pages, the API and search, while a
# logged-in administrator keeps saving (a report narrative, as staff do) in a loop; errors
# (non-2xx/3xx, socket errors, failed saves) and the server's RSS at start, peak and end.
# SQLite by default; PostgreSQL when BENCH_POSTGRES_URL names a server whose user may create
# databases. Loopback only; the machine is shared, so say so next to the numbers.
# Needs wrk and curl. Usage: bench/soak.sh [seconds, default 600] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-600}"
conns="${2:-64}"
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
bin=$PWD/target/release/planmon
work=$(mktemp -d)
port=18095
cleanup() {
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true
    [ -n "${saver:-}" ] && kill "$saver" 2>/dev/null || true
    [ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true
    if [ -n "${pgdb:-}" ]; then psql "$BENCH_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
url="sqlite://$work/data/planmon.db?mode=rwc"
if [ -n "${BENCH_POSTGRES_URL:-}" ]; then
    pgdb="planmon_soak_$$"
    psql "$BENCH_POSTGRES_URL" -qc "CREATE DATABASE $pgdb" >/dev/null
    url="${BENCH_POSTGRES_URL%/*}/$pgdb"
fi
PLANMON_DATA_DIR="$work/data" PLANMON_DATABASE_URL="$url" PLANMON_LOG=warn \
    "$bin" serve --demo --addr "127.0.0.1:$port" >"$work/out.txt" &
pid=$!
base="http://127.0.0.1:$port"
until curl -sf "$base/healthz" >/dev/null; do sleep 0.1; done
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
start_rss=$(rss)

# The demo administrator (its password is printed once at start).
read -r email password < <(grep -m1 -E '^\s+\S+@\S+\s+\S+\s+.*(администратор|administrator)' "$work/out.txt" | awk '{print $1, $2}')
jar="$work/jar"
csrf=$(curl -s -c "$jar" "$base/login" | grep -o 'name="csrf_token" value="[0-9a-f]*"' | head -n1 | grep -o '[0-9a-f]\{64\}')
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf_token=$csrf" \
    --data-urlencode "email=$email" --data-urlencode "password=$password" "$base/login"
csrf=$(curl -s -b "$jar" "$base/account" | grep -o 'name="csrf_token" value="[0-9a-f]*"' | head -n1 | grep -o '[0-9a-f]\{64\}')
plans=$(curl -s "$base/api/v1/plans" | grep -o '"id":[0-9]*' | grep -o '[0-9]*' | sort -u | tr '\n' ' ')
report=""
# The demo may still be making its reports when the server first answers: look for a while.
for _ in $(seq 1 30); do
    for p in $plans; do
        # A report whose workspace still takes a narrative (a draft), not a published one.
        for r in $(curl -s -b "$jar" "$base/plans/$p/reports" | grep -o '"/reports/[0-9]*"' | grep -o '[0-9]*' || true); do
            if curl -s -b "$jar" "$base/reports/$r" | grep -q "action=\"/reports/$r/narrative\""; then
                report=$r
                break
            fi
        done
        [ -n "$report" ] && break
    done
    [ -n "$report" ] && break
    sleep 1
done

# Staff saves in a loop: the narrative of a draft report (or, without one, the account page),
# which no public page shows; every SOAK_PUBLIC_EVERY-th (default 10) is a write the cache
# treats as public (an account made active again), so every kept public answer is made anew
# while the readers go on.
public_every="${SOAK_PUBLIC_EVERY:-10}"
account=$(curl -s -b "$jar" "$base/admin/users" | grep -o 'href="/admin/users/[0-9]*"' | head -n1 | grep -o '/admin/users/[0-9]*' || true)
[ -z "$account" ] || account="$account/active"
: >"$work/saves"
: >"$work/public"
(
    n=0
    while true; do
        n=$((n + 1))
        if [ -n "$account" ] && [ $((n % public_every)) -eq 0 ]; then
            code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "csrf_token=$csrf" \
                --data-urlencode "active=1" "$base$account")
            echo "$code" >>"$work/public"
        elif [ -n "$report" ]; then
            code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "csrf_token=$csrf" \
                --data-urlencode "introduction=Бележка от проверката за издръжливост № $n." "$base/reports/$report/narrative")
        else
            code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' "$base/account")
        fi
        echo "$code" >>"$work/saves"
        sleep 0.2
    done
) &
saver=$!

peak=$start_rss
( while true; do rss >>"$work/rss"; sleep 1; done ) &
sampler=$!

cat >"$work/paths.lua" <<LUA
local paths = {"/", "/api/v1/plans", "/data", "/districts", "/api/v1/rollup/2023"}
for _, q in ipairs({"здраве", "образование", "жилища", "заетост", "култура", "дискриминация", "училище", "медиатор", "ремонт", "обучение"}) do
  table.insert(paths, "/search?q=" .. q)
end
for id in string.gmatch("$plans", "%d+") do
  table.insert(paths, "/plans/" .. id)
  table.insert(paths, "/api/v1/plans/" .. id)
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {["Accept-Encoding"] = "gzip, deflate, br"})
end
LUA
echo "== soak: $conns connections, ${secs}s, $(echo $plans | wc -w) plans, report ${report:-none}, public write ${account:-none} every $public_every; database ${url%%:*}"
wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$work/paths.lua" "$base" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors|requests in"
kill "$saver" 2>/dev/null || true
end_rss=$(rss)
peak=$(sort -n "$work/rss" | tail -n1)
saves=$(wc -l <"$work/saves")
bad=$(grep -cvE '^(200|303)$' "$work/saves" || true)
echo "staff saves: $saves, failed: $bad"
public=$(wc -l <"$work/public")
bad_public=$(grep -cvE '^(200|303)$' "$work/public" || true)
echo "public writes (every kept answer made anew): $public, failed: $bad_public"
echo "RSS: start $((start_rss / 1024)) MB, peak $((peak / 1024)) MB, end $((end_rss / 1024)) MB"
echo "RSS each minute (MB): $(awk 'NR % 60 == 1 {printf "%d ", $1 / 1024}' "$work/rss")"
