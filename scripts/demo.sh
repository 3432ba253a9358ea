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
echo
echo "== OpenSSF Model Signing digests of SampleBundles/ =="
"$prune" hash SampleBundles
echo
echo "Coming next on this sample: a model trained by prune on these digits, a forget request,"
echo "two chained signed patch bundles and the full audit (prune verify, per-point table, signed"
echo "report, inclusion proof). See the README's Status table."
