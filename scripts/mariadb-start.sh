#!/usr/bin/env bash
# mariadb-start.sh — a throw-away MariaDB 10.11 on 127.0.0.1 and a free port, in a temporary directory.
# Prints shell assignments to eval: RETORT_TEST_MYSQL (a URL without a database), RETORT_TEST_MYTMP.
# The user `retort` may create and drop databases; each test makes its own.
set -euo pipefail
port=${RETORT_TEST_MYSQL_PORT:-53306}
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
tmp=$(mktemp -d /tmp/retort-my.XXXXXX)
chown mysql:mysql "$tmp"
# --no-defaults first: /etc/mysql/*.cnf (a socket in /run/mysqld, and so on) is not ours.
mariadb-install-db --no-defaults --user=mysql --datadir="$tmp/data" --auth-root-authentication-method=socket \
  --skip-test-db >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log" >&2; exit 1; }
# max_connections: every runner holds two sessions (its own and the lock's), and the kit and the
# tests run several runners at once.
mariadbd --no-defaults --user=mysql --datadir="$tmp/data" --socket="$tmp/mysqld.sock" --pid-file="$tmp/mysqld.pid" \
  --port="$port" --bind-address=127.0.0.1 --skip-name-resolve --log-error="$tmp/error.log" \
  --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=0 --sync-binlog=0 --max-connections=300 \
  </dev/null >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  mariadb-admin --no-defaults --socket="$tmp/mysqld.sock" -uroot ping >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/error.log" >&2; exit 1; }
  sleep 0.1
done
mariadb --no-defaults --socket="$tmp/mysqld.sock" -uroot -e "
  CREATE USER 'retort'@'127.0.0.1' IDENTIFIED BY 'retort-test-pw';
  CREATE USER 'retort'@'localhost' IDENTIFIED BY 'retort-test-pw';
  GRANT ALL PRIVILEGES ON *.* TO 'retort'@'127.0.0.1';
  GRANT ALL PRIVILEGES ON *.* TO 'retort'@'localhost';" || { cat "$tmp/error.log" >&2; exit 1; }
echo "export RETORT_TEST_MYSQL=mysql://retort:retort-test-pw@127.0.0.1:$port"
echo "export RETORT_TEST_MYTMP=$tmp"
