import Foundation
import PruneCore
import XCTest

/// Builders for tiny dataset files, written by the tests themselves (never from /work/shared).
enum DataFixtures {
    /// Writes `bytes` to `name` in `dir` and returns the path.
    @discardableResult
    static func write(_ bytes: [UInt8], _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        try write(Array(text.utf8), name, in: dir)
    }

    /// An npy file with the given header dict text, padded to a multiple of 64 like NumPy.
    static func npy(header dict: String, payload: [UInt8], version: UInt8 = 1) -> [UInt8] {
        let prefix = version == 1 ? 10 : 12
        var header = Array(dict.utf8)
        while (prefix + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        var out: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0]
        let n = header.count
        if version == 1 {
            out += [UInt8(n & 0xFF), UInt8(n >> 8)]
        } else {
            out += [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)]
        }
        return out + header + payload
    }

    static func shapeText(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    static func npy(float32 values: [Float], shape: [Int], version: UInt8 = 1) -> [UInt8] {
        npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText(shape)), }",
            payload: values.flatMap { le($0.bitPattern) }, version: version)
    }

    static func npy(float64 values: [Double], shape: [Int], version: UInt8 = 1) -> [UInt8] {
        npy(header: "{'descr': '<f8', 'fortran_order': False, 'shape': \(shapeText(shape)), }",
            payload: values.flatMap { le($0.bitPattern) }, version: version)
    }

    static func npy(int64 values: [Int64], shape: [Int]) -> [UInt8] {
        npy(header: "{'descr': '<i8', 'fortran_order': False, 'shape': \(shapeText(shape)), }",
            payload: values.flatMap { le(UInt64(bitPattern: $0)) })
    }

    static func npy(uint8 values: [UInt8], shape: [Int]) -> [UInt8] {
        npy(header: "{'descr': '|u1', 'fortran_order': False, 'shape': \(shapeText(shape)), }", payload: values)
    }

    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: v >> ($0 * 8)) }
    }

    static func be32(_ v: Int) -> [UInt8] {
        [UInt8((v >> 24) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    static func idxImages(_ pixels: [UInt8], count: Int, rows: Int, cols: Int) -> [UInt8] {
        [0, 0, 0x08, 0x03] + be32(count) + be32(rows) + be32(cols) + pixels
    }

    static func idxLabels(_ labels: [UInt8]) -> [UInt8] {
        [0, 0, 0x08, 0x01] + be32(labels.count) + labels
    }
}

/// Asserts that `body` throws an error with `code` whose message contains every one of `fragments`.
func assertThrows<T>(_ code: String, containing fragments: [String], _ body: @autoclosure () throws -> T,
                     file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        guard let error = error as? any PruneError else {
            return XCTFail("not a PruneError: \(error)", file: file, line: line)
        }
        XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
        for f in fragments {
            XCTAssertTrue(error.message.contains(f), "'\(error.message)' does not contain '\(f)'", file: file, line: line)
        }
    }
}
