/// The npy header dict, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`,
/// read by a tiny literal parser instead of `eval`: exactly the keys descr, fortran_order
/// and shape; strings, True/False and tuples of non-negative integers.
struct NPYHeader {
    private let s: [UInt8]
    private var i = 0

    private init(_ text: String) { s = Array(text.utf8) }

    static func parse(_ text: String) throws(DataError) -> (descr: String, fortranOrder: Bool, shape: [Int]) {
        var p = NPYHeader(text)
        return try p.dict()
    }

    private enum Value { case string(String), bool(Bool), tuple([Int]) }

    private mutating func dict() throws(DataError) -> (descr: String, fortranOrder: Bool, shape: [Int]) {
        skipSpace()
        try expect("{")
        var values: [String: Value] = [:]
        while true {
            skipSpace()
            if peek == UInt8(ascii: "}") { i += 1; break }
            let key = try string()
            guard ["descr", "fortran_order", "shape"].contains(key) else { throw fail("unexpected key '\(key)'") }
            guard values[key] == nil else { throw fail("key '\(key)' appears twice") }
            skipSpace()
            try expect(":")
            skipSpace()
            values[key] = try value()
            skipSpace()
            if peek == UInt8(ascii: ",") { i += 1 } else if peek != UInt8(ascii: "}") { throw fail("expected ',' or '}'") }
        }
        skipSpace()
        guard i == s.count else { throw fail("unexpected text after the closing '}'") }
        guard case .string(let descr)? = values["descr"] else { throw fail("'descr' is missing or not a string") }
        guard case .bool(let fortran)? = values["fortran_order"] else { throw fail("'fortran_order' is missing or not True/False") }
        guard case .tuple(let shape)? = values["shape"] else { throw fail("'shape' is missing or not a tuple") }
        return (descr, fortran, shape)
    }

    private var peek: UInt8? { i < s.count ? s[i] : nil }

    private mutating func skipSpace() {
        while let c = peek, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 }
    }

    private mutating func expect(_ c: Unicode.Scalar) throws(DataError) {
        guard peek == UInt8(ascii: c) else { throw fail("expected '\(c)'") }
        i += 1
    }

    private mutating func string() throws(DataError) -> String {
        guard let quote = peek, quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else { throw fail("expected a quoted string") }
        i += 1
        let start = i
        while let c = peek, c != quote {
            guard c != UInt8(ascii: "\\") else { throw fail("escapes in strings are not supported") }
            i += 1
        }
        guard peek == quote else { throw fail("unterminated string") }
        i += 1
        return String(decoding: s[start..<(i - 1)], as: UTF8.self)
    }

    private mutating func value() throws(DataError) -> Value {
        if peek == UInt8(ascii: "'") || peek == UInt8(ascii: "\"") { return .string(try string()) }
        if match("True") { return .bool(true) }
        if match("False") { return .bool(false) }
        if peek == UInt8(ascii: "[") { throw fail("structured dtypes are not supported") }
        guard peek == UInt8(ascii: "(") else { throw fail("expected a string, True, False or a tuple") }
        i += 1
        var sizes = [Int]()
        while true {
            skipSpace()
            if peek == UInt8(ascii: ")") { i += 1; break }
            let start = i
            while let c = peek, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { i += 1 }
            guard i > start else { throw fail("expected a non-negative integer in the shape") }
            guard let n = Int(String(decoding: s[start..<i], as: UTF8.self)) else {
                throw .tooLarge(detail: "npy header: shape size \(String(decoding: s[start..<i], as: UTF8.self)) overflows")
            }
            if peek == UInt8(ascii: "L") { i += 1 } // Python 2 long suffix, written by old NumPy.
            sizes.append(n)
            skipSpace()
            if peek == UInt8(ascii: ",") { i += 1 } else if peek != UInt8(ascii: ")") { throw fail("expected ',' or ')' in the shape") }
        }
        return .tuple(sizes)
    }

    private mutating func match(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard s.count - i >= w.count, Array(s[i..<(i + w.count)]) == w else { return false }
        i += w.count
        return true
    }

    private func fail(_ why: String) -> DataError {
        .malformed(detail: "npy header, byte \(i): \(why)")
    }
}
