#!/bin/sh
# Regenerates Sources/ONNXProto/onnx.pb.swift from the onnx.proto shipped in the PyPI `onnx`
# wheel. Run by hand when upgrading onnx or swift-protobuf, never in CI: the generated file is
# committed so builds need neither protoc nor the plugin. See Sources/ONNXProto/README.md.
#
# Needs: protoc (Debian protobuf-compiler), python3 with onnx, and a protoc-gen-swift built
# from the swift-protobuf tag the package depends on, outside this repository:
#   git clone https://github.com/apple/swift-protobuf /tmp/swift-protobuf
#   cd /tmp/swift-protobuf && git checkout 1.39.0 && swift build -c release --product protoc-gen-swift
#
# Usage: scripts/regenerate-onnx-proto.sh [path/to/protoc-gen-swift]
set -eu

cd "$(dirname "$0")/.."
PLUGIN=${1:-/tmp/swift-protobuf/.build/release/protoc-gen-swift}
ONNX_DIR=$(python3 -c 'import onnx, os; print(os.path.dirname(onnx.__file__))')
ONNX_VERSION=$(python3 -c 'import onnx; print(onnx.__version__)')

[ -x "$PLUGIN" ] || { echo "protoc-gen-swift not found at $PLUGIN" >&2; exit 1; }

protoc --plugin=protoc-gen-swift="$PLUGIN" \
       --swift_out=Sources/ONNXProto \
       --swift_opt=Visibility=Public \
       -I "$ONNX_DIR" "$ONNX_DIR/onnx.proto"

echo "generated Sources/ONNXProto/onnx.pb.swift from onnx $ONNX_VERSION ($(protoc --version)) with $PLUGIN"
echo "update the versions in Sources/ONNXProto/README.md if they changed"
