import Foundation
import XCTest

/// Runs the built `prune` executable (or another tool) and captures its exit status and output.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum CommandRunner {
    /// The `prune` binary SwiftPM built beside this test bundle.
    static var pruneURL: URL {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("prune"),
            Bundle(for: Marker.self).bundleURL.deletingLastPathComponent().appendingPathComponent("prune"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    final class Marker {}

    static func prune(_ arguments: [String], in directory: URL? = nil) throws -> CommandResult {
        try run(pruneURL, arguments, in: directory)
    }

    static func tool(_ path: String, _ arguments: [String], in directory: URL? = nil,
                     stdin: Data? = nil) throws -> CommandResult {
        try run(URL(fileURLWithPath: path), arguments, in: directory, stdin: stdin)
    }

    static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                    stdin: Data? = nil) throws -> CommandResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        // Output goes to files, not pipes: a chatty child can never block on a full pipe.
        let scratch = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer { try? out.close(); try? err.close() }
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus,
                             stdout: try String(contentsOf: outURL, encoding: .utf8),
                             stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("prune-cli-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
