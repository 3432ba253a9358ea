#!/usr/bin/env bash
# Installs the Debian packages prune builds and tests against, if any is missing.
# Runs as root, or through sudo when not root. Safe to run again: it installs nothing twice.
set -euo pipefail

packages=(
  pkg-config
  libssl-dev         # OpenSSL 3: every hash, key and signature
  zlib1g-dev         # zlib: compression of bundles and reports
  coinor-libclp-dev  # COIN-OR CLP: linear programs
  libopenblas-dev    # OpenBLAS (CBLAS): dense matrix products
  openssl            # the command-line tool, for interop tests and the hash benchmark
  gzip
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v swift >/dev/null || { echo "setup: the Swift toolchain (6.0 or later) is not on PATH" >&2; exit 69; }
