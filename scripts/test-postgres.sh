#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the test suite.
#   test-postgres.sh start DIR   creates and starts a cluster in DIR on a free 127.0.0.1 port and
#                                prints only its URL (postgres://nubis:PASS@127.0.0.1:PORT/postgres)
#   test-postgres.sh stop DIR    stops it; does nothing if it never started
# Everything but the URL goes to stderr, so callers can capture stdout.
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
START_TIMEOUT=30

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
(($# == 2)) || usage
cmd=$1
dir=$(readlink -f "$2")

# initdb and postgres refuse to run as root: as root, run them as the `postgres` OS user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  [ -x "$PGBIN/initdb" ] || { echo "PostgreSQL 15 not found in $PGBIN: install the Debian package postgresql (make deps)" >&2; exit 1; }
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  if [ -e "$dir/data/PG_VERSION" ]; then echo "$dir/data already holds a cluster" >&2; exit 1; fi

  local pass
  pass=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  # Local socket connections use peer auth (only the postgres OS user, the one running psql here);
  # TCP connections need the password.
  as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; echo "initdb failed" >&2; exit 1; }

  # Another process may take the free port between the probe and the bind: retry a few times.
  local port started=0
  for _ in 1 2 3; do
    port=$(free_port)
    if as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t "$START_TIMEOUT" \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >&2; then
      started=1
      break
    fi
    echo "PostgreSQL did not start on port $port; retrying" >&2
    tail -n 20 "$dir/postgres.log" >&2 || true
  done
  ((started)) || { echo "could not start PostgreSQL in $dir" >&2; exit 1; }

  local deadline=$((SECONDS + START_TIMEOUT))
  until as_pg "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port"; do
    ((SECONDS < deadline)) || { echo "PostgreSQL on port $port not ready after ${START_TIMEOUT}s" >&2; exit 1; }
    sleep 0.1
  done

  as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE nubis SUPERUSER LOGIN PASSWORD '$pass'" >&2
  echo "postgres://nubis:$pass@127.0.0.1:$port/postgres"
}

stop() {
  [ -e "$dir/data/postmaster.pid" ] || return 0
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -w -t "$START_TIMEOUT" stop -m fast >&2 || true
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
