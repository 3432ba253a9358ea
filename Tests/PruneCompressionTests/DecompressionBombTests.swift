import Foundation
import PruneCompression
import XCTest

/// A stream that expands 1 GiB of zeros must be refused under a 64 MiB limit without the
/// process ever holding anything close to 1 GiB.
///
/// Memory check: Linux's VmHWM in /proc/self/status is the peak resident set of the whole
/// process so far. Reading it after the test bounds everything the test allocated; the limit
/// of 512 MiB is far below the 1 GiB a naive inflate would need (~64 MiB limit + one chunk + the
/// ~1 MiB bomb + the test runner are expected).
final class DecompressionBombTests: XCTestCase {
    func testGigabyteOfZerosIsRefusedUnderALimitQuicklyAndWithoutAllocatingIt() throws {
        let zeros = Data(count: 1 << 20)
        for container in CompressionContainer.allCases {
            let deflater = try Deflater(container: container, level: 1)
            var bomb = Data()
            for _ in 0..<1024 { bomb += try deflater.update(zeros) }
            bomb += try deflater.finish()
            // Level 1 is the fastest to build; its ~4.5 MiB still expands more than 200-fold.
            XCTAssertLessThan(bomb.count, 8 << 20, "the bomb should be a few MiB")

            let start = Date()
            assertCompressionError(["zlib.output-limit"], "\(container)") {
                try TestData.decompress(bomb, container, limit: 64 << 20)
            }
            let seconds = Date().timeIntervalSince(start)
            XCTAssertLessThan(seconds, 5, "refusal took \(seconds) s; it inflates only 64 MiB")
        }
        let peak = try XCTUnwrap(peakResidentKiB())
        print("bomb test: peak resident memory \(peak / 1024) MiB")
        XCTAssertLessThan(peak, 512 * 1024, "peak resident memory \(peak) KiB")
    }

    private func peakResidentKiB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
    }
}
