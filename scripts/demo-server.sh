# The demo server for the checks that run against a live server, sourced by scripts/a11y.sh,
# scripts/walk.sh and scripts/schemathesis.sh (not run by itself):
#
#   demo_server BINARY PORT
#
# builds BINARY if missing (cargo build --bin planmon), starts `BINARY serve --demo` on a
# temporary database at 127.0.0.1:PORT and waits until it listens (its output shown and the script ended if it stops first). It then sets
# `base` (the server's address), `work` (the temporary folder) and `logins` (the demo accounts,
# one "email password role" line each, as the server printed them); the server is stopped and
# the folder removed when the script exits.

demo_server() {
    local bin="$1" port="$2"
    [ -x "$bin" ] || cargo build --bin planmon
    work="$(mktemp -d)"
    base="http://127.0.0.1:$port"
    logins="$work/logins.txt"
    trap demo_server_stop EXIT
    PLANMON_PUBLIC_URL="$base" PLANMON_LOG=warn \
        "$bin" --data-dir "$work" serve --demo --addr "127.0.0.1:$port" >"$work/out.txt" 2>&1 &
    server=$!
    for _ in $(seq 1 120); do
        grep -q "$base" "$work/out.txt" 2>/dev/null && break
        kill -0 "$server" 2>/dev/null || { cat "$work/out.txt"; exit 1; }
        sleep 0.5
    done
    grep -E '^\s+\S+@\S+\s' "$work/out.txt" >"$logins" || true
}

demo_server_stop() {
    [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
    [ -n "${work:-}" ] && rm -rf "$work"
    return 0
}

# The npm packages of tests/a11y (axe-core, puppeteer-core), installed if missing: for the
# browser checks.
browser_packages() {
    if [ ! -d tests/a11y/node_modules ]; then
        (cd tests/a11y && npm ci --no-audit --no-fund --silent)
    fi
}
