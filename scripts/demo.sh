#!/usr/bin/env bash
# Quick start, command 1: set up, build prune (release), and run the main job on SampleBundles/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift build -c release --product prune 2>&1 | tail -n 1
prune=".build/release/prune"

"$prune" version
echo
echo "== OpenSSF Model Signing digests of SampleBundles/ =="
"$prune" hash SampleBundles
