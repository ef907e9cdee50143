#!/usr/bin/env bash
# run.sh BUILD_DIR SOURCE_DIR — the embedding API as an application gets it: install
# retort into a fresh prefix, build examples/embed against that install (find_package(retort),
# retort::retort), and run it: the example project upgraded at "start-up" and found at head, a
# broken file refused with exit 2 naming it, a project configured in code, and a reviewed plan
# written by the API, applied once and refused the second time.
set -euo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
tmp=$(mktemp -d /tmp/retort-embed.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for f in lib/libretort.so include/retort/retort.hpp include/retort/sdk/error.hpp lib/cmake/retort/retort-config.cmake \
         lib/retort/plugins/retort-dialect-sqlite.so; do
  [ -e "$tmp/prefix/$f" ] || fail "no $f in the install"
done
cmake -S "$src/examples/embed" -B "$tmp/app" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" >"$tmp/configure.log" 2>&1 ||
  { cat "$tmp/configure.log"; fail "configuring examples/embed against the installed package"; }
cmake --build "$tmp/app" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "building examples/embed"; }
embed="$tmp/app/embed" retort="$tmp/prefix/bin/retort"
unset DATABASE_URL RETORT_PLUGIN_PATH

# Start-up: the example project from base to head, with progress from the callback.
cp -r "$src/migrations" "$tmp/proj"
cd "$tmp/proj"
# What the command line says the project holds: the API must say the same.
head=$("$retort" heads | cut -d' ' -f1) n=$(ls versions | wc -l)
out=$("$embed" "$tmp/proj") || fail "embed on the example project: $out"
echo "$out" | grep -qx "\[1/$n\] up 4c1e8a7b2d90 create users" || { echo "$out"; fail "no progress line for the first migration"; }
echo "$out" | grep -qx "ran $n migration(s); at $head" || { echo "$out"; fail "the upgrade did not reach head"; }
echo "$out" | grep -qx "$n revision(s) in the project" || { echo "$out"; fail "history did not list every revision"; }
[ "$(sqlite3 legal.db "SELECT version_num FROM retort_version")" = $head ] || fail "the version table is not at head"
[ "$("$retort" current)" = "$head (head)" ] || fail "the command line does not agree with the API"
out=$("$embed" "$tmp/proj") || fail "the second start-up"
echo "$out" | grep -qx "ran 0 migration(s); at $head" || { echo "$out"; fail "the second start-up ran something"; }

# A broken file: the error the command line gives, exit 2, nothing run.
printf 'revision = "f00"\ndown_revision = "%s"\n[[upgrade]]\nop = "create_tabel"\n' "$head" > versions/9_f00.toml
set +e
err=$("$embed" "$tmp/proj" 2>&1); code=$?
set -e
[ $code -eq 2 ] || fail "a broken file gave exit $code, not 2: $err"
echo "$err" | grep -q "9_f00.toml:4" || fail "the error does not name the file and line: $err"
rm versions/9_f00.toml

# Configured in code: no retort.toml, tables of the application's own names.
mkdir -p "$tmp/code" && cd "$tmp/code"
cp -r "$src/migrations/versions" "$tmp/code/versions"
out=$("$embed" --in-code "$tmp/code") || fail "embed --in-code: $out"
echo "$out" | grep -qx "ran $n migration(s); at $head" || { echo "$out"; fail "the in-code project did not reach head"; }
[ "$(sqlite3 app.db "SELECT version_num FROM app_schema_version")" = $head ] || fail "no app_schema_version row"

# A plan made by the API, applied by it once; the second time the database has moved.
cp -r "$src/migrations" "$tmp/planned" && cd "$tmp/planned"
out=$("$embed" "$tmp/planned" --plan plan.json) || fail "embed --plan: $out"
[ "$out" = "planned $n migration(s)" ] || fail "the plan: $out"
[ ! -e legal.db ] || [ -z "$(sqlite3 legal.db "SELECT name FROM sqlite_master WHERE name = 'users'")" ] || fail "planning ran something"
out=$("$embed" "$tmp/planned" --apply plan.json) || fail "embed --apply: $out"
echo "$out" | grep -qx "ran $n migration(s); at $head" || { echo "$out"; fail "the plan did not reach head"; }
set +e
err=$("$embed" "$tmp/planned" --apply plan.json 2>&1); code=$?
set -e
[ $code -eq 2 ] || fail "a plan applied twice gave exit $code: $err"
echo "$err" | grep -q "the database moved since the plan: it was at base, it is at $head now" || fail "the refusal: $err"
echo "embed: OK"
