#!/usr/bin/env bash
# Installs everything Ponder needs to build, run and test on Debian 12 (run as root).
# Idempotent: packages already present are skipped by apt, and npm peers are only
# installed when tests/peers/node_modules is missing or out of date.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

debs=(
  # build
  build-essential cmake ninja-build ccache pkg-config git
  # engine / storage
  libsqlite3-dev nlohmann-json3-dev
  # GUI
  qt6-base-dev qt6-declarative-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  qml6-module-qttest libgl-dev
  # API keys of remote providers in the system keychain (Secret Service / KWallet)
  qtkeychain-qt6-dev
  # Vulkan (lavapipe runs it on the CPU)
  libvulkan-dev glslc mesa-vulkan-drivers vulkan-tools vulkan-validationlayers
  # tests: unit tests, fuzzing, reference implementations, peers
  libgtest-dev clang-14 libclang-rt-14-dev python3 python3-numpy xvfb xauth
  # the engine on an x86-64 without AVX (tests/unit/test_portable.sh)
  qemu-user
  # the real keychain test: gnome-keyring's Secret Service on a private D-Bus session
  gnome-keyring dbus-daemon
)

# The QML modules the app loads at run time: one list, shared with the .deb's dependencies.
while read -r p; do debs+=("$p"); done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/qml-modules.txt")

# Node.js runs the peer comparisons; Debian 12 ships 18, node-llama-cpp 3.21.1 needs >= 20, so a
# newer one already on the machine is kept and Debian's is only the fallback.
command -v node >/dev/null 2>&1 || debs+=(nodejs npm)

missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Peers and independent references for the tests (llama.cpp via node-llama-cpp, Hugging Face
# tokenizers and Jinja). Pinned in tests/peers/package.json + package-lock.json.
"$here/install-peers.sh"
