#!/usr/bin/env bash
# run.sh BUILD_DIR SOURCE_DIR — the Debian package as a user installs it: `cpack -G DEB` from the
# build, unpacked into a temporary root with `dpkg -x`; its control file depends on the libraries
# the plugins link, it holds the binary, the three dialects, libretort, the SDK and the completions,
# and the binary it holds runs `--version` and the example project's upgrade from that root.
set -euo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
tmp=$(mktemp -d /tmp/retort-package.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$tmp"/out/retort_*.deb) || fail "cpack made no retort_*.deb"
info=$(dpkg-deb --info "$deb")
for dep in libsqlite3 libpqxx libmysqlcppconn libfmt libssl; do
  echo "$info" | grep -q "Depends:.*$dep" || { echo "$info"; fail "the package does not depend on $dep"; }
done
dpkg -x "$deb" "$tmp/root"
root=$tmp/root/usr
for f in bin/retort bin/retort-kit lib/libretort.so.0 lib/retort/plugins/retort-dialect-sqlite.so \
         lib/retort/plugins/retort-dialect-postgres.so lib/retort/plugins/retort-dialect-mysql.so \
         include/retort/retort.hpp include/retort/sdk/plugin.hpp lib/cmake/retort/retort-config.cmake \
         lib/cmake/retort-sdk/retort-sdk-config.cmake share/bash-completion/completions/retort \
         share/zsh/vendor-completions/_retort; do
  [ -e "$root/$f" ] || fail "no /usr/$f in the package"
done
version=$("$root/bin/retort" --version) || fail "retort --version from the package"
echo "$version" | grep -q "^retort [0-9]" || fail "retort --version said: $version"
# The example project, run by the packaged binary with the packaged plugins.
cp -r "$src/migrations" "$tmp/proj"
cd "$tmp/proj"
unset DATABASE_URL RETORT_PLUGIN_PATH
"$root/bin/retort" upgrade head 2>"$tmp/upgrade.err" || { cat "$tmp/upgrade.err"; fail "the example upgrade from the package"; }
head=$("$root/bin/retort" heads | cut -d' ' -f1)
[ "$(sqlite3 legal.db "SELECT version_num FROM retort_version")" = "$head" ] || fail "the version table is not at $head"
"$root/bin/retort" plugins | grep -q "loaded  $root/lib/retort/plugins/retort-dialect-sqlite.so" ||
  fail "the packaged binary did not load the packaged sqlite plugin"
echo "package: OK ($(basename "$deb"), $(du -k "$deb" | cut -f1) KiB)"
