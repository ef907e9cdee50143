#!/usr/bin/env bash
# install-deps.sh — the Debian 12 packages retort is built and tested with; installs what is missing.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config ccache
  libboost-dev libboost-program-options-dev
  libsqlite3-dev sqlite3 libtomlplusplus-dev libssl-dev libgtest-dev libfmt-dev
  libpqxx-dev postgresql-15
  libmysqlcppconn-dev mariadb-server mariadb-client   # the MySQL/MariaDB dialect and its tests
  python3-pymysql python3-psycopg2   # the benchmark compares with Alembic on MariaDB and PostgreSQL
  python3-alembic   # the differential test and the benchmark compare with Alembic
  clang-14 libclang-rt-14-dev   # the libFuzzer targets (tests/fuzz)
  zsh dpkg-dev   # the completion test runs the zsh script; cpack -G DEB uses dpkg-shlibdeps
  # The differential splitter test's corpus (tests/differential/splitter_diff.py):
  pdns-backend-pgsql pdns-backend-sqlite3 freeradius-config kamailio-postgres-modules kamailio-sqlite-modules
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
