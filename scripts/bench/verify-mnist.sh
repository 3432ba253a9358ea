#!/usr/bin/env bash
# The auditor's throughput on MNIST. Forgets the first N training images whose label is not 3
# with `prune unlearn` (every region certified, common target 3, signed), in chained bundles
# of at most PART points (`--part`: one forget request split over several bundles), then
# times `prune bench verify` on one core over the whole chain.
# Usage: scripts/bench/verify-mnist.sh MODEL.onnx [N] [MNIST_DIR] [WORK_DIR] [PART]
# MODEL: a [784,256,256,10] MNIST model (`prune bench train` / `prune train`). The bundles are
# kept in WORK_DIR and reused; making them takes about 95 s per 1,000 points on 2 cores.
set -euo pipefail
model=${1:?usage: verify-mnist.sh MODEL.onnx [N] [MNIST_DIR] [WORK_DIR] [PART]}
n=${2:-1000}
mnist=${3:-${PRUNE_MNIST_DIR:-$(dirname "$0")/../../../shared/data/mnist}}
work=${4:-scratch/verify-bench}
part=${5:-1000}
prune=${PRUNE:-.build/release/prune}
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  [ -f "$mnist/$f" ] || { echo "verify-mnist.sh: $mnist/$f not found; give MNIST_DIR or run scripts/fetch-mnist.sh DIR" >&2; exit 66; }
done
mkdir -p "$work"
# The request: training rows whose label is not 3 (IDX labels: 8-byte header, one byte each),
# the first N of them; the gates are calibrated on the first 1,000 test images.
python3 - "$mnist" "$n" "$work" <<'PY'
import gzip, sys
mnist, n, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
labels = gzip.open(f"{mnist}/train-labels-idx1-ubyte.gz").read()[8:]
rows = [i for i, l in enumerate(labels) if l != 3][:n]
open(f"{work}/forget-{n}.rows", "w").write("\n".join(map(str, rows)) + "\n")
open(f"{work}/reference.rows", "w").write("\n".join(map(str, range(1000))) + "\n")
PY
[ -f "$work/owner.key.pem" ] || "$prune" keygen --algorithm ed25519 --out "$work/owner" >/dev/null
# Bundles are parts of one request of N rows: the commitments name each row's place in it,
# so a run reuses the parts of an earlier run only when they were made for the same N.
bundles=() parent=()
for ((start = 0; start < n; start += part)); do
  end=$((start + part < n ? start + part : n))
  bundle="$work/forget-$n.part-$start-$end.bundle.json"
  if [ ! -f "$bundle" ]; then
    "$prune" unlearn --model "$model" --forget "$mnist/train-images-idx3-ubyte.gz" --forget-labels "$mnist/train-labels-idx1-ubyte.gz" \
      --forget-rows "$work/forget-$n.rows" --part "$start:$end" --request-id "mnist-$n" --target common --common-class 3 \
      --retained "$mnist/t10k-images-idx3-ubyte.gz" --retained-labels "$mnist/t10k-labels-idx1-ubyte.gz" \
      --retained-rows "$work/reference.rows" --key "$work/owner.key.pem" "${parent[@]}" \
      --created-at 2026-11-27T00:00:00Z --out "$bundle"
  fi
  bundles+=(--bundle "$bundle")
  parent=(--parent "$bundle")
done
"$prune" bench verify --model "$model" "${bundles[@]}" --trust "$work/owner.pub.pem" \
  --forget "$mnist/train-images-idx3-ubyte.gz" --forget-labels "$mnist/train-labels-idx1-ubyte.gz" --forget-rows "$work/forget-$n.rows"
