#!/usr/bin/env bash
# The Debian package: `cpack -G DEB` in the build folder, unpacked with dpkg -x into a temporary
# root (never installed), must run from there: --version, the presets found beside the executable
# (/proc/self/exe), a tiny training. Its desktop files, man pages, icon and docs are checked,
# and lintian, desktop-file-validate and appstreamcli when they are installed.
# Usage: package.sh BUILD_DIR VERSION
set -uo pipefail
build="$1"
version="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/checks.sh"

(cd "$build" && cpack -G DEB -B "$work/cpack") > "$work/cpack.log" 2>&1
check "cpack -G DEB exits 0" 0 $?
deb=$(ls "$work"/cpack/*.deb 2> /dev/null | head -n 1)
[ -n "$deb" ] && echo "ok: a .deb was made" || { echo "FAIL: no .deb: $(tail -n 20 "$work/cpack.log")"; exit 1; }
dpkg-deb -f "$deb" Section > "$work/section.txt"
contains "Section is science" "^science$" "$work/section.txt"
dpkg-deb -f "$deb" Maintainer Description > "$work/control.txt"
contains "a maintainer address" "<.*@.*>" "$work/control.txt"
check "an extended description" 1 "$(($(dpkg-deb -f "$deb" Description | wc -l) > 2))"

root="$work/root"
dpkg -x "$deb" "$root"
cli="$root/usr/bin/minimascope-cli"
unset MINIMASCOPE_PRESETS
(cd "$work" && "$cli" --version) > "$work/version.txt"; check "the packaged CLI runs" 0 $?
contains "--version names $version" "minimascope-cli $version" "$work/version.txt"
(cd "$work" && "$cli" presets) > "$work/presets.txt"; check "presets exits 0" 0 $?
contains "it finds its presets beside itself" "escape-toy-sgd" "$work/presets.txt"
(cd "$work" && "$cli" train --preset escape-toy-sgd --out "$work/run" --quiet) > "$work/train.txt"
check "a tiny training from the package" 0 $?
contains "it finishes" '"status": "finished"' "$work/run/summary.json"

for f in usr/share/man/man1/minimascope-cli.1.gz usr/share/doc/minimascope/copyright \
         usr/share/doc/minimascope/changelog.gz \
         usr/share/icons/hicolor/scalable/apps/io.github.minimascope.MinimaScope.svg \
         usr/share/icons/hicolor/48x48/apps/io.github.minimascope.MinimaScope.png; do
  [ -f "$root/$f" ] && echo "ok: the package has /$f" || { echo "FAIL: the package lacks /$f"; failures=$((failures + 1)); }
done
if file "$cli" | grep -q "not stripped"; then echo "FAIL: minimascope-cli is not stripped"; failures=$((failures + 1))
else echo "ok: minimascope-cli is stripped"; fi
desktop="$root/usr/share/applications/io.github.minimascope.MinimaScope.desktop"
if [ -f "$desktop" ]; then
  [ -f "$root/usr/share/man/man1/minimascope.1.gz" ] && echo "ok: minimascope has a man page" \
    || { echo "FAIL: no man page for minimascope"; failures=$((failures + 1)); }
  # The Help menu's pages, where the installed program looks for them (ResourceLibrary, "docs").
  for f in guide.md science.md images/window.png; do
    [ -f "$root/usr/share/minimascope/docs/$f" ] && echo "ok: the package has the help page $f" \
      || { echo "FAIL: the package lacks /usr/share/minimascope/docs/$f"; failures=$((failures + 1)); }
  done
  if command -v desktop-file-validate > /dev/null; then
    desktop-file-validate "$desktop"; check "desktop-file-validate passes" 0 $?
  fi
  if command -v appstreamcli > /dev/null; then
    appstreamcli validate --pedantic --no-net "$root/usr/share/metainfo/io.github.minimascope.MinimaScope.metainfo.xml"
    check "appstreamcli validate --pedantic passes" 0 $?
  fi
fi
if command -v lintian > /dev/null; then
  lintian --fail-on error "$deb" > "$work/lintian.txt" 2>&1
  check "lintian reports no errors" 0 $?
  grep '^E:' "$work/lintian.txt"
fi

echo "$failures failures"
[ "$failures" -eq 0 ]
