import Foundation

/// DSSE lets signers pick standard or URL-safe base64, padded or not, so verifiers accept
/// all four. Anything else (whitespace, stray or excess padding, a foreign character) is refused.
public enum LenientBase64 {
    public static func decode(_ text: String) -> Data? {
        // Byte-wise: this runs on every payload, and String bridging is slow for large ones.
        var body = Array(text.utf8)
        var padding = 0
        while body.last == UInt8(ascii: "=") {
            body.removeLast()
            padding += 1
        }
        guard padding <= 2 else { return nil }
        // Padding, when present, must complete the final quantum exactly.
        if padding > 0 && (body.count + padding) % 4 != 0 { return nil }
        for i in body.indices {
            if body[i] == UInt8(ascii: "-") { body[i] = UInt8(ascii: "+") } else if body[i] == UInt8(ascii: "_") { body[i] = UInt8(ascii: "/") }
        }
        body += Array(repeating: UInt8(ascii: "="), count: (4 - body.count % 4) % 4)
        return Data(base64Encoded: Data(body))
    }
}
