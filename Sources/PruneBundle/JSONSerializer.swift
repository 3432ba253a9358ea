import Foundation

/// Writes JSON deterministically: members in the given order (or sorted by code point), no
/// optional escapes (`/` and non-ASCII stay as they are), numbers as their literal text.
public enum JSONSerializer {
    public enum Style: Sendable {
        /// No whitespace at all.
        case compact
        /// Python's `json.dumps(indent=2)` layout, the one model-signing uses for payloads.
        case pretty
    }

    public static func data(_ value: JSONValue, style: Style = .compact, sortKeys: Bool = false) -> Data {
        var out: [UInt8] = []
        write(value, style: style, sortKeys: sortKeys, indent: 0, into: &out)
        return Data(out)
    }

    private static func write(_ value: JSONValue, style: Style, sortKeys: Bool, indent: Int, into out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let flag): out += Array((flag ? "true" : "false").utf8)
        case .number(let number): out += Array(number.literal.utf8)
        case .string(let text): writeString(text, into: &out)
        case .array(let elements):
            if elements.isEmpty { out += Array("[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(style, indent + 1, into: &out)
                write(element, style: style, sortKeys: sortKeys, indent: indent + 1, into: &out)
            }
            newline(style, indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { out += Array("{}".utf8); return }
            let ordered = sortKeys ? members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } : members
            out.append(UInt8(ascii: "{"))
            for (index, member) in ordered.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(style, indent + 1, into: &out)
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                if style == .pretty { out.append(UInt8(ascii: " ")) }
                write(member.value, style: style, sortKeys: sortKeys, indent: indent + 1, into: &out)
            }
            newline(style, indent, into: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(_ style: Style, _ indent: Int, into out: inout [UInt8]) {
        guard style == .pretty else { return }
        out.append(0x0A)
        out += [UInt8](repeating: 0x20, count: 2 * indent)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Copies runs of plain bytes whole and escapes only `"`, `\\` and controls: bundles are
    /// mostly long base64 strings, so this is most of the time spent re-serialising one.
    private static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(0x22)
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for i in 0..<bytes.count {
                let byte = bytes[i]
                guard byte == 0x22 || byte == 0x5C || byte < 0x20 else { continue }
                out.append(contentsOf: bytes[start..<i])
                start = i + 1
                switch byte {
                case 0x22: out += [0x5C, 0x22]
                case 0x5C: out += [0x5C, 0x5C]
                case 0x08: out += [0x5C, UInt8(ascii: "b")]
                case 0x0C: out += [0x5C, UInt8(ascii: "f")]
                case 0x0A: out += [0x5C, UInt8(ascii: "n")]
                case 0x0D: out += [0x5C, UInt8(ascii: "r")]
                case 0x09: out += [0x5C, UInt8(ascii: "t")]
                default: out += Array("\\u00".utf8) + [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
                }
            }
            out.append(contentsOf: bytes[start..<bytes.count])
        }
        out.append(0x22)
    }
}
