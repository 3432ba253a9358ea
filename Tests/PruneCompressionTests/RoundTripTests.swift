import Foundation
import PruneCompression
import XCTest

final class RoundTripTests: XCTestCase {
    func testRandomDataRoundTripsInBothContainers() throws {
        for container in CompressionContainer.allCases {
            for (n, size) in TestData.sizes.enumerated() {
                let original = TestData.random(count: size, seed: UInt64(n + 1))
                let compressed = try TestData.compress(original, container)
                XCTAssertEqual(try TestData.decompress(compressed, container), original, "\(container) \(size)")
            }
        }
    }

    func testStructuredDataRoundTripsAndShrinks() throws {
        let original = TestData.json(records: 20_000)
        for container in CompressionContainer.allCases {
            for level in [0, 1, 6, 9] {
                let compressed = try container == .zlib ? Zlib.compress(original, level: level)
                                                        : Gzip.compress(original, level: level)
                if level > 0 { XCTAssertLessThan(compressed.count, original.count / 3, "\(container) \(level)") }
                XCTAssertEqual(try TestData.decompress(compressed, container), original, "\(container) \(level)")
            }
        }
    }

    /// Streaming in odd-sized pieces gives the same bytes as the one-shot call, both ways.
    func testStreamingMatchesOneShot() throws {
        let original = TestData.json(records: 5_000) + TestData.random(count: 200_000, seed: 9)
        for container in CompressionContainer.allCases {
            let deflater = try Deflater(container: container, level: 6)
            var streamed = Data()
            for start in stride(from: 0, to: original.count, by: 7_777) {
                streamed += try deflater.update(original[start..<min(start + 7_777, original.count)])
            }
            streamed += try deflater.finish()
            XCTAssertEqual(streamed, try TestData.compress(original, container))

            let inflater = try Inflater(container: container, limit: original.count)
            var restored = Data()
            for start in stride(from: 0, to: streamed.count, by: 1_001) {
                restored += try inflater.update(streamed[start..<min(start + 1_001, streamed.count)])
            }
            try inflater.finish()
            XCTAssertEqual(restored, original)
            XCTAssertEqual(inflater.totalOutput, original.count)
        }
    }

    /// Output of exactly `limit` bytes is allowed; one byte less is not.
    func testLimitIsInclusive() throws {
        let original = TestData.random(count: 100_000, seed: 4)
        for container in CompressionContainer.allCases {
            let compressed = try TestData.compress(original, container)
            XCTAssertEqual(try TestData.decompress(compressed, container, limit: original.count), original)
            assertCompressionError(["zlib.output-limit"]) { try TestData.decompress(compressed, container, limit: original.count - 1) }
        }
    }

    func testContainersAreNotInterchangeable() throws {
        let data = Data("hello".utf8)
        assertCompressionError(["zlib.bad-header"]) { try Zlib.decompress(try Gzip.compress(data), limit: 100) }
        assertCompressionError(["zlib.bad-header"]) { try Gzip.decompress(try Zlib.compress(data), limit: 100) }
    }
}
