import ArgumentParser
import Foundation
import PruneCore
import PruneCrypto

/// Hashes one large file with prune's streaming SHA-256 and with `openssl dgst -sha256`,
/// alternating and keeping each side's best run, so both see the same page-cache state.
struct HashBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "SHA-256 throughput of prune against `openssl dgst -sha256` on the same file.")

    @Option(help: "Size of the generated file in MiB (ignored with --file).")
    var sizeMib: Int = 1024

    @Option(help: "Hash this existing file instead of generating one.")
    var file: String?

    @Option(help: "Runs per tool; the best run counts.")
    var runs: Int = 3

    @Option(help: "Path of the openssl command-line tool.")
    var openssl: String = "/usr/bin/openssl"

    func validate() throws {
        guard sizeMib > 0, runs > 0 else { throw ValidationError("--size-mib and --runs must be positive") }
    }

    func run() throws {
        let path: String
        var generated: String?
        if let file {
            path = file
        } else {
            let temp = FileManager.default.temporaryDirectory
                .appendingPathComponent("prune-bench-hash-\(ProcessInfo.processInfo.processIdentifier).bin").path
            try Self.writeFile(at: temp, mebibytes: sizeMib)
            path = temp
            generated = temp
        }
        defer { if let generated { try? FileManager.default.removeItem(atPath: generated) } }
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0

        var pruneBest = Double.infinity, opensslBest = Double.infinity
        var pruneDigest = "", opensslDigest = ""
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            pruneDigest = try Hash.digestFile(path: path, algorithm: .sha256).hexString
            pruneBest = min(pruneBest, Self.seconds(since: start))
            let start2 = DispatchTime.now().uptimeNanoseconds
            opensslDigest = try Self.opensslDigest(openssl: openssl, path: path)
            opensslBest = min(opensslBest, Self.seconds(since: start2))
        }
        guard pruneDigest == opensslDigest else {
            throw BenchmarkError.mismatch("prune \(pruneDigest) but openssl \(opensslDigest)")
        }
        let mib = Double(size) / 1_048_576
        let pruneRate = mib / pruneBest, opensslRate = mib / opensslBest
        Console.out("SHA-256 of \(path) (\(size) bytes), best of \(runs) runs each")
        Console.out("| tool | seconds | MiB/s |")
        Console.out("| --- | ---: | ---: |")
        Console.out(String(format: "| prune (OpenSSL EVP, streaming) | %.3f | %.1f |", pruneBest, pruneRate))
        Console.out(String(format: "| openssl dgst -sha256 | %.3f | %.1f |", opensslBest, opensslRate))
        Console.out(String(format: "ratio prune/openssl: %.3f", pruneRate / opensslRate))
        Console.out("digest \(pruneDigest)")
    }

    static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Writes pseudo-random bytes (the content does not change SHA-256's speed) in 1 MiB blocks.
    static func writeFile(at path: String, mebibytes: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw IOError.cannotCreate(path: path, reason: "temporary folder is not writable")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var block = [UInt8](repeating: 0, count: 1 << 20)
        for _ in 0..<mebibytes {
            // xorshift64: cheap bytes that differ from block to block.
            for j in stride(from: 0, to: block.count, by: 8) {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                for k in 0..<8 { block[j + k] = UInt8(truncatingIfNeeded: state >> (8 * UInt64(k))) }
            }
            try handle.write(contentsOf: block)
        }
    }

    static func opensslDigest(openssl: String, path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = ["dgst", "-sha256", "-r", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = String(data: output, encoding: .utf8),
              let digest = line.split(separator: " ").first else {
            throw BenchmarkError.mismatch("\(openssl) failed with status \(process.terminationStatus)")
        }
        return String(digest)
    }
}

enum BenchmarkError: PruneError {
    case mismatch(String)
    var code: String { "bench.mismatch" }
    var exitStatus: ExitStatus { .internalError }
    var message: String {
        switch self { case .mismatch(let detail): "benchmark results disagree: \(detail)" }
    }
}
