#!/usr/bin/env bash
# mariadb-stop.sh DIR — stops the server mariadb-start.sh started in DIR and removes DIR.
set -u
tmp=${1:?usage: mariadb-stop.sh DIR}
if [ -f "$tmp/mysqld.pid" ]; then
  pid=$(cat "$tmp/mysqld.pid")
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
rm -rf "$tmp"
