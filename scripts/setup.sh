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

# With --python: the PyPI packages the interop tests use as oracles (onnx builds fixtures,
# onnxruntime evaluates exported models, model-signing signs and verifies OpenSSF Model
# Signing bundles; 1.1.1 imports pyopenssl without declaring it). Tests that need them are skipped when they are
# missing, so a failed install only narrows the suite, and says so.
if [ "${1:-}" = "--python" ]; then
  python_packages=(numpy onnx==1.23.2 onnxruntime==1.32.0 model-signing==1.1.1 pyopenssl)
  if command -v python3 >/dev/null; then
    if ! python3 -c "import numpy, onnx, onnxruntime, model_signing, OpenSSL" 2>/dev/null; then
      echo "setup: installing ${python_packages[*]} from PyPI" >&2
      python3 -m pip install --quiet --disable-pip-version-check "${python_packages[@]}" \
        || echo "setup: warning: pip install failed; the onnxruntime and model_signing interop tests will be skipped" >&2
    fi
  else
    echo "setup: warning: python3 not found; the onnxruntime and model_signing interop tests will be skipped" >&2
  fi
fi
