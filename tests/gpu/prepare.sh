#!/usr/bin/env bash
# Here, on the development machine (Debian 12, after packaging/install-deps.sh and a build):
# fills .gpu/ (ignored by git) with what the GPU machine lacks, for tests/gpu/run.sh to carry:
#   .gpu/debs/      the Vulkan loader and headers, glslc, GoogleTest and nlohmann-json (Debian 12
#                   packages, unpacked there into a prefix, never into /)
#   .gpu/peer.tar.xz  llama.cpp's Vulkan build from the pinned npm package
#                   @node-llama-cpp/linux-x64-vulkan@3.21.1 (its ggml/llama libraries only) and
#                   the llama.h / ggml headers of the same release (from node-llama-cpp's bundled
#                   sources), to build tests/gpu/llama_peer_bench.c against; nothing is copied
#                   into the repository
#   .gpu/qwen-r1.vocab.gguf  the R1-Distill-Qwen vocabulary, for full-size random-weight models
# usage: tests/gpu/prepare.sh [BUILD_DIR (default build)]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
out=$root/.gpu
tool=$build/tests/ponder_tool
[[ -x $tool ]] || { echo "prepare.sh: build ponder_tool first ($tool)" >&2; exit 1; }
rm -rf "$out" && mkdir -p "$out/debs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Debian packages, downloaded for amd64 (the GPU machine's processor) whatever this machine is.
apt_opts=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists="$tmp/lists")
mkdir -p "$tmp/lists/partial"
apt-get "${apt_opts[@]}" update -qq
(cd "$out/debs" && apt-get "${apt_opts[@]}" download -qq libvulkan1 libvulkan-dev glslc libshaderc1 \
    libgtest-dev googletest nlohmann-json3-dev)

# llama.cpp's Vulkan build: the libraries, and the headers of the same release (v0.4.0 tag).
(cd "$tmp" && npm pack -q @node-llama-cpp/linux-x64-vulkan@3.21.1 >/dev/null && tar xzf node-llama-cpp-linux-x64-vulkan-3.21.1.tgz)
bins=$tmp/package/bins/linux-x64-vulkan
mkdir -p "$tmp/peer/lib" "$tmp/peer/include"
cp "$bins"/libggml-base.so "$bins"/libggml-vulkan.so "$bins"/libggml-cpu-x64.so "$bins"/libggml-cpu-haswell.so \
   "$bins"/libggml-cpu-zen4.so "$bins"/libggml-cpu-sapphirerapids.so "$bins"/libggml.vulkan.v0.4.0.so \
   "$bins"/libllama.vulkan.v0.4.0.so "$tmp/peer/lib/"
bundle=$root/tests/peers/node_modules/node-llama-cpp/llama/gitRelease.bundle
[[ -f $bundle ]] || { echo "prepare.sh: $bundle is missing: run packaging/install-deps.sh (it installs the npm peers)" >&2; exit 1; }
git clone -q "$bundle" "$tmp/src" 2>/dev/null
cp "$tmp/src/include/llama.h" "$tmp/src/ggml/include/"*.h "$tmp/peer/include/"
tar cJf "$out/peer.tar.xz" -C "$tmp" peer

# The R1-Distill-Qwen vocabulary (151,665 tokens), built from the tokenizer the npm peers ship.
node --input-type=module -e "
  const { r1VocabGguf } = await import('$root/tests/bench/bench_common.mjs');
  console.log(await r1VocabGguf('$tool', '$tmp', 'qwen', 'qwen-r1.vocab.gguf'));" >/dev/null
cp "$tmp/qwen-r1.vocab.gguf" "$out/"
du -sh "$out" "$out"/*
echo "prepare.sh: ready; run tests/gpu/run.sh on the GPU machine with .gpu carried"
