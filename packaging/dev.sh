#!/usr/bin/env bash
# The README's quick start:  packaging/dev.sh run   or   packaging/dev.sh test [CTEST ARGS]
# Installs every Debian package and npm peer needed (as root), configures and builds, then
# starts Ponder or runs the whole test suite with ctest, then (without CTEST ARGS) the engine's
# and the store's tests under the sanitizers. With CI set, a skipped test fails the run.
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
# The whole suite; its log is kept so skipped tests can be named.
set +e
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)" "${@:2}" 2>&1 | tee "$build/ctest.log"
status=${PIPESTATUS[0]}
set -e
skipped=$(grep -E '\*\*\*Skipped|Not Run' "$build/ctest.log" || true)
if [[ -n $skipped ]]; then
  echo "Skipped tests (in CI a skip fails the run: install what they name and run again):" >&2
  echo "$skipped" >&2
  [[ -n ${CI:-} ]] && status=1
fi
((status == 0)) || exit "$status"
# The engine and the store under AddressSanitizer + UBSan and ThreadSanitizer (their own builds).
if (($# < 2)); then
  "$root/packaging/check_sanitizers.sh" "${PONDER_SANITIZE_BUILD_DIR:-$build-sanitize}"
fi
