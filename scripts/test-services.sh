#!/usr/bin/env bash
# Start a throwaway PostgreSQL and Redis on free loopback ports, run the command given with
# DATABASE_URL and CELERY_BROKER_URL pointing at them, and stop both on exit (also on failure).
# With KEEP_PG_DATA=DIR the PostgreSQL cluster lives in DIR and is kept for the next run (the
# benchmarks reuse their large data set that way); everything else is still thrown away.
# PG_OPTIONS adds server settings (the benchmarks give PostgreSQL the memory of a database server).
set -euo pipefail

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "${PG_BIN}" ] || [ ! -x "${PG_BIN}/initdb" ]; then
    if command -v initdb >/dev/null 2>&1; then
        PG_BIN=$(dirname "$(command -v initdb)")
    else
        echo "PostgreSQL server binaries not found. Install them, e.g. 'apt-get install postgresql-15' (Debian) or 'brew install postgresql@15' (macOS)." >&2
        exit 2
    fi
fi
if ! command -v redis-server >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing redis-server with apt-get..."
        apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server >/dev/null
    else
        echo "redis-server is missing. Install it, e.g. 'sudo apt-get install redis-server' (Debian/Ubuntu) or 'brew install redis' (macOS)." >&2
        exit 2
    fi
fi

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

WORK=$(mktemp -d /tmp/familieschool-test.XXXXXX)
chmod 755 "$WORK"
PG_PORT=$(free_port)
REDIS_PORT=$(free_port)
PG_DATA="$WORK/pg"
STOP_MODE=immediate
if [ -n "${KEEP_PG_DATA:-}" ]; then
    mkdir -p "$KEEP_PG_DATA"
    PG_DATA=$(cd "$KEEP_PG_DATA" && pwd)
    STOP_MODE=fast
fi
RUN_AS=()
if [ "$(id -u)" = "0" ]; then
    RUN_AS=(runuser -u postgres --)
    mkdir -p "$PG_DATA" && chown postgres "$PG_DATA"
fi

REDIS_PID=""
cleanup() {
    status=$?
    if [ -f "$PG_DATA/postmaster.pid" ]; then
        "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m "$STOP_MODE" stop >/dev/null 2>&1 || true
    fi
    if [ -n "$REDIS_PID" ]; then kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
    exit $status
}
trap cleanup EXIT INT TERM

if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    "${RUN_AS[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w \
    -o "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_OPTIONS:-}" \
    start >/dev/null

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --dir "$WORK" >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
done

export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/familieschool"
export CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
export TEST_REDIS_PORT="$REDIS_PORT"
echo "PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT"
"$@"
