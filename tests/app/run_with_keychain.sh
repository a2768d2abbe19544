#!/usr/bin/env bash
# run_with_keychain.sh TEST...: runs TEST on a private D-Bus session with gnome-keyring's Secret
# Service unlocked in a throwaway home, so the real keychain path is tested without touching the
# user's. Exit 77 (skipped) when gnome-keyring or dbus-run-session is missing; in CI that fails.
set -euo pipefail
command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null || {
    echo "gnome-keyring / dbus-run-session not installed (packaging/install-deps.sh): skipped"
    [[ -n ${CI:-} ]] && exit 1
    exit 77
}
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME=$home XDG_DATA_HOME=$home/data XDG_RUNTIME_DIR=$home/run PONDER_TEST_KEYCHAIN=1
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
exec dbus-run-session -- bash -c 'printf "test-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' _ "$@"
