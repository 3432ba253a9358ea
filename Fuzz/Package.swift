// swift-tools-version:5.4
// libFuzzer targets for every prune parser that reads outside input. A separate package, so the
// root package's build and tests never see the sanitizer flags. Build and run through
// scripts/fuzz.sh, which passes -sanitize=fuzzer,address and -parse-as-library to every module.
//
// Tools version 5.4 on purpose: from 5.5 on, SwiftPM renames an executable's `main` to
// `<module>_main` and links `main` to it, which breaks libFuzzer's own `main`.
//
// Adding a target: write Sources/fuzz-<name>/main.swift (copy a small one, e.g. fuzz-csv) and
// add "<name>" to `targets` below. scripts/fuzz.sh finds it by its folder.
import PackageDescription

let targets = [
    "onnx",
    "nnet",
    "npy",
    "idx",
    "csv",
    "bundle",
    "pem",
    "compression",
    "model-signature",
    "report",
    "proof",
]

let package = Package(
    name: "prune-fuzz",
    dependencies: [.package(name: "prune", path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "PruneParsers", package: "prune")]),
    ] + targets.map { name in
        .executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzSupport", .product(name: "PruneParsers", package: "prune")])
    }
)
