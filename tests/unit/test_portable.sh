#!/usr/bin/env bash
# The engine on an x86-64 without AVX: ponder_tool run under qemu-user emulating a Nehalem CPU
# (SSE4.2, no AVX) must pick the scalar kernels (no illegal instruction anywhere else in the
# binary) and give the same logits as the native build capped to scalar.
#   test_portable.sh PONDER_TOOL MODEL.gguf WORKDIR
set -euo pipefail
tool=$1 model=$2 work=$3
qemu=$(command -v qemu-x86_64 || true)
if [[ -z $qemu ]]; then
  echo "qemu-user not installed (packaging/install-deps.sh): skipped"
  [[ -n ${CI:-} ]] && exit 1
  exit 77
fi
mkdir -p "$work"
tokens=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16
bench=$("$qemu" -cpu Nehalem "$tool" bench --model "$model" --p 8 --n 4 --r 1)
grep -q '"backend": "CPU (scalar' <<<"$bench" || { echo "under Nehalem the backend was not scalar:"; echo "$bench"; exit 1; }
"$tool" logits --model "$model" --tokens $tokens --simd scalar --out "$work/native.bin"
"$qemu" -cpu Nehalem "$tool" logits --model "$model" --tokens $tokens --out "$work/nehalem.bin"
if ! cmp -s "$work/native.bin" "$work/nehalem.bin"; then
  # glibc may pick other libm routines without FMA; allow float noise, nothing more.
  /usr/bin/python3 - "$work/native.bin" "$work/nehalem.bin" <<'PY'
import sys, numpy as np
a, b = (np.fromfile(p, "<f4") for p in sys.argv[1:3])
d = float(abs(a - b).max()) if a.size == b.size else float("inf")
print(f"logits differ by at most {d:.2e}")
sys.exit(0 if d < 1e-4 else 1)
PY
fi
echo "portable: the scalar path runs on a CPU without AVX, same logits"
