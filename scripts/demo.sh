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
