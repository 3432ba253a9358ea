#!/usr/bin/env bash
# Quick start, command 1: set up, build prune (release), and run the main job on SampleBundles/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
log=$(mktemp)
if ! swift build -c release --product prune >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"; exit 1
fi
tail -n 1 "$log"; rm -f "$log"
prune=".build/release/prune"

"$prune" version
data=SampleBundles/data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Rows of the forget request: the first four training rows of digit 3 (real UCI rows).
awk -F, 'NR > 1 && $NF == 3 { print NR - 2 }' "$data/digits.csv" \
  | grep -Fxf <(grep -v '^#' "$data/digits-train.rows") | head -n 4 > "$work/forget.rows"
grep -v '^#' "$data/digits-train.rows" | grep -vxFf "$work/forget.rows" > "$work/retained.rows"

echo
echo "== 1. Model owner: train a ReLU network on the UCI digits (80 % of the rows) =="
"$prune" train --data "$data/digits.csv" --rows "$data/digits-train.rows" \
  --test "$data/digits.csv" --test-rows "$data/digits-test.rows" \
  --hidden 32,32 --epochs 20 --batch 32 --lr 0.05 --seed 1 --out "$work/digits.onnx" 2>&1 | tail -n 2
"$prune" keygen --out "$work/owner" >/dev/null
"$prune" keygen --algorithm ed25519 --out "$work/auditor" >/dev/null

echo
echo "== 2. Model owner: forget rows $(paste -sd, "$work/forget.rows") (digit 3) and sign the patches =="
"$prune" unlearn --model "$work/digits.onnx" --forget "$data/digits.csv" --forget-rows "$work/forget.rows" \
  --retained "$data/digits.csv" --retained-rows "$work/retained.rows" --target common \
  --key "$work/owner.key.pem" --out "$work/forget.bundle.json" 2>/dev/null

echo
echo "== 3. Auditor: verify the signed bundle, re-check every forgotten point, write the signed report =="
"$prune" verify --model "$work/digits.onnx" --bundle "$work/forget.bundle.json" --trust "$work/owner.pub.pem" \
  --forget "$data/digits.csv" --forget-rows "$work/forget.rows" \
  --reference "$data/digits.csv" --reference-rows "$data/digits-test.rows" \
  --report "$work/audit.json.gz" --key "$work/auditor.key.pem" 2>/dev/null

echo
echo "== 3b. Regulator: verify the report with the auditor's public key; a data holder proves their point =="
"$prune" report verify "$work/audit.json.gz" --trust "$work/auditor.pub.pem"
root=$("$prune" report verify "$work/audit.json.gz" --trust "$work/auditor.pub.pem" --json | sed -n 's/.*"merkleRoot" : "\([0-9a-f]*\)".*/\1/p')
point=$("$prune" report show "$work/audit.json.gz" --json | sed -n 's/.*"commitment" : "\([0-9a-f]*\)".*/\1/p' | head -n 1)
"$prune" report prove "$work/audit.json.gz" --point "$point" --trust "$work/auditor.pub.pem" > "$work/proof.json"
"$prune" report check-proof "$work/proof.json" --root "$root" --point "$point"

echo
echo "== 4. Locality: held-out accuracy of the original and of the patched model =="
"$prune" eval --model "$work/digits.onnx" --data "$data/digits.csv" --rows "$data/digits-test.rows" | sed -n 2p
"$prune" eval --model "$work/digits.onnx" --bundle "$work/forget.bundle.json" --trust "$work/owner.pub.pem" \
  --data "$data/digits.csv" --rows "$data/digits-test.rows" | sed -n 2p
echo
echo "Coming next on this sample: committed sample keys and two chained bundles, and the report's"
echo "HTML view. See the README's Status table."
