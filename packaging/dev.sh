#!/usr/bin/env bash
# The README's quick start:  packaging/dev.sh run   or   packaging/dev.sh test
# Installs every Debian package and npm peer needed (as root), configures and builds, then
# starts Ponder or runs the whole test suite with ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${PONDER_BUILD_DIR:-$root/build}
mode=${1:-}
case "$mode" in
  run | test) ;;
  *) echo "usage: packaging/dev.sh run|test" >&2; exit 2 ;;
esac

if [[ $(id -u) == 0 ]]; then
  "$root/packaging/install-deps.sh"
else
  sudo "$root/packaging/install-deps.sh"
fi

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# Warnings are errors in the test build: the tree is kept at zero warnings.
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPONDER_WERROR=$([[ $mode == test ]] && echo ON || echo OFF)
cmake --build "$build" --parallel "$(nproc)"

if [[ $mode == run ]]; then
  exec "$build/app/ponder" "${@:2}"
fi
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)" "${@:2}"
