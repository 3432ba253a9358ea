#!/usr/bin/env bash
# The auditor's throughput on MNIST: forget the first N training images of digit 5 with
# `prune unlearn` (common target, every region certified, signed), then time `prune bench verify`
# on one core. Usage: scripts/bench/verify-mnist.sh MODEL.onnx [N] [MNIST_DIR] [WORK_DIR]
# MODEL: a [784,256,256,10] MNIST model (`prune bench train` / `prune train`). The unlearning
# step is slow (about 0.6 s of CPU per region certificate); its bundle is kept in WORK_DIR.
set -euo pipefail
model=${1:?usage: verify-mnist.sh MODEL.onnx [N] [MNIST_DIR] [WORK_DIR]}
n=${2:-1000}
mnist=${3:-${PRUNE_MNIST_DIR:-$(dirname "$0")/../../../shared/data/mnist}}
work=${4:-scratch/verify-bench}
prune=${PRUNE:-.build/release/prune}
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  [ -f "$mnist/$f" ] || { echo "verify-mnist.sh: $mnist/$f not found; give MNIST_DIR or run scripts/fetch-mnist.sh DIR" >&2; exit 66; }
done
mkdir -p "$work"
# Row indices of digit 5 in the training labels (IDX: 8-byte header, one byte per label).
python3 - "$mnist" "$n" "$work" <<'PY'
import gzip, sys
mnist, n, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
labels = gzip.open(f"{mnist}/train-labels-idx1-ubyte.gz").read()[8:]
rows = [i for i, l in enumerate(labels) if l == 5][:n]
open(f"{work}/forget.rows", "w").write("\n".join(map(str, rows)) + "\n")
test = gzip.open(f"{mnist}/t10k-labels-idx1-ubyte.gz").read()[8:]
open(f"{work}/reference.rows", "w").write("\n".join([str(i) for i, l in enumerate(test) if l != 5][:2000]) + "\n")
PY
bundle="$work/forget-$n.bundle.json"
if [ ! -f "$bundle" ]; then
  [ -f "$work/owner.key.pem" ] || "$prune" keygen --algorithm ed25519 --out "$work/owner" >/dev/null
  "$prune" unlearn --model "$model" --forget "$mnist/train-images-idx3-ubyte.gz" --forget-labels "$mnist/train-labels-idx1-ubyte.gz" \
    --forget-rows "$work/forget.rows" --retained "$mnist/t10k-images-idx3-ubyte.gz" \
    --retained-labels "$mnist/t10k-labels-idx1-ubyte.gz" --retained-rows "$work/reference.rows" \
    --target common --key "$work/owner.key.pem" --created-at 2026-11-26T00:00:00Z --out "$bundle"
fi
"$prune" bench verify --model "$model" --bundle "$bundle" --trust "$work/owner.pub.pem" \
  --forget "$mnist/train-images-idx3-ubyte.gz" --forget-labels "$mnist/train-labels-idx1-ubyte.gz" --forget-rows "$work/forget.rows"
