import Foundation
import PruneBundle
import PruneCore
import PruneCrypto
import XCTest

/// No single changed byte of a bundle file verifies: the signature covers the payload, and
/// the canonical-bytes rule covers what it does not (key names, base64 spelling, the hint).
final class PatchBundleByteFlipTests: XCTestCase {
    func testNoSingleByteFlipVerifies() throws {
        typealias Vectors = PatchBundleVectors
        let verifier = try PatchBundleVerifier(trustedKeys: [try PublicKey(pemFile: Vectors.path(Vectors.trusted))],
                                               modelPath: Vectors.path(Vectors.model))
        let original = try Data(contentsOf: Vectors.url("valid-root.bundle.json"))
        XCTAssertNoThrow(try verifier.verify(bundle: original, path: "valid-root"))
        // Inside the base64 payload any change of the decoded bytes breaks the signature, so
        // past the first 4 KiB a dense sample suffices there (a debug-build verification costs
        // about a millisecond). Everything else is flipped byte by byte, the structure also in
        // bit 5 (letter case: keys, hex digits, the key hint).
        let text = String(decoding: original, as: UTF8.self)
        let start = text.utf8.distance(from: text.startIndex, to: text.range(of: "\"payload\":\"")!.upperBound)
        let end = original[(original.startIndex + start)...].firstIndex(of: UInt8(ascii: "\""))! - original.startIndex
        let flips: [Flip] = (0..<original.count).flatMap { index -> [Flip] in
            if !(start..<end).contains(index) { return [Flip(index: index, mask: 0x01), Flip(index: index, mask: 0x20)] }
            return index < 4096 || index % 8 == 0 ? [Flip(index: index, mask: 0x01)] : []
        }
        let outcomes = Outcomes(count: flips.count)
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for k in stride(from: worker, to: flips.count, by: 2) {
                var bytes = original
                bytes[bytes.startIndex + flips[k].index] ^= flips[k].mask
                do {
                    _ = try verifier.verify(bundle: bytes, path: "flip")
                    outcomes.set(k, "verified")
                } catch let error as any PruneError {
                    outcomes.set(k, error.code)
                } catch {
                    outcomes.set(k, "\(error)")
                }
            }
        }
        var codes: [String: Int] = [:]
        for (k, code) in outcomes.all.enumerated() {
            XCTAssertNotEqual(code, "verified", "byte \(flips[k].index) ^ \(flips[k].mask) still verifies")
            codes[code, default: 0] += 1
        }
        XCTAssertGreaterThan(codes["bundle.signature.invalid"] ?? 0, flips.count / 2, "\(codes)")
        XCTAssertGreaterThan(flips.count, 4000)
    }
}

private struct Flip: Sendable {
    let index: Int
    let mask: UInt8
}

/// Results written by two workers at distinct indices.
private final class Outcomes: @unchecked Sendable {
    private var values: [String]
    private let lock = NSLock()
    init(count: Int) { values = Array(repeating: "", count: count) }
    func set(_ index: Int, _ value: String) { lock.withLock { values[index] = value } }
    var all: [String] { lock.withLock { values } }
}
