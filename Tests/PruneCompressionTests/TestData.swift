import PruneTestSupport
import Foundation
import PruneCompression

/// Deterministic inputs for the compression tests.
enum TestData {
    static func random(count: Int, seed: UInt64) -> Data {
        var rng = SeededGenerator(seed: seed)
        var data = Data(count: count)
        for i in 0..<count { data[i] = UInt8.random(in: 0...255, using: &rng) }
        return data
    }

    /// Repetitive JSON, the shape of prune's reports: compresses well, exercises back references.
    static func json(records: Int) -> Data {
        var text = "["
        for i in 0..<records {
            text += "{\"index\":\(i),\"digest\":\"\(String(i * 2_654_435_761 % 1_000_003, radix: 16))\",\"verdict\":\"unsat\"},"
        }
        return Data((text + "{}]").utf8)
    }

    static let sizes = [0, 1, 2, 1000, 65_536, 65_537, (1 << 20) + 12_345]

    static func compress(_ data: Data, _ container: CompressionContainer) throws -> Data {
        switch container {
        case .zlib: try Zlib.compress(data)
        case .gzip: try Gzip.compress(data)
        }
    }

    static func decompress(_ data: Data, _ container: CompressionContainer, limit: Int = 64 << 20) throws -> Data {
        switch container {
        case .zlib: try Zlib.decompress(data, limit: limit)
        case .gzip: try Gzip.decompress(data, limit: limit)
        }
    }
}

/// Asserts that `body` throws a `CompressionError` with one of `codes`.
func assertCompressionError(_ codes: Set<String>, _ context: String = "",
                            file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Data) {
    do {
        let data = try body()
        XCTFail("expected \(codes.sorted()), got \(data.count) bytes \(context)", file: file, line: line)
    } catch let error as CompressionError {
        XCTAssertTrue(codes.contains(error.code), "\(error.code) not in \(codes.sorted()) \(context)", file: file, line: line)
    } catch {
        XCTFail("unexpected \(error) \(context)", file: file, line: line)
    }
}

import XCTest
