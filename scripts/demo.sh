#!/usr/bin/env bash
# Quick start, command 1: set up, build prune (release), and audit the committed SampleBundles/:
# a model trained by prune on the UCI digits, two chained signed patch bundles that forget eight
# real training rows of digit 3, and the sample keys (see SampleBundles/README.md). No training.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
log=$(mktemp)
if ! swift build -c release --product prune >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"; exit 1
fi
tail -n 1 "$log"; rm -f "$log"
prune=".build/release/prune"
S=SampleBundles
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$prune" version
echo
echo "== 1. Model owner (already done, committed): the model's signature and the two chained bundles =="
"$prune" verify-model "$S/digits.onnx" --signature "$S/digits.onnx.sig" --trust "$S/keys/sample-owner-model.pub.pem"
"$prune" bundle verify "$S/bundle-1.json" "$S/bundle-2.json" --model "$S/digits.onnx" --trust "$S/keys/sample-owner.pub.pem"

echo
echo "== 2. Auditor: verify the bundles, re-check every forgotten point of each request, write the signed reports =="
for n in 1 2; do
  echo "\$ prune verify --model $S/digits.onnx --bundle $S/bundle-1.json --bundle $S/bundle-2.json --trust $S/keys/sample-owner.pub.pem \\"
  echo "    --forget $S/data/digits.csv --forget-rows $S/forget-$n.rows --reference $S/data/digits.csv --reference-rows $S/data/digits-test.rows \\"
  echo "    --report \$TMP/audit-$n.json.gz --key $S/keys/sample-auditor.key.pem --time 2026-03-01T12:00:00Z"
  "$prune" verify --model "$S/digits.onnx" --bundle "$S/bundle-1.json" --bundle "$S/bundle-2.json" \
    --trust "$S/keys/sample-owner.pub.pem" --forget "$S/data/digits.csv" --forget-rows "$S/forget-$n.rows" \
    --reference "$S/data/digits.csv" --reference-rows "$S/data/digits-test.rows" \
    --report "$work/audit-$n.json.gz" --key "$S/keys/sample-auditor.key.pem" --time 2026-03-01T12:00:00Z 2>/dev/null
  if cmp -s "$work/audit-$n.json.gz" "$S/audit-$n.json.gz"; then
    echo "(the report is byte-identical to the committed $S/audit-$n.json.gz)"
  else
    echo "(note: the report differs from the committed $S/audit-$n.json.gz: another prune version?)"
  fi
  echo
done

echo "== 3. Regulator: verify each report's signature, schema and Merkle root with the auditor's public key =="
for n in 1 2; do
  "$prune" report verify "$work/audit-$n.json.gz" --trust "$S/keys/sample-auditor.pub.pem"
done

echo
echo "== 4. Data holder: an inclusion proof for one forgotten point, checked against the report's root =="
root=$("$prune" report verify "$work/audit-2.json.gz" --trust "$S/keys/sample-auditor.pub.pem" --json | sed -n 's/.*"merkleRoot" : "\([0-9a-f]*\)".*/\1/p')
point=$("$prune" report show "$work/audit-2.json.gz" --json | sed -n 's/.*"commitment" : "\([0-9a-f]*\)".*/\1/p' | head -n 1)
"$prune" report prove "$work/audit-2.json.gz" --point "$point" --trust "$S/keys/sample-auditor.pub.pem" > "$work/proof.json"
echo "proof for point $point:"
cat "$work/proof.json"
"$prune" report check-proof "$work/proof.json" --root "$root" --point "$point"
echo
echo "Next: scripts/tamper-demo.sh shows the audit failing on a tampered sample; SampleBundles/README.md"
echo "lists the copy-paste commands for the model owner, the auditor, the regulator and the data holder."
