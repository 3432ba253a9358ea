#!/usr/bin/env bash
# The auditor's memory and throughput as the number of forgotten points grows, on the shipped
# digits model: N distinct points near the digit-3 training rows of SampleBundles/data/digits.csv
# (each pixel moved by −1, 0 or +1 with probabilities 1/4, 1/2, 1/4, clipped to 0…16; Python's
# random.seed(7)), forgotten with `prune unlearn --target common` (one patch per activation
# region, every region certified, signed), then audited by `prune bench verify` on one core.
# Usage: scripts/bench/verify-scale.sh [N…]   (default: 1000 10000 100000)
# WORK_DIR (default scratch/verify-scale) keeps the data and the bundles between runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
prune=${PRUNE:-.build/release/prune}
work=${WORK_DIR:-scratch/verify-scale}
sizes=("$@"); ((${#sizes[@]})) || sizes=(1000 10000 100000)
max=0; for n in "${sizes[@]}"; do ((n > max)) && max=$n; done
S=SampleBundles
mkdir -p "$work"
data="$work/digits3-$max.csv"
if [ ! -f "$data" ]; then
  python3 - "$S/data/digits.csv" "$S/data/digits-train.rows" "$max" "$data" <<'PY'
import random, sys
source, train_rows, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rows = [l.strip() for l in open(source)][1:]
train = [int(x) for x in open(train_rows) if x.strip() and not x.startswith('#')]
base = [list(map(int, rows[i].split(','))) for i in train]
base = [b for b in base if b[-1] == 3]
rnd = random.Random(7)
seen, lines = set(), []
while len(lines) < n:
    b = rnd.choice(base)
    x = tuple(min(16, max(0, v + rnd.choice((-1, 0, 0, 1)))) for v in b[:64])
    if x in seen: continue
    seen.add(x)
    lines.append(','.join(map(str, x)) + ',3')
with open(out, 'w') as f:
    f.write(','.join([f'p{i}' for i in range(64)] + ['label']) + '\n' + '\n'.join(lines) + '\n')
PY
fi
for n in "${sizes[@]}"; do
  seq 0 $((n - 1)) > "$work/first-$n.rows"
  bundle="$work/forget-$n.bundle.json"
  if [ ! -f "$bundle" ]; then
    "$prune" unlearn --model "$S/digits.onnx" --forget "$data" --forget-rows "$work/first-$n.rows" \
      --retained "$S/data/digits.csv" --retained-rows "$S/retained.rows" --target common \
      --request-id "scale-$n" --key "$S/keys/sample-owner.key.pem" --created-at 2026-11-27T00:00:00Z \
      --out "$bundle" 2> "$work/unlearn-$n.log" | tail -n 2
  fi
  echo "== $n points"
  "$prune" bench verify --model "$S/digits.onnx" --bundle "$bundle" --trust "$S/keys/sample-owner.pub.pem" \
    --forget "$data" --forget-rows "$work/first-$n.rows"
done
