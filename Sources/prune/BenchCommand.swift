import ArgumentParser

/// Benchmarks print tables; speed targets live here, never in timed unit tests.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a benchmark and print a table of measurements.",
        subcommands: [HashBenchmark.self, TrainBenchmark.self, UnlearnBenchmark.self, VerifyBenchmark.self, PatchSizeBenchmark.self])
}
