import Foundation
import PruneCompression
import XCTest

/// Damaged input always fails with a data error; it never yields wrong bytes.
final class MalformedInputTests: XCTestCase {
    private let original = TestData.json(records: 2_000) + TestData.random(count: 5_000, seed: 7)

    func testEmptyInputIsTruncated() {
        for container in CompressionContainer.allCases {
            assertCompressionError(["zlib.truncated"]) { try TestData.decompress(Data(), container) }
        }
    }

    func testTruncationAtManyCutPoints() throws {
        for container in CompressionContainer.allCases {
            let compressed = try TestData.compress(original, container)
            let cuts = [1, 2, 5, 10, 11, compressed.count / 3, compressed.count / 2, compressed.count - 5,
                        compressed.count - 4, compressed.count - 1]
            for cut in cuts {
                assertCompressionError(["zlib.truncated"], "\(container) cut \(cut)") {
                    try TestData.decompress(compressed.prefix(cut), container)
                }
            }
        }
    }

    /// A flipped byte in the body may show up as bad deflate codes, a wrong checksum, or even
    /// a stream that ends early or late; any of these is acceptable, silently wrong output is not.
    func testFlippedByteInTheBodyIsDetected() throws {
        for container in CompressionContainer.allCases {
            let compressed = try TestData.compress(original, container)
            for position in stride(from: compressed.count / 4, to: compressed.count * 3 / 4, by: compressed.count / 16) {
                var damaged = compressed
                damaged[position] ^= 0x5a
                assertCompressionError(["zlib.corrupt", "zlib.checksum", "zlib.truncated", "zlib.trailing-data"],
                                       "\(container) at \(position)") {
                    try TestData.decompress(damaged, container)
                }
            }
        }
    }

    /// zlib ends with a 4-byte Adler-32; gzip with CRC-32 then the length, 4 bytes each.
    func testFlippedTrailerByteIsAChecksumError() throws {
        for container in CompressionContainer.allCases {
            let compressed = try TestData.compress(original, container)
            let trailerLength = container == .zlib ? 4 : 8
            for offset in 1...trailerLength {
                var damaged = compressed
                damaged[compressed.count - offset] ^= 0x01
                assertCompressionError(["zlib.checksum"], "\(container) trailer byte -\(offset)") {
                    try TestData.decompress(damaged, container)
                }
            }
        }
    }

    func testDamagedHeaderIsABadHeader() throws {
        for container in CompressionContainer.allCases {
            var damaged = try TestData.compress(original, container)
            damaged[damaged.startIndex] ^= 0xff
            assertCompressionError(["zlib.bad-header"], "\(container)") { try TestData.decompress(damaged, container) }
        }
    }

    func testTrailingGarbageIsRefused() throws {
        for container in CompressionContainer.allCases {
            let compressed = try TestData.compress(original, container)
            for garbage in [Data([0]), Data("trailing".utf8)] {
                assertCompressionError(["zlib.trailing-data"], "\(container)") {
                    try TestData.decompress(compressed + garbage, container)
                }
            }
            // Also when the garbage arrives in a later streaming call.
            let inflater = try Inflater(container: container, limit: 1 << 20)
            _ = try inflater.update(compressed)
            assertCompressionError(["zlib.trailing-data"]) { try inflater.update(Data([1])) }
        }
    }

    func testErrorsAreDataErrorsAndSticky() throws {
        let inflater = try Inflater(container: .zlib, limit: 10)
        assertCompressionError(["zlib.bad-header"]) { try inflater.update(Data("not zlib".utf8)) }
        assertCompressionError(["zlib.bad-header"]) { try inflater.update(try Zlib.compress(Data("ok".utf8))) }
        XCTAssertEqual(CompressionError.truncated.exitStatus, .dataError)
        XCTAssertEqual(CompressionError.internal(detail: "x").exitStatus, .internalError)
    }
}
