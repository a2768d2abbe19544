#!/usr/bin/env bash
# On a GPU machine lent through the device tool, with .gpu/ (tests/gpu/prepare.sh) carried:
#   1. unpacks the Vulkan loader, glslc, GoogleTest and nlohmann-json into a prefix (not into /);
#   2. builds the engine alone (no Qt, no SQLite) with the Vulkan backend, and llama.cpp's peer
#      harness (tests/gpu/llama_peer_bench.c) against the pinned npm package's Vulkan libraries;
#   3. runs the Vulkan op test and end-to-end test on the GPU (gtest JSON kept);
#   4. measures the device's copy bandwidth (PyTorch, device to device) for the roofline;
#   5. makes random-weight models shaped like R1-Distill-Qwen-7B and -1.5B at Q4_K_M and Q8_0 and
#      measures pp512 / tg128 on Ponder (ponder_tool bench --devices vulkan) and on llama.cpp's
#      Vulkan build, side by side, stopping before BUDGET_S seconds (default 480) have passed.
# Everything lands in $OUT (or ./gpu-results): log.txt, gtest.json, results.json, results.md.
#
#   device run, carry [".gpu"]:  bash tests/gpu/run.sh
#   here, to try the script on lavapipe:  BUDGET_S=900 SHAPES=tiny bash tests/gpu/run.sh
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$root/gpu-results}
mkdir -p "$out"
exec > >(tee -a "$out/log.txt") 2>&1
start=$(date +%s)
budget=${BUDGET_S:-480}
shapes=${SHAPES:-qwen7b qwen1.5b}
types=${TYPES:-Q4_K_M Q8_0}
elapsed() { echo $(($(date +%s) - start)); }
step() { echo "=== [$(elapsed) s] $*"; }
jobs=$(nproc)

step "1. tools into a prefix"
pfx=/tmp/ponder-gpu-prefix
mkdir -p "$pfx"
for f in "$root"/.gpu/debs/*.deb; do dpkg -x "$f" "$pfx"; done
export PATH=$pfx/usr/bin:$PATH
export LD_LIBRARY_PATH=$pfx/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
nv_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [[ -z ${VK_DRIVER_FILES:-} && -f $nv_icd ]]; then export VK_DRIVER_FILES=$nv_icd; fi
echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-} glslc=$(command -v glslc)"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || true

step "2. build the engine and the peer harness"
build=/tmp/ponder-gpu-build
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPONDER_BUILD_APP=OFF -DPONDER_CUDA=OFF \
    -DCMAKE_PREFIX_PATH="$pfx/usr" | grep -E "Vulkan|CUDA|Error" || true
cmake --build "$build" --parallel "$jobs" --target ponder_engine_tests ponder_tool >"$out/build.txt" 2>&1 ||
    { tail -40 "$out/build.txt"; echo "build failed"; exit 1; }
peer=/tmp/ponder-gpu-peer
mkdir -p "$peer" && tar xJf "$root/.gpu/peer.tar.xz" -C "$peer"
lib=$peer/peer/lib
ln -sf libllama.vulkan.v0.4.0.so "$lib/libllama.so"
ln -sf libggml.vulkan.v0.4.0.so "$lib/libggml.so"
cc -O2 -std=c11 -I "$peer/peer/include" "$root/tests/gpu/llama_peer_bench.c" -L "$lib" -lllama -lggml -lggml-base -lm \
    -Wl,-rpath,"$lib" -o "$lib/llama_peer_bench" || { echo "peer harness build failed"; exit 1; }

step "3. op test and end-to-end test on the GPU"
"$build/tests/ponder_engine_tests" --gtest_filter='Devices.*:DeviceChoice.*:Backends/BackendOps.*/vulkan:VulkanEndToEnd.*' \
    --gtest_output="json:$out/gtest.json" >"$out/gtest.txt" 2>&1
grep -E "^\[  (PASSED|FAILED) |^\[==========\] [0-9]+ tests? from .* ran" "$out/gtest.txt"
grep -E -A6 "Failure$" "$out/gtest.txt" | head -80
grep -E "^\[ vulkan \]" "$out/gtest.txt" | head -20  # the op test's measured errors

step "4. device copy bandwidth"
python3 - >"$out/bandwidth.json" <<'PY' || echo '{"copy_bytes_per_s": 0}' >"$out/bandwidth.json"
import json, torch
n = 4 << 30
a = torch.empty(n, dtype=torch.uint8, device="cuda"); b = torch.empty_like(a)
for _ in range(3): b.copy_(a)
s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
s.record()
for _ in range(20): b.copy_(a)
e.record(); torch.cuda.synchronize()
secs = s.elapsed_time(e) / 1e3
# A copy reads and writes every byte: 2n bytes of traffic per copy.
print(json.dumps({"copy_bytes_per_s": 2 * n * 20 / secs, "device": torch.cuda.get_device_name(0)}))
PY
cat "$out/bandwidth.json"

step "5. models and speed, Ponder and llama.cpp side by side"
models=/tmp/ponder-gpu-models
mkdir -p "$models"
declare -A shape_args=(
    [qwen7b]="--n-embd 3584 --n-layer 28 --n-head 28 --n-head-kv 4 --n-ff 18944 --vocab-tokens 200000"
    [qwen1.5b]="--n-embd 1536 --n-layer 28 --n-head 12 --n-head-kv 2 --n-ff 8960 --vocab-tokens 200000"
    [tiny]="--n-embd 256 --n-layer 2 --n-head 4 --n-head-kv 2 --n-ff 512 --vocab-tokens 8192")
: >"$out/runs.jsonl"
for shape in $shapes; do
    for type in $types; do
        if (($(elapsed) > budget)); then echo "out of time: $shape $type not measured"; continue; fi
        m=$models/$shape-$type.gguf
        typeargs="--type $type --embd-type $type"
        [[ $type == Q4_K_M ]] && typeargs="--q4-k-m --embd-type Q4_K"
        t0=$(date +%s)
        # shellcheck disable=SC2086
        "$build/tests/ponder_tool" make-model --vocab-from "$root/.gpu/qwen-r1.vocab.gguf" --arch qwen2 $typeargs \
            ${shape_args[$shape]} --ctx 4096 --seed 1 --out "$m" || { echo "make-model failed"; continue; }
        echo "made $m ($(du -h "$m" | cut -f1)) in $(($(date +%s) - t0)) s"
        p=512 n=128 r=3
        [[ $shape == tiny ]] && p=64 n=16 r=2
        ours=$("$build/tests/ponder_tool" bench --model "$m" --devices vulkan --p $p --n $n --r $r) || ours=
        theirs=$("$lib/llama_peer_bench" "$m" "$lib" $p $n $r | tail -1) || theirs=
        [[ $theirs == *'"gpu_devices": []'* ]] && echo "WARNING: llama.cpp found no GPU: its numbers are the CPU's"
        echo "{\"shape\": \"$shape\", \"type\": \"$type\", \"file_bytes\": $(stat -c %s "$m"), \"ponder\": ${ours:-null}, \"llama\": ${theirs:-null}}" |
            tr -d '\n' >>"$out/runs.jsonl"
        echo >>"$out/runs.jsonl"
        tail -1 "$out/runs.jsonl"
        rm -f "$m"
    done
done

step "6. results"
python3 - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
bw = json.load(open(os.path.join(out, "bandwidth.json"))).get("copy_bytes_per_s", 0)
rows, md = [], ["| model | Ponder pp | llama.cpp pp | pp ratio | Ponder tg | llama.cpp tg | tg ratio | tg roofline |",
                "|---|---|---|---|---|---|---|---|"]
for line in open(os.path.join(out, "runs.jsonl")):
    r = json.loads(line)
    p, l = r.get("ponder") or {}, r.get("llama") or {}
    def ratio(k): return p[k] / l[k] if p.get(k) and l.get(k) else None
    # Generation reads every weight once per token: copy bandwidth / file bytes is the ceiling on
    # tokens/s (slightly generous: a token reads one row of the embedding table, not all of it).
    roof = bw / r["file_bytes"] if bw else None
    r.update(pp_ratio=ratio("pp_tokens_per_s"), tg_ratio=ratio("tg_tokens_per_s"),
             tg_roofline_tokens_per_s=roof, tg_roofline_fraction=(p["tg_tokens_per_s"] / roof) if roof and p.get("tg_tokens_per_s") else None)
    rows.append(r)
    f = lambda v, d=1: "-" if v is None else f"{v:.{d}f}"
    md.append(f"| {r['shape']} {r['type']} | {f(p.get('pp_tokens_per_s'))} | {f(l.get('pp_tokens_per_s'))} | {f(r['pp_ratio'], 2)} | "
              f"{f(p.get('tg_tokens_per_s'))} | {f(l.get('tg_tokens_per_s'))} | {f(r['tg_ratio'], 2)} | "
              f"{f(100 * r['tg_roofline_fraction'] if r['tg_roofline_fraction'] is not None else None)} % |")
json.dump({"copy_bytes_per_s": bw, "runs": rows}, open(os.path.join(out, "results.json"), "w"), indent=2)
open(os.path.join(out, "results.md"), "w").write("\n".join(md) + "\n")
print("\n".join(md))
PY
step "done"
