# The demo server for the browser checks, sourced by scripts/a11y.sh and scripts/walk.sh (not
# run by itself):
#
#   demo_server BINARY PORT
#
# builds BINARY if missing (cargo build --bin planmon), installs the npm packages of tests/a11y
# if missing, starts `BINARY serve --demo` on a temporary database at 127.0.0.1:PORT and waits
# until it listens (its output shown and the script ended if it stops first). It then sets
# `base` (the server's address), `work` (the temporary folder) and `logins` (the demo accounts,
# one "email password role" line each, as the server printed them); the server is stopped and
# the folder removed when the script exits.

demo_server() {
    local bin="$1" port="$2"
    [ -x "$bin" ] || cargo build --bin planmon
    if [ ! -d tests/a11y/node_modules ]; then
        (cd tests/a11y && npm ci --no-audit --no-fund --silent)
    fi
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
