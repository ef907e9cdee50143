#!/usr/bin/env bash
# pg-start.sh — a throw-away PostgreSQL 15 on 127.0.0.1 and a free port, in a temporary directory.
# Prints shell assignments to eval: RETORT_TEST_PG (a URL without a database), RETORT_TEST_PGTMP.
# The role `retort` may create databases; each test makes its own.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
port=${RETORT_TEST_PG_PORT:-55432}
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
tmp=$(mktemp -d /tmp/retort-pg.XXXXXX)
chown postgres:postgres "$tmp"
as_pg() { (cd / && runuser -u postgres -- "$@"); }
as_pg "$bin/initdb" -D "$tmp/data" -U postgres -E UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256 \
  --no-sync >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; exit 1; }
as_pg "$bin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
  -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
as_pg "$bin/psql" -h "$tmp" -p "$port" -U postgres -v ON_ERROR_STOP=1 -q \
  -c "CREATE ROLE retort LOGIN CREATEDB PASSWORD 'retort-test-pw'" >/dev/null
echo "export RETORT_TEST_PG=postgresql://retort:retort-test-pw@127.0.0.1:$port"
echo "export RETORT_TEST_PGTMP=$tmp"
