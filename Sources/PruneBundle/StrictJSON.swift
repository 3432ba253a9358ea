import Foundation

/// A strict RFC 8259 parser for signed documents. Anything two parsers could read
/// differently is refused: duplicate keys, invalid UTF-8, unpaired surrogates, NaN and
/// Infinity, leading zeros, out-of-range numbers, trailing bytes, a byte-order mark. Depth
/// and size are bounded so hostile input cannot exhaust the stack or memory.
public struct StrictJSON: Sendable {
    public var maxDepth: Int
    public var maxBytes: Int

    public init(maxDepth: Int = 64, maxBytes: Int = 16 << 20) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }

    public func parse(_ data: Data) throws(BundleError) -> JSONValue {
        if data.count > maxBytes { throw .jsonTooLarge(size: data.count, limit: maxBytes) }
        var parser = Parser(bytes: [UInt8](data), maxDepth: maxDepth)
        return try parser.document()
    }

    /// Parses with the default limits.
    public static func parse(_ data: Data) throws(BundleError) -> JSONValue {
        try StrictJSON().parse(data)
    }
}

private struct Parser {
    let bytes: [UInt8]
    let maxDepth: Int
    var offset = 0
    /// Keys and indices from the root to the value being parsed, rendered only for errors.
    var path: [JSONPathComponent] = []

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func document() throws(BundleError) -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { throw malformed("byte-order mark before the document") }
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if offset < bytes.count { throw malformed("unexpected data after the document") }
        return value
    }

    // MARK: values

    mutating func parseValue(depth: Int) throws(BundleError) -> JSONValue {
        guard offset < bytes.count else { throw malformed("unexpected end of input, expected a value") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw malformed("unexpected character \(describe(bytes[offset])), expected a value")
        }
    }

    mutating func parseObject(depth: Int) throws(BundleError) -> JSONValue {
        if depth > maxDepth { throw tooDeep() }
        offset += 1
        var members: [JSONMember] = []
        // Canonically equivalent keys count as duplicates too: they would look identical to a reviewer.
        var seen = Set<String>()
        skipWhitespace()
        if peek(UInt8(ascii: "}")) { offset += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard peek(UInt8(ascii: "\"")) else { throw malformed("expected a string key") }
            let keyStart = offset
            let key = try parseString()
            if !seen.insert(key).inserted {
                let (line, column) = position(of: keyStart)
                throw .jsonDuplicateKey(key: key, path: JSONPathComponent.render(path), line: line, column: column)
            }
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else { throw malformed("expected ':' after a key") }
            offset += 1
            skipWhitespace()
            path.append(.key(key))
            let value = try parseValue(depth: depth)
            path.removeLast()
            members.append(JSONMember(key, value))
            skipWhitespace()
            if peek(UInt8(ascii: ",")) { offset += 1; continue }
            if peek(UInt8(ascii: "}")) { offset += 1; return .object(members) }
            throw malformed("expected ',' or '}' in an object")
        }
    }

    mutating func parseArray(depth: Int) throws(BundleError) -> JSONValue {
        if depth > maxDepth { throw tooDeep() }
        offset += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) { offset += 1; return .array(elements) }
        while true {
            skipWhitespace()
            path.append(.index(elements.count))
            let value = try parseValue(depth: depth)
            path.removeLast()
            elements.append(value)
            skipWhitespace()
            if peek(UInt8(ascii: ",")) { offset += 1; continue }
            if peek(UInt8(ascii: "]")) { offset += 1; return .array(elements) }
            throw malformed("expected ',' or ']' in an array")
        }
    }

    mutating func parseString() throws(BundleError) -> String {
        offset += 1
        // Fast path for the common run of plain ASCII (base64 payloads are long): bytes that
        // need no escape or UTF-8 check are taken as one slice; anything else continues below.
        let start = offset
        while offset < bytes.count, (0x20..<0x80).contains(bytes[offset]),
              bytes[offset] != UInt8(ascii: "\""), bytes[offset] != UInt8(ascii: "\\") {
            offset += 1
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") {
            offset += 1
            return String(decoding: bytes[start..<(offset - 1)], as: UTF8.self)
        }
        var out = Array(bytes[start..<offset])
        while true {
            guard offset < bytes.count else { throw malformed("unterminated string") }
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                // Sequences were checked one by one; this re-check keeps the invariant local.
                guard let text = String(validating: out, as: UTF8.self) else { throw malformed("invalid UTF-8 in a string") }
                return text
            case UInt8(ascii: "\\"):
                offset += 1
                try parseEscape(into: &out)
            case 0x00..<0x20:
                throw malformed("unescaped control character \(describe(byte)) in a string")
            case 0x00..<0x80:
                out.append(byte)
                offset += 1
            default:
                out.append(contentsOf: try utf8Sequence())
            }
        }
    }

    /// Consumes one multi-byte UTF-8 sequence, refusing it at its own position when invalid
    /// (overlong forms, encoded surrogates and values above U+10FFFF included).
    mutating func utf8Sequence() throws(BundleError) -> ArraySlice<UInt8> {
        let lead = bytes[offset]
        let length: Int
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: throw malformed("invalid UTF-8 byte \(describe(lead))")
        }
        guard offset + length <= bytes.count else { throw malformed("truncated UTF-8 sequence") }
        let sequence = bytes[offset ..< offset + length]
        guard String(validating: Array(sequence), as: UTF8.self) != nil else {
            throw malformed("invalid UTF-8 sequence")
        }
        offset += length
        return sequence
    }

    mutating func parseEscape(into out: inout [UInt8]) throws(BundleError) {
        guard offset < bytes.count else { throw malformed("unterminated escape") }
        let byte = bytes[offset]
        offset += 1
        switch byte {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            let start = offset - 2
            let unit = try hex4()
            var scalarValue = UInt32(unit)
            if (0xD800...0xDBFF).contains(unit) {
                guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw malformed("unpaired high surrogate", at: start)
                }
                offset += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw malformed("unpaired high surrogate", at: start) }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw malformed("unpaired low surrogate", at: start)
            }
            guard let scalar = Unicode.Scalar(scalarValue) else { throw malformed("invalid \\u escape", at: start) }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            throw malformed("invalid escape \\\(describe(byte))", at: offset - 2)
        }
    }

    mutating func hex4() throws(BundleError) -> UInt16 {
        guard offset + 4 <= bytes.count else { throw malformed("truncated \\u escape") }
        var value: UInt16 = 0
        for byte in bytes[offset ..< offset + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw malformed("invalid hex digit \(describe(byte)) in a \\u escape")
            }
            value = value << 4 | UInt16(digit)
        }
        offset += 4
        return value
    }

    mutating func parseNumber() throws(BundleError) -> JSONNumber {
        let start = offset
        if peek(UInt8(ascii: "-")) { offset += 1 }
        guard offset < bytes.count, isDigit(bytes[offset]) else { throw malformed("a number needs digits", at: start) }
        if bytes[offset] == UInt8(ascii: "0") {
            offset += 1
            if offset < bytes.count, isDigit(bytes[offset]) { throw malformed("leading zero in a number", at: start) }
        } else {
            while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
        }
        if peek(UInt8(ascii: ".")) {
            offset += 1
            guard offset < bytes.count, isDigit(bytes[offset]) else { throw malformed("digits must follow '.'", at: start) }
            while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            offset += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { offset += 1 }
            guard offset < bytes.count, isDigit(bytes[offset]) else { throw malformed("digits must follow the exponent", at: start) }
            while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
        }
        let literal = String(decoding: bytes[start ..< offset], as: UTF8.self)
        guard let value = Double(literal), value.isFinite else { throw malformed("number \(literal) is out of range", at: start) }
        return JSONNumber(literal: literal, value: value)
    }

    mutating func literal(_ word: String) throws(BundleError) {
        let expected = Array(word.utf8)
        guard bytes.count - offset >= expected.count, Array(bytes[offset ..< offset + expected.count]) == expected else {
            throw malformed("unexpected characters, expected a value")
        }
        offset += expected.count
    }

    // MARK: helpers

    func peek(_ byte: UInt8) -> Bool { offset < bytes.count && bytes[offset] == byte }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : String(format: "0x%02x", byte)
    }

    /// 1-based line and column (in bytes) of `offset`.
    func position(of offset: Int) -> (line: Int, column: Int) {
        var line = 1, lineStart = 0
        for index in 0 ..< min(offset, bytes.count) where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return (line, offset - lineStart + 1)
    }

    func malformed(_ reason: String, at position: Int? = nil) -> BundleError {
        let (line, column) = self.position(of: position ?? offset)
        return .jsonMalformed(reason: reason, line: line, column: column)
    }

    func tooDeep() -> BundleError {
        let (line, column) = position(of: offset)
        return .jsonTooDeep(limit: maxDepth, line: line, column: column)
    }
}
