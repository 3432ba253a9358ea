import Foundation
import XCTest
import PruneCore
@testable import PruneCrypto

/// A fresh folder per test, removed when the test ends.
func makeTemporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("prune-crypto-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

struct CommandResult {
    let status: Int32
    let stdout: Data
    let stderr: String
}

/// Runs `/usr/bin/openssl` with `arguments`; stdin is closed so it can never wait for a prompt.
@discardableResult
func openssl(_ arguments: [String], in directory: URL? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: stdout,
                         stderr: String(decoding: stderr, as: UTF8.self))
}

/// Runs openssl and fails the test with its stderr if it does not exit 0.
@discardableResult
func opensslOK(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> CommandResult {
    let result = try openssl(arguments)
    XCTAssertEqual(result.status, 0, "openssl \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
    return result
}

/// Asserts that `body` throws a PruneError with the given stable code.
func XCTAssertThrowsCode<T>(_ code: String, _ body: @autoclosure () throws -> T,
                            file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        guard let error = error as? any PruneError else {
            return XCTFail("not a PruneError: \(error)", file: file, line: line)
        }
        XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
    }
}

func hex(_ string: String) -> Data {
    // Test literals are known-good; a typo fails the test through the empty result.
    (try? Data(hexString: string)) ?? Data()
}

func vector(_ name: String) throws -> Data {
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Vectors") else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Vectors/\(name)"])
    }
    return try Data(contentsOf: url)
}

extension Data {
    /// A copy with one bit flipped at `index`, for tamper tests.
    func flippingBit(at index: Int) -> Data {
        var copy = self
        copy[copy.startIndex + index] ^= 0x01
        return copy
    }
}
