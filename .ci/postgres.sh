#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:$PGPORT (default 5432) with trust
# authentication, user postgres and a database `test`, for the case tests (they must run in CI,
# never skip). Uses the one that answers; otherwise starts a throw-away cluster in a temporary
# folder (installing the `postgresql` package with apt where its programs are absent) and stops
# it again on exit. Source it: `. .ci/postgres.sh`, then run the tests.
PGPORT="${FUNDRULES_CI_PG_PORT:-5432}"
PGHOST=127.0.0.1

pg_answers() {
  python3 - "$PGHOST" "$PGPORT" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket()
s.settimeout(2)
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(1)
PY
}

pg_bin() {
  # the directory holding initdb and pg_ctl: PATH, else the newest /usr/lib/postgresql/*/bin
  local d
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

ensure_postgres() {
  if pg_answers; then
    echo "PostgreSQL answers on $PGHOST:$PGPORT"
  else
    local bin
    if ! bin=$(pg_bin); then
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing PostgreSQL (apt)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        bin=$(pg_bin) || { echo "PostgreSQL installed but initdb/pg_ctl not found" >&2; return 1; }
      else
        echo "No PostgreSQL on $PGHOST:$PGPORT and none installed: install the postgresql package" >&2
        return 1
      fi
    fi
    FUNDRULES_CI_PG_DIR=$(mktemp -d /tmp/fundrules-ci-pg.XXXXXX)
    local run=()
    if [ "$(id -u)" = 0 ]; then  # initdb refuses to run as root
      id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
      chown postgres "$FUNDRULES_CI_PG_DIR"
      run=(runuser -u postgres --)
    fi
    "${run[@]}" "$bin/initdb" -D "$FUNDRULES_CI_PG_DIR/data" -U postgres --auth=trust \
      --encoding=UTF8 --locale=C >"$FUNDRULES_CI_PG_DIR/initdb.log" 2>&1 \
      || { cat "$FUNDRULES_CI_PG_DIR/initdb.log" >&2; return 1; }
    "${run[@]}" "$bin/pg_ctl" -D "$FUNDRULES_CI_PG_DIR/data" -w -t 60 \
      -o "-p $PGPORT -h $PGHOST -k $FUNDRULES_CI_PG_DIR -c fsync=off -c max_connections=200" \
      -l "$FUNDRULES_CI_PG_DIR/server.log" start >/dev/null \
      || { cat "$FUNDRULES_CI_PG_DIR/server.log" >&2; return 1; }
    FUNDRULES_CI_PG_STOP=("${run[@]}" "$bin/pg_ctl" -D "$FUNDRULES_CI_PG_DIR/data" -m fast stop)
    trap 'stop_postgres' EXIT
    echo "Started PostgreSQL on $PGHOST:$PGPORT in $FUNDRULES_CI_PG_DIR"
  fi
  # the database `test` (psycopg from the project's .venv: run ./dev setup first)
  .venv/bin/python - "$PGHOST" "$PGPORT" <<'PY' || { echo "cannot create the database test" >&2; return 1; }
import sys, time
import psycopg
url = f"postgresql://postgres@{sys.argv[1]}:{sys.argv[2]}/postgres"
for attempt in range(30):
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=5)
        break
    except psycopg.OperationalError as exc:
        error = exc
        time.sleep(1)
else:
    sys.exit(f"cannot connect to {url}: {error}")
with conn:
    if conn.execute("SELECT 1 FROM pg_database WHERE datname = 'test'").fetchone() is None:
        conn.execute("CREATE DATABASE test")
PY
  export FUNDRULES_TEST_PG_URL="postgresql://postgres@$PGHOST:$PGPORT/test"
}

stop_postgres() {
  if [ -n "${FUNDRULES_CI_PG_STOP+x}" ]; then
    "${FUNDRULES_CI_PG_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$FUNDRULES_CI_PG_DIR"
  fi
}
