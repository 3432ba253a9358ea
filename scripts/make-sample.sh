#!/usr/bin/env bash
# Regenerates SampleBundles/ deterministically with the built prune (see SampleBundles/README.md).
#
#   scripts/make-sample.sh [PRUNE]          # PRUNE defaults to .build/release/prune, else .build/debug/prune
#   scripts/make-sample.sh --bundles-only   # keep the committed model; remake bundles, reports, signature, pack
#
# The sample keys are made once and committed (key generation is random); they are reused when
# present. Everything else is a function of the committed data, the keys and the fixed times
# below: training is seeded and single-threaded, Ed25519 signatures are deterministic, and the
# report's time is fixed. The model's OpenSSF signature (ECDSA P-256, the only key type OpenSSF
# Model Signing accepts) is randomised by design, so it is kept while it verifies.
set -euo pipefail
cd "$(dirname "$0")/.."

bundles_only=0
if [ "${1:-}" = "--bundles-only" ]; then bundles_only=1; shift; fi
prune="${1:-}"
if [ -z "$prune" ]; then
  if [ -x .build/release/prune ]; then prune=.build/release/prune; else prune=.build/debug/prune; fi
fi
[ -x "$prune" ] || { echo "make-sample: $prune not found; build prune first (swift build -c release --product prune)" >&2; exit 66; }
export OPENBLAS_NUM_THREADS=1   # the trainer's reductions are then the same on every machine

S=SampleBundles
data=$S/data
mkdir -p "$S/keys"

# Fixed times: the bundles' creation times and the audit's verification time.
created_1=2026-01-15T09:00:00Z
created_2=2026-02-15T09:00:00Z
verified=2026-03-01T12:00:00Z

# 1. Sample keys (never for anything real): made once, then reused.
key() { # name algorithm
  [ -f "$S/keys/$1.key.pem" ] && return
  if [ "$2" = ed25519 ]; then "$prune" keygen --algorithm ed25519 --out "$S/keys/$1" >/dev/null
  else "$prune" keygen --out "$S/keys/$1" >/dev/null; fi
}
key sample-owner ed25519           # signs the patch bundles
key sample-owner-model ecdsa-p256  # signs the model (OpenSSF Model Signing needs ECDSA P-256)
key sample-auditor ed25519         # signs the audit report

# 2. The forget requests: real training rows of digit 3. The first request forgets the first four,
#    the second the next four.
train_rows=$(mktemp)
trap 'rm -f "$train_rows"' EXIT
grep -v '^#' "$data/digits-train.rows" > "$train_rows"
threes=$(awk -F, 'NR > 1 && $NF == 3 { print NR - 2 }' "$data/digits.csv" | grep -Fxf "$train_rows" | sed -n 1,8p)
{ echo "# sample forget request 1: training rows of digit 3 (0-based rows of data/digits.csv)"; echo "$threes" | head -n 4; } > "$S/forget-1.rows"
{ echo "# sample forget request 2: four more training rows of digit 3"; echo "$threes" | tail -n 4; } > "$S/forget-2.rows"
{ echo "# retained training rows: digits-train.rows without the forgotten rows (calibrates the gates)"
  grep -vxFf <(echo "$threes") "$train_rows"; } > "$S/retained.rows"

# 3. The model: a dense ReLU network [64, 32, 32, 10] trained by prune on the 80 % split.
if [ "$bundles_only" = 0 ]; then
  rm -f "$S/digits.onnx"
  "$prune" train --data "$data/digits.csv" --rows "$data/digits-train.rows" \
    --test "$data/digits.csv" --test-rows "$data/digits-test.rows" \
    --hidden 32,32 --epochs 20 --batch 32 --lr 0.05 --seed 1 --out "$S/digits.onnx" 2>&1 | tail -n 1
fi

# 4. Two chained, signed patch bundles (the second names the first as its parent).
unlearn() { # n parent-args...
  local n=$1; shift
  "$prune" unlearn --model "$S/digits.onnx" --forget "$data/digits.csv" --forget-rows "$S/forget-$n.rows" \
    --retained "$data/digits.csv" --retained-rows "$S/retained.rows" --target common \
    --request-id "sample-request-$n" --key "$S/keys/sample-owner.key.pem" "$@" \
    --out "$S/bundle-$n.json" --force 2>/dev/null | tail -n 1
}
unlearn 1 --created-at "$created_1"
unlearn 2 --created-at "$created_2" --parent "$S/bundle-1.json"

# 5. The model's OpenSSF Model Signing signature. ECDSA signatures are randomised, so a signature
#    that still verifies on the model is kept (then the whole sample is byte-reproducible).
if [ -f "$S/digits.onnx.sig" ] && "$prune" verify-model "$S/digits.onnx" --signature "$S/digits.onnx.sig" \
     --trust "$S/keys/sample-owner-model.pub.pem" >/dev/null 2>&1; then
  echo "kept $S/digits.onnx.sig: it verifies on $S/digits.onnx"
else
  rm -f "$S/digits.onnx.sig"
  "$prune" sign-model "$S/digits.onnx" --key "$S/keys/sample-owner-model.key.pem" --out "$S/digits.onnx.sig"
fi

# 6. The expected audit reports, signed by the sample auditor at a fixed time: one per forget
#    request, each checked against the whole chain (every patch of both bundles active). A point's
#    commitment binds its position in its own request, so `prune verify` takes one request at a time.
for n in 1 2; do
  rm -f "$S/audit-$n.json.gz"
  "$prune" verify --model "$S/digits.onnx" --bundle "$S/bundle-1.json" --bundle "$S/bundle-2.json" \
    --trust "$S/keys/sample-owner.pub.pem" --forget "$data/digits.csv" --forget-rows "$S/forget-$n.rows" \
    --reference "$data/digits.csv" --reference-rows "$data/digits-test.rows" \
    --report "$S/audit-$n.json.gz" --key "$S/keys/sample-auditor.key.pem" --time "$verified" 2>/dev/null | tail -n 1
done

# 7. The compliance pack for a regulator (Specs/pack.md): the model, its signature, the chain, the
#    report of request 2 and the data to re-run it.
rm -f "$S/sample.pack"
"$prune" pack --model "$S/digits.onnx" --model-signature "$S/digits.onnx.sig" \
  --bundle "$S/bundle-1.json" --bundle "$S/bundle-2.json" --report "$S/audit-2.json.gz" \
  --forget "$data/digits.csv" --forget-rows "$S/forget-2.rows" \
  --reference "$data/digits.csv" --reference-rows "$data/digits-test.rows" --out "$S/sample.pack" | sed -n 1p
