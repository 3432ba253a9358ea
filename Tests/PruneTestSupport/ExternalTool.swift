import Foundation

/// What an external program did: its exit status and everything it printed.
public struct ToolResult: Sendable {
    public let status: Int32
    public let stdoutData: Data
    public let stderr: String
    public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
}

/// Runs a program to completion (the `openssl` and `gzip` tools used as test oracles, or the
/// built `prune` binary). Output goes to files rather than pipes, so a chatty child can never
/// block on a full pipe; stdin is the given bytes or closed, so nothing can wait for a prompt.
public func runTool(_ executable: String, _ arguments: [String], stdin: Data? = nil,
                    in directory: URL? = nil) throws -> ToolResult {
    let scratch = FileManager.default.temporaryDirectory
        .appendingPathComponent("prune-tool-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
    let inURL = scratch.appendingPathComponent("stdin")
    try (stdin ?? Data()).write(to: inURL)
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
    let input = try FileHandle(forReadingFrom: inURL)
    defer { try? out.close(); try? err.close(); try? input.close() }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    process.waitUntilExit()
    return ToolResult(status: process.terminationStatus,
                      stdoutData: try Data(contentsOf: outURL),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}
