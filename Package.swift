// swift-tools-version:6.0
// prune: certifiable machine unlearning of ReLU networks, and its audit.
//
// Layers follow the data: C wrappers -> model -> repair -> bundle -> audit -> CLI.
// Every unsafe pointer lives in the four wrapper modules (PruneCrypto, PruneCompression, PruneLP, PruneBLAS).
import PackageDescription

let package = Package(
    name: "prune",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "prune", targets: ["prune"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries, each exposed once through a system-library target.
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CClp", path: "Sources/CClp", pkgConfig: "clp",
                       providers: [.apt(["coinor-libclp-dev"])]),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),

        // Shared vocabulary: typed errors with stable codes, exit statuses, safe file output.
        .target(name: "PruneCore"),

        // The only Swift modules that touch C pointers.
        .target(name: "PruneCrypto", dependencies: ["COpenSSL", "PruneCore"]),
        .target(name: "PruneCompression", dependencies: ["CZlib", "PruneCore"]),
        .target(name: "PruneLP", dependencies: ["CClp", "PruneCore"]),
        .target(name: "PruneBLAS", dependencies: ["CBLAS"]),

        // Networks in Float64, their loaders and exporters, datasets.
        .target(name: "PruneModel", dependencies: ["PruneCore", "PruneBLAS", "PruneCompression"]),
        // Unlearning: linear regions, patches, region bounds and their certificates.
        .target(name: "PruneRepair", dependencies: ["PruneCore", "PruneBLAS", "PruneModel", "PruneLP"]),
        // The trainer: makes sample models and the retrain-from-scratch baseline.
        .target(name: "PruneTraining", dependencies: ["PruneCore", "PruneBLAS", "PruneModel"]),

        .executableTarget(name: "prune", dependencies: [
            "PruneCore", "PruneCrypto", "PruneCompression", "PruneLP", "PruneModel", "PruneTraining", "PruneRepair",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Helpers shared by the test targets: seeded randomness, external tools, assertions.
        .target(name: "PruneTestSupport", dependencies: ["PruneCore"], path: "Tests/PruneTestSupport"),
        .testTarget(name: "PruneCryptoTests", dependencies: ["PruneCrypto", "PruneCore", "PruneTestSupport"],
                    resources: [.copy("Vectors")]),
        .testTarget(name: "PruneCompressionTests", dependencies: ["PruneCompression", "PruneCore", "PruneTestSupport"]),
        .testTarget(name: "PruneLPTests", dependencies: ["PruneLP", "PruneCore", "PruneTestSupport"]),
        .testTarget(name: "PruneModelTests", dependencies: ["PruneModel", "PruneBLAS", "PruneCore", "PruneTestSupport"]),
        .testTarget(name: "PruneTrainingTests", dependencies: ["PruneTraining", "PruneModel", "PruneCore", "PruneTestSupport"]),
        .testTarget(name: "PruneRepairTests", dependencies: ["PruneRepair", "PruneModel", "PruneLP", "PruneCore", "PruneTestSupport"]),
        .testTarget(name: "PruneCLITests", dependencies: ["prune", "PruneCore", "PruneTestSupport"]),
    ]
)
