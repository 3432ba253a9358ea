#!/usr/bin/env bash
# Tamper demo: copies SampleBundles/ to a temporary folder, then
#   1. flips one character of the signed payload of bundle-2.json, and
#   2. (on a fresh copy) flips the lowest bit of the byte in the middle of digits.onnx: the low
#      byte of a Float32 weight of the first layer, so that weight changes in its last bit,
# and shows `prune verify` failing each time (exit 1) with the specific code. The committed
# sample is never modified. Needs a built prune (./scripts/demo.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/.."
prune="${PRUNE:-}"
if [ -z "$prune" ]; then
  if [ -x .build/release/prune ]; then prune=$PWD/.build/release/prune; else prune=$PWD/.build/debug/prune; fi
fi
[ -x "$prune" ] || { echo "tamper-demo: build prune first (./scripts/demo.sh)" >&2; exit 66; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

audit() { # folder
  local S=$1 status=0
  "$prune" verify --model "$S/digits.onnx" --bundle "$S/bundle-1.json" --bundle "$S/bundle-2.json" \
    --trust "$S/keys/sample-owner.pub.pem" --forget "$S/data/digits.csv" --forget-rows "$S/forget-2.rows" \
    --report "$S/audit.json.gz" --key "$S/keys/sample-auditor.key.pem" --time 2026-03-01T12:00:00Z \
    >"$S/out.txt" 2>"$S/err.txt" || status=$?
  grep -E 'global check failed|PASSED|FAILED' "$S/out.txt" || true
  grep -v "^prune verify:" "$S/err.txt" || true
  echo "exit status $status"
  "$prune" report show "$S/audit.json.gz" 2>/dev/null | grep -E "checks:|codes" || true
}

fresh() { rm -rf "$work/s"; cp -r SampleBundles "$work/s"; rm -f "$work/s/audit.json.gz"; }

echo "== 1. One character of bundle-2.json's signed payload changed =="
fresh
perl -0pi -e 's/("payload"\s*:\s*"[A-Za-z0-9+\/]{200})([A-Za-z0-9+\/])/$1 . ($2 eq "A" ? "B" : "A")/e' "$work/s/bundle-2.json"
{ cmp -l SampleBundles/bundle-2.json "$work/s/bundle-2.json" || true; } | sed "s/^/changed byte (offset, old, new in octal): /"
audit "$work/s"

echo
echo "== 2. One weight of digits.onnx changed in its lowest bit =="
fresh
size=$(stat -c %s "$work/s/digits.onnx")
offset=$((size / 2))
old=$(od -An -tu1 -j "$offset" -N1 "$work/s/digits.onnx" | tr -d ' ')
new=$((old ^ 1))
printf "$(printf '\\%03o' "$new")" | dd of="$work/s/digits.onnx" bs=1 seek="$offset" conv=notrunc status=none
echo "byte $offset of $size: $old -> $new"
audit "$work/s"
