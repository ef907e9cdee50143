#!/usr/bin/env bash
# pg-stop.sh DIR — stops the server pg-start.sh started in DIR and removes DIR.
set -u
tmp=${1:?usage: pg-stop.sh DIR}
[ -d "$tmp/data" ] && (cd / && runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$tmp/data" -m fast -w -t 60 stop >/dev/null 2>&1)
rm -rf "$tmp"
