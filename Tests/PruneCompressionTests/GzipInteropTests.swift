import PruneTestSupport
import Foundation
import PruneCompression
import XCTest

/// prune's gzip output is deterministic and readable by the system `gzip`, and vice versa.
final class GzipInteropTests: XCTestCase {
    /// ID1 ID2 CM FLG(no FNAME/FCOMMENT) MTIME=0 (formats.md §16.1).
    func testHeaderHasZeroMtimeAndNoName() throws {
        let data = TestData.json(records: 100)
        let first = try Gzip.compress(data)
        XCTAssertEqual(Array(first.prefix(8)), [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00])
        XCTAssertEqual(try Gzip.compress(data), first)
    }

    func testSystemGzipReadsPruneOutput() throws {
        let original = TestData.json(records: 3_000) + TestData.random(count: 70_000, seed: 2)
        let file = try temporaryFile(contents: try Gzip.compress(original))
        XCTAssertEqual(try run("/usr/bin/gzip", ["-dc", file.path]), original)
    }

    func testPruneReadsSystemGzipOutput() throws {
        let original = TestData.json(records: 3_000) + TestData.random(count: 70_000, seed: 3)
        let file = try temporaryFile(contents: original)
        let compressed = try run("/usr/bin/gzip", ["-n", "-c", file.path])
        XCTAssertEqual(try Gzip.decompress(compressed, limit: original.count), original)
    }

    /// `cat a.gz b.gz` is valid for gzip(1), but prune writes single members and refuses more.
    func testConcatenatedMembersAreRefused() throws {
        let member = try Gzip.compress(Data("one".utf8))
        assertCompressionError(["zlib.trailing-data"]) { try Gzip.decompress(member + member, limit: 100) }
        do {
            _ = try Gzip.decompress(member + member, limit: 100)
            XCTFail("a second member was accepted")
        } catch {
            XCTAssertEqual(error, .trailingData(byteCount: member.count, isGzipMember: true))
        }
    }

    private func temporaryFile(contents: Data) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("prune-gzip-\(UUID().uuidString)")
        try contents.write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Runs a tool and returns its stdout; it must exit 0.
    private func run(_ tool: String, _ arguments: [String]) throws -> Data {
        let result = try runTool(tool, arguments)
        XCTAssertEqual(result.status, 0, "\(tool) \(arguments): \(result.stderr)")
        return result.stdoutData
    }
}
