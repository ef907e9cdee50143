#!/usr/bin/env bash
# run.sh BUILD_DIR SOURCE_DIR — the SDK as a plugin author gets it: install retort into a fresh
# prefix, build plugins/ops-example out of tree against that install (find_package(retort-sdk),
# retort_add_plugin), and use its operations in a project run by the installed binary; then build
# the dialect skeleton in tests/sdk-consumer/dialect (scheme `lite`) the same way, check the
# installed `retort plugins` lists it, and run the installed retort-kit on it.
set -euo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
tmp=$(mktemp -d /tmp/retort-sdk-consumer.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
[ -x "$tmp/prefix/bin/retort" ] || fail "no bin/retort in the install"
[ -f "$tmp/prefix/lib/retort/plugins/retort-dialect-sqlite.so" ] || fail "no sqlite plugin under lib/retort/plugins"
[ -f "$tmp/prefix/include/retort/sdk/plugin.hpp" ] || fail "no SDK headers"

cmake -S "$src/plugins/ops-example" -B "$tmp/plugin" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" >"$tmp/configure.log" 2>&1 ||
  { cat "$tmp/configure.log"; fail "configuring the plugin against the installed SDK"; }
cmake --build "$tmp/plugin" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "building the plugin out of tree"; }
[ -f "$tmp/plugin/retort-ops-example.so" ] || fail "the out-of-tree build made no retort-ops-example.so"

mkdir -p "$tmp/proj/db/versions"
cd "$tmp/proj"
cat > retort.toml <<TOML
script_location = "db"
default_url = "sqlite:///app.db"
plugins = ["example"]
plugin_paths = ["$tmp/plugin"]
TOML
cat > db/versions/1_people.toml <<'TOML'
revision = "p1"
down_revision = ""
message = "people and a view of adults"
[[upgrade]]
op = "create_table"
table = "people"
columns = [ { name = "id", type = "integer", primary_key = true }, { name = "age", type = "integer" } ]
[[upgrade]]
op = "create_view"
name = "adults"
sql = "SELECT id FROM people WHERE age >= 18"
TOML
retort="$tmp/prefix/bin/retort"
"$retort" upgrade head || fail "upgrade with the plugin's operation"
[ "$(sqlite3 app.db "SELECT name FROM sqlite_master WHERE type = 'view'")" = adults ] || fail "the view was not created"
plugins=$("$retort" plugins)
echo "$plugins" | grep -q "loaded  $tmp/plugin/retort-ops-example.so" || { echo "$plugins"; fail "the out-of-tree plugin is not the one loaded"; }
echo "$plugins" | grep -q "operations: create_view, drop_view" || { echo "$plugins"; fail "its operations are not listed"; }
echo "$plugins" | grep -q "shadowed  $tmp/prefix/lib/retort/plugins/retort-ops-example.so" || { echo "$plugins"; fail "the installed copy is not shown as shadowed"; }
"$retort" downgrade base || fail "downgrade through the plugin's inverse"
[ -z "$(sqlite3 app.db "SELECT name FROM sqlite_master WHERE name IN ('adults', 'people')")" ] || fail "the downgrade left the view or table"

# A dialect of one's own: built out of tree, found on RETORT_PLUGIN_PATH, held to the kit.
[ -x "$tmp/prefix/bin/retort-kit" ] || fail "no bin/retort-kit in the install"
cmake -S "$src/tests/sdk-consumer/dialect" -B "$tmp/dialect" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" >"$tmp/configure-dialect.log" 2>&1 ||
  { cat "$tmp/configure-dialect.log"; fail "configuring the dialect against the installed SDK"; }
cmake --build "$tmp/dialect" >"$tmp/build-dialect.log" 2>&1 || { cat "$tmp/build-dialect.log"; fail "building the dialect out of tree"; }
[ -f "$tmp/dialect/retort-dialect-lite.so" ] || fail "the out-of-tree build made no retort-dialect-lite.so"
cd "$tmp"
plugins=$(RETORT_PLUGIN_PATH="$tmp/dialect" "$retort" plugins)
echo "$plugins" | grep -q "loaded  $tmp/dialect/retort-dialect-lite.so" || { echo "$plugins"; fail "retort plugins does not list the lite dialect as loaded"; }
echo "$plugins" | grep -q "schemes: lite" || { echo "$plugins"; fail "retort plugins does not show the scheme lite"; }
RETORT_PLUGIN_PATH="$tmp/dialect" "$tmp/prefix/bin/retort-kit" "$src/tests/sdk-consumer/dialect/lite.kit.toml" ||
  fail "retort-kit on the lite dialect"
echo "sdk-consumer: OK"
