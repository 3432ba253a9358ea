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
