import Foundation
import PruneCore
import XCTest

/// Asserts that `body` throws a PruneError with the given stable code.
public func XCTAssertThrowsCode<T>(_ code: String, _ body: @autoclosure () throws -> T,
                                   file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        guard let error = error as? any PruneError else {
            return XCTFail("not a PruneError: \(error)", file: file, line: line)
        }
        XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
    }
}

extension Data {
    /// A copy with one bit flipped at `index`, for tamper tests.
    public func flippingBit(at index: Int) -> Data {
        var copy = self
        copy[copy.startIndex + index] ^= 0x01
        return copy
    }
}

/// |a − b| ≤ tolerance · max(1, |b|) for every entry.
public func assertClose(_ actual: [Double], _ expected: [Double], relative tolerance: Double, _ what: String,
                        file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(what): sizes", file: file, line: line)
    for (i, (a, b)) in zip(actual, expected).enumerated() where !(abs(a - b) <= tolerance * max(1, abs(b))) {
        return XCTFail("\(what)[\(i)]: \(a) vs \(b) (tolerance \(tolerance))", file: file, line: line)
    }
}
