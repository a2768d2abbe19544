#!/usr/bin/env bash
# The engine's and the conversation store's unit tests under AddressSanitizer + UBSan, and the
# engine's concurrency tests under ThreadSanitizer, each in a build of its own (no Qt needed).
#   packaging/check_sanitizers.sh [BUILD_ROOT]     (default: build-sanitize next to build/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build-sanitize}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
jobs=$(nproc)
mkdir -p "$out"

configure() {  # DIR SANITIZER
  cmake -S "$root" -B "$1" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPONDER_BUILD_APP=OFF \
    -DPONDER_SANITIZE="$2" -DPONDER_WERROR=ON > "$1.configure.log" 2>&1 || { cat "$1.configure.log"; exit 1; }
}

# ASan + UBSan: every engine and storage unit test (the slow numpy and peer checks stay in the
# main build; so do the Vulkan end-to-end runs, whose host code the Vulkan op tests cover here).
# halt_on_error makes the first report fail the test.
configure "$out/address" address
cmake --build "$out/address" --parallel "$jobs" --target ponder_engine_tests ponder_storage_tests
ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir "$out/address" --output-on-failure --parallel "$jobs" -L "engine|storage" -E "VulkanEndToEnd"

# TSan: sessions of one model on several threads, cancellation and "answer now" from another thread.
configure "$out/thread" thread
cmake --build "$out/thread" --parallel "$jobs" --target ponder_engine_tests
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  "$out/thread/tests/ponder_engine_tests" \
  --gtest_filter='EngineCore.TwoSessionsOnOneModelRunConcurrently:EngineCore.EvaluateAllLogitsRejectsEmptyInputAndCanBeCancelled:Engine.Cancel*:AnswerNow.*'
echo "sanitizers: ok"
