#!/usr/bin/env bash
# Builds the Debian package from a configured build folder and checks it the way a user would
# meet it: the files are where Debian expects them, and the unpacked binaries run
# (`ponder --version` without a display, `ponder-cli info` on the bundled demo model, and the app
# itself offscreen opening every dialog and showing its icons with this machine's QML modules and
# plugins: those the package depends on).
#   packaging/check_deb.sh BUILD_DIR WORK_DIR
set -euo pipefail
build=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
(cd "$build" && cpack -G DEB -B "$work" > "$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/ponder_*_amd64.deb)
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KB)"
dpkg-deb -I "$deb" | grep -E '^ (Package|Version|Depends):'
# Every QML module package the app loads (packaging/qml-modules.txt) is a dependency of the .deb.
depends=$(dpkg-deb -f "$deb" Depends)
for p in $(sed -e 's/#.*//' "$(dirname "$0")/qml-modules.txt"); do
  grep -qE "(^|, )$p( |,|$)" <<<"$depends" || { echo "the package does not depend on $p"; exit 1; }
done
listing=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/ponder ./usr/bin/ponder-cli ./usr/share/applications/io.github.ponder.Ponder.desktop \
         ./usr/share/icons/hicolor/scalable/apps/io.github.ponder.Ponder.svg \
         ./usr/share/metainfo/io.github.ponder.Ponder.metainfo.xml ./usr/share/ponder/models/ponder-demo.gguf; do
  grep -qx "$f" <<<"$listing" || { echo "missing from the package: $f"; exit 1; }
done
dpkg-deb -x "$deb" "$work/root"
"$work/root/usr/bin/ponder" --version
# Every dialog, menu and file chooser opens (Qt's file dialogs load their QML only then: the
# "Add model..." crash), with no QML warning, and the SVG icons load.
if ! QT_QPA_PLATFORM=offscreen timeout 120 "$work/root/usr/bin/ponder" --check-dialogs > "$work/dialogs.log" 2>&1; then
  cat "$work/dialogs.log"
  echo "the unpacked app could not open all its dialogs"
  exit 1
fi
grep -E "dialogs opened|icons loaded" "$work/dialogs.log"
"$work/root/usr/bin/ponder-cli" info --model "$work/root/usr/share/ponder/models/ponder-demo.gguf" > "$work/info.json"
grep -q '"architecture": "qwen2"' "$work/info.json" || { echo "ponder-cli info gave no qwen2 model"; exit 1; }
if command -v desktop-file-validate > /dev/null; then
  desktop-file-validate "$work/root/usr/share/applications/io.github.ponder.Ponder.desktop"
fi
if command -v appstreamcli > /dev/null; then
  appstreamcli validate --no-net --pedantic "$work/root/usr/share/metainfo/io.github.ponder.Ponder.metainfo.xml" || exit 1
fi
echo "package ok"
